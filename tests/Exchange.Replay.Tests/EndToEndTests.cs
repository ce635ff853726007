// The operators' promise: a journal exchange-perf wrote while replaying an order flow rebuilds, through
// exchange-replay, to the state hash exchange-perf reported.
namespace Exchange.Replay.Tests;

public sealed class EndToEndTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "replay-e2e-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Rebuilding_a_journal_written_by_exchange_perf_gives_the_state_hash_it_reported()
    {
        Directory.CreateDirectory(_directory);
        string orders = Path.Combine(_directory, "orders.txt");
        string journal = Path.Combine(_directory, "journal");

        var generated = Tools.Perf("gen-orders", "--count", "20000", "--out", orders);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        var perf = Tools.Perf("book", "--orders", orders, "--runs", "1", "--journal", journal, "--json");
        Assert.True(perf.ExitCode == 0, perf.ToString());
        var rebuild = Tools.Replay("rebuild", journal, "--json");
        var verify = Tools.Replay("verify", journal, "--json");

        Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        string perfHash = perf.Json.GetProperty("stateHash").GetString()!;
        Assert.Matches("^[0-9a-f]{16}$", perfHash);
        Assert.Equal(perfHash, rebuild.Json.GetProperty("stateHash").GetString());
        Assert.Equal(perf.Json.GetProperty("journalRecords").GetInt64(), rebuild.Json.GetProperty("recordsReplayed").GetInt64());
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }
}
