// Recording runs on measuring threads for every message: it must allocate nothing, or it would perturb what it measures.
namespace Exchange.Latency.Tests;

public class AllocationTests
{
    [Fact]
    public void Recording_a_million_values_allocates_nothing()
    {
        var histogram = new LatencyHistogram();
        RecordMany(histogram, 1000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RecordMany(histogram, 1_000_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1_001_000, histogram.TotalCount + histogram.OutOfRangeCount);
    }

    [Fact]
    public void Recording_with_a_count_or_an_expected_interval_allocates_nothing()
    {
        var histogram = new LatencyHistogram();
        RecordCorrected(histogram, 100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RecordCorrected(histogram, 20_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(histogram.TotalCount > 2 * 20_100);
    }

    private static void RecordMany(LatencyHistogram histogram, int count)
    {
        // Spread over every bucket, with some values out of range at both ends.
        long value = 1;
        for (int i = 0; i < count; i++)
        {
            histogram.Record(i % 1000 == 0 ? -i : value);
            value = value * 31 % 5_000_000_000_000L + 1;
        }
    }

    private static void RecordCorrected(LatencyHistogram histogram, int count)
    {
        for (int i = 0; i < count; i++)
        {
            histogram.RecordWithCount(1 + i % 50_000, 2);
            histogram.RecordWithExpectedInterval(1 + (long)i * 7919 % 2_000_000, 1000);
        }
    }
}
