// The segments of a journal directory, in sequence order, found by their names.
namespace Exchange.Journal;

public readonly record struct SegmentInfo(long FirstSequence, string Path);

public static class SegmentDirectory
{
    public static List<SegmentInfo> List(string directory)
    {
        var segments = new List<SegmentInfo>();
        if (!System.IO.Directory.Exists(directory)) return segments;
        foreach (string path in System.IO.Directory.EnumerateFiles(directory, "*" + JournalFormat.SegmentExtension))
        {
            string name = System.IO.Path.GetFileName(path);
            if (!JournalFormat.TryParseSegmentName(name, out long first))
                throw new JournalException($"{path}: not a segment name (expected 20 digits of first sequence + {JournalFormat.SegmentExtension})");
            segments.Add(new SegmentInfo(first, path));
        }
        segments.Sort((a, b) => a.FirstSequence.CompareTo(b.FirstSequence));
        return segments;
    }

    public static string IndexPath(string directory, long firstSequence) =>
        System.IO.Path.Combine(directory, JournalFormat.IndexName(firstSequence));
}
