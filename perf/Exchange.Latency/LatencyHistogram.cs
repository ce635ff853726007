// An HDR histogram of latencies: recording is a few instructions and never allocates or throws, and the
// statistics and percentiles are HdrHistogram's, so numbers and reports compare one for one with its tools.
using System.Runtime.CompilerServices;

namespace Exchange.Latency;

/// <summary>
/// Counts values in HdrHistogram's log-linear buckets: every value is kept to <see cref="SignificantDigits"/>
/// significant decimal digits. Single-threaded: one writer, and readers only while it is not recording.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>One hour in nanoseconds: the default highest trackable value.</summary>
    public const long OneHourInNanoseconds = 3_600_000_000_000L;

    private readonly BucketLayout _layout;
    private readonly long[] _counts;
    private long _totalCount;
    private long _outOfRangeCount;
    private long _min = long.MaxValue;
    private long _max;

    /// <summary>Nanosecond latencies from 1 ns to one hour, to three significant digits.</summary>
    public LatencyHistogram() : this(1, OneHourInNanoseconds, 3)
    {
    }

    /// <param name="lowestDiscernibleValue">Smallest value told apart from 0 (at least 1; used rounded down to a power of two).</param>
    /// <param name="highestTrackableValue">Highest value to track; at least twice the lowest.</param>
    /// <param name="significantDigits">Decimal digits of precision kept for every value, 0 to 5.</param>
    public LatencyHistogram(long lowestDiscernibleValue, long highestTrackableValue, int significantDigits)
    {
        _layout = new BucketLayout(lowestDiscernibleValue, highestTrackableValue, significantDigits);
        _counts = new long[_layout.CountsLength];
        LowestDiscernibleValue = lowestDiscernibleValue;
        HighestTrackableValue = highestTrackableValue;
        SignificantDigits = significantDigits;
    }

    public long LowestDiscernibleValue { get; }
    public long HighestTrackableValue { get; }
    public int SignificantDigits { get; }

    /// <summary>Buckets (powers of two of the unit) the counts span, as HdrHistogram reports them.</summary>
    public int BucketCount => _layout.BucketCount;

    /// <summary>Linear slots per bucket, as HdrHistogram reports them.</summary>
    public int SubBucketCount => _layout.SubBucketCount;

    /// <summary>Values recorded, not counting rejected ones.</summary>
    public long TotalCount => _totalCount;

    /// <summary>
    /// Values rejected because they were negative or above the last bucket. The last bucket ends at or above
    /// <see cref="HighestTrackableValue"/> (at the next power of two of the bucket unit), as in HdrHistogram.
    /// </summary>
    public long OutOfRangeCount => _outOfRangeCount;

    /// <summary>The smallest value recorded, exactly; 0 when empty.</summary>
    public long Min => _totalCount == 0 ? 0 : _min;

    /// <summary>The largest value recorded, exactly; 0 when empty. Percentile 100 is its highest equivalent value.</summary>
    public long Max => _max;

    /// <summary>Records one value; false (and counted in <see cref="OutOfRangeCount"/>) if it is out of range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Record(long value)
    {
        int index = _layout.CountsIndex(value);
        long[] counts = _counts;
        if ((uint)index >= (uint)counts.Length)
        {
            _outOfRangeCount++;
            return false;
        }
        counts[index]++;
        _totalCount++;
        if (value > _max) _max = value;
        if (value < _min) _min = value;
        return true;
    }

    /// <summary>
    /// Records <paramref name="count"/> occurrences of a value; false if it is out of range (all of them are then
    /// counted as rejected) or if the count is negative (nothing is recorded).
    /// </summary>
    public bool RecordWithCount(long value, long count)
    {
        if (count < 0) return false;
        int index = _layout.CountsIndex(value);
        long[] counts = _counts;
        if ((uint)index >= (uint)counts.Length)
        {
            _outOfRangeCount += count;
            return false;
        }
        if (count == 0) return true;
        counts[index] += count;
        _totalCount += count;
        if (value > _max) _max = value;
        if (value < _min) _min = value;
        return true;
    }

    /// <summary>
    /// Records a value measured by a sender that waits for each response (coordinated omission): a value larger
    /// than the interval between intended sends also stands for the requests that should have been sent meanwhile,
    /// so value - interval, value - 2 * interval, ... down to the interval are recorded too, as HdrHistogram's
    /// recordValueWithExpectedInterval does. An interval &lt;= 0 records only the value; an out-of-range value is
    /// rejected whole.
    /// </summary>
    public bool RecordWithExpectedInterval(long value, long expectedInterval)
    {
        if (!Record(value)) return false;
        if (expectedInterval <= 0) return true;

        // Adds each slot's share of the synthetic values at once: the same counts as recording them one by one,
        // but the work is bounded by the slots crossed, not by value / interval (a 1 s stall at a 1 µs interval
        // would otherwise be a million records).
        long[] counts = _counts;
        long missing = value - expectedInterval;
        long lowestMissing = long.MaxValue;
        while (missing >= expectedInterval)
        {
            int index = _layout.CountsIndex(missing);
            long floor = Math.Max(_layout.ValueFromIndex(index), expectedInterval);
            long inSlot = (missing - floor) / expectedInterval + 1;
            counts[index] += inSlot;
            _totalCount += inSlot;
            missing -= inSlot * expectedInterval;
            lowestMissing = missing + expectedInterval;
        }
        if (lowestMissing < _min) _min = lowestMissing;
        return true;
    }

    /// <summary>
    /// Adds another histogram's counts. With the same unit and precision the slots match one for one; otherwise
    /// each of its slots is re-recorded at its lowest value, as HdrHistogram does, except that its exact min and
    /// max stand for their slots so that they carry over. Values that do not fit here are counted as out of range.
    /// </summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        long otherMin = other.Min, otherMax = other.Max;
        long otherOutOfRange = other._outOfRangeCount;
        if (other._totalCount > 0)
        {
            // Read up front: adding a histogram to itself changes its counts while they are walked.
            int otherMaxIndex = other._layout.CountsIndex(otherMax);
            for (int i = 0; i <= otherMaxIndex; i++)
            {
                long count = other._counts[i];
                if (count == 0) continue;
                long value = i == otherMaxIndex ? otherMax : Math.Max(other._layout.ValueFromIndex(i), otherMin);
                RecordWithCount(value, count);
            }
        }
        _outOfRangeCount += otherOutOfRange;
    }

    /// <summary>Forgets everything recorded, keeping the configuration and the counts array.</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        _totalCount = 0;
        _outOfRangeCount = 0;
        _min = long.MaxValue;
        _max = 0;
    }

    /// <summary>Count recorded in the slot of <paramref name="value"/> (0 if out of range).</summary>
    public long CountAtValue(long value)
    {
        int index = _layout.CountsIndex(value);
        return (uint)index < (uint)_counts.Length ? _counts[index] : 0;
    }

    /// <summary>Mean, counting each value as the middle of its equivalent range (as HdrHistogram); 0 when empty.</summary>
    public double Mean
    {
        get
        {
            if (_totalCount == 0) return 0.0;
            double totalValue = 0;
            for (int i = 0; i < _counts.Length; i++)
            {
                long count = _counts[i];
                if (count != 0) totalValue += _layout.MedianEquivalentValue(_layout.ValueFromIndex(i)) * (double)count;
            }
            return totalValue / _totalCount;
        }
    }

    /// <summary>Population standard deviation, on the same middle-of-range values as <see cref="Mean"/>; 0 when empty.</summary>
    public double StdDeviation
    {
        get
        {
            if (_totalCount == 0) return 0.0;
            double mean = Mean;
            double deviationTotal = 0.0;
            for (int i = 0; i < _counts.Length; i++)
            {
                long count = _counts[i];
                if (count == 0) continue;
                double deviation = _layout.MedianEquivalentValue(_layout.ValueFromIndex(i)) - mean;
                deviationTotal += deviation * deviation * count;
            }
            return Math.Sqrt(deviationTotal / _totalCount);
        }
    }

    /// <summary>
    /// The highest value equivalent to the value at or below which <paramref name="percentile"/>% of the recorded
    /// values lie: the slot where the running count first reaches ceil(percentile / 100 * TotalCount) (at least 1).
    /// Percentile 0 gives the lowest equivalent value of the smallest value instead; an empty histogram gives 0.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        // One ulp less keeps a count that is a whole number in decimal from rounding up to the next one.
        double requested = Math.Min(Math.Max(Math.BitDecrement(percentile), 0.0), 100.0);
        long countAtPercentile = Math.Max((long)Math.Ceiling(requested * _totalCount / 100.0), 1);
        long running = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            running += _counts[i];
            if (running >= countAtPercentile)
            {
                long valueAtIndex = _layout.ValueFromIndex(i);
                return percentile == 0.0 ? _layout.LowestEquivalentValue(valueAtIndex) : _layout.HighestEquivalentValue(valueAtIndex);
            }
        }
        return 0;
    }

    /// <summary>The lowest value counted together with <paramref name="value"/>.</summary>
    public long LowestEquivalentValue(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return _layout.LowestEquivalentValue(value);
    }

    /// <summary>The highest value counted together with <paramref name="value"/>.</summary>
    public long HighestEquivalentValue(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return _layout.HighestEquivalentValue(value);
    }

    /// <summary>How many consecutive values share the slot of <paramref name="value"/>.</summary>
    public long SizeOfEquivalentValueRange(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return _layout.SizeOfEquivalentValueRange(value);
    }

    /// <summary>Whether two values are counted in the same slot.</summary>
    public bool ValuesAreEquivalent(long value1, long value2) => LowestEquivalentValue(value1) == LowestEquivalentValue(value2);

    /// <summary>
    /// Writes HdrHistogram's percentile distribution text (the .hgrm format its log analyzer and plotters read),
    /// with values divided by <paramref name="outputValueUnitScalingRatio"/> (1000 turns ns into µs).
    /// </summary>
    public void OutputPercentileDistribution(TextWriter writer, int percentileTicksPerHalfDistance = 5, double outputValueUnitScalingRatio = 1.0) =>
        PercentileDistribution.Write(this, writer, percentileTicksPerHalfDistance, outputValueUnitScalingRatio);

    internal PercentileIterator Percentiles(int percentileTicksPerHalfDistance) => new(_counts, _layout, _totalCount, percentileTicksPerHalfDistance);
}
