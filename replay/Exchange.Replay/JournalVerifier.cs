// Checks a journal directory end to end without changing a byte: segment headers, every record's CRC,
// sequence continuity within and across segments, closing markers, sparse-index entries, and that payloads
// decode as commands. Unlike a writer opening the journal, it recovers nothing: a torn tail is a finding.
using Exchange.Contract;
using Exchange.Journal;
using Exchange.Sbe;

namespace Exchange.Replay;

public sealed record VerifyFault(string File, long Offset, long Sequence, string Reason, bool TornTail = false)
{
    public override string ToString() => Offset < 0 ? $"{File}: {Reason}" : $"{File}: offset {Offset} (sequence {Sequence}): {Reason}";
}

public sealed class VerifyReport
{
    public int Segments { get; set; }
    public long Records { get; set; }
    /// <summary>Bytes of records (headers, payloads and padding), not of preallocated segment files.</summary>
    public long Bytes { get; set; }
    public long FirstSequence { get; set; }
    public long LastSequence { get; set; }
    public long Malformed { get; set; }
    public long IndexEntries { get; set; }
    public List<VerifyFault> Faults { get; } = [];
    public bool Clean => Faults.Count == 0;
    /// <summary>Whether every fault is a torn tail: what a crash leaves, and what a writer discards on opening.</summary>
    public bool OnlyTornTail => Faults.Count > 0 && Faults.TrueForAll(f => f.TornTail);
}

public static class JournalVerifier
{
    private const int IndexEntrySize = 16;

    public static VerifyReport Verify(string directory, Action<long, long>? progress = null)
    {
        var report = new VerifyReport();
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such directory");
        List<SegmentInfo> segments;
        try
        {
            segments = SegmentDirectory.List(directory);
        }
        catch (JournalException e)
        {
            report.Faults.Add(new VerifyFault(directory, -1, -1, e.Message));
            return report;
        }
        if (segments.Count == 0) report.Faults.Add(new VerifyFault(directory, -1, -1, "no journal segments"));

        long expected = segments.Count > 0 ? segments[0].FirstSequence : 0;
        for (int s = 0; s < segments.Count; s++)
        {
            var segment = segments[s];
            bool last = s == segments.Count - 1;
            report.Segments++;
            if (s > 0 && segment.FirstSequence != expected)
                report.Faults.Add(new VerifyFault(segment.Path, -1, expected, segment.FirstSequence > expected
                    ? $"segment starts at sequence {segment.FirstSequence} but the previous one ended at {expected - 1}: sequences {expected}..{segment.FirstSequence - 1} are missing (a segment is missing?)"
                    : $"segment starts at sequence {segment.FirstSequence}, overlapping the previous one, which ended at {expected - 1}"));
            expected = VerifySegment(directory, segment, last, report, progress);
        }
        return report;
    }

    /// <summary>Checks one segment with the journal's own cursor; returns the sequence that should start the next one.</summary>
    private static long VerifySegment(string directory, SegmentInfo segment, bool last, VerifyReport report, Action<long, long>? progress)
    {
        string path = segment.Path;
        SegmentCursor cursor;
        try
        {
            cursor = SegmentCursor.Open(path);
        }
        catch (JournalCorruptException e)
        {
            report.Faults.Add(new VerifyFault(path, 0, segment.FirstSequence, $"bad segment header: {e.Reason}"));
            return segment.FirstSequence;
        }
        using var _ = cursor;
        long fileLength = new FileInfo(path).Length;
        string? problem = cursor.FirstSequence != segment.FirstSequence ? $"header says first sequence {cursor.FirstSequence}, the file name {segment.FirstSequence}"
            : fileLength > cursor.SegmentSize ? $"the file has {fileLength} bytes, more than the {cursor.SegmentSize} its header declares"
            : null;
        if (problem != null)
        {
            report.Faults.Add(new VerifyFault(path, 0, segment.FirstSequence, $"bad segment header: {problem}"));
            return segment.FirstSequence;
        }
        var index = ReadIndex(SegmentDirectory.IndexPath(directory, segment.FirstSequence), report);
        report.IndexEntries += index.Count;
        int nextEntry = 0;

        long expected = cursor.FirstSequence, at = JournalFormat.SegmentHeaderLength;
        bool closed = false;
        while (true)
        {
            cursor.Position = at;
            var status = cursor.Next(out var record);
            if (status == RecordStatus.Record)
            {
                // Index entries before this record point between records.
                while (nextEntry < index.Count && index[nextEntry].Offset < at)
                    report.Faults.Add(IndexFault(path, index[nextEntry++], "points between records"));
                while (nextEntry < index.Count && index[nextEntry].Offset == at)
                {
                    var entry = index[nextEntry++];
                    if (entry.Sequence != record.Sequence) report.Faults.Add(IndexFault(path, entry, $"the record there has sequence {record.Sequence}"));
                }
                if (record.Sequence != expected)
                    report.Faults.Add(new VerifyFault(path, at, expected, $"found sequence {record.Sequence} where {expected} was expected"));
                if (report.Records == 0) report.FirstSequence = record.Sequence;
                report.LastSequence = record.Sequence;
                report.Records++;
                report.Bytes += cursor.Position - at;
                CheckPayload(record, path, report);
                expected = record.Sequence + 1;
                at = cursor.Position;
                if (progress != null && (report.Records & 0x3FFF) == 0) progress(record.Sequence, report.Records);
                continue;
            }
            if (status == RecordStatus.Closed) { closed = true; break; }
            if (status == RecordStatus.End) break;
            // Unreadable: damage if anything valid follows, otherwise a torn tail (or, on an older segment, a cut-off one).
            string invalid = cursor.InvalidReason;
            if (cursor.AnyValidRecordAfter(at, out long validAt))
            {
                report.Faults.Add(new VerifyFault(path, at, expected, $"{invalid}; a valid record follows at offset {validAt}"));
                at = validAt;
                continue;
            }
            report.Faults.Add(last
                ? new VerifyFault(path, at, expected, $"torn tail: {invalid}; nothing valid follows (a writer opening the journal would discard it)", TornTail: true)
                : new VerifyFault(path, at, expected, $"{invalid}; nothing valid follows, and the segment has no closing marker"));
            closed = true;  // already reported; do not also report the missing marker
            break;
        }
        if (!closed && !last)
            report.Faults.Add(new VerifyFault(path, at, expected, "segment ends without the closed marker, but a later segment exists"));
        while (nextEntry < index.Count)
            report.Faults.Add(IndexFault(path, index[nextEntry++], "points past the last valid record"));
        return expected;
    }

    private static void CheckPayload(in JournalRecord record, string path, VerifyReport report)
    {
        var handler = new CommandSummary();
        if (CommandCodec.Decode(record.Payload, ref handler) != SbeError.None)
        {
            report.Malformed++;
            return;
        }
        int template = CommandCodec.TemplateOf(record.Payload);
        if (template != record.Type)
            report.Faults.Add(new VerifyFault(path, record.Offset, record.Sequence,
                $"record type {record.Type} ({MessageTypes.NameOf(record.Type)}) but the payload is a {MessageTypes.NameOf(template)}"));
    }

    private static VerifyFault IndexFault(string segmentPath, IndexEntry entry, string why) =>
        new(Path.ChangeExtension(segmentPath, JournalFormat.IndexExtension), entry.Offset, entry.Sequence, $"index entry for sequence {entry.Sequence} at offset {entry.Offset} {why}");

    private static List<IndexEntry> ReadIndex(string indexPath, VerifyReport report)
    {
        if (File.Exists(indexPath) && new FileInfo(indexPath).Length % IndexEntrySize != 0)
            report.Faults.Add(new VerifyFault(indexPath, -1, -1, $"{new FileInfo(indexPath).Length} bytes is not a whole number of {IndexEntrySize}-byte entries (a reader ignores the whole index)"));
        var entries = SparseIndex.Read(indexPath);
        entries.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return entries;
    }
}
