// A real etcd for a test, started by the project's own script (ops/servers/etcd.sh: installs it if missing) on free
// loopback ports in a temporary directory; it dies with the test.
namespace Exchange.Testing;

public sealed class EtcdServer : IDisposable
{
    private readonly TempDirectory _data = new("etcd-");
    private readonly ChildProcess _process;

    public EtcdServer()
    {
        int client = Ports.FreeTcp(), peer = Ports.FreeTcp();
        Endpoint = $"http://127.0.0.1:{client}";
        _process = ChildProcess.Start(Script(), [_data.Path, client.ToString(), peer.ToString()], name: "etcd");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        Eventually.True(() =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"etcd exited ({_process.ExitCode}): {_process.Stderr}");
            try { return http.GetStringAsync($"{Endpoint}/health").Result.Contains("\"true\"", StringComparison.Ordinal); }
            catch (AggregateException) { return false; }
        }, "etcd answers /health", TimeSpan.FromSeconds(120));
    }

    /// <summary>ops/servers/etcd.sh of the checkout this test was built from.</summary>
    private static string Script() => ServerScripts.Path("etcd.sh");

    /// <summary>The client URL, e.g. http://127.0.0.1:40001.</summary>
    public string Endpoint { get; }

    public void Dispose()
    {
        _process.Dispose();
        _data.Dispose();
    }
}
