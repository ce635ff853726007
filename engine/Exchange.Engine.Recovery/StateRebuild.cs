// Start-up and audit: the state at a sequence is the newest valid snapshot at or before it, plus the journal
// after it. A snapshot that fails its checks, or whose restored state hash disagrees with its header, is
// skipped in favour of an older one or a full replay, and the report says so.
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Journal;

namespace Exchange.Engine.Recovery;

public sealed record RebuildReport(SnapshotInfo? Snapshot, IReadOnlyList<string> SkippedSnapshots, ReplayCounts Replayed)
{
    public string Describe() =>
        (Snapshot == null ? "full replay from the start of the journal" : $"from snapshot {Snapshot.Path} at sequence {Snapshot.Sequence}")
        + (SkippedSnapshots.Count > 0 ? $" (skipped {SkippedSnapshots.Count}: {string.Join("; ", SkippedSnapshots)})" : "")
        + $", {Replayed.Records} records replayed to sequence {Replayed.LastSequence}"
        + (Replayed.Malformed > 0 ? $", {Replayed.Malformed} malformed inputs skipped" : "");
}

public static class StateRebuild
{
    public static string SnapshotDirectory(string journalDirectory) => Path.Combine(journalDirectory, "snapshots");

    public static (MatchingEngine<TOutput> Engine, RebuildReport Report) Run<TOutput>(string journalDirectory, EngineConfig config,
        TOutput output, long toSequence = long.MaxValue, bool useSnapshots = true, Action<long>? progress = null)
        where TOutput : IEngineOutput
    {
        var skipped = new List<string>();
        var store = new SnapshotStore(SnapshotDirectory(journalDirectory));
        long newestAllowed = toSequence;
        while (useSnapshots && store.NewestValid(skipped, newestAllowed) is { } info)
        {
            var engine = new MatchingEngine<TOutput>(config, output);
            try
            {
                using (var body = SnapshotStore.OpenBody(info)) engine.Restore(EngineSnapshot.ReadFrom(body));
                if (engine.StateHash() != info.StateHash)
                    throw new InvalidDataException($"restored state hash {engine.StateHash():x16} differs from the recorded {info.StateHash:x16}");
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                skipped.Add($"{info.Path}: {e.Message}");
                newestAllowed = info.Sequence - 1;
                continue;
            }
            using var reader = JournalReader.Open(journalDirectory, info.Sequence + 1);
            return (engine, new RebuildReport(info, skipped, JournalReplay.Apply(engine, reader, toSequence, progress)));
        }
        var fresh = new MatchingEngine<TOutput>(config, output);
        using var all = JournalReader.Open(journalDirectory);
        return (fresh, new RebuildReport(null, skipped, JournalReplay.Apply(fresh, all, toSequence, progress)));
    }
}
