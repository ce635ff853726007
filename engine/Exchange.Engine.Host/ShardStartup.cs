// Opening a shard's state before the engine serves: the journal (a torn tail recovered, damage refused or repaired,
// a journal shorter than its checkpoint refused unless the loss is accepted), engine.json (a journal is only
// continued under the capacities it was written with), and the state from the newest valid snapshot plus the journal
// after it, rebuilt with the same function the live engine applies inputs with. Events of the rebuild are muted:
// they went out when the inputs were first applied.
using Exchange.Contract;
using Exchange.Engine.Recovery;
using Exchange.Journal;

namespace Exchange.Engine.Host;

internal sealed record RecoveredShard(
    JournalWriter? Journal, MatchingEngine<SbeEventWriter> Engine, RecoveryReport? Recovery, RebuildReport? Rebuild, (long From, long To)? LostRecords,
    TermHistory Terms, string? Cut = null)
{
    /// <summary>No state was there to rebuild (a new journal, or none at all): the opening state is due.</summary>
    public bool Fresh => Engine.LastSequence == 0;
}

internal static class ShardStartup
{
    public static RecoveredShard Open(ShardConfig config, EngineServiceOptions options)
    {
        var events = new SbeEventWriter(4096);
        string? directory = options.JournalDirectory;
        if (directory == null) return new RecoveredShard(null, new MatchingEngine<SbeEventWriter>(config.Engine, events), null, null, null, TermHistory.InMemory());

        // A cut the cluster's leader asked for in this member's last life, before anything reads the journal.
        string? cut = Directory.Exists(directory) ? RejoinCut.ApplyPending(directory) : null;

        // A journal with no segment next to a snapshot continues after the snapshot (a standby restored from its
        // primary's snapshot and stopped before the next record came).
        long startAfter = 0;
        if (SegmentDirectory.List(directory).Count == 0)
            startAfter = new SnapshotStore(StateRebuild.SnapshotDirectory(directory)).NewestValid([])?.Sequence ?? 0;
        var journal = JournalWriter.Open(new JournalOptions
        {
            StartAfter = startAfter,
            Directory = directory, Durability = options.Durability, BatchMaxDelay = options.BatchMaxDelay,
            SyncThread = options.JournalSyncThread, DurableSignal = options.JournalSignal,
            BatchMaxRecords = options.BatchMaxRecords, SegmentSize = options.SegmentSize, Repair = options.Repair,
            AcceptLostRecords = options.AcceptLostRecords,
        }, out var recovery);
        try
        {
            // engine.json says which capacities the journal's commands were applied under; replaying them under others
            // could reject what was accepted, so a journal is only ever continued under its own config.
            if (journal.LastSequence > 0 && File.Exists(EngineConfigFile.PathIn(directory)))
            {
                EngineConfig written;
                try { written = EngineConfigFile.Read(directory); }
                catch (InvalidDataException e) { throw new ConfigException(e.Message); }
                if (written != config.Engine)
                    throw new ConfigException($"{EngineConfigFile.PathIn(directory)} differs from the configured engine capacities; " +
                        "the journal must be continued under the config it was written with");
            }
            EngineConfigFile.Write(directory, config.Engine);

            events.Muted = true;
            // A snapshot beyond the journal's end (written before the journal made its records durable, then a crash) is
            // not of a state the journal holds: the rebuild stops at the journal's end.
            var (engine, rebuild) = StateRebuild.Run(directory, config.Engine, events, toSequence: journal.LastSequence);
            engine.Output.Muted = false;
            if (rebuild.Replayed.StoppedAt != null)
                throw new InvalidDataException($"{directory}: the journal could not be read to its end: {rebuild.Replayed.StoppedAt}");
            if (engine.LastSequence != journal.LastSequence)
                throw new InvalidDataException($"{directory}: state rebuilt to sequence {engine.LastSequence} but the journal ends at {journal.LastSequence}");
            return new RecoveredShard(journal, engine, recovery, rebuild, journal.LostRecords, TermHistory.Open(directory, journal.LastSequence), cut);
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }
}
