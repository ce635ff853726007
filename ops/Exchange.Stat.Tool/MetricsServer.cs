// exchange-stat serve: the operator endpoint over every counters file on the host, read at each scrape.
using System.Net.Sockets;

namespace Exchange.Stat.Tool;

internal static class MetricsServer
{
    public static int Run(string listen, string directory)
    {
        if (OperatorEndpoint.Parse(listen) is not { } endpoint)
        {
            Console.Error.WriteLine($"exchange-stat: --listen '{listen}' is not HOST:PORT");
            return 2;
        }
        var log = Exchange.Hosting.LogOutput.FromEnvironment().For("exchange-stat");
        OperatorEndpoint server;
        try { server = new OperatorEndpoint(endpoint, () => Snapshot.Prometheus(Snapshot.Read(directory, null)), () => (true, "exchange-stat serving")); }
        catch (SocketException e)
        {
            log.Error($"cannot listen on {endpoint}: {e.Message}");
            return 2;
        }
        using (server)
        {
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
            using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            Console.WriteLine($"listening http://{server.EndPoint}/metrics counters={directory}");
            Console.Out.Flush();
            log.Info($"serving /metrics and /health on http://{server.EndPoint}/ for the counters in {directory}");
            stop.Token.WaitHandle.WaitOne();
        }
        return 0;
    }
}
