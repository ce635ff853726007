// How a journal is written: where, how big its segments are, and when an append counts as durable.
namespace Exchange.Journal;

public enum Durability
{
    /// <summary>Durable once written to the OS (page cache): survives a process crash, not a power loss.</summary>
    None,
    /// <summary>Group commit: one fsync covers every record appended within <see cref="JournalOptions.BatchMaxDelay"/>
    /// or <see cref="JournalOptions.BatchMaxRecords"/>, whichever comes first.</summary>
    Batch,
    /// <summary>An fsync after every record.</summary>
    Always,
}

public sealed record JournalOptions
{
    public required string Directory { get; init; }
    public long SegmentSize { get; init; } = 128L << 20;
    public Durability Durability { get; init; } = Durability.Batch;
    public TimeSpan BatchMaxDelay { get; init; } = TimeSpan.FromMilliseconds(1);
    public int BatchMaxRecords { get; init; } = 4096;
    /// <summary>What the group commit's delay and the checkpoint's intervals are measured by (tests move a ManualClock).</summary>
    public IClock Clock { get; init; } = SystemClock.Instance;
    /// <summary>Under <see cref="Durability.Batch"/>: fsync on a thread of the writer's own, so the appending thread
    /// (the engine's) hands records to the OS and goes on while the disk works; <see cref="JournalWriter.DurableSequence"/>
    /// catches up as each fsync returns, and records appended meanwhile make up the next fsync. Off: the appending
    /// thread fsyncs in <see cref="JournalWriter.Commit"/> and waits for it. Under <see cref="Durability.None"/>: that
    /// thread faults the open segment's pages in ahead of the appends (<see cref="JournalWriter.Prefaulting"/>); off,
    /// only <see cref="JournalWriter.PrepareAhead"/> does, in the appending thread's idle moments.</summary>
    public bool SyncThread { get; init; }
    /// <summary>With <see cref="SyncThread"/>: set after each of its fsyncs (the caller's; see <see cref="JournalWriter.ArmDurableSignal"/>).</summary>
    public Exchange.Runtime.WakeSignal? DurableSignal { get; init; }
    /// <summary>Tests: runs on the sync thread before each of its fsyncs (to hold one open, or fail it).</summary>
    internal Action? BeforeThreadSync { get; init; }
    /// <summary>The most bytes one record may take (header included); a segment's size also bounds it.</summary>
    public int MaxRecordLength { get; init; } = 1 << 20;
    /// <summary>One index entry per this many bytes of records.</summary>
    public int IndexInterval { get; init; } = 64 << 10;
    /// <summary>Truncate at the first corrupt record instead of refusing to open. What is cut away is lost by the
    /// operator's choice, so this also accepts a journal shorter than its checkpoint.</summary>
    public bool Repair { get; init; }
    /// <summary>Open even though the journal holds fewer records than its checkpoint says were durable (they were
    /// lost: restored from an old copy, a truncated segment). Without it (or <see cref="Repair"/>) such a journal is refused.</summary>
    public bool AcceptLostRecords { get; init; }
    /// <summary>For a journal with no segments yet: the sequence a snapshot holds everything up to, so the first record
    /// appended must be the one after it (a standby restored from its primary's snapshot). Ignored once segments exist.</summary>
    public long StartAfter { get; init; }

    public void Validate()
    {
        if (SegmentSize < 4096 || SegmentSize > 1L << 40) throw new ArgumentException($"segment size {SegmentSize} outside 4 KiB..1 TiB");
        if (MaxRecordLength < 4096) throw new ArgumentException("MaxRecordLength must be at least 4 KiB");
        if (BatchMaxRecords < 1) throw new ArgumentException("BatchMaxRecords must be positive");
        if (BatchMaxDelay < TimeSpan.Zero) throw new ArgumentException("BatchMaxDelay must not be negative");
        if (IndexInterval < JournalFormat.Alignment) throw new ArgumentException("IndexInterval too small");
        if (StartAfter < 0) throw new ArgumentException("StartAfter must not be negative");
    }

    /// <summary>The largest payload one record can carry.</summary>
    public int MaxPayload => (int)Math.Min(MaxRecordLength, SegmentSize - JournalFormat.SegmentHeaderLength - JournalFormat.Alignment)
        - JournalFormat.RecordHeaderLength - JournalFormat.Alignment;
}
