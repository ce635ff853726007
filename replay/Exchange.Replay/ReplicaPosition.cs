// How far a replica (primary or standby) has come, from its data directory alone: the last record its journal holds
// and what its checkpoint says was durable. Cheap enough to poll: only the newest segment holding records is read.
using Exchange.Journal;

namespace Exchange.Replay;

/// <param name="LastSequence">The journal's last record, or one before its first segment's start if it holds none.</param>
/// <param name="LastTimestamp">That record's sequencer time (ns since the Unix epoch); null if the journal holds no records.</param>
/// <param name="DurableSequence">The checkpoint's durable sequence; null when the directory keeps no checkpoint
/// (a journal never opened by a writer). It may lag the journal (it is written after the records it names), never lead
/// it unless records were lost.</param>
public sealed record ReplicaPosition(long LastSequence, long? LastTimestamp, long? DurableSequence)
{
    /// <summary>Where reading stopped at an unreadable record (a torn tail not yet recovered), if it did.</summary>
    public string? StoppedAt { get; init; }

    public static ReplicaPosition Of(string directory)
    {
        var segments = SegmentDirectory.List(directory);
        if (segments.Count == 0) throw new JournalException($"{directory}: no journal segments");
        // Read before the journal: against a running writer, the checkpoint then never names more than was read.
        long? durable = Checkpoint.Read(directory);
        // The newest segment may hold nothing yet (just rolled): then the last record is in the one before it.
        for (int i = segments.Count - 1; ; i--)
        {
            using var reader = JournalReader.Open(directory, segments[i].FirstSequence);
            long last = 0, timestamp = 0;
            bool any = false;
            while (reader.TryRead(out var record) == ReadStatus.Record)
            {
                any = true;
                last = record.Sequence;
                timestamp = record.Timestamp;
            }
            if (any) return new ReplicaPosition(last, timestamp, durable) { StoppedAt = reader.TailProblem };
            if (i == 0) return new ReplicaPosition(segments[0].FirstSequence - 1, null, durable) { StoppedAt = reader.TailProblem };
        }
    }
}
