// Where some sequences start in a segment, so a reader can seek instead of scanning from the top. It is a
// hint: a reader checks the record it lands on, and `verify` checks every entry.
using System.Buffers.Binary;

namespace Exchange.Journal;

public readonly record struct IndexEntry(long Sequence, long Offset);

internal sealed class SparseIndex
{
    private const int EntrySize = 16;
    private readonly List<IndexEntry> _entries = new(capacity: 4096);
    private long _lastMarked;

    public bool ShouldMark(long position, int interval) => _entries.Count == 0 || position - _lastMarked >= interval;

    public void Mark(long sequence, long offset)
    {
        _entries.Add(new IndexEntry(sequence, offset));
        _lastMarked = offset;
    }

    public void Clear()
    {
        _entries.Clear();
        _lastMarked = 0;
    }

    public void Save(string path)
    {
        var bytes = new byte[_entries.Count * EntrySize];
        for (int i = 0; i < _entries.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * EntrySize), _entries[i].Sequence);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * EntrySize + 8), _entries[i].Offset);
        }
        PrivateFiles.WriteAllBytes(path, bytes);
    }

    /// <summary>Resumes an index for a segment being appended to; entries at or past the tail are dropped.</summary>
    public void Load(string path, long tailOffset)
    {
        Clear();
        foreach (var entry in Read(path))
            if (entry.Offset < tailOffset) Mark(entry.Sequence, entry.Offset);
    }

    /// <summary>The entries of an index file, or none if it is missing or not a whole number of entries.</summary>
    public static List<IndexEntry> Read(string path)
    {
        var entries = new List<IndexEntry>();
        if (!File.Exists(path)) return entries;
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length % EntrySize != 0) return entries;
        for (int i = 0; i < bytes.Length; i += EntrySize)
            entries.Add(new IndexEntry(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i)), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i + 8))));
        return entries;
    }
}
