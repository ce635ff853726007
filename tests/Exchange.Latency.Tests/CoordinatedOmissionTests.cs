// RecordWithExpectedInterval fills in the requests a waiting sender never sent, as HdrHistogram's
// recordValueWithExpectedInterval does, so a stall weighs in the percentiles as it would for an open-loop client.
namespace Exchange.Latency.Tests;

public class CoordinatedOmissionTests
{
    [Fact]
    public void One_late_value_also_records_the_values_that_would_have_been_sent_meanwhile()
    {
        var histogram = new LatencyHistogram();
        Assert.True(histogram.RecordWithExpectedInterval(1000, 100));
        Assert.Equal(10, histogram.TotalCount);
        for (long value = 100; value <= 1000; value += 100) Assert.Equal(1, histogram.CountAtValue(value));
        Assert.Equal(100, histogram.Min);
        Assert.Equal(1000, histogram.Max);
    }

    [Fact]
    public void Synthetic_values_are_the_same_as_recording_each_one()
    {
        var random = new Random(7);
        var corrected = new LatencyHistogram();
        var byHand = new LatencyHistogram();
        for (int i = 0; i < 300; i++)
        {
            long value = random.Next(4) == 0 ? random.NextInt64(1, 50_000_000) : random.NextInt64(1, 20_000);
            long interval = random.Next(3) switch { 0 => 1_000, 1 => 333, _ => random.NextInt64(1, 100_000) };
            corrected.RecordWithExpectedInterval(value, interval);
            byHand.Record(value);
            for (long missing = value - interval; missing >= interval; missing -= interval) byHand.Record(missing);
        }
        Assert.Equal(byHand.TotalCount, corrected.TotalCount);
        Assert.Equal(byHand.Min, corrected.Min);
        Assert.Equal(byHand.Max, corrected.Max);
        Assert.Equal(Report(byHand), Report(corrected));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-100)]
    [InlineData(2000)]
    public void An_interval_that_is_not_exceeded_records_only_the_value(long interval)
    {
        var histogram = new LatencyHistogram();
        histogram.RecordWithExpectedInterval(1000, interval);
        Assert.Equal(1, histogram.TotalCount);
        Assert.Equal(1000, histogram.Min);
    }

    [Fact]
    public void An_out_of_range_value_is_rejected_without_synthetic_values()
    {
        var histogram = new LatencyHistogram();
        Assert.False(histogram.RecordWithExpectedInterval(long.MaxValue, 1_000_000_000_000L));
        Assert.Equal(0, histogram.TotalCount);
        Assert.Equal(1, histogram.OutOfRangeCount);
    }

    private static string Report(LatencyHistogram histogram)
    {
        var text = new StringWriter();
        histogram.OutputPercentileDistribution(text);
        return text.ToString();
    }
}
