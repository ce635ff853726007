// Journal retention: once a snapshot holds the state at a sequence, the segments wholly before it are only needed by
// whoever must replay from further back (an audit, a standby still reading them). The engine asks for them to be
// removed, or moved to archive/ (outside the journal, for an operator to keep elsewhere), only when its configuration
// says so; the newest segment is never touched. A journal so trimmed starts after sequence 1: start-up and the replay
// tool take its state from a snapshot at or after the first segment's first sequence minus one.
namespace Exchange.Journal;

public static class JournalRetention
{
    /// <summary>Where archived segments go, inside the journal directory.</summary>
    public static string ArchiveDirectory(string journalDirectory) => Path.Combine(journalDirectory, "archive");

    /// <summary>The first sequence the journal holds (the first segment's), or 0 when it has no segment.</summary>
    public static long FirstSequence(string directory)
    {
        var segments = SegmentDirectory.List(directory);
        return segments.Count == 0 ? 0 : segments[0].FirstSequence;
    }

    /// <summary>Removes (or, with <paramref name="archive"/>, moves to <see cref="ArchiveDirectory"/>) every segment whose
    /// records all lie at or before <paramref name="through"/>, with its index; never the newest segment. Returns the
    /// first sequence the journal holds afterwards and how many segments went.</summary>
    public static (long FirstSequence, int Removed) RemoveThrough(string directory, long through, bool archive)
    {
        var segments = SegmentDirectory.List(directory);
        int removed = 0;
        string? archiveDirectory = archive ? ArchiveDirectory(directory) : null;
        if (archiveDirectory != null) PrivateFiles.CreateDirectory(archiveDirectory);
        // A segment's last record is the one before the next segment's first.
        while (removed + 1 < segments.Count && segments[removed + 1].FirstSequence - 1 <= through)
        {
            var segment = segments[removed];
            string index = SegmentDirectory.IndexPath(directory, segment.FirstSequence);
            if (archiveDirectory != null)
            {
                File.Move(segment.Path, Path.Combine(archiveDirectory, Path.GetFileName(segment.Path)), overwrite: true);
                if (File.Exists(index)) File.Move(index, Path.Combine(archiveDirectory, Path.GetFileName(index)), overwrite: true);
            }
            else
            {
                File.Delete(segment.Path);
                File.Delete(index);
            }
            removed++;
        }
        if (removed > 0)
        {
            if (archiveDirectory != null) NativeFile.SyncDirectory(archiveDirectory);
            NativeFile.SyncDirectory(directory);
        }
        return (segments.Count == 0 ? 0 : segments[removed].FirstSequence, removed);
    }

    /// <summary>Removes every segment, index and the checkpoint: a journal about to be replaced by a snapshot and what
    /// follows it (a standby whose records end before its primary's journal starts). The caller has closed the writer.</summary>
    public static int RemoveAll(string directory)
    {
        var segments = SegmentDirectory.List(directory);
        foreach (var segment in segments)
        {
            File.Delete(segment.Path);
            File.Delete(SegmentDirectory.IndexPath(directory, segment.FirstSequence));
        }
        File.Delete(Path.Combine(directory, Checkpoint.FileName));
        NativeFile.SyncDirectory(directory);
        return segments.Count;
    }
}
