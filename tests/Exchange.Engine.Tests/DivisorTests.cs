using Exchange.Engine;

namespace Exchange.Engine.Tests;

/// <summary>The lot's and tick's divisor against the divide instruction: every divisor shape (1, powers of two, odd,
/// even, near 2^62 and 2^63) with the numerators where a multiply-and-shift division goes wrong first (around
/// multiples of the divisor, at the top of the range), then seeded random pairs.</summary>
public class DivisorTests
{
    private static IEnumerable<long> Divisors()
    {
        long[] fixedOnes = [1, 2, 3, 5, 6, 7, 10, 25, 100, 641, 1000, 6_700_417, 10_000_000_000, 1L << 31, (1L << 31) + 1,
            (1L << 32) - 1, 1L << 32, (1L << 32) + 1, (1L << 62) - 1, 1L << 62, (1L << 62) + 1, long.MaxValue - 1, long.MaxValue];
        foreach (long d in fixedOnes) yield return d;
        for (int bits = 1; bits < 63; bits++)
        {
            yield return 1L << bits;
            yield return (1L << bits) - 1;
            yield return (1L << bits) + 1;
        }
        var random = new Random(24);
        for (int i = 0; i < 2_000; i++) yield return Math.Max(1, random.NextInt64(long.MaxValue) >> random.Next(63));
    }

    private static IEnumerable<long> Numerators(long d, Random random)
    {
        yield return 0;
        yield return 1;
        yield return long.MaxValue;
        yield return long.MaxValue - 1;
        long top = long.MaxValue / d * d;
        foreach (long k in new[] { 1L, 2, 3, 7, 1000, long.MaxValue / d / 2, long.MaxValue / d - 1, long.MaxValue / d })
        {
            if (k <= 0 || k > long.MaxValue / d) continue;
            long m = k * d;
            yield return m - 1;
            yield return m;
            if (m < long.MaxValue) yield return m + 1;
        }
        yield return top;
        for (int i = 0; i < 64; i++) yield return random.NextInt64(long.MaxValue) >> random.Next(63);
    }

    [Fact]
    public void Divides_as_the_divide_instruction_does_for_every_non_negative_numerator_tried()
    {
        var random = new Random(7);
        long checkedPairs = 0;
        foreach (long d in Divisors())
        {
            var divisor = new Divisor(d);
            foreach (long n in Numerators(d, random))
            {
                long expected = n / d;
                long got = divisor.Divide(n);
                if (got != expected) Assert.Fail($"{n} / {d}: {got}, expected {expected}");
                if (divisor.Divides(n) != (n % d == 0)) Assert.Fail($"{d} divides {n}: {divisor.Divides(n)}, expected {n % d == 0}");
                checkedPairs++;
            }
        }
        Assert.True(checkedPairs > 100_000, $"{checkedPairs} pairs");
    }

    [Fact]
    public void A_divisor_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Divisor(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Divisor(-3));
    }
}
