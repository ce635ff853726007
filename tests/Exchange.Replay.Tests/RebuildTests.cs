// rebuild: the state hash a journal replays to is the one the engine that wrote it had, at the end and at any sequence.
using Exchange.Engine.Recovery;
namespace Exchange.Replay.Tests;

public sealed class RebuildTests : IDisposable
{
    private readonly TestJournal _journal = new(Workload.Generate(3000, seed: 7));

    public void Dispose() => _journal.Dispose();

    [Fact]
    public void Rebuild_prints_the_state_hash_of_the_engine_that_wrote_the_journal()
    {
        var result = Tools.Replay("rebuild", _journal.Directory, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json;
        Assert.Equal(TestJournal.Hex(_journal.FinalHash), json.GetProperty("stateHash").GetString());
        Assert.Equal(_journal.LastSequence, json.GetProperty("lastSequence").GetInt64());
        Assert.Equal(_journal.LastSequence, json.GetProperty("recordsReplayed").GetInt64());
        Assert.Equal(1, json.GetProperty("malformed").GetInt64());
        Assert.Equal("journal", json.GetProperty("start").GetString());
        var engine = Workload.EngineAt(_journal.Inputs, _journal.LastSequence);
        Assert.Equal(engine.OpenOrderCount, json.GetProperty("openOrders").GetInt32());
        Assert.Equal(Workload.Accounts.Length + 1, json.GetProperty("accounts").GetInt32());
        Assert.Equal(Workload.Symbols, json.GetProperty("symbols").GetInt32());
    }

    [Fact]
    public void Rebuild_to_a_sequence_gives_the_engines_hash_at_that_sequence()
    {
        foreach (long n in new long[] { 17, 1499, 1500, 2222 })
        {
            var result = Tools.Replay("rebuild", _journal.Directory, "--to-seq", n.ToString(), "--json");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(TestJournal.Hex(_journal.Hashes[n]), result.Json.GetProperty("stateHash").GetString());
            Assert.Equal(n, result.Json.GetProperty("lastSequence").GetInt64());
        }
    }

    [Fact]
    public void Rebuild_as_text_shows_the_hash_in_sixteen_hex_digits_and_where_it_started()
    {
        var result = Tools.Replay("rebuild", _journal.Directory);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"stateHash {TestJournal.Hex(_journal.FinalHash)}\n", result.Stdout);
        Assert.Contains("full replay", result.Stdout);
    }

    [Fact]
    public void Rebuild_past_the_end_of_the_journal_stops_at_its_end_and_says_so()
    {
        var result = Tools.Replay("rebuild", _journal.Directory, "--to-seq", "999999", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TestJournal.Hex(_journal.FinalHash), result.Json.GetProperty("stateHash").GetString());
        Assert.Contains("before 999999", result.Json.GetProperty("note").GetString());
    }

    [Fact]
    public void Rebuild_under_a_config_given_on_the_command_line_ignores_the_journals_own()
    {
        string config = Path.Combine(_journal.Directory, "other", EngineConfigFile.FileName);
        EngineConfigFile.Write(Path.GetDirectoryName(config)!, Workload.Config);
        File.WriteAllText(EngineConfigFile.PathIn(_journal.Directory), "{ not json");

        var broken = Tools.Replay("rebuild", _journal.Directory);
        var overridden = Tools.Replay("rebuild", _journal.Directory, "--config", config, "--json");

        Assert.Equal(2, broken.ExitCode);
        Assert.True(overridden.ExitCode == 0, overridden.ToString());
        Assert.Equal(TestJournal.Hex(_journal.FinalHash), overridden.Json.GetProperty("stateHash").GetString());
    }
}
