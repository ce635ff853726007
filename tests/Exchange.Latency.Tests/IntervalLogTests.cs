// Latency over time: the interval log holds one histogram per interval in HdrHistogram's log format, and the
// over-time chart drawn from it shows a stall in the interval where it happened.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Exchange.Testing;
using HdrHistogram;

namespace Exchange.Latency.Tests;

public class IntervalLogTests
{
    private static readonly DateTime Start = new(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc);
    private const int StallInterval = 6;

    /// <summary>Ten one-second intervals of 1,000 latencies around 20-80 µs; the seventh also holds a 150 ms stall.</summary>
    private static IntervalLog TenSecondsWithAStall(Stream output)
    {
        var log = new IntervalLog(output);
        log.Begin(0, Start);
        var random = new Random(5);
        for (int second = 0; second < 10; second++)
        {
            for (int i = 0; i < 1000; i++) log.Record(random.NextInt64(20_000, 80_000));
            if (second == StallInterval)
                for (long waited = 150_000_000; waited > 0; waited -= 500_000) log.Record(waited); // everything that queued behind it
            if (second < 9) log.Roll((second + 1) * Stopwatch.Frequency);
        }
        log.End(10 * Stopwatch.Frequency);
        return log;
    }

    [Fact]
    public void The_log_holds_one_histogram_per_interval_readable_by_HdrHistogram()
    {
        var output = new MemoryStream();
        using (TenSecondsWithAStall(output)) { }

        var histograms = new HistogramLogReader(new MemoryStream(output.ToArray())).ReadHistograms().ToList();
        Assert.Equal(10, histograms.Count);
        for (int second = 0; second < 10; second++)
        {
            Assert.Equal(second == StallInterval ? 1300 : 1000, histograms[second].TotalCount);
            Assert.Equal(Start.AddSeconds(second), DateTime.UnixEpoch.AddMilliseconds(histograms[second].StartTimeStamp));
            Assert.Equal(1000, histograms[second].EndTimeStamp - histograms[second].StartTimeStamp);
        }
        Assert.True(histograms[StallInterval].GetMaxValue() >= 149_000_000);
    }

    [Fact]
    public void The_log_is_plain_ascii_text_as_the_java_tools_read_it()
    {
        var output = new MemoryStream();
        using (TenSecondsWithAStall(output)) { }
        byte[] bytes = output.ToArray();

        Assert.All(bytes, b => Assert.True(b is >= 0x20 and < 0x7F or (byte)'\n', $"byte 0x{b:x2}"));
        string[] lines = Encoding.ASCII.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("#[Histogram log format version", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("#[StartTime: 1796117400.000 ", lines[1], StringComparison.Ordinal);
        Assert.Equal(10, lines.Count(l => char.IsAsciiDigit(l[0])));
    }

    [Fact]
    public void The_over_time_chart_peaks_in_the_interval_of_the_stall()
    {
        using var log = TenSecondsWithAStall(new MemoryStream());
        var text = new StringWriter(CultureInfo.InvariantCulture);
        LatencyChart.WriteOverTimeSvg(text, log.Intervals, "over time", 1000.0, "µs");
        var document = XDocument.Parse(text.ToString());

        var ticks = Svg.LatencyTicks(document);
        double decade = ticks[0].Y - ticks[1].Y;
        foreach (string label in new[] { "max", "p99.9" })
        {
            var points = Svg.Points(Svg.Line(document, label));
            Assert.Equal(10, points.Count);
            int highest = points.IndexOf(points.MinBy(p => p.Y));
            Assert.Equal(StallInterval, highest);
            // A spike: at least three decades (80 µs against 150 ms) above every other interval.
            Assert.All(points.Where((_, i) => i != StallInterval), p => Assert.True(p.Y - points[highest].Y > 3 * decade * 0.9, $"{label}: {p}"));
        }
        // The stall's 300 latencies are too few to move the interval's median.
        var medians = Svg.Points(Svg.Line(document, "p50"));
        Assert.True(medians.Max(p => p.Y) - medians.Min(p => p.Y) < decade, "p50 stays within a decade");
    }

    [Fact]
    public void The_over_time_chart_puts_its_legend_outside_the_plot()
    {
        using var log = TenSecondsWithAStall(new MemoryStream());
        var text = new StringWriter(CultureInfo.InvariantCulture);
        LatencyChart.WriteOverTimeSvg(text, log.Intervals, "over time", 1000.0, "µs");
        var document = XDocument.Parse(text.ToString());
        var plot = Svg.PlotRectangle(document);

        var legend = document.Descendants(Svg.Ns + "g").Single(g => (string?)g.Attribute("class") == "legend").Elements(Svg.Ns + "text").ToList();
        Assert.Equal(["p50", "p99", "p99.9", "max"], legend.Select(t => t.Value));
        Assert.All(legend, t => Assert.False(plot.Contains(Svg.Number(t, "x"), Svg.Number(t, "y") - 12), t.Value));
    }

    [Fact]
    public void Recording_into_the_interval_log_allocates_nothing()
    {
        using var log = new IntervalLog(new MemoryStream());
        log.Begin(0, Start);
        long recorded = 0;
        Assert.Equal(0, Allocations.InSteadyState(() =>
        {
            for (int i = 0; i < 200_000; i++) log.Record(i % 5_000_000 - 1);
            recorded += 200_000;
        }));
        log.Roll(1);
        Assert.Equal(recorded, log.Intervals.Single().Count);
    }

    [Fact]
    public void Started_on_its_own_thread_it_closes_an_interval_every_period()
    {
        using var log = new IntervalLog(new MemoryStream(), TimeSpan.FromMilliseconds(50));
        log.Start(Stopwatch.GetTimestamp());
        Eventually.True(() =>
        {
            log.Record(1_000);
            return log.Intervals.Count >= 3;
        }, "three intervals closed", between: () => Thread.Sleep(10));
        log.End(Stopwatch.GetTimestamp());
        var intervals = log.Intervals;

        Assert.True(intervals.Sum(i => i.Count) > 0);
        for (int i = 1; i < intervals.Count; i++)
            Assert.Equal(intervals[i - 1].StartSeconds + intervals[i - 1].LengthSeconds, intervals[i].StartSeconds, 9);
    }
}
