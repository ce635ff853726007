// The percentile chart opens in a browser as it is: well-formed, one line per series, a log latency axis with a
// tick at every decade (as HdrHistogram's plotter draws it), and a legend that no line can hide.
using System.Globalization;
using System.Xml.Linq;
using HdrHistogram;

namespace Exchange.Latency.Tests;

public class LatencyChartTests
{
    [Fact]
    public void The_chart_is_well_formed_xml_with_one_polyline_per_series()
    {
        var document = Chart(
            ("all <commands> & more", Samples.Histogram(Samples.Draw(Samples.LogNormal, 100_000, 61))),
            ("new", Samples.Histogram(Samples.Draw(Samples.Bimodal, 10_000, 62))),
            ("empty", LatencyHistograms.New()));

        Assert.Equal("svg", document.Root!.Name.LocalName);
        Assert.Equal(3, document.Descendants(Svg.Ns + "polyline").Count());
        Assert.Contains(Svg.Texts(document), t => t.StartsWith("all <commands> & more (n = 100,000", StringComparison.Ordinal));
        Assert.Contains("latency of everything", Svg.Texts(document));
    }

    [Fact]
    public void The_percentile_axis_is_labelled_from_0_to_99_999_percent()
    {
        var texts = Svg.Texts(Chart(("a", Samples.Histogram(Samples.Draw(Samples.Uniform, 1000, 63)))));
        foreach (string label in new[] { "0%", "90%", "99%", "99.9%", "99.99%", "99.999%" }) Assert.Contains(label, texts);
    }

    [Fact]
    public void The_latency_axis_names_the_unit_and_its_log_scale()
    {
        var texts = Svg.Texts(Chart(("a", Samples.Histogram(Samples.Draw(Samples.Uniform, 1000, 64)))));
        Assert.Contains("Latency (µs, log scale)", texts);
    }

    [Fact]
    public void The_latency_axis_is_logarithmic_with_a_tick_at_every_decade()
    {
        // 1 ns .. 10 s is 0.001 µs .. 10^7 µs: ten decades.
        var ticks = Svg.LatencyTicks(Chart(("a", Samples.Histogram(Samples.Draw(Samples.LogUniform, 100_000, 66)))));

        Assert.True(ticks.Count >= 10, $"{ticks.Count} ticks");
        for (int i = 1; i < ticks.Count; i++)
        {
            Assert.Equal(10.0, ticks[i].Value / ticks[i - 1].Value, 9);
            // Each decade takes the same height: positions are linear in log10(latency).
            Assert.Equal(ticks[1].Y - ticks[0].Y, ticks[i].Y - ticks[i - 1].Y, 0);
            Assert.True(ticks[i].Y < ticks[i - 1].Y, "higher latency is higher up");
        }
        Assert.Contains(ticks, t => t.Value == 1);
    }

    [Fact]
    public void The_legend_lies_outside_the_plot_rectangle()
    {
        var document = Chart(
            ("all", Samples.Histogram(Samples.Draw(Samples.LogNormal, 10_000, 67))),
            ("cancel", Samples.Histogram(Samples.Draw(Samples.Bimodal, 10_000, 68))));
        var plot = Svg.PlotRectangle(document);
        var legend = document.Descendants(Svg.Ns + "g").Single(g => (string?)g.Attribute("class") == "legend");

        Assert.Equal(2, legend.Elements(Svg.Ns + "text").Count());
        foreach (var line in legend.Elements(Svg.Ns + "line"))
            Assert.False(plot.Contains(Svg.Number(line, "x1"), Svg.Number(line, "y1")), "a legend line lies inside the plot");
        foreach (var text in legend.Elements(Svg.Ns + "text"))
            // The text's baseline less a 12 px glyph's height: the top of its letters.
            Assert.False(plot.Contains(Svg.Number(text, "x"), Svg.Number(text, "y") - 12), $"'{text.Value}' lies inside the plot");
    }

    [Fact]
    public void Lines_stay_inside_the_plot_and_rise_left_to_right()
    {
        var document = Chart(("a", Samples.Histogram(Samples.Draw(Samples.LogUniform, 100_000, 65))));
        var plot = Svg.PlotRectangle(document);
        var points = Svg.Points(document.Descendants(Svg.Ns + "polyline").Single());

        Assert.True(points.Count > 50);
        for (int i = 0; i < points.Count; i++)
        {
            Assert.True(plot.Contains(points[i].X, points[i].Y), $"point {i} at {points[i]}");
            if (i > 0) Assert.True(points[i].X > points[i - 1].X && points[i].Y <= points[i - 1].Y, $"point {i}");
        }
    }

    private static XDocument Chart(params (string, HistogramBase)[] series)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        LatencyChart.WriteSvg(text, series, "latency of everything", 1000.0, "µs");
        return XDocument.Parse(text.ToString());
    }
}
