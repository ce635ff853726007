// Percentiles are HdrHistogram's: the exact percentile of the raw values, reported as the highest value equivalent to it.
namespace Exchange.Latency.Tests;

public class PercentileTests
{
    private static readonly double[] Percentiles = [0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 99.999, 100];

    [Theory]
    [InlineData(Samples.Uniform, 1)]
    [InlineData(Samples.LogUniform, 2)]
    [InlineData(Samples.LogNormal, 3)]
    [InlineData(Samples.Bimodal, 4)]
    [InlineData(Samples.SmallIntegers, 5)]
    public void Percentiles_are_the_exact_percentiles_to_within_the_histograms_precision(string distribution, int seed)
    {
        long[] values = Samples.Draw(distribution, 200_000, seed);
        var histogram = Samples.Histogram(values);
        Array.Sort(values);
        foreach (double percentile in Percentiles)
        {
            long exact = Samples.ExactPercentile(values, percentile);
            long reported = histogram.ValueAtPercentile(percentile);
            Assert.True(histogram.ValuesAreEquivalent(exact, reported), $"p{percentile}: exact {exact}, reported {reported}");
            Assert.Equal(percentile == 0 ? histogram.LowestEquivalentValue(exact) : histogram.HighestEquivalentValue(exact), reported);
            // Three significant digits: never more than a thousandth away.
            Assert.True(Math.Abs(reported - exact) <= exact / 1000.0, $"p{percentile}: exact {exact}, reported {reported}");
        }
    }

    [Fact]
    public void Percentile_100_is_the_highest_value_equivalent_to_the_max()
    {
        var histogram = Samples.Histogram([5, 17, 123_456_789]);
        Assert.Equal(histogram.HighestEquivalentValue(123_456_789), histogram.ValueAtPercentile(100));
        Assert.Equal(123_456_789, histogram.Max);
    }

    [Fact]
    public void Percentile_0_is_the_lowest_value_equivalent_to_the_min()
    {
        var histogram = Samples.Histogram([123_456_789, 987_654_321]);
        Assert.Equal(histogram.LowestEquivalentValue(123_456_789), histogram.ValueAtPercentile(0));
        Assert.Equal(123_456_789, histogram.Min);
    }

    [Fact]
    public void A_percentile_that_is_a_whole_count_does_not_round_up_to_the_next_value()
    {
        var histogram = Samples.Histogram(Enumerable.Range(1, 1000).Select(v => (long)v));
        Assert.Equal(500, histogram.ValueAtPercentile(50));
        Assert.Equal(999, histogram.ValueAtPercentile(99.9));
        Assert.Equal(501, histogram.ValueAtPercentile(50.01));
    }

    [Fact]
    public void An_empty_histogram_reports_zero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.ValueAtPercentile(50));
        Assert.Equal(0, histogram.ValueAtPercentile(100));
        Assert.Equal(0, histogram.Min);
        Assert.Equal(0, histogram.Max);
        Assert.Equal(0, histogram.Mean);
        Assert.Equal(0, histogram.StdDeviation);
    }
}
