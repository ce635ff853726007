// Cutting a journal back to a sequence: what a cluster member does when its leader's history shows that the records
// after that sequence were never the cluster's (a deposed leader's unreplicated tail, or what a standby had of it).
// The records after the cut are zeroed in their segment (as a torn tail is), later segments and their indexes are
// removed, and the checkpoint is set back, each made durable. The writer must not hold the journal meanwhile, and
// snapshots past the cut are the caller's to remove.
namespace Exchange.Journal;

public static class JournalCut
{
    /// <summary>Cuts <paramref name="directory"/>'s journal so that it ends at <paramref name="sequence"/>; returns how
    /// many records went. A journal ending at or before it is left as it is.</summary>
    /// <exception cref="JournalException">The journal does not reach back to <paramref name="sequence"/> + 1 in one
    /// readable piece (a damaged segment is for recovery, not for a cut).</exception>
    public static long After(string directory, long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        var segments = SegmentDirectory.List(directory);
        long removed = 0;
        for (int i = segments.Count - 1; i >= 0; i--)
        {
            var segment = segments[i];
            if (segment.FirstSequence > sequence)
            {
                removed += CountRecords(segment.Path);
                File.Delete(segment.Path);
                File.Delete(SegmentDirectory.IndexPath(directory, segment.FirstSequence));
                continue;
            }
            removed += ZeroAfter(segment.Path, sequence);
            break;
        }
        NativeFile.SyncDirectory(directory);
        if (removed > 0 && Checkpoint.Read(directory) is { } durable && durable > sequence)
        {
            using var checkpoint = Checkpoint.Open(directory, periodicSync: false);
            checkpoint.Reset(sequence);
        }
        return removed;
    }

    private static long ZeroAfter(string path, long sequence)
    {
        long at = -1, count = 0;
        using (var cursor = SegmentCursor.Open(path))
        {
            while (true)
            {
                long position = cursor.Position;
                var status = cursor.Next(out var record);
                if (status != RecordStatus.Record)
                {
                    if (status == RecordStatus.Invalid && at >= 0)
                        throw new JournalException($"{path}: damaged at offset {position} ({cursor.InvalidReason}) while cutting after sequence {sequence}");
                    break;
                }
                if (record.Sequence > sequence)
                {
                    if (at < 0) at = position;
                    count++;
                }
            }
        }
        if (at >= 0) TailRecovery.ZeroFrom(path, at);
        return count;
    }

    private static long CountRecords(string path)
    {
        long count = 0;
        using var cursor = SegmentCursor.Open(path);
        while (cursor.Next(out _) == RecordStatus.Record) count++;
        return count;
    }
}
