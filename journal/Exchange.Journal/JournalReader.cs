// Reads a journal in sequence order from any sequence, across segments, and keeps following it while a
// writer appends (the replay tool and the journal tests follow a live journal this way). Damage is reported with the file,
// offset and sequence; reaching what the writer has not written yet is not an error.
namespace Exchange.Journal;

public enum ReadStatus
{
    Record,
    /// <summary>Nothing more has been written yet; try again later (or, for a closed journal, the end).</summary>
    NoMoreYet,
}

public sealed class JournalReader : IDisposable
{
    private readonly string _directory;
    private SegmentCursor? _cursor;
    private readonly long _skipUntil;
    private bool _positioned;
    private long _checkedStuckOffset = -1;
    /// <summary>Whether a later segment existed when the current one was opened: then the current one must
    /// end in the closing marker, which the writer writes before it creates the next segment.</summary>
    private bool _cursorHasSuccessor;

    private JournalReader(string directory, long fromSequence)
    {
        _directory = directory;
        NextSequence = fromSequence;
        _skipUntil = fromSequence;
    }

    /// <summary>The sequence the next record must carry.</summary>
    public long NextSequence { get; private set; }

    /// <summary>Why the last NoMoreYet stopped where it did, when that was an unreadable record rather than
    /// the clean end of written data: a write in progress, or a torn tail not yet recovered by a writer.</summary>
    public string? TailProblem { get; private set; }

    /// <summary>The segment file being read, if any.</summary>
    public string? CurrentSegment => _cursor?.Path;

    public static JournalReader Open(string directory, long fromSequence = 1)
    {
        if (fromSequence < 1) throw new ArgumentOutOfRangeException(nameof(fromSequence), "sequences start at 1");
        return new JournalReader(directory, fromSequence);
    }

    public ReadStatus TryRead(out JournalRecord record)
    {
        record = default;
        bool retried = false;
        while (true)
        {
            if (_cursor == null && !OpenNextSegment()) return ReadStatus.NoMoreYet;
            long at = _cursor!.Position;
            switch (_cursor.Next(out record))
            {
                case RecordStatus.Record:
                    if (record.Sequence != NextSequence)
                        throw new JournalCorruptException(_cursor.Path, at, NextSequence, $"found sequence {record.Sequence}: sequences are missing");
                    NextSequence++;
                    if (record.Sequence < _skipUntil) continue;
                    TailProblem = null;
                    return ReadStatus.Record;
                case RecordStatus.End:
                    if (_cursorHasSuccessor)
                        throw new JournalCorruptException(_cursor.Path, at, NextSequence, "segment ends without its closing marker, but later segments exist");
                    TailProblem = null;
                    return ReadStatus.NoMoreYet;
                case RecordStatus.Closed:
                    _cursor.Dispose();
                    _cursor = null;
                    continue;
                default:
                    // Only the newest segment may end in an unreadable record (a write in progress or a torn
                    // tail); anywhere else it is damage.
                    var segments = SegmentDirectory.List(_directory);
                    if (segments.Count > 0 && segments[^1].Path != _cursor.Path)
                    {
                        // The writer may have finished the record and moved on since it was read: look once more.
                        _cursor.Position = at;
                        if (!retried) { retried = true; continue; }
                        throw new JournalCorruptException(_cursor.Path, at, NextSequence, _cursor.InvalidReason);
                    }
                    // In the newest segment an unreadable record is the tail (a write in progress or a torn
                    // write) unless valid records follow it: then it is damage, and stopping here would pass
                    // a truncated journal off as a whole one. Checked once per stuck offset, after a re-read.
                    string reason = _cursor.InvalidReason;
                    if (at != _checkedStuckOffset)
                    {
                        _cursor.Position = at;
                        if (!retried) { retried = true; continue; }
                        _checkedStuckOffset = at;
                        bool damaged = _cursor.AnyValidRecordAfter(at, out long validAt);
                        _cursor.Position = at;
                        if (damaged)
                            throw new JournalCorruptException(_cursor.Path, at, NextSequence, $"{reason}; a valid record follows at offset {validAt}");
                    }
                    _cursor.Position = at;
                    TailProblem = $"{_cursor.Path}: unreadable record at offset {at} (sequence {NextSequence}): {reason}";
                    return ReadStatus.NoMoreYet;
            }
        }
    }

    /// <summary>Opens the segment the next record lives in: at first the one holding the requested sequence
    /// (sought by the sparse index), afterwards the one starting exactly where the last one closed.</summary>
    private bool OpenNextSegment()
    {
        var segments = SegmentDirectory.List(_directory);
        if (segments.Count == 0) return false;
        if (!_positioned)
        {
            int pick = segments.FindLastIndex(s => s.FirstSequence <= _skipUntil);
            if (pick < 0)
            {
                // A journal may start later than 1 (older segments archived); reading "from the start" is fine.
                if (_skipUntil > 1)
                    throw new JournalException($"{_directory}: sequence {_skipUntil} is before the journal's first segment, which starts at {segments[0].FirstSequence} " +
                        "(earlier segments removed or archived, or missing): only a snapshot can stand for them");
                pick = 0;
            }
            var segment = segments[pick];
            if (!TryOpenCursor(segments, pick)) return false;
            NextSequence = segment.FirstSequence;
            Seek(_cursor!, SegmentDirectory.IndexPath(_directory, segment.FirstSequence), _skipUntil);
            _positioned = true;
            return true;
        }
        int next = segments.FindIndex(s => s.FirstSequence == NextSequence);
        if (next < 0 && segments.Exists(s => s.FirstSequence > NextSequence))
        {
            // A directory listing is no snapshot: one taken while the writer rolled can hold a later segment
            // yet miss the one before it. A second listing starts after both existed.
            segments = SegmentDirectory.List(_directory);
            next = segments.FindIndex(s => s.FirstSequence == NextSequence);
        }
        if (next < 0)
        {
            if (segments.Exists(s => s.FirstSequence > NextSequence))
                throw new JournalException($"{_directory}: no segment starts at sequence {NextSequence}, but later ones exist: a segment is missing");
            return false;
        }
        return TryOpenCursor(segments, next);
    }

    /// <summary>Opens a segment, or reports NoMoreYet when it is the newest and the writer has created it but
    /// not yet written its header.</summary>
    private bool TryOpenCursor(List<SegmentInfo> segments, int index)
    {
        string path = segments[index].Path;
        try
        {
            _cursor = SegmentCursor.Open(path);
        }
        catch (JournalCorruptException e) when (index == segments.Count - 1)
        {
            if (new FileInfo(path).Length < JournalFormat.SegmentHeaderLength)
            {
                TailProblem = e.Message;
                return false;
            }
            _cursor = SegmentCursor.Open(path); // the header was written since the first look
        }
        _cursorHasSuccessor = index < segments.Count - 1;
        return true;
    }

    private void Seek(SegmentCursor cursor, string indexPath, long sequence)
    {
        IndexEntry best = default;
        foreach (var entry in SparseIndex.Read(indexPath))
            if (entry.Sequence <= sequence && entry.Sequence > best.Sequence && entry.Offset >= JournalFormat.SegmentHeaderLength && entry.Offset < cursor.SegmentSize)
                best = entry;
        if (best.Sequence == 0) return;
        cursor.Position = best.Offset;
        // The index is only a hint: use it if the record there is the one it names.
        bool hit = cursor.Next(out var record) == RecordStatus.Record && record.Sequence == best.Sequence;
        if (hit) NextSequence = best.Sequence;
        cursor.Position = hit ? best.Offset : JournalFormat.SegmentHeaderLength;
    }

    public void Dispose() => _cursor?.Dispose();
}
