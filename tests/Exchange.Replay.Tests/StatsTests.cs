// stats: counts per message type and records per time bucket.
namespace Exchange.Replay.Tests;

public sealed class StatsTests : IDisposable
{
    private readonly TestJournal _journal = new(Workload.Generate(2500, seed: 17));

    public void Dispose() => _journal.Dispose();

    [Fact]
    public void Stats_count_records_per_message_type()
    {
        var result = Tools.Replay("stats", _journal.Directory, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var types = result.Json.GetProperty("types").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        var expected = _journal.Inputs.GroupBy(i => i.Type).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderBy(p => p.Key), types.OrderBy(p => p.Key));
        Assert.Equal(2500, result.Json.GetProperty("records").GetInt64());
        Assert.Equal(1, result.Json.GetProperty("malformed").GetInt64());
    }

    [Fact]
    public void Stats_count_records_per_bucket_of_sequencer_time()
    {
        // 2,500 records 1 ms apart from a whole second: 1,000 + 1,000 + 500 per second, 100 per 0.1 s.
        var seconds = Tools.Replay("stats", _journal.Directory, "--json");
        var tenths = Tools.Replay("stats", _journal.Directory, "--bucket", "0.1", "--json");

        Assert.Equal([1000L, 1000L, 500L], seconds.Json.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("records").GetInt64()));
        Assert.Equal("2024-03-01T09:30:01.000000000Z", seconds.Json.GetProperty("buckets")[1].GetProperty("start").GetString());
        var tenthCounts = tenths.Json.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("records").GetInt64()).ToList();
        Assert.Equal(25, tenthCounts.Count);
        Assert.All(tenthCounts, c => Assert.Equal(100, c));
    }
}
