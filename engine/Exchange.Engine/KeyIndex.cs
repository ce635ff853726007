// Open-addressing hash index from a key (an int and a long: an account's slot and a client order id, or 0 and an
// account id) to a slot, with linear probing and backward-shift deletion (no tombstones, so it never degrades under
// churn). Preallocated; never iterated, so its layout cannot leak into the engine's determinism. An entry is 16 bytes,
// four to a cache line and never split across two: the order index is far larger than the caches, so a lookup costs
// the lines it touches.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Exchange.Engine;

internal sealed class KeyIndex
{
    private const int Empty = -1;
    /// <summary>Keys that differ only in the low bits of the second half share a run of adjacent entries, so a client's
    /// consecutive order ids take a line per four instead of one line each. Four, not more: on a deep book most of a
    /// run rests, and removing a key scans on from its entry to the first empty one, so a run of sixteen (four lines)
    /// made each removal read up to three lines nothing had loaded (perf/results/2026-12-07-huge-pages).</summary>
    private const int RunBits = 2;

    /// <summary>Consecutive ids per run, a cache line's worth (16-byte entries): the id this many on from the first of a
    /// run is the first of the next run, the line a client numbering upwards reaches next.</summary>
    public const int RunLength = 1 << RunBits;

    private struct Entry
    {
        public long B;
        public int A;
        public int Value;
    }

    private readonly Entry[] _entries;
    private readonly int _mask;

    public KeyIndex(int maxEntries)
    {
        int capacity = (int)Math.Min(1L << 30, Math.Max(64, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)maxEntries) * 2));
        _entries = new Entry[capacity];
        // Writing every entry also touches every page now rather than on the hot path later.
        for (int i = 0; i < capacity; i++) _entries[i].Value = Empty;
        _mask = capacity - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(int a, long b)
    {
        ulong h = (ulong)(uint)a * 0x9E3779B97F4A7C15UL ^ (ulong)(b >> RunBits);
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        return (int)((h << RunBits) | ((ulong)b & ((1 << RunBits) - 1))) & _mask;
    }

    /// <summary>Starts loading the line where the key's lookup begins, and returns at once (see
    /// <see cref="MatchingEngine{TOutput}.PrefetchKey"/>). Changes nothing; a prefetch never faults.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(int a, long b)
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref _entries[Home(a, b)]));
    }

    /// <summary>The slot stored for the key, or -1.</summary>
    public int Find(int a, long b)
    {
        var entries = _entries;
        int i = Home(a, b);
        while (true)
        {
            ref Entry e = ref entries[i];
            if (e.Value == Empty) return Empty;
            if (e.A == a && e.B == b) return e.Value;
            i = (i + 1) & _mask;
        }
    }

    /// <summary>Adds a key that is not present. The caller has checked capacity.</summary>
    public void Add(int a, long b, int value)
    {
        var entries = _entries;
        int i = Home(a, b);
        while (entries[i].Value != Empty) i = (i + 1) & _mask;
        entries[i] = new Entry { B = b, A = a, Value = value };
    }

    public bool Remove(int a, long b)
    {
        var entries = _entries;
        int i = Home(a, b);
        while (true)
        {
            ref Entry e = ref entries[i];
            if (e.Value == Empty) return false;
            if (e.A == a && e.B == b) break;
            i = (i + 1) & _mask;
        }
        // Backward shift: pull later entries of the probe run into the hole when their home allows it.
        int hole = i;
        int j = i;
        while (true)
        {
            j = (j + 1) & _mask;
            ref Entry next = ref entries[j];
            if (next.Value == Empty) break;
            int home = Home(next.A, next.B);
            bool movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
            if (!movable) continue;
            entries[hole] = next;
            hole = j;
        }
        entries[hole].Value = Empty;
        return true;
    }
}
