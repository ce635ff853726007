// recover: the engine's start-up recovery by hand. A torn tail is discarded and reported; damage with valid
// records after it is refused unless --repair, which truncates there.
using Exchange.Journal;

namespace Exchange.Replay.Tests;

public sealed class RecoverTests : IDisposable
{
    private readonly TestJournal _journal = new(Workload.Generate(2000, seed: 31));

    public void Dispose() => _journal.Dispose();

    private static void Overwrite(string path, long offset, byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        file.Write(bytes);
    }

    private static string Fingerprint(string directory) =>
        string.Join(",", System.IO.Directory.GetFiles(directory, "*.journal").Order()
            .Select(f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))));

    [Fact]
    public void Recover_of_a_clean_journal_changes_nothing_and_says_so()
    {
        string before = Fingerprint(_journal.Directory);

        var result = Tools.Replay("recover", _journal.Directory, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("None", result.Json.GetProperty("action").GetString());
        Assert.Equal(_journal.LastSequence, result.Json.GetProperty("lastSequence").GetInt64());
        Assert.Equal(before, Fingerprint(_journal.Directory));
    }

    [Fact]
    public void Recover_discards_a_torn_tail_and_verify_is_clean_afterwards()
    {
        _journal.TearLastRecord();
        // A crash tears only what was never durable, so the checkpoint never named it: here it goes, as if it had not caught up.
        File.Delete(Path.Combine(_journal.Directory, "journal.checkpoint"));
        Assert.Equal(1, Tools.Replay("verify", _journal.Directory).ExitCode);

        var result = Tools.Replay("recover", _journal.Directory, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("TruncatedTornTail", result.Json.GetProperty("action").GetString());
        Assert.Equal(_journal.LastSequence - 1, result.Json.GetProperty("lastSequence").GetInt64());
        Assert.Equal(0, Tools.Replay("verify", _journal.Directory).ExitCode);
    }

    [Fact]
    public void Recover_refuses_a_journal_shorter_than_its_checkpoint_unless_the_loss_is_accepted()
    {
        _journal.TearLastRecord();

        var refused = Tools.Replay("recover", _journal.Directory);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"records {_journal.LastSequence}..{_journal.LastSequence} are missing", refused.Stderr);

        var accepted = Tools.Replay("recover", _journal.Directory, "--force-empty", "--json");
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Equal(_journal.LastSequence, accepted.Json.GetProperty("lostFrom").GetInt64());
        Assert.Equal(0, Tools.Replay("recover", _journal.Directory).ExitCode);
    }

    [Fact]
    public void Recover_refuses_damage_before_the_tail_and_leaves_the_files_alone()
    {
        Overwrite(_journal.Segments[^1], JournalFormat.SegmentHeaderLength + 200, [0xFF, 0xEE, 0xDD]);
        string before = Fingerprint(_journal.Directory);

        var result = Tools.Replay("recover", _journal.Directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Path.GetFileName(_journal.Segments[^1]), result.Stderr);
        Assert.Contains("offset", result.Stderr);
        Assert.Contains("repair", result.Stderr);
        Assert.Equal(before, Fingerprint(_journal.Directory));
    }

    [Fact]
    public void Recover_with_repair_truncates_at_the_damage_and_the_journal_rebuilds_to_just_before_it()
    {
        Overwrite(_journal.Segments[^1], JournalFormat.SegmentHeaderLength + 200, [0xFF, 0xEE, 0xDD]);

        var result = Tools.Replay("recover", _journal.Directory, "--repair", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("RepairedCorruption", result.Json.GetProperty("action").GetString());
        long last = result.Json.GetProperty("lastSequence").GetInt64();
        Assert.InRange(last, 1, _journal.LastSequence - 2);
        Assert.Equal(0, Tools.Replay("verify", _journal.Directory).ExitCode);
        var rebuild = Tools.Replay("rebuild", _journal.Directory, "--no-snapshots", "--json");
        Assert.Equal(TestJournal.Hex(_journal.Hashes[last]), rebuild.Json.GetProperty("stateHash").GetString());
        Assert.NotEqual(TestJournal.Hex(_journal.FinalHash), rebuild.Json.GetProperty("stateHash").GetString());
    }
}
