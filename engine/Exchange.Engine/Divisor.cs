// Division by a symbol's lot or tick, which every new order, replace and fill divides by, without the divide
// instruction: a 64-bit divide takes 10 to 40 cycles by the processor, a high multiply and a shift 4 or 5. The method
// is Granlund and Montgomery's ("Division by invariant integers using multiplication", 1994, theorem 4.2): for
// 0 <= n < 2^63 and l = floor(log2 d) + 1, the magic m = ceil(2^(63+l) / d) gives floor(n / d) = floor(m n / 2^(63+l)),
// exactly, because m d - 2^(63+l) < d <= 2^l. For d a power of two m would be 2^64, so those (1 among them) shift.
// The high multiply is one instruction only with BMI2 (mulx): a native-AOT build for the baseline x86-64 has none, and
// Math.BigMul's software fallback (four multiplies behind a call) was slower than the divide it replaced (5 % on the
// shallow book, perf/results/2026-12-07-book-divisor), so without BMI2 it divides.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Exchange.Engine;

internal readonly struct Divisor
{
    private readonly ulong _magic;
    private readonly int _shift;
    public readonly long Value;

    /// <param name="value">The divisor, at least 1.</param>
    public Divisor(long value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1L);
        Value = value;
        int floorLog = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)value);
        if ((value & (value - 1)) == 0)
        {
            _magic = 0;
            _shift = floorLog;
            return;
        }
        int l = floorLog + 1;
        UInt128 power = UInt128.One << (63 + l);
        _magic = (ulong)((power + (ulong)value - 1) / (ulong)value);
        _shift = l - 1;
    }

    /// <summary>floor(<paramref name="n"/> / <see cref="Value"/>) for <paramref name="n"/> &gt;= 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Divide(long n)
    {
        if (_magic == 0) return (long)((ulong)n >> _shift);
        if (Bmi2.X64.IsSupported) return (long)(Bmi2.X64.MultiplyNoFlags(_magic, (ulong)n) >> _shift);
        return n / Value;
    }

    /// <summary>Whether <see cref="Value"/> divides <paramref name="n"/>, for <paramref name="n"/> &gt;= 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Divides(long n) => Divide(n) * Value == n;
}
