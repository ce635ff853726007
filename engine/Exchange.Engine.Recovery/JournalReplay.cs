// Feeds journaled inputs to an engine, exactly as the live engine applied them: each record's SBE payload
// decoded to a command and applied with the record's sequence and timestamp. A payload that is not a
// well-formed command changed nothing live either, so it is counted and skipped.
using Exchange.Engine;
using Exchange.Contract;
using Exchange.Journal;
using Exchange.Sbe;

namespace Exchange.Engine.Recovery;

public sealed class ReplayCounts
{
    public long Records { get; set; }
    public long Malformed { get; set; }
    public long LastSequence { get; set; }
    /// <summary>Why reading stopped before the requested sequence: an unreadable record at the end of the newest
    /// segment with nothing valid after it (a torn tail no writer has recovered yet), or null if it reached the
    /// end or the requested sequence. Damage with valid records after it throws instead.</summary>
    public string? StoppedAt { get; set; }
}

public static class JournalReplay
{
    /// <summary>Applies records from <paramref name="reader"/> up to <paramref name="toSequence"/> (inclusive) or the end.</summary>
    public static ReplayCounts Apply<TOutput>(MatchingEngine<TOutput> engine, JournalReader reader, long toSequence = long.MaxValue,
        Action<long>? progress = null) where TOutput : IEngineOutput
    {
        var counts = new ReplayCounts { LastSequence = engine.LastSequence };
        while (reader.NextSequence <= toSequence && reader.TryRead(out var record) == ReadStatus.Record)
        {
            if (engine.Apply(record.Sequence, record.Timestamp, record.Payload) != SbeError.None) counts.Malformed++;
            counts.Records++;
            counts.LastSequence = record.Sequence;
            if (progress != null && (counts.Records & 0xFFFF) == 0) progress(record.Sequence);
        }
        if (reader.NextSequence <= toSequence) counts.StoppedAt = reader.TailProblem;
        return counts;
    }
}
