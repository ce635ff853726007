// book: the depth the tool rebuilds at a sequence is the engine's own at that sequence; symbols by id, or by the
// names of the shard config the engine was started with.
using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>A shard config as exchange-engine takes it (a comment included, as the engine allows), naming the
    /// journal's symbols 0 and 1; everything of it but the names and ids is beside the point here.</summary>
    private string ShardConfig()
    {
        string path = Path.Combine(_journal.Directory, "shard.json");
        File.WriteAllText(path, """
            {
              // the symbols of this shard
              "shardId": 7,
              "listen": "aeron:udp?endpoint=127.0.0.1:40123",
              "symbols": [
                { "name": "AAA-USD", "spec": { "id": 0, "baseAsset": 1, "quoteAsset": 0, "tickSize": 5, "lotSize": 10 } },
                { "name": "BBB-USD", "spec": { "id": 1, "baseAsset": 2, "quoteAsset": 0, "tickSize": 5, "lotSize": 10 } },
              ],
            }
            """);
        return path;
    }

    [Fact]
    public void A_symbol_is_named_as_the_shard_config_given_with_config_names_it()
    {
        var engine = Workload.EngineAt(_journal.Inputs, 1333);

        var result = Tools.Replay("book", _journal.Directory, "bbb-usd", "--at-seq", "1333", "--depth", "1000", "--config", ShardConfig(), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(1, result.Json.GetProperty("symbol").GetInt32());
        Assert.Equal("BBB-USD", result.Json.GetProperty("name").GetString());
        Assert.Equal(engine.Levels(1, Side.Buy), Levels(result.Json.GetProperty("bids")));
        Assert.Equal(engine.Levels(1, Side.Sell), Levels(result.Json.GetProperty("asks")));
    }

    [Fact]
    public void The_text_heading_names_the_symbol_when_a_name_is_known()
    {
        var result = Tools.Replay("book", _journal.Directory, "0", "--at-seq", "450", "--config", ShardConfig());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("symbol 0 (AAA-USD) at sequence 450 ", result.Stdout);
    }

    [Fact]
    public void A_symbol_is_named_as_the_journals_engine_json_names_it_when_it_carries_names()
    {
        string engineJson = Path.Combine(_journal.Directory, "engine.json");
        var config = JsonNode.Parse(File.ReadAllText(engineJson))!.AsObject();
        config["symbols"] = JsonNode.Parse("""[{ "name": "AAA-USD", "spec": { "id": 0 } }, { "name": "BBB-USD", "spec": { "id": 1 } }]""");
        File.WriteAllText(engineJson, config.ToJsonString());

        var result = Tools.Replay("book", _journal.Directory, "AAA-USD", "--at-seq", "450", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(0, result.Json.GetProperty("symbol").GetInt32());
        Assert.Equal(Workload.EngineAt(_journal.Inputs, 450).Levels(0, Side.Buy), Levels(result.Json.GetProperty("bids")));
    }

    [Fact]
    public void A_name_where_no_file_names_symbols_is_bad_input_saying_only_ids_are_known()
    {
        var result = Tools.Replay("book", _journal.Directory, "AAA-USD", "--at-seq", "450");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(result.Stdout);
        Assert.Contains("'AAA-USD' is a name, but only symbol ids are known here", Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains("--config FILE", result.Stderr);
    }

    [Fact]
    public void A_name_the_config_does_not_have_is_bad_input_listing_the_names_it_has()
    {
        var result = Tools.Replay("book", _journal.Directory, "ZZZ-USD", "--at-seq", "450", "--config", ShardConfig());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'ZZZ-USD' is not a symbol of", result.Stderr);
        Assert.Contains("(AAA-USD=0, BBB-USD=1)", result.Stderr);
    }

    [Fact]
    public void A_shard_config_given_to_rebuild_replays_under_the_journals_own_engine_json()
    {
        var result = Tools.Replay("rebuild", _journal.Directory, "--config", ShardConfig(), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TestJournal.Hex(_journal.FinalHash), result.Json.GetProperty("stateHash").GetString());
    }
}
