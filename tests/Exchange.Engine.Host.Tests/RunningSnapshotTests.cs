// Snapshots while the engine runs, and journal retention: snapshots appear every N inputs without a shutdown, the
// segments they cover go (deleted or archived), a restart on the trimmed journal resumes the same state from the
// newest snapshot, and a trimmed journal whose snapshots are gone is refused with an error naming the gap.
using Exchange.Contract;
using Exchange.Engine.Recovery;
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public sealed class RunningSnapshotTests
{
    private static EngineServiceOptions Options(string directory, JournalRetentionMode retention) => new()
    {
        JournalDirectory = directory, Durability = Durability.Batch, BatchMaxDelay = TimeSpan.Zero,
        SegmentSize = 16 << 10, SnapshotEveryInputs = 200, JournalRetention = retention,
        // No snapshot at shutdown: a restart needs the ones written while running.
        SnapshotOnShutdown = false,
    };

    /// <summary>Resting orders on both sides and trades, in rounds; DoWork until the snapshot in flight is written.</summary>
    private static void Trade(Harness h, int rounds, long firstId)
    {
        for (int i = 0; i < rounds; i++)
        {
            long id = firstId + 4 * i;
            h.Engine.OnMessage(1, Client.Limit(1001, id, Side.Sell, 60_000 + i % 40 * 10));
            h.Engine.OnMessage(2, Client.Limit(1002, id + 1, Side.Buy, 59_000 - i % 40 * 10));
            h.Engine.OnMessage(2, Client.Limit(1002, id + 2, Side.Buy, 60_500, tif: TimeInForce.ImmediateOrCancel));
            if (i % 16 == 0) h.Work();
        }
        h.Work();
    }

    private static void Settle(Harness h, long atLeast)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while ((h.Engine.LastSnapshot?.Sequence ?? 0) < atLeast && DateTime.UtcNow < until) { h.Work(); Thread.Sleep(1); }
    }

    [Theory]
    [InlineData(JournalRetentionMode.Delete)]
    [InlineData(JournalRetentionMode.Archive)]
    public void Snapshots_while_running_let_retention_trim_the_journal_and_a_restart_resumes_from_them(JournalRetentionMode retention)
    {
        using var dir = new TempDirectory();
        long hash, last;
        using (var h = new Harness(Options(dir.Path, retention)))
        {
            h.LogOn(1, "mm-1001-key");
            h.LogOn(2, "mm-1002-key");
            Trade(h, 600, 1);
            last = h.Engine.LastSequence;
            Settle(h, last - 200);
            Assert.NotNull(h.Engine.LastSnapshot);
            Assert.True(h.Engine.LastSnapshot!.Sequence >= last - 200, $"snapshot at {h.Engine.LastSnapshot.Sequence}, last {last}");
            long first = JournalRetention.FirstSequence(dir.Path);
            Assert.True(first > 1, "early segments went");
            Assert.True(first <= h.Engine.LastSnapshot.Sequence + 1, "nothing after the snapshot went");
            if (retention == JournalRetentionMode.Archive)
                Assert.NotEmpty(Directory.GetFiles(JournalRetention.ArchiveDirectory(dir.Path), "*.journal"));
            else
                Assert.False(Directory.Exists(JournalRetention.ArchiveDirectory(dir.Path)));
            // At most the configured number of snapshot files are kept while running.
            Assert.True(new SnapshotStore(StateRebuild.SnapshotDirectory(dir.Path)).Newest().Count <= 2);
            hash = h.Engine.StateHash();
            last = h.Engine.LastSequence;
        }

        using (var again = new Harness(Options(dir.Path, retention)))
        {
            Assert.Equal(last, again.Engine.LastSequence);
            Assert.Equal(hash, again.Engine.StateHash());
            Assert.NotNull(again.Engine.Rebuild!.Snapshot);
        }

        // Without its snapshots the trimmed journal cannot be the state: refused, naming the gap.
        Directory.Delete(StateRebuild.SnapshotDirectory(dir.Path), recursive: true);
        var e = Assert.Throws<InvalidDataException>(() => new Harness(Options(dir.Path, retention)));
        Assert.Contains($"the journal starts at sequence {JournalRetention.FirstSequence(dir.Path)}", e.Message);
        Assert.Contains("no valid snapshot", e.Message);
    }
}
