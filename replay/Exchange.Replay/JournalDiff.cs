// Primary against standby: two journals of the same shard must hold the same inputs in the same order. Finds
// the first sequence where they part (payload, timestamp, type or version), or which one is a prefix of the other.
// Journals that start at different sequences are compared from the later start.
using Exchange.Journal;

namespace Exchange.Replay;

public enum DiffOutcome { Identical, Differ, APrefixOfB, BPrefixOfA }

public sealed record DiffReport(DiffOutcome Outcome, long Compared, long Sequence, string? What, long LastA, long LastB)
{
    /// <summary>Where reading A or B stopped at an unreadable record, if it did: the comparison covers only what came before.</summary>
    public string? StoppedA { get; init; }
    public string? StoppedB { get; init; }

    public string Describe() => Outcome switch
    {
        DiffOutcome.Identical => $"identical: {Compared} records, last sequence {LastA}",
        DiffOutcome.Differ => $"differ at sequence {Sequence}: {What} ({Compared} records before it are identical)",
        DiffOutcome.APrefixOfB => $"A is a prefix of B: identical through sequence {LastA}; B continues to {LastB}",
        _ => $"B is a prefix of A: identical through sequence {LastB}; A continues to {LastA}",
    };
}

public static class JournalDiff
{
    public static DiffReport Compare(string directoryA, string directoryB, Action<long, long>? progress = null)
    {
        foreach (string d in (string[])[directoryA, directoryB])
            if (SegmentDirectory.List(d).Count == 0) throw new JournalException($"{d}: no journal segments");
        // A journal may start after sequence 1 (segments removed by retention, or a standby begun from its primary's
        // snapshot): the two are compared over the range both hold.
        long from = Math.Max(JournalRetention.FirstSequence(directoryA), JournalRetention.FirstSequence(directoryB));
        using var a = JournalReader.Open(directoryA, from);
        using var b = JournalReader.Open(directoryB, from);
        long compared = 0, lastA = 0, lastB = 0;
        while (true)
        {
            bool hasA = a.TryRead(out var ra) == ReadStatus.Record;
            bool hasB = b.TryRead(out var rb) == ReadStatus.Record;
            if (hasA) lastA = ra.Sequence;
            if (hasB) lastB = rb.Sequence;
            if (!hasA || !hasB)
            {
                if (hasA) lastA = LastOf(a, lastA);
                if (hasB) lastB = LastOf(b, lastB);
                var outcome = hasA == hasB ? DiffOutcome.Identical : hasA ? DiffOutcome.BPrefixOfA : DiffOutcome.APrefixOfB;
                return new DiffReport(outcome, compared, outcome == DiffOutcome.Identical ? 0 : Math.Min(lastA, lastB) + 1, null, lastA, lastB)
                {
                    StoppedA = a.TailProblem,
                    StoppedB = b.TailProblem,
                };
            }
            string? what = ra.Sequence != rb.Sequence ? $"A starts at sequence {ra.Sequence}, B at {rb.Sequence}"
                : ra.Type != rb.Type ? $"type {MessageTypes.NameOf(ra.Type)} in A, {MessageTypes.NameOf(rb.Type)} in B"
                : ra.Version != rb.Version ? $"version {ra.Version} in A, {rb.Version} in B"
                : ra.Timestamp != rb.Timestamp ? $"timestamp {ra.Timestamp} in A, {rb.Timestamp} in B"
                : !ra.Payload.SequenceEqual(rb.Payload) ? $"payload differs: A {CommandDescription.Of(ra.Payload).Text}; B {CommandDescription.Of(rb.Payload).Text}"
                : null;
            if (what != null) return new DiffReport(DiffOutcome.Differ, compared, Math.Min(ra.Sequence, rb.Sequence), what, ra.Sequence, rb.Sequence);
            compared++;
            if (progress != null && (compared & 0x3FFF) == 0) progress(ra.Sequence, compared);
        }
    }

    private static long LastOf(JournalReader reader, long last)
    {
        while (reader.TryRead(out var r) == ReadStatus.Record) last = r.Sequence;
        return last;
    }
}
