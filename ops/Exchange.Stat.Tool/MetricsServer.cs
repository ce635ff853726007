// A small HTTP/1.1 endpoint for Prometheus: GET /metrics reads every counters file on the host at that moment, GET
// /health says the server is up. One connection at a time, a bounded request (8 KiB, 5 s), the connection closed after
// each answer: a scraper's needs, and nothing a stranger on the port can make expensive.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Exchange.Stat.Tool;

internal static class MetricsServer
{
    private const int MaxRequestBytes = 8192;

    public static int Run(string listen, string directory)
    {
        if (!IPEndPoint.TryParse(listen, out var endpoint))
        {
            Console.Error.WriteLine($"exchange-stat: --listen '{listen}' is not HOST:PORT");
            return 2;
        }
        var listener = new TcpListener(endpoint);
        try { listener.Start(); }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"exchange-stat: cannot listen on {endpoint}: {e.Message}");
            return 2;
        }
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        Console.WriteLine($"listening http://{listener.LocalEndpoint}/metrics counters={directory}");
        Console.Out.Flush();
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = listener.AcceptTcpClientAsync(stop.Token).AsTask().GetAwaiter().GetResult(); }
            catch (OperationCanceledException) { break; }
            catch (SocketException) { continue; }
            using (client)
                try { Answer(client, directory); }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { }
        }
        listener.Stop();
        return 0;
    }

    private static void Answer(TcpClient client, string directory)
    {
        client.ReceiveTimeout = 5000;
        client.SendTimeout = 5000;
        var stream = client.GetStream();
        var buffer = new byte[MaxRequestBytes];
        int length = 0;
        bool complete = false;
        while (length < buffer.Length && !complete)
        {
            int read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0) break;
            length += read;
            complete = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0;
        }
        string head = Encoding.ASCII.GetString(buffer, 0, length);
        int lineEnd = head.IndexOf("\r\n", StringComparison.Ordinal);
        string[] request = (lineEnd < 0 ? head : head[..lineEnd]).Split(' ');
        if (!complete || request.Length != 3 || !request[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            Write(stream, 400, "text/plain", "bad request\n");
            return;
        }
        if (request[0] != "GET") { Write(stream, 405, "text/plain", "only GET\n"); return; }
        string path = request[1].Split('?')[0];
        switch (path)
        {
            case "/metrics": Write(stream, 200, "text/plain; version=0.0.4; charset=utf-8", Snapshot.Prometheus(Snapshot.Read(directory, null))); break;
            case "/health": Write(stream, 200, "text/plain", "ok\n"); break;
            default: Write(stream, 404, "text/plain", "not found: try /metrics\n"); break;
        }
    }

    private static void Write(NetworkStream stream, int status, string type, string body)
    {
        string reason = status switch { 200 => "OK", 400 => "Bad Request", 404 => "Not Found", 405 => "Method Not Allowed", _ => "Error" };
        byte[] content = Encoding.UTF8.GetBytes(body);
        byte[] header = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\nContent-Type: {type}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n");
        stream.Write(header);
        stream.Write(content);
    }
}
