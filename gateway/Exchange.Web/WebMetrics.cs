// exchange-web's counters, in the process's counters file (exchange-stat and /metrics read them): WebSocket connections
// open and upgrades refused for the limits. Connections come and go on many threads; one timer publishes the levels
// every 100 ms, so the file has one writer.
namespace Exchange.Web;

internal sealed class WebMetrics : IDisposable
{
    private readonly CountersFile _file;
    private readonly Counter _connections, _refused;
    private readonly Func<int> _open;
    private readonly Func<long> _refusedSoFar;
    private readonly Timer _timer;

    public WebMetrics(CountersFile file, Func<int> open, Func<long> refused)
    {
        _file = file;
        _open = open;
        _refusedSoFar = refused;
        _connections = file.Add("web_connections", CounterKind.Gauge, "WebSocket connections open");
        _refused = file.Add("web_connections_refused", CounterKind.Total, "WebSocket upgrades refused for the connection limits");
        _timer = new Timer(_ => Publish(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    private void Publish()
    {
        _connections.Set(_open());
        _refused.Set(_refusedSoFar());
        _file.Heartbeat(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <summary>The process's counters file; private counters, with a warning, if it cannot be made.</summary>
    public static CountersFile Open(Exchange.Hosting.Log log)
    {
        try { return CountersFile.Create("exchange-web"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"cannot publish counters in {CountersFile.DefaultDirectory()}: {e.Message}; exchange-stat will not see this process");
            return CountersFile.Private();
        }
    }

    /// <summary>Stops the timer and waits for a publish in progress: the file is unmapped after this.</summary>
    public void Dispose()
    {
        using var done = new ManualResetEvent(false);
        if (_timer.Dispose(done)) done.WaitOne(TimeSpan.FromSeconds(5));
    }
}
