// The e2e harness records a latency for every acknowledgement on the generator's thread: recording must not
// allocate (a collection would stall the generator and show up in the very figures it measures).
using Exchange.Perf.E2e;
using Exchange.Testing;
using HdrHistogram;

namespace Exchange.Perf.Tests;

public sealed class E2eLatencyTests
{
    [Fact]
    public void Recording_an_acknowledgement_allocates_nothing()
    {
        var latency = new E2eLatency { MeasureFromTicks = 0 };
        void RecordMany(int count)
        {
            for (int i = 0; i < count; i++) latency.Record((CommandType)(1 + i % 4), intendedTicks: i, ackTicks: i + 1 + i % 100_000);
        }
        Assert.Equal(0, Allocations.InSteadyState(() => RecordMany(200_000)));
        Assert.True(latency.All.TotalCount >= 400_000);
    }

    [Fact]
    public void A_latency_beyond_the_histograms_range_is_recorded_at_its_top_instead_of_throwing()
    {
        var latency = new E2eLatency { MeasureFromTicks = 0 };
        latency.Record(CommandType.New, 0, long.MaxValue / 2);
        Assert.Equal(1, latency.All.TotalCount);
        // To the histogram's precision: HdrHistogram reports a max this high a little under the value recorded.
        const double top = Exchange.Latency.LatencyHistograms.HighestTrackableNanos;
        Assert.InRange(latency.All.GetMaxValue(), top * 0.99, top * 1.01);
    }
}
