// Start-up and audit: the state at a sequence is the newest valid snapshot at or before it, plus the journal
// after it. A snapshot that fails its checks, or whose restored state hash disagrees with its header, is
// skipped in favour of an older one or a full replay, and the report says so. A journal that starts after sequence 1
// (segments removed by retention, or a standby that began from its primary's snapshot) needs a snapshot at or after
// the sequence before its first record; without one the rebuild stops with an error naming the gap.
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
        // A journal whose early segments were removed (retention) starts later: only a snapshot at or after the
        // sequence before its first record connects to it.
        long first = JournalRetention.FirstSequence(journalDirectory);
        long newestAllowed = toSequence;
        while (useSnapshots && store.NewestValid(skipped, newestAllowed) is { } info)
        {
            if (first > info.Sequence + 1)
            {
                skipped.Add($"{info.Path}: at sequence {info.Sequence}, but the journal starts at {first}");
                break;
            }
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
        if (first > 1)
            throw new InvalidDataException($"{journalDirectory}: the journal starts at sequence {first} (earlier segments removed or archived) " +
                $"and no valid snapshot {(useSnapshots ? "" : "(snapshots not used) ")}covers sequences 1..{first - 1}" +
                (skipped.Count > 0 ? $" (skipped: {string.Join("; ", skipped)})" : ""));
        var fresh = new MatchingEngine<TOutput>(config, output);
        using var all = JournalReader.Open(journalDirectory);
        return (fresh, new RebuildReport(null, skipped, JournalReplay.Apply(fresh, all, toSequence, progress)));
    }
}
