// Reads a journal in sequence order from any sequence, across segments, and keeps following it while a
// writer appends (standbys and exporters tail the live journal this way). Damage is reported with the file,
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
                        throw new JournalCorruptException(_cursor.Path, at, NextSequence, _cursor.InvalidReason);
                    _cursor.Position = at;
                    TailProblem = $"{_cursor.Path}: unreadable record at offset {at} (sequence {NextSequence}): {_cursor.InvalidReason}";
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
                    throw new JournalException($"{_directory}: sequence {_skipUntil} is before the first segment ({segments[0].FirstSequence}): segments are missing");
                pick = 0;
            }
            var segment = segments[pick];
            _cursor = SegmentCursor.Open(segment.Path);
            NextSequence = segment.FirstSequence;
            Seek(_cursor, SegmentDirectory.IndexPath(_directory, segment.FirstSequence), _skipUntil);
            _positioned = true;
            return true;
        }
        int next = segments.FindIndex(s => s.FirstSequence == NextSequence);
        if (next < 0)
        {
            if (segments.Exists(s => s.FirstSequence > NextSequence))
                throw new JournalException($"{_directory}: no segment starts at sequence {NextSequence}, but later ones exist: a segment is missing");
            return false;
        }
        _cursor = SegmentCursor.Open(segments[next].Path);
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
