// book: the depth the tool rebuilds at a sequence is the engine's own at that sequence.
using System.Text.Json;
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Replay.Tests;

public sealed class BookTests : IDisposable
{
    private readonly TestJournal _journal = new(Workload.Generate(2000, seed: 13), snapshotAt: 600);

    public void Dispose() => _journal.Dispose();

    private static List<LevelView> Levels(JsonElement side) =>
        side.EnumerateArray().Select(l => new LevelView(l.GetProperty("price").GetInt64(), l.GetProperty("quantity").GetInt64(), l.GetProperty("orders").GetInt32())).ToList();

    [Theory]
    [InlineData(0, 450)]
    [InlineData(1, 1333)]
    [InlineData(0, 2000)]
    public void Book_at_a_sequence_matches_the_engines_levels_there(int symbol, long sequence)
    {
        var engine = Workload.EngineAt(_journal.Inputs, sequence);

        var result = Tools.Replay("book", _journal.Directory, symbol.ToString(), "--at-seq", sequence.ToString(), "--depth", "1000", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json;
        Assert.Equal(sequence, json.GetProperty("sequence").GetInt64());
        Assert.Equal(engine.Levels(symbol, Side.Buy), Levels(json.GetProperty("bids")));
        Assert.Equal(engine.Levels(symbol, Side.Sell), Levels(json.GetProperty("asks")));
        Assert.NotEmpty(Levels(json.GetProperty("bids")));
    }

    [Fact]
    public void Depth_limits_the_levels_per_side_best_first()
    {
        var engine = Workload.EngineAt(_journal.Inputs, 1500);

        var result = Tools.Replay("book", _journal.Directory, "0", "--at-seq", "1500", "--depth", "2", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(engine.Levels(0, Side.Buy).Take(2), Levels(result.Json.GetProperty("bids")));
        Assert.Equal(engine.Levels(0, Side.Sell).Take(2), Levels(result.Json.GetProperty("asks")));
        Assert.Equal(engine.Levels(0, Side.Buy).Count, result.Json.GetProperty("bidLevels").GetInt32());
    }

    [Fact]
    public void A_symbol_that_does_not_exist_at_that_sequence_is_bad_input()
    {
        var result = Tools.Replay("book", _journal.Directory, "3", "--at-seq", "1000");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("symbol 3 does not exist", result.Stderr);
    }
}
