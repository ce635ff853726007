// One side of a book: its price levels in a sorted array with the best price at the end, where nearly all
// inserts, lookups and removals happen. Asks are stored under negated keys so both sides sort ascending.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Exchange.Engine;

internal sealed class BookSide
{
    private long[] _keys;
    private int[] _levels;

    public BookSide(Side side, int initialCapacity)
    {
        Side = side;
        _keys = new long[initialCapacity];
        _levels = new int[initialCapacity];
    }

    public Side Side { get; }
    public int Count { get; private set; }

    /// <summary>Level slot at position <paramref name="i"/>; <c>Count - 1</c> is the best.</summary>
    public int LevelAt(int i) => _levels[i];

    public int Best => _levels[Count - 1];

    private long Key(long price) => Side == Side.Buy ? price : -price;

    /// <summary>Position of the level at <paramref name="price"/>, or the bitwise complement of where it would go.</summary>
    public int Find(long price)
    {
        long key = Key(price);
        int i = Count - 1;
        // Most lookups are within a few levels of the top: look there first, then bisect the rest.
        int stop = Math.Max(0, Count - 8);
        for (; i >= stop; i--)
        {
            long k = _keys[i];
            if (k == key) return i;
            if (k < key) return ~(i + 1);
        }
        if (i < 0) return ~0;
        int at = LowerBound(key, i + 1);
        return at <= i && _keys[at] == key ? at : ~at;
    }

    /// <summary>The first position in [0, <paramref name="count"/>) whose key is not below <paramref name="key"/>
    /// (<paramref name="count"/> if none): a bisection without branches on the keys, since on a deep book where each
    /// step goes is a coin toss that a predictor loses half the time.</summary>
    private int LowerBound(long key, int count)
    {
        ref long keys = ref MemoryMarshal.GetArrayDataReference(_keys);
        int at = 0;
        for (int n = count; n > 1;)
        {
            int half = n >> 1;
            int below = Unsafe.Add(ref keys, at + half - 1) < key ? 1 : 0; // a flag (setcc), not a jump
            at += half & -below;
            n -= half;
        }
        return at + (Unsafe.Add(ref keys, at) < key ? 1 : 0);
    }

    public void InsertAt(int position, long price, int level)
    {
        if (Count == _keys.Length) Grow();
        if (position < Count) Move(position, position + 1, Count - position);
        _keys[position] = Key(price);
        _levels[position] = level;
        Count++;
    }

    public void RemoveAt(int position)
    {
        Count--;
        if (position < Count) Move(position + 1, position, Count - position);
    }

    /// <summary>Moves a run of <paramref name="count"/> entries from <paramref name="from"/> to <paramref name="to"/>, one
    /// place up or down. Short runs (levels a few from the best, nearly all of them) element by element: Array.Copy of a
    /// handful of overlapping elements went through its checks to the C library's memmove behind a native call, 59
    /// instructions an operation on the shallow flow (callgrind, 2026-12-07). Long runs through the library.</summary>
    private void Move(int from, int to, int count)
    {
        if (count > ShortRun)
        {
            _keys.AsSpan(from, count).CopyTo(_keys.AsSpan(to, count));
            _levels.AsSpan(from, count).CopyTo(_levels.AsSpan(to, count));
            return;
        }
        // In bounds: from and to are positions in [0, Count], count ends at Count, and the arrays hold Count + 1.
        ref long keys = ref MemoryMarshal.GetArrayDataReference(_keys);
        ref int levels = ref MemoryMarshal.GetArrayDataReference(_levels);
        if (to > from)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                Unsafe.Add(ref keys, to + i) = Unsafe.Add(ref keys, from + i);
                Unsafe.Add(ref levels, to + i) = Unsafe.Add(ref levels, from + i);
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                Unsafe.Add(ref keys, to + i) = Unsafe.Add(ref keys, from + i);
                Unsafe.Add(ref levels, to + i) = Unsafe.Add(ref levels, from + i);
            }
        }
    }

    private const int ShortRun = 16;

    public void RemoveBest() => Count--;

    /// <summary>A copy of the level slots, best first.</summary>
    public int[] LevelsBestFirst()
    {
        var levels = _levels.AsSpan(0, Count).ToArray();
        Array.Reverse(levels);
        return levels;
    }

    private void Grow()
    {
        Array.Resize(ref _keys, _keys.Length * 2);
        Array.Resize(ref _levels, _levels.Length * 2);
    }
}
