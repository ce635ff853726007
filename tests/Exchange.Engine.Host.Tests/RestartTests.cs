// The journal as the engine leaves it: a restart on the same directory resumes the same state and sequence
// (from the shutdown snapshot, or from the journal alone), and exchange-replay's library reads it whole.
using Exchange.Contract;
using Exchange.Engine.Recovery;
using Exchange.Replay;
using Exchange.Engine.Tests;
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public sealed class RestartTests
{
    /// <summary>Two sessions trading: resting orders on both sides, fills, a cancel, a reject and a mass cancel.</summary>
    private static void Trade(Harness h)
    {
        h.LogOn(1, "mm-1001-key");
        h.LogOn(2, "mm-1002-key");
        for (int i = 0; i < 10; i++)
        {
            h.Engine.OnMessage(1, Client.Limit(1001, 100 + i, Side.Sell, 60_000 + 10 * i, lots: 3));
            h.Engine.OnMessage(2, Client.Limit(1002, 200 + i, Side.Buy, 59_990 - 10 * i, lots: 2));
        }
        h.Engine.OnMessage(2, Client.Limit(1002, 300, Side.Buy, 60_020, lots: 5, tif: TimeInForce.ImmediateOrCancel));
        h.Engine.OnMessage(1, Client.Cancel(1001, 105));
        h.Engine.OnMessage(1, Client.Cancel(1001, 999));
        h.Engine.OnMessage(2, Client.Encode(new MassCancel(1002, 1, Side.Buy)));
        h.Engine.OnMessage(2, Client.Limit(1002, 400, Side.Buy, 59_500));
        h.Work();
    }

    [Fact]
    public void Shutdown_then_open_on_the_same_directory_gives_the_same_state_and_continues_the_sequence()
    {
        using var dir = new TempDirectory();
        var options = new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.Batch, BatchMaxDelay = TimeSpan.Zero };
        using var h = new Harness(options);
        Trade(h);
        long hash = h.Engine.StateHash(), last = h.Engine.LastSequence;
        int resting = h.Engine.OpenOrderCount;
        Assert.True(resting > 5);

        h.Engine.Shutdown();
        Assert.All(h.Links.Received(1).Concat(h.Links.Received(2)).OfTemplate(LogoutDecoder.TemplateId),
            m => Assert.Equal(LogoutReason.ShuttingDown, Read.Logout(m)));
        Assert.Equal(2, h.Links.Received(1).Concat(h.Links.Received(2)).OfTemplate(LogoutDecoder.TemplateId).Count());
        Assert.NotNull(h.Engine.LastSnapshot);
        Assert.Equal(last, h.Engine.LastSnapshot!.Sequence);
        // Nothing is accepted after shutdown.
        h.Engine.OnMessage(3, Client.Logon("mm-1001-key"));
        Assert.Empty(h.Links.Received(3));

        h.Reopen();
        Assert.Equal(hash, h.Engine.StateHash());
        Assert.Equal(last, h.Engine.LastSequence);
        Assert.Equal(resting, h.Engine.OpenOrderCount);
        Assert.NotNull(h.Engine.Rebuild!.Snapshot);
        Assert.Equal(0, h.Engine.Rebuild.Replayed.Records);

        // The next command takes the next sequence number, in the engine and in the journal.
        h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(1, Client.Limit(1001, 500, Side.Sell, 61_000));
        h.Work();
        var accepted = h.Links.Received(1).OfTemplate(OrderAcceptedDecoder.TemplateId).Last();
        Assert.Equal(last + 1, Read.Sequence(accepted));
        Assert.Equal(last + 1, Read.Journal(dir.Path)[^1].Sequence);
        Assert.Equal(last + 1, Read.Journal(dir.Path).Count);
    }

    [Fact]
    public void Without_a_snapshot_the_journal_alone_rebuilds_the_same_state()
    {
        using var dir = new TempDirectory();
        var options = new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.Batch, BatchMaxDelay = TimeSpan.Zero, SnapshotOnShutdown = false };
        using var h = new Harness(options);
        Trade(h);
        long hash = h.Engine.StateHash(), last = h.Engine.LastSequence;
        h.Engine.Shutdown();
        Assert.Null(h.Engine.LastSnapshot);

        h.Reopen();
        Assert.Null(h.Engine.Rebuild!.Snapshot);
        Assert.Equal(last, h.Engine.Rebuild.Replayed.Records);
        Assert.Equal(hash, h.Engine.StateHash());
        Assert.Equal(last, h.Engine.LastSequence);
        // The opening commands were not applied a second time.
        Assert.True(h.Engine.TryGetBalance(1001, 0, out var usd));
        Assert.True(usd.Available + usd.Held < 2 * 10_000_000_00L);
    }

    [Fact]
    public void The_journal_is_what_exchange_replay_verifies_and_rebuilds()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.Batch, BatchMaxDelay = TimeSpan.Zero });
        Trade(h);
        h.Engine.OnMessage(3, Client.Logon("mm-1001-key"));  // rejected: 1001 is logged on (no journal record)
        h.Engine.OnMessage(1, [1, 2, 3]);  // malformed (no journal record)
        h.Work();
        long hash = h.Engine.StateHash(), last = h.Engine.LastSequence;
        h.Engine.Shutdown();

        // exchange-replay verify: every segment, record, CRC and index entry, and every payload a command.
        var report = JournalVerifier.Verify(dir.Path);
        Assert.True(report.Clean, string.Join("; ", report.Faults));
        Assert.Equal(last, report.Records);
        Assert.Equal((1L, last), (report.FirstSequence, report.LastSequence));
        Assert.Equal(0, report.Malformed);

        // exchange-replay rebuild: engine.json says the config, the journal alone gives the same state.
        Assert.Equal(h.Config.Engine, EngineConfigFile.Read(dir.Path));
        var (engine, rebuilt) = StateRebuild.Run(dir.Path, EngineConfigFile.Read(dir.Path), default(DiscardOutput), useSnapshots: false);
        Assert.Equal(hash, engine.StateHash());
        Assert.Equal(last, rebuilt.Replayed.LastSequence);
        Assert.Equal(0, rebuilt.Replayed.Malformed);
        // …and so does the snapshot Shutdown wrote.
        var (fromSnapshot, viaSnapshot) = StateRebuild.Run(dir.Path, EngineConfigFile.Read(dir.Path), default(DiscardOutput));
        Assert.NotNull(viaSnapshot.Snapshot);
        Assert.Equal(hash, fromSnapshot.StateHash());
    }

    [Fact]
    public void A_journal_is_only_continued_under_the_engine_config_it_was_written_with()
    {
        using var dir = new TempDirectory();
        using (var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.None })) { }
        var other = new ShardConfig { Engine = new ShardConfig().Engine with { MaxOrders = 1000 } };
        Assert.Throws<ConfigException>(() => EngineService.Open(other, new RecordingLinks(), new EngineServiceOptions { JournalDirectory = dir.Path }));
        // The refused open released the journal: the right config opens it.
        using var again = EngineService.Open(new ShardConfig(), new RecordingLinks(), new EngineServiceOptions { JournalDirectory = dir.Path });
        Assert.Equal(Harness.OpeningCommands, again.LastSequence);
    }

    [Fact]
    public void Without_a_journal_the_opening_state_is_applied_in_memory()
    {
        using var h = new Harness();
        Assert.Null(h.Engine.JournalDirectory);
        Assert.Equal(Harness.OpeningCommands, h.Engine.LastSequence);
        Assert.True(h.Engine.TryGetBalance(1002, 1, out var btc));
        Assert.Equal(100_00000000, btc.Available);
        h.Engine.Shutdown();
        Assert.Null(h.Engine.LastSnapshot);
    }
}
