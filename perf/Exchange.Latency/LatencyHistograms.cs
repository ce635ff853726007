// The one histogram configuration latency reports share (HdrHistogram's LongHistogram over nanoseconds), so
// histograms of different runs add up and reports compare, and the clamp that keeps recording from throwing.
using System.Runtime.CompilerServices;
using HdrHistogram;

namespace Exchange.Latency;

public static class LatencyHistograms
{
    /// <summary>One hour in nanoseconds: the highest latency a histogram tells apart.</summary>
    public const long HighestTrackableNanos = 3_600_000_000_000L;

    /// <summary>Three significant digits: every value is kept to within a thousandth of itself.</summary>
    public const int SignificantDigits = 3;

    /// <summary>Nanoseconds from 1 to one hour at three significant digits (32 buckets of 2048 slots, 256 KiB).</summary>
    public static LongHistogram New() => new(1, HighestTrackableNanos, SignificantDigits);

    /// <summary>
    /// The value to record for a measured latency: HdrHistogram throws for a value outside its range, and a
    /// recording thread must never throw, so a negative latency counts as 0 and one above an hour as an hour.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Clamp(long nanos) => nanos < 0 ? 0 : nanos > HighestTrackableNanos ? HighestTrackableNanos : nanos;
}
