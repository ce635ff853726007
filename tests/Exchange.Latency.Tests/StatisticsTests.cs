// Mean and deviation count each value as the middle of its slot (as HdrHistogram), so they are exact to the
// histogram's precision; min and max are kept exactly.
namespace Exchange.Latency.Tests;

public class StatisticsTests
{
    [Theory]
    [InlineData(Samples.Uniform, 11)]
    [InlineData(Samples.LogUniform, 12)]
    [InlineData(Samples.LogNormal, 13)]
    [InlineData(Samples.Bimodal, 14)]
    [InlineData(Samples.SmallIntegers, 15)]
    public void Mean_is_exact_to_within_the_histograms_precision(string distribution, int seed)
    {
        long[] values = Samples.Draw(distribution, 100_000, seed);
        var histogram = Samples.Histogram(values);
        double exact = values.Average(v => (double)v);
        // Each value is counted at most a 2048th of itself away.
        Assert.InRange(histogram.Mean, exact * (1 - 1e-3), exact * (1 + 1e-3));
    }

    [Theory]
    [InlineData(Samples.Uniform, 21)]
    [InlineData(Samples.LogUniform, 22)]
    [InlineData(Samples.LogNormal, 23)]
    [InlineData(Samples.Bimodal, 24)]
    [InlineData(Samples.SmallIntegers, 25)]
    public void Standard_deviation_is_exact_to_within_the_histograms_precision(string distribution, int seed)
    {
        long[] values = Samples.Draw(distribution, 100_000, seed);
        var histogram = Samples.Histogram(values);
        double mean = values.Average(v => (double)v);
        double exact = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        // Moving each value by at most e_i moves the deviation by at most sqrt(mean(e_i^2)) <= rms(values) / 1000.
        double rootMeanSquare = Math.Sqrt(values.Average(v => (double)v * v));
        Assert.InRange(histogram.StdDeviation, exact - rootMeanSquare * 1e-3, exact + rootMeanSquare * 1e-3);
    }

    [Fact]
    public void Max_and_min_are_the_recorded_values_not_slot_bounds()
    {
        long[] values = Samples.Draw(Samples.LogUniform, 10_000, 31);
        var histogram = Samples.Histogram(values);
        Assert.Equal(values.Max(), histogram.Max);
        Assert.Equal(values.Min(), histogram.Min);
        Assert.Equal(values.Length, histogram.TotalCount);
    }
}
