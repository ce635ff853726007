// diff: primary against standby.
namespace Exchange.Replay.Tests;

public sealed class DiffTests : IDisposable
{
    private readonly List<TestJournal> _journals = [];

    public void Dispose() => _journals.ForEach(j => j.Dispose());

    private TestJournal Journal(IReadOnlyList<Input> inputs)
    {
        var journal = new TestJournal(inputs);
        _journals.Add(journal);
        return journal;
    }

    [Fact]
    public void Two_journals_of_the_same_inputs_are_identical()
    {
        var inputs = Workload.Generate(1500, seed: 5);

        var result = Tools.Replay("diff", Journal(inputs).Directory, Journal(inputs).Directory, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("identical", result.Json.GetProperty("outcome").GetString());
        Assert.Equal(1500, result.Json.GetProperty("identicalRecords").GetInt64());
    }

    [Fact]
    public void The_first_differing_payload_is_found_by_its_sequence()
    {
        var inputs = Workload.Generate(1500, seed: 5);
        var changed = inputs.ToList();
        int at = changed.FindIndex(900, i => i.Type == "NewOrder");
        byte[] payload = (byte[])changed[at].Payload.Clone();
        payload[^9] ^= 1;  // a byte of the order's block
        changed[at] = changed[at] with { Payload = payload };

        var json = Tools.Replay("diff", Journal(inputs).Directory, Journal(changed).Directory, "--json");
        var text = Tools.Replay("diff", _journals[0].Directory, _journals[1].Directory);

        Assert.Equal(1, json.ExitCode);
        Assert.Equal("differ", json.Json.GetProperty("outcome").GetString());
        Assert.Equal(at + 1, json.Json.GetProperty("firstDifferentSequence").GetInt64());
        Assert.Contains("payload", json.Json.GetProperty("difference").GetString());
        Assert.Equal(1, text.ExitCode);
        Assert.Contains($"differ at sequence {at + 1}", text.Stdout);
    }

    [Fact]
    public void A_standby_that_is_behind_is_reported_as_a_prefix()
    {
        var inputs = Workload.Generate(1500, seed: 5);

        var result = Tools.Replay("diff", Journal(inputs).Directory, Journal(inputs.Take(1000).ToList()).Directory, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("b-prefix-of-a", result.Json.GetProperty("outcome").GetString());
        Assert.Equal(1001, result.Json.GetProperty("firstDifferentSequence").GetInt64());
        Assert.Equal(1000, result.Json.GetProperty("lastSequenceB").GetInt64());
        Assert.Equal(1500, result.Json.GetProperty("lastSequenceA").GetInt64());
    }
}
