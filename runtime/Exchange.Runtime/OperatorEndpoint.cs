// A process's operator port: a small HTTP/1.1 endpoint on a thread of its own, off every hot path. GET /health says the
// process is alive, GET /ready whether it should be sent work (503 with the reason when not), GET /metrics its counters
// in the Prometheus text format. One connection at a time, a bounded request (8 KiB, 5 s), the connection closed after
// each answer: a prober's and a scraper's needs, and nothing a stranger on the port can make expensive. It binds where
// it is told, loopback unless configured otherwise.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Exchange.Runtime;

public sealed class OperatorEndpoint : IDisposable
{
    private const int MaxRequestBytes = 8192;

    private readonly TcpListener _listener;
    private readonly Func<string> _metrics;
    private readonly Func<(bool Ready, string Why)> _ready;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    /// <param name="metrics">The Prometheus text, read when scraped.</param>
    /// <param name="ready">Whether the process is ready, and why (or why not), read when probed; must be thread-safe.</param>
    public OperatorEndpoint(IPEndPoint listen, Func<string> metrics, Func<(bool Ready, string Why)> ready)
    {
        _metrics = metrics;
        _ready = ready;
        _listener = new TcpListener(listen);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _thread = new Thread(Serve) { IsBackground = true, Name = "operator-endpoint" };
        _thread.Start();
    }

    /// <summary>Where it listens (the port chosen when 0 was asked for).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>HOST:PORT, or null for an address that is not one.</summary>
    public static IPEndPoint? Parse(string text) => IPEndPoint.TryParse(text, out var endpoint) ? endpoint : null;

    private void Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = _listener.AcceptTcpClientAsync(_stop.Token).AsTask().GetAwaiter().GetResult(); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            using (client)
                try { Answer(client); }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        }
    }

    private void Answer(TcpClient client)
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
        switch (request[1].Split('?')[0])
        {
            case "/metrics": Write(stream, 200, "text/plain; version=0.0.4; charset=utf-8", _metrics()); break;
            case "/health": Write(stream, 200, "text/plain", "alive\n"); break;
            case "/ready":
                var (ready, why) = _ready();
                Write(stream, ready ? 200 : 503, "text/plain", (ready ? "ready: " : "not ready: ") + why + "\n");
                break;
            default: Write(stream, 404, "text/plain", "not found: /health, /ready or /metrics\n"); break;
        }
    }

    private static void Write(NetworkStream stream, int status, string type, string body)
    {
        string reason = status switch { 200 => "OK", 400 => "Bad Request", 404 => "Not Found", 405 => "Method Not Allowed", 503 => "Service Unavailable", _ => "Error" };
        byte[] content = Encoding.UTF8.GetBytes(body);
        byte[] header = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\nContent-Type: {type}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n");
        stream.Write(header);
        stream.Write(content);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _thread.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
