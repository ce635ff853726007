// What a writer does to the last segment on open: find where valid records end, and decide whether what
// follows is a torn write from a crash (discarded and reported) or damage before the tail (refused, or
// truncated there when repair was asked for).
namespace Exchange.Journal;

public enum RecoveryAction { None, TruncatedTornTail, RemovedEmptySegment, RepairedCorruption }

public sealed record RecoveryReport(long LastSequence, RecoveryAction Action, string? File, long Offset, long DiscardedBytes, string? Reason)
{
    public static RecoveryReport Clean(long lastSequence) => new(lastSequence, RecoveryAction.None, null, 0, 0, null);

    public override string ToString() => Action switch
    {
        RecoveryAction.None => $"journal clean up to sequence {LastSequence}",
        RecoveryAction.TruncatedTornTail => $"{File}: discarded a torn record at offset {Offset} ({DiscardedBytes} bytes: {Reason}); journal ends at sequence {LastSequence}",
        RecoveryAction.RemovedEmptySegment => $"{File}: removed a segment with no valid header ({Reason}); journal ends at sequence {LastSequence}",
        _ => $"{File}: REPAIRED by truncating at offset {Offset} ({DiscardedBytes} bytes discarded: {Reason}); journal ends at sequence {LastSequence}",
    };
}

internal readonly record struct TailState(long LastSequence, long TailOffset, bool Closed, bool RemovedEmptySegment, RecoveryReport Report);

internal static class TailRecovery
{
    public static TailState Recover(string path, bool repair)
    {
        SegmentCursor cursor;
        try
        {
            cursor = SegmentCursor.Open(path);
        }
        catch (JournalCorruptException e) when (HeaderNeverWritten(path) || repair)
        {
            // A crash between creating the file and writing its header leaves nothing to lose.
            return new TailState(0, 0, false, true,
                new RecoveryReport(0, HeaderNeverWritten(path) ? RecoveryAction.RemovedEmptySegment : RecoveryAction.RepairedCorruption,
                    path, 0, new FileInfo(path).Length, e.Reason));
        }
        using (cursor)
        {
            long expected = cursor.FirstSequence, last = cursor.FirstSequence - 1;
            while (true)
            {
                long at = cursor.Position;
                switch (cursor.Next(out var record))
                {
                    case RecordStatus.Record when record.Sequence == expected:
                        last = expected++;
                        continue;
                    case RecordStatus.Record:
                        return Damaged(path, cursor, at, expected, last, $"sequence {record.Sequence} where {expected} was expected", repair);
                    case RecordStatus.End:
                        // Appending here would overwrite whatever valid records lie beyond the zeros.
                        if (cursor.AnyValidRecordAfter(at, out long beyond))
                            return Damaged(path, cursor, at, expected, last, $"no record at offset {at}, but a valid record follows at offset {beyond}", repair);
                        return new TailState(last, at, false, false, RecoveryReport.Clean(last));
                    case RecordStatus.Closed:
                        return new TailState(last, at, true, false, RecoveryReport.Clean(last));
                    default:
                        string reason = cursor.InvalidReason;
                        if (cursor.AnyValidRecordAfter(at, out long validAt))
                            return Damaged(path, cursor, at, expected, last, $"{reason}; a valid record follows at offset {validAt}", repair);
                        long discarded = ZeroFrom(path, at);
                        return new TailState(last, at, false, false,
                            new RecoveryReport(last, RecoveryAction.TruncatedTornTail, path, at, discarded, reason));
                }
            }
        }
    }

    private static TailState Damaged(string path, SegmentCursor cursor, long at, long expected, long last, string reason, bool repair)
    {
        if (!repair) throw new JournalCorruptException(path, at, expected, reason + " (open with repair to truncate here)");
        cursor.Dispose();
        long discarded = ZeroFrom(path, at);
        return new TailState(last, at, false, false, new RecoveryReport(last, RecoveryAction.RepairedCorruption, path, at, discarded, reason));
    }

    private static bool HeaderNeverWritten(string path)
    {
        var info = new FileInfo(path);
        if (info.Length < JournalFormat.SegmentHeaderLength) return true;
        Span<byte> header = stackalloc byte[JournalFormat.SegmentHeaderLength];
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        RandomAccess.Read(file, header, 0);
        return !header.ContainsAnyExcept((byte)0);
    }

    /// <summary>Zeroes from <paramref name="offset"/> up to where the file is zero anyway; returns the bytes cleared.</summary>
    internal static long ZeroFrom(string path, long offset)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        long length = RandomAccess.GetLength(file);
        var chunk = new byte[64 << 10];
        var zeros = new byte[chunk.Length];
        long at = offset;
        while (at < length)
        {
            int read = RandomAccess.Read(file, chunk, at);
            if (read <= 0 || !chunk.AsSpan(0, read).ContainsAnyExcept((byte)0)) break;
            RandomAccess.Write(file, zeros.AsSpan(0, read), at);
            at += read;
        }
        RandomAccess.FlushToDisk(file);
        return at - offset;
    }
}
