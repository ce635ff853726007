// One side of a book: its price levels, each price's level slot, and the best. Two layouts behind one interface.
//
// A ladder, where the symbol's price band spans at most LadderTicks ticks (nearly every market: a 20 % band around
// 60,000 ticks is 24,000; around 6,000,000 it is 2.4 million): a level slot per tick of the band, found by the price's
// tick number, and a bitmap of the ticks that have a level, with a summary bit per word and a top bit per summary
// word, to find the next best when the best empties in a few steps however far it is. Finding, adding and removing a
// level are a few loads and stores at any depth; nothing moves.
//
// A sorted array, for wider bands (a per-tick table would not fit): the levels' keys in order with the best at the
// end, where nearly all inserts, lookups and removals happen. Asks are stored under negated keys so both sides sort
// ascending. Deep in a side, a lookup bisects and an insert or removal moves every level better than it.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Exchange.Engine;

internal sealed class BookSide
{
    public const int None = -1;

    /// <summary>The widest band, in ticks, that gets a ladder: a table of 16 MiB and a bitmap of 512 KiB a side at
    /// most. The runtime hands a fresh array that large out without writing it (sixteen such tables raised a process's
    /// resident memory by 6 MB), so only the pages where levels are cost memory.</summary>
    public const int LadderTicks = 1 << 22;

    // The ladder: level slot + 1 per tick (0: no level), so a fresh array is an empty side.
    private readonly int[]? _slots;
    private readonly ulong[] _bits = [];
    private readonly ulong[] _summary = [];
    private readonly ulong[] _top = [];
    private readonly long _low;
    private readonly int _shift;
    private readonly ulong _inverse;
    /// <summary>Whether the best is the highest tick (bids, and sell stops), not the lowest.</summary>
    private readonly bool _highestBest;
    /// <summary>The best level's tick.</summary>
    private int _best;

    // The sorted array.
    private long[] _keys = [];
    private int[] _levels = [];

    /// <summary>A side whose prices are the multiples of <paramref name="tick"/> from <paramref name="low"/> to
    /// <paramref name="high"/>: a ladder when that is at most <see cref="LadderTicks"/> ticks, else a sorted array of
    /// <paramref name="initialCapacity"/> levels that grows.</summary>
    public BookSide(Side side, int initialCapacity, long low, long high, long tick)
    {
        Side = side;
        _highestBest = side == Side.Buy;
        if (tick > 0 && low > 0 && low % tick == 0 && high >= low && (high - low) / tick < LadderTicks)
        {
            int ticks = (int)((high - low) / tick) + 1;
            _slots = new int[ticks];
            _bits = new ulong[(ticks + 63) >> 6];
            _summary = new ulong[(_bits.Length + 63) >> 6];
            _top = new ulong[(_summary.Length + 63) >> 6];
            _low = low;
            // Prices in the band are low + k × tick, so k is an exact division: shift out tick's factors of two, then
            // multiply by the inverse of its odd part modulo 2^64 (Newton's iteration doubles the correct bits each step).
            _shift = BitOperations.TrailingZeroCount(tick);
            ulong odd = (ulong)tick >> _shift, inverse = odd;
            for (int i = 0; i < 5; i++) inverse *= 2 - odd * inverse;
            _inverse = inverse;
            return;
        }
        _keys = new long[Math.Max(1, initialCapacity)];
        _levels = new int[_keys.Length];
    }

    /// <summary>A sorted array, whatever the prices.</summary>
    public BookSide(Side side, int initialCapacity) : this(side, initialCapacity, 0, 0, 0) { }

    public Side Side { get; }
    public int Count { get; private set; }
    public bool IsLadder => _slots != null;

    /// <summary>The best level's slot; the side must not be empty. A field of its own in both layouts: the top of book
    /// is read on every operation, and through the ladder's table it was a load more, behind a branch (2.8 % of the
    /// long flow's profile as a call).</summary>
    public int Best { get; private set; }

    /// <summary>The level slot at <paramref name="price"/>, or <see cref="None"/>; in <paramref name="where"/>, what
    /// <see cref="Insert"/> needs to add one there. <paramref name="price"/> must be one of the side's prices (on a tick,
    /// in the band): the engine checks every price before it reaches a book.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(long price, out int where)
    {
        if (_slots != null)
        {
            where = Tick(price);
            return _slots[where] - 1;
        }
        int at = Position(price);
        where = ~at;
        return at >= 0 ? _levels[at] : None;
    }

    /// <summary>The level slot at <paramref name="price"/>, or <see cref="None"/>.</summary>
    public int Find(long price) => Find(price, out _);

    /// <summary>Adds level <paramref name="level"/> at <paramref name="price"/>, which has none; <paramref name="where"/>
    /// as <see cref="Find(long, out int)"/> gave it, with no change to the side since.</summary>
    public void Insert(int where, long price, int level)
    {
        if (_slots != null)
        {
            _slots[where] = level + 1;
            _bits[where >> 6] |= 1UL << where;
            _summary[where >> 12] |= 1UL << (where >> 6);
            _top[where >> 18] |= 1UL << (where >> 12);
            if (Count == 0 || (_highestBest ? where > _best : where < _best))
            {
                _best = where;
                Best = level;
            }
            Count++;
            return;
        }
        InsertAt(where, price, level);
    }

    /// <summary>Removes the level at <paramref name="price"/>, which has one.</summary>
    public void Remove(long price)
    {
        if (_slots != null) { RemoveTick(Tick(price)); return; }
        RemoveAt(Position(price));
    }

    public void RemoveBest()
    {
        if (_slots != null) RemoveTick(_best);
        else RemoveAt(Count - 1);
    }

    /// <summary>The levels' slots, best first, without allocating: <c>foreach (int slot in side)</c>. The side must not
    /// change while it is walked.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>A copy of the level slots, best first.</summary>
    public int[] LevelsBestFirst()
    {
        var levels = new int[Count];
        int i = 0;
        foreach (int slot in this) levels[i++] = slot;
        return levels;
    }

    public struct Enumerator
    {
        private readonly BookSide _side;
        private int _at;
        private bool _started;

        internal Enumerator(BookSide side) { _side = side; _at = None; _started = false; }

        public readonly int Current => _side._slots != null ? _side._slots[_at] - 1 : _side._levels[_at];

        public bool MoveNext()
        {
            BookSide s = _side;
            if (!_started)
            {
                _started = true;
                _at = s.Count == 0 ? None : s._slots != null ? s._best : s.Count - 1;
            }
            else if (_at != None)
            {
                _at = s._slots == null ? _at - 1 : s._highestBest ? s.HighestBelow(_at) : s.LowestAbove(_at);
            }
            return _at >= 0;
        }
    }

    // The ladder.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Tick(long price) => (int)(((ulong)(price - _low) >> _shift) * _inverse);

    private void RemoveTick(int tick)
    {
        _slots![tick] = 0;
        int word = tick >> 6;
        if ((_bits[word] &= ~(1UL << tick)) == 0 && (_summary[word >> 6] &= ~(1UL << word)) == 0) _top[word >> 12] &= ~(1UL << (word >> 6));
        Count--;
        if (tick == _best && Count > 0)
        {
            _best = _highestBest ? HighestBelow(tick) : LowestAbove(tick);
            Best = _slots[_best] - 1;
        }
    }

    /// <summary>The highest tick below <paramref name="tick"/> that has a level, or <see cref="None"/>.</summary>
    private int HighestBelow(int tick)
    {
        if (tick <= 0) return None;
        tick--;
        int word = tick >> 6;
        ulong bits = _bits[word] & (ulong.MaxValue >> (63 - (tick & 63)));
        if (bits != 0) return (word << 6) + Highest(bits);
        // The words below it in its summary word, else the summary words below that one through the top.
        int s = word >> 6;
        ulong words = _summary[s] & ((1UL << word) - 1);
        if (words == 0)
        {
            int t = s >> 6;
            ulong sums = _top[t] & ((1UL << s) - 1);
            while (sums == 0)
            {
                if (--t < 0) return None;
                sums = _top[t];
            }
            s = (t << 6) + Highest(sums);
            words = _summary[s];
        }
        word = (s << 6) + Highest(words);
        return (word << 6) + Highest(_bits[word]);
    }

    /// <summary>The lowest tick above <paramref name="tick"/> that has a level, or <see cref="None"/>.</summary>
    private int LowestAbove(int tick)
    {
        tick++;
        int word = tick >> 6;
        if (word >= _bits.Length) return None;
        ulong bits = _bits[word] & (ulong.MaxValue << tick);
        if (bits != 0) return (word << 6) + BitOperations.TrailingZeroCount(bits);
        // As above, upwards ((2 << 63) is 0: nothing above a word's last bit).
        int s = word >> 6;
        ulong words = _summary[s] & ~((2UL << word) - 1);
        if (words == 0)
        {
            int t = s >> 6;
            ulong sums = _top[t] & ~((2UL << s) - 1);
            while (sums == 0)
            {
                if (++t == _top.Length) return None;
                sums = _top[t];
            }
            s = (t << 6) + BitOperations.TrailingZeroCount(sums);
            words = _summary[s];
        }
        word = (s << 6) + BitOperations.TrailingZeroCount(words);
        return (word << 6) + BitOperations.TrailingZeroCount(_bits[word]);
    }

    private static int Highest(ulong bits) => 63 - BitOperations.LeadingZeroCount(bits);

    // The sorted array.

    private long Key(long price) => Side == Side.Buy ? price : -price;

    /// <summary>Position of the level at <paramref name="price"/>, or the bitwise complement of where it would go.</summary>
    private int Position(long price)
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

    private void InsertAt(int position, long price, int level)
    {
        if (Count == _keys.Length) Grow();
        if (position < Count) Move(position, position + 1, Count - position);
        _keys[position] = Key(price);
        _levels[position] = level;
        Count++;
        if (position == Count - 1) Best = level;
    }

    private void RemoveAt(int position)
    {
        Count--;
        if (position < Count) Move(position + 1, position, Count - position);
        else if (Count > 0) Best = _levels[Count - 1];
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

    private void Grow()
    {
        Array.Resize(ref _keys, _keys.Length * 2);
        Array.Resize(ref _levels, _levels.Length * 2);
    }
}
