// The log-linear buckets are HdrHistogram's: the same equivalent ranges and bucket counts for the same configuration.
namespace Exchange.Latency.Tests;

public class BucketMathTests
{
    [Fact]
    public void Values_below_2048_are_exact_with_three_digits()
    {
        var histogram = new LatencyHistogram(1, LatencyHistogram.OneHourInNanoseconds, 3);
        for (long value = 0; value < 2048; value++)
        {
            Assert.Equal(1, histogram.SizeOfEquivalentValueRange(value));
            Assert.Equal(value, histogram.LowestEquivalentValue(value));
            Assert.Equal(value, histogram.HighestEquivalentValue(value));
        }
    }

    // The values HdrHistogram's own tests check for a (1, 1 hour in µs, 3 digits) histogram.
    [Theory]
    [InlineData(2048, 2, 2048, 2049)]
    [InlineData(2049, 2, 2048, 2049)]
    [InlineData(2500, 2, 2500, 2501)]
    [InlineData(4095, 2, 4094, 4095)]
    [InlineData(4096, 4, 4096, 4099)]
    [InlineData(8180, 4, 8180, 8183)]
    [InlineData(8191, 4, 8188, 8191)]
    [InlineData(8192, 8, 8192, 8199)]
    [InlineData(8193, 8, 8192, 8199)]
    [InlineData(9995, 8, 9992, 9999)]
    [InlineData(10000, 8, 10000, 10007)]
    [InlineData(10007, 8, 10000, 10007)]
    [InlineData(10008, 8, 10008, 10015)]
    [InlineData(1_000_000, 512, 999_936, 1_000_447)]
    public void Equivalent_ranges_above_the_first_bucket_match_HdrHistogram(long value, long size, long lowest, long highest)
    {
        var histogram = new LatencyHistogram(1, 3_600_000_000L, 3);
        Assert.Equal(size, histogram.SizeOfEquivalentValueRange(value));
        Assert.Equal(lowest, histogram.LowestEquivalentValue(value));
        Assert.Equal(highest, histogram.HighestEquivalentValue(value));
    }

    [Theory]
    [InlineData(1, 3_600_000_000L, 3, 22, 2048)]
    [InlineData(1, 3_600_000_000_000L, 3, 32, 2048)]
    [InlineData(1, 3_600_000_000_000L, 0, 42, 2)]
    [InlineData(1, 3_600_000_000_000L, 1, 38, 32)]
    [InlineData(1, 3_600_000_000_000L, 2, 35, 256)]
    [InlineData(1, 3_600_000_000_000L, 4, 28, 32768)]
    [InlineData(1, 3_600_000_000_000L, 5, 25, 262144)]
    [InlineData(1000, 3_600_000_000_000L, 3, 23, 2048)]
    public void Bucket_and_sub_bucket_counts_match_HdrHistogram(long lowest, long highest, int digits, int buckets, int subBuckets)
    {
        var histogram = new LatencyHistogram(lowest, highest, digits);
        Assert.Equal(buckets, histogram.BucketCount);
        Assert.Equal(subBuckets, histogram.SubBucketCount);
    }

    [Fact]
    public void A_lowest_discernible_value_sets_the_unit_to_its_power_of_two()
    {
        var histogram = new LatencyHistogram(1000, LatencyHistogram.OneHourInNanoseconds, 3);
        Assert.Equal(512, histogram.SizeOfEquivalentValueRange(0));
        Assert.Equal(512, histogram.LowestEquivalentValue(1000));
        Assert.Equal(1023, histogram.HighestEquivalentValue(1000));
    }

    [Theory]
    [InlineData(2048, 2049, true)]
    [InlineData(2049, 2050, false)]
    [InlineData(10000, 10007, true)]
    [InlineData(10007, 10008, false)]
    [InlineData(2047, 2048, false)]
    public void Values_are_equivalent_only_within_one_slot(long a, long b, bool equivalent) =>
        Assert.Equal(equivalent, new LatencyHistogram().ValuesAreEquivalent(a, b));
}
