// HdrHistogram's log-linear bucketing: where a value's count lives, and which values share that slot.
// The arithmetic is the original algorithm's, so equivalent ranges, bucket counts and percentiles match it exactly.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Exchange.Latency;

/// <summary>
/// Bucket 0 holds <see cref="SubBucketCount"/> slots of one unit each; every further bucket doubles the unit and
/// uses only its top half of slots, because its bottom half is already covered, more finely, by the buckets below.
/// </summary>
internal readonly struct BucketLayout
{
    public readonly int UnitMagnitude;
    public readonly int SubBucketCountMagnitude;
    public readonly int SubBucketHalfCountMagnitude;
    public readonly int SubBucketCount;
    public readonly int SubBucketHalfCount;
    public readonly long SubBucketMask;
    public readonly int LeadingZeroCountBase;
    public readonly int BucketCount;
    public readonly int CountsLength;

    public BucketLayout(long lowestDiscernibleValue, long highestTrackableValue, int significantDigits)
    {
        if (lowestDiscernibleValue < 1)
            throw new ArgumentOutOfRangeException(nameof(lowestDiscernibleValue), lowestDiscernibleValue, "must be >= 1");
        if (lowestDiscernibleValue > long.MaxValue / 2)
            throw new ArgumentOutOfRangeException(nameof(lowestDiscernibleValue), lowestDiscernibleValue, "must be <= long.MaxValue / 2");
        if (highestTrackableValue < 2 * lowestDiscernibleValue)
            throw new ArgumentOutOfRangeException(nameof(highestTrackableValue), highestTrackableValue, "must be >= 2 * lowestDiscernibleValue");
        if (significantDigits is < 0 or > 5)
            throw new ArgumentOutOfRangeException(nameof(significantDigits), significantDigits, "must be between 0 and 5");

        // Three digits promise +/-1 unit at 1000 but also at 1999, so single-unit resolution must reach 2 * 10^digits.
        long largestValueWithSingleUnitResolution = 2 * (long)Math.Pow(10, significantDigits);
        // Integer forms of the original's floor(log2(lowest)) and ceil(log2(largest)): the same results for every
        // value the original gets right, without its floating-point rounding near large powers of two.
        UnitMagnitude = BitOperations.Log2((ulong)lowestDiscernibleValue);
        SubBucketCountMagnitude = BitOperations.Log2((ulong)largestValueWithSingleUnitResolution - 1) + 1;
        if (SubBucketCountMagnitude + UnitMagnitude > 62)
            throw new ArgumentOutOfRangeException(nameof(significantDigits), significantDigits,
                "cannot represent that many significant digits above lowestDiscernibleValue in a long");

        SubBucketHalfCountMagnitude = SubBucketCountMagnitude - 1;
        SubBucketCount = 1 << SubBucketCountMagnitude;
        SubBucketHalfCount = SubBucketCount / 2;
        SubBucketMask = ((long)SubBucketCount - 1) << UnitMagnitude;
        LeadingZeroCountBase = 64 - UnitMagnitude - SubBucketCountMagnitude;
        BucketCount = BucketsNeededToCover(highestTrackableValue, SubBucketCount, UnitMagnitude);
        CountsLength = (BucketCount + 1) * SubBucketHalfCount;
    }

    private static int BucketsNeededToCover(long value, int subBucketCount, int unitMagnitude)
    {
        long smallestUntrackableValue = (long)subBucketCount << unitMagnitude;
        int bucketsNeeded = 1;
        while (smallestUntrackableValue <= value)
        {
            // The next shift would overflow: this bucket already reaches past long.MaxValue.
            if (smallestUntrackableValue > long.MaxValue / 2) return bucketsNeeded + 1;
            smallestUntrackableValue <<= 1;
            bucketsNeeded++;
        }
        return bucketsNeeded;
    }

    /// <summary>
    /// The slot of a value. A negative value lands at or past <see cref="CountsLength"/> (its sign bit puts it in
    /// a bucket above the last one any long can need), so one unsigned bounds check rejects both ends.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int CountsIndex(long value)
    {
        int bucketIndex = BucketIndex(value);
        int subBucketIndex = (int)((ulong)value >> (bucketIndex + UnitMagnitude));
        return ((bucketIndex + 1) << SubBucketHalfCountMagnitude) + subBucketIndex - SubBucketHalfCount;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int BucketIndex(long value) =>
        LeadingZeroCountBase - BitOperations.LeadingZeroCount((ulong)(value | SubBucketMask));

    /// <summary>The lowest value counted in a slot.</summary>
    public long ValueFromIndex(int index)
    {
        int bucketIndex = (index >> SubBucketHalfCountMagnitude) - 1;
        int subBucketIndex = (index & (SubBucketHalfCount - 1)) + SubBucketHalfCount;
        if (bucketIndex < 0)
        {
            subBucketIndex -= SubBucketHalfCount;
            bucketIndex = 0;
        }
        return (long)subBucketIndex << (bucketIndex + UnitMagnitude);
    }

    public long SizeOfEquivalentValueRange(long value) => 1L << (UnitMagnitude + BucketIndex(value));

    public long LowestEquivalentValue(long value)
    {
        int bucketIndex = BucketIndex(value);
        long subBucketIndex = (long)((ulong)value >> (bucketIndex + UnitMagnitude));
        return subBucketIndex << (bucketIndex + UnitMagnitude);
    }

    public long HighestEquivalentValue(long value) => LowestEquivalentValue(value) + SizeOfEquivalentValueRange(value) - 1;

    /// <summary>The middle of a value's range (rounded up): what the mean and deviation count each value as.</summary>
    public long MedianEquivalentValue(long value) => LowestEquivalentValue(value) + (SizeOfEquivalentValueRange(value) >> 1);
}
