// Open-addressing hash index from a pair of longs to a slot, with linear probing and backward-shift
// deletion (no tombstones, so it never degrades under churn). Preallocated; never iterated, so its
// layout cannot leak into the engine's determinism.
using System.Runtime.CompilerServices;

namespace Exchange.Engine;

internal sealed class KeyIndex
{
    private const int Empty = -1;
    private readonly long[] _keyA;
    private readonly long[] _keyB;
    private readonly int[] _values;
    private readonly int _mask;

    public KeyIndex(int maxEntries)
    {
        int capacity = (int)Math.Min(1L << 30, Math.Max(16, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)maxEntries) * 2));
        _keyA = new long[capacity];
        _keyB = new long[capacity];
        _values = new int[capacity];
        Array.Fill(_values, Empty);
        _mask = capacity - 1;
    }

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(long a, long b)
    {
        ulong h = (ulong)a * 0x9E3779B97F4A7C15UL ^ (ulong)b;
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        return (int)h & _mask;
    }

    /// <summary>The slot stored for the key, or -1.</summary>
    public int Find(long a, long b)
    {
        int i = Home(a, b);
        while (true)
        {
            int v = _values[i];
            if (v == Empty) return Empty;
            if (_keyA[i] == a && _keyB[i] == b) return v;
            i = (i + 1) & _mask;
        }
    }

    /// <summary>Adds a key that is not present. The caller has checked capacity.</summary>
    public void Add(long a, long b, int value)
    {
        int i = Home(a, b);
        while (_values[i] != Empty) i = (i + 1) & _mask;
        _keyA[i] = a;
        _keyB[i] = b;
        _values[i] = value;
        Count++;
    }

    public bool Remove(long a, long b)
    {
        int i = Home(a, b);
        while (true)
        {
            if (_values[i] == Empty) return false;
            if (_keyA[i] == a && _keyB[i] == b) break;
            i = (i + 1) & _mask;
        }
        // Backward shift: pull later entries of the probe run into the hole when their home allows it.
        int hole = i;
        int j = i;
        while (true)
        {
            j = (j + 1) & _mask;
            if (_values[j] == Empty) break;
            int home = Home(_keyA[j], _keyB[j]);
            bool movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
            if (!movable) continue;
            _keyA[hole] = _keyA[j];
            _keyB[hole] = _keyB[j];
            _values[hole] = _values[j];
            hole = j;
        }
        _values[hole] = Empty;
        Count--;
        return true;
    }
}
