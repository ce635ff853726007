// A raw HTTP/1.1 exchange with a process's operator endpoint, as a prober or scraper (or a stranger) would have it.
using System.Net.Sockets;
using System.Text;

namespace Exchange.Testing;

public static class Http
{
    /// <summary>Sends <paramref name="request"/> as given to 127.0.0.1:<paramref name="port"/> and returns the whole
    /// answer ("" when the server cut the connection).</summary>
    public static string Exchange(int port, string request)
    {
        using var client = new TcpClient();
        client.Connect("127.0.0.1", port);
        client.ReceiveTimeout = 10_000;
        var stream = client.GetStream();
        try { stream.Write(Encoding.ASCII.GetBytes(request)); }
        catch (IOException) { } // the server may close before an oversized request is all sent
        using var reader = new StreamReader(stream, Encoding.UTF8);
        try { return reader.ReadToEnd(); }
        catch (IOException) { return ""; }
    }

    public static string Get(int port, string path) => Exchange(port, $"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n");
}
