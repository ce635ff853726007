// A client that logs on late, against a real engine process over real UDP: the engine drops a connection that has not
// logged on within its limit, the client's stream joins again at its current position, and a Logon sent about then
// never reaches the engine. The client offers an unanswered Logon again, so every such client still logs on. (Seen in
// a loaded full test run: a market maker created beside another whose logon took over the 5 s limit timed out.)
using Exchange.Client;
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class LateLogonTests : IDisposable
{
    private readonly TempDirectory _root = new("exchange-late-logon-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Clients_whose_connections_the_engine_dropped_for_logging_on_late_still_log_on()
    {
        // A 200 ms limit, so the stream of a client that waits 300-1,000 ms before its logon is dropped and joined again
        // (every few hundred ms) while it waits: some of the logons meet the moment between the two.
        string config = _root.Combine("limits.json");
        Directory.CreateDirectory(_root.Path);
        File.WriteAllText(config, """{ "limits": { "logonTimeoutMs": 200 } }""");
        using var engine = new EngineProcess(1, "BTC-USD,ETH-USD", _root.Combine("engine"), durability: "none", extra: ["--config", config]);
        var random = new Random(7);
        string[] keys = ["mm-1001-key", "mm-1002-key"];
        var failures = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            using var client = new ExchangeClient<RecordingListener>(
                new ClientOptions { ApiKey = keys[i % 2], Shards = [new ShardEndpoint(engine.ChannelUri, [1, 2])] }, new RecordingListener());
            var logOnAt = DateTime.UtcNow.AddMilliseconds(300 + random.Next(700));
            while (DateTime.UtcNow < logOnAt) { client.Poll(); Thread.Sleep(1); }
            try
            {
                client.Connect(Timeouts.Prompt);
                client.Logout(Timeouts.Prompt);
            }
            catch (TimeoutException e) { failures.Add($"client {i}: {e.Message}"); }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + engine.Process.Stderr);
        // The scenario happened: the engine dropped connections that had not logged on.
        Eventually.True(() => engine.Process.Stderr.Contains("connections_evicted_before_logon=", StringComparison.Ordinal),
            "the engine reports connections evicted before logon", Timeouts.Prompt);
    }
}
