// One interval of an interval log, reduced to what the over-time chart draws: when it was, how many latencies it
// holds, and its p50, p99, p99.9 and max (in the histogram's unit, nanoseconds).
using HdrHistogram;

namespace Exchange.Latency;

public readonly record struct LatencyInterval(double StartSeconds, double LengthSeconds, long Count, long P50, long P99, long P999, long Max)
{
    public static LatencyInterval Of(HistogramBase histogram, double startSeconds, double lengthSeconds)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.TotalCount == 0) return new(startSeconds, lengthSeconds, 0, 0, 0, 0, 0);
        return new(startSeconds, lengthSeconds, histogram.TotalCount, histogram.GetValueAtPercentile(50),
            histogram.GetValueAtPercentile(99), histogram.GetValueAtPercentile(99.9), histogram.GetMaxValue());
    }
}
