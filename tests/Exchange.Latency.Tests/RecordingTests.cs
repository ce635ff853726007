// Recording runs on measuring threads for every message: it must neither allocate, which would perturb what it
// measures, nor throw, which would end the measurement.
using Exchange.Testing;

namespace Exchange.Latency.Tests;

public class RecordingTests
{
    [Fact]
    public void Recording_clamped_values_allocates_nothing()
    {
        var histogram = LatencyHistograms.New();
        Assert.Equal(0, Allocations.InSteadyState(() => RecordMany(histogram, 200_000)));
        Assert.True(histogram.TotalCount >= 400_000);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(long.MinValue, 0)]
    [InlineData(LatencyHistograms.HighestTrackableNanos + 1, LatencyHistograms.HighestTrackableNanos)]
    [InlineData(long.MaxValue, LatencyHistograms.HighestTrackableNanos)]
    [InlineData(12_345, 12_345)]
    public void Values_outside_the_range_are_clamped_to_its_ends_so_recording_cannot_throw(long measured, long recorded)
    {
        var histogram = LatencyHistograms.New();
        histogram.RecordValue(LatencyHistograms.Clamp(measured));
        Assert.Equal(recorded, LatencyHistograms.Clamp(measured));
        Assert.Equal(1, histogram.TotalCount);
    }

    private static void RecordMany(HdrHistogram.LongHistogram histogram, int count)
    {
        // Spread over every bucket, with some values out of range at both ends.
        long value = 1;
        for (int i = 0; i < count; i++)
        {
            histogram.RecordValue(LatencyHistograms.Clamp(i % 1000 == 0 ? -i : i % 1001 == 0 ? long.MaxValue - i : value));
            value = value * 31 % 5_000_000_000_000L + 1;
        }
    }
}
