// Add merges histograms: slot for slot when they share a layout, value by value when they do not.
namespace Exchange.Latency.Tests;

public class MergeTests
{
    [Fact]
    public void Merging_equals_recording_everything_into_one_histogram()
    {
        long[] first = Samples.Draw(Samples.LogNormal, 50_000, 41);
        long[] second = Samples.Draw(Samples.Bimodal, 30_000, 42);
        var merged = Samples.Histogram(first);
        merged.Add(Samples.Histogram(second));
        var together = Samples.Histogram(first.Concat(second));

        Assert.Equal(together.TotalCount, merged.TotalCount);
        Assert.Equal(together.Min, merged.Min);
        Assert.Equal(together.Max, merged.Max);
        Assert.Equal(Report(together), Report(merged));
    }

    [Fact]
    public void Merging_a_histogram_of_another_configuration_keeps_values_to_the_coarser_precision()
    {
        long[] first = Samples.Draw(Samples.LogUniform, 50_000, 43);
        long[] second = Samples.Draw(Samples.LogNormal, 50_000, 44);
        var merged = Samples.Histogram(first);
        var coarse = new LatencyHistogram(1, 1_000_000_000_000L, 2);
        foreach (long value in second) coarse.Record(value);
        merged.Add(coarse);

        long[] all = first.Concat(second).Order().ToArray();
        Assert.Equal(all.Length, merged.TotalCount);
        Assert.Equal(all[^1], merged.Max);
        Assert.Equal(all[0], merged.Min);
        foreach (double percentile in new[] { 1.0, 50, 90, 99, 99.9, 99.99 })
        {
            long exact = Samples.ExactPercentile(all, percentile);
            // Two digits: slots up to a 128th of their values wide.
            Assert.InRange(merged.ValueAtPercentile(percentile), exact * (1 - 1 / 128.0), exact * (1 + 1 / 128.0));
        }
    }

    [Fact]
    public void Values_the_receiving_histogram_cannot_hold_are_counted_as_out_of_range()
    {
        var small = new LatencyHistogram(1, 10_000, 3);
        var other = new LatencyHistogram();
        other.Record(5);
        other.RecordWithCount(1_000_000_000, 4);
        other.Record(-1);
        small.Add(other);
        Assert.Equal(1, small.TotalCount);
        Assert.Equal(5, small.OutOfRangeCount);
        Assert.Equal(5, small.Max);
    }

    [Fact]
    public void Adding_a_histogram_to_itself_doubles_every_count()
    {
        var histogram = Samples.Histogram(Samples.Draw(Samples.Uniform, 10_000, 45));
        var doubled = Samples.Histogram(Samples.Draw(Samples.Uniform, 10_000, 45).Concat(Samples.Draw(Samples.Uniform, 10_000, 45)));
        histogram.Add(histogram);
        Assert.Equal(Report(doubled), Report(histogram));
    }

    private static string Report(LatencyHistogram histogram)
    {
        var text = new StringWriter();
        histogram.OutputPercentileDistribution(text);
        return text.ToString();
    }
}
