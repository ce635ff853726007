// Recording never throws: values it cannot hold are counted and reported, and the configuration is checked up front.
namespace Exchange.Latency.Tests;

public class RecordingTests
{
    [Fact]
    public void The_default_tracks_nanoseconds_from_1_to_one_hour_at_three_digits()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(1, histogram.LowestDiscernibleValue);
        Assert.Equal(3_600_000_000_000L, histogram.HighestTrackableValue);
        Assert.Equal(3, histogram.SignificantDigits);
    }

    [Theory]
    [InlineData(0, 100, 3)]
    [InlineData(-1, 100, 3)]
    [InlineData(10, 19, 3)]
    [InlineData(1, 100, -1)]
    [InlineData(1, 100, 6)]
    [InlineData(1L << 50, long.MaxValue, 5)]
    public void An_invalid_configuration_is_rejected_at_construction(long lowest, long highest, int digits) =>
        Assert.ThrowsAny<ArgumentException>(() => new LatencyHistogram(lowest, highest, digits));

    [Fact]
    public void The_highest_trackable_value_is_recorded()
    {
        var histogram = new LatencyHistogram();
        Assert.True(histogram.Record(histogram.HighestTrackableValue));
        Assert.Equal(1, histogram.TotalCount);
        Assert.Equal(0, histogram.OutOfRangeCount);
    }

    [Fact]
    public void Values_above_the_last_bucket_are_counted_not_thrown()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(1000);
        Assert.False(histogram.Record(2 * histogram.HighestTrackableValue));
        Assert.False(histogram.Record(long.MaxValue));
        Assert.Equal(2, histogram.OutOfRangeCount);
        Assert.Equal(1, histogram.TotalCount);
        Assert.Equal(1000, histogram.Max);
    }

    [Theory]
    [InlineData(1, 3_600_000_000_000L, 3)]
    [InlineData(1, long.MaxValue, 0)]
    [InlineData(1, long.MaxValue, 3)]
    [InlineData(1, long.MaxValue, 5)]
    [InlineData(1000, long.MaxValue, 3)]
    [InlineData(1L << 40, long.MaxValue, 2)]
    public void Negative_values_are_counted_as_out_of_range(long lowest, long highest, int digits)
    {
        var histogram = new LatencyHistogram(lowest, highest, digits);
        Assert.False(histogram.Record(-1));
        Assert.False(histogram.Record(long.MinValue));
        Assert.False(histogram.Record(-lowest * 3));
        Assert.Equal(3, histogram.OutOfRangeCount);
        Assert.Equal(0, histogram.TotalCount);
        Assert.True(histogram.Record(long.MaxValue) == (highest == long.MaxValue));
    }

    [Fact]
    public void A_count_out_of_range_adds_the_whole_count_to_the_rejections()
    {
        var histogram = new LatencyHistogram();
        Assert.False(histogram.RecordWithCount(long.MaxValue, 7));
        Assert.True(histogram.RecordWithCount(500, 3));
        Assert.Equal(7, histogram.OutOfRangeCount);
        Assert.Equal(3, histogram.TotalCount);
        Assert.Equal(3, histogram.CountAtValue(500));
    }

    [Fact]
    public void A_negative_count_records_nothing()
    {
        var histogram = new LatencyHistogram();
        Assert.False(histogram.RecordWithCount(500, -1));
        Assert.Equal(0, histogram.TotalCount);
        Assert.Equal(0, histogram.OutOfRangeCount);
    }

    [Fact]
    public void Reset_forgets_values_and_rejections()
    {
        var histogram = Samples.Histogram(Samples.Draw(Samples.Uniform, 1000, 1));
        histogram.Record(-5);
        histogram.Reset();
        Assert.Equal(0, histogram.TotalCount);
        Assert.Equal(0, histogram.OutOfRangeCount);
        Assert.Equal(0, histogram.Min);
        Assert.Equal(0, histogram.Max);
        Assert.Equal(0, histogram.ValueAtPercentile(50));
        histogram.Record(42);
        Assert.Equal(42, histogram.Min);
        Assert.Equal(42, histogram.Max);
    }
}
