// A cluster member's record of the leaderships its journal holds: for each LeaderTerm input, its term and sequence,
// kept in `terms` beside the journal. An entry is written (durably) before its record is journaled, so a crash
// between the two leaves an entry past the journal's end, which the next open drops.
//
// A leader answers a standby's hello with it. The standby says the last leadership its journal holds (term and first
// sequence): if the leader has that leadership too, the two journals agree up to where it ended in the leader's (the
// leader's records up to there came from the same leader the standby's did), and whatever the standby holds past
// that end was never the cluster's: it must cut there. A leadership the leader never saw is cut away whole. Either
// way the standby rejoins from a common point, so no record of a deposed leader survives beside the new one's.
using System.Globalization;
using System.Text;
using Exchange.Journal;

namespace Exchange.Engine.Host;

internal sealed class TermHistory
{
    public const string FileName = "terms";
    /// <summary>What <see cref="CutFor"/> answers when the standby's journal has nothing the leader's lacks.</summary>
    public const long NoCut = -1;

    private readonly string? _path;
    private readonly List<(long Term, long Start)> _entries = [];

    private TermHistory(string? path) => _path = path;

    /// <summary>Without a journal: kept in memory only.</summary>
    public static TermHistory InMemory() => new(null);

    /// <summary>The history kept beside <paramref name="journalDirectory"/>, without entries past
    /// <paramref name="journalLast"/> (written just before a crash that kept their records out of the journal).</summary>
    /// <exception cref="InvalidDataException">The file is not a history.</exception>
    public static TermHistory Open(string journalDirectory, long journalLast)
    {
        var history = new TermHistory(Path.Combine(journalDirectory, FileName));
        if (!File.Exists(history._path)) return history;
        int line = 0;
        foreach (string text in File.ReadAllLines(history._path))
        {
            line++;
            if (text.Length == 0) continue;
            string[] words = text.Split(' ');
            if (words.Length != 2 || !long.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out long term)
                || !long.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out long start) || term <= 0 || start <= 0
                || (history._entries.Count > 0 && (term <= history._entries[^1].Term || start <= history._entries[^1].Start)))
                throw new InvalidDataException($"{history._path}, line {line}: not 'term sequence' with both above the line before ('{text}')");
            if (start <= journalLast) history._entries.Add((term, start));
        }
        return history;
    }

    public int Count => _entries.Count;

    /// <summary>The latest leadership (term 0 and sequence 0 when there has been none).</summary>
    public (long Term, long Start) Latest => _entries.Count == 0 ? (0, 0) : _entries[^1];

    /// <summary>A LeaderTerm input about to be journaled at <paramref name="start"/>: recorded first, durably.</summary>
    public void Add(long term, long start)
    {
        if (_entries.Count > 0 && (term <= _entries[^1].Term || start <= _entries[^1].Start))
            throw new InvalidOperationException($"term {term} at sequence {start} does not follow term {_entries[^1].Term} at {_entries[^1].Start}");
        _entries.Add((term, start));
        Save();
    }

    /// <summary>The leadership <paramref name="sequence"/> falls in (0, 0: before any).</summary>
    public (long Term, long Start) At(long sequence)
    {
        for (int i = _entries.Count - 1; i >= 0; i--)
            if (_entries[i].Start <= sequence) return _entries[i];
        return (0, 0);
    }

    /// <summary>A standby restored from its primary's snapshot: its journal now starts after the snapshot, and its
    /// history is the leadership the snapshot fell in, as the primary's history has it.</summary>
    public void ResetTo(long term, long start)
    {
        _entries.Clear();
        if (term > 0) _entries.Add((term, start));
        Save();
    }

    /// <summary>The journal was cut after <paramref name="sequence"/>: leaderships that began after it are gone.</summary>
    public void CutAfter(long sequence)
    {
        if (_entries.RemoveAll(e => e.Start > sequence) > 0) Save();
    }

    /// <summary>Where a standby whose journal ends at <paramref name="durable"/>, its last leadership being
    /// <paramref name="lastTerm"/> from <paramref name="lastTermStart"/> (0, 0: none), must cut its journal to agree with
    /// this leader's: a sequence, or <see cref="NoCut"/>.</summary>
    public long CutFor(long durable, long lastTerm, long lastTermStart)
    {
        if (lastTerm <= 0)
        {
            // Everything it holds predates any leadership: common up to where this leader's first began.
            if (_entries.Count == 0) return NoCut;
            long before = _entries[0].Start - 1;
            return durable > before ? before : NoCut;
        }
        int i = _entries.FindIndex(e => e.Term == lastTerm);
        // A leadership this leader never saw (a deposed leader's own, none of it replicated), or seen starting elsewhere:
        // the standby drops all of it and asks again from the one before.
        if (i < 0) return Math.Max(0, lastTermStart - 1);
        if (_entries[i].Start != lastTermStart) return Math.Max(0, Math.Min(lastTermStart, _entries[i].Start) - 1);
        if (i == _entries.Count - 1) return NoCut;
        long end = _entries[i + 1].Start - 1;
        return durable > end ? end : NoCut;
    }

    private void Save()
    {
        if (_path == null) return;
        var text = new StringBuilder();
        foreach (var (term, start) in _entries) text.Append(CultureInfo.InvariantCulture, $"{term} {start}\n");
        PrivateFiles.ReplaceDurably(_path, Encoding.ASCII.GetBytes(text.ToString()));
    }
}
