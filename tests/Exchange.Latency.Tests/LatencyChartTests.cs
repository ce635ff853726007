// The SVG chart opens in a browser as it is: well-formed, one line per series, the axes labelled as HdrHistogram's plotter does.
using System.Globalization;
using System.Xml.Linq;
using HdrHistogram;

namespace Exchange.Latency.Tests;

public class LatencyChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void The_chart_is_well_formed_xml_with_one_polyline_per_series()
    {
        var document = Chart(
            ("all <commands> & more", Samples.Histogram(Samples.Draw(Samples.LogNormal, 100_000, 61))),
            ("new", Samples.Histogram(Samples.Draw(Samples.Bimodal, 10_000, 62))),
            ("empty", LatencyHistograms.New()));

        Assert.Equal("svg", document.Root!.Name.LocalName);
        Assert.Equal(3, document.Descendants(Svg + "polyline").Count());
        Assert.Contains(Texts(document), t => t.StartsWith("all <commands> & more (n = 100,000", StringComparison.Ordinal));
        Assert.Contains("latency of everything", Texts(document));
    }

    [Fact]
    public void The_percentile_axis_is_labelled_from_0_to_99_999_percent()
    {
        var texts = Texts(Chart(("a", Samples.Histogram(Samples.Draw(Samples.Uniform, 1000, 63)))));
        foreach (string label in new[] { "0%", "90%", "99%", "99.9%", "99.99%", "99.999%" }) Assert.Contains(label, texts);
    }

    [Fact]
    public void The_latency_axis_names_the_unit()
    {
        var texts = Texts(Chart(("a", Samples.Histogram(Samples.Draw(Samples.Uniform, 1000, 64)))));
        Assert.Contains("Latency (µs)", texts);
    }

    [Fact]
    public void Lines_stay_inside_the_plot_and_rise_left_to_right()
    {
        var document = Chart(("a", Samples.Histogram(Samples.Draw(Samples.LogUniform, 100_000, 65))));
        var frame = document.Root!.Elements(Svg + "rect").Single(r => (string?)r.Attribute("fill") == "none");
        double left = Number(frame, "x"), top = Number(frame, "y");
        double right = left + Number(frame, "width"), bottom = top + Number(frame, "height");

        var points = document.Descendants(Svg + "polyline").Single().Attribute("points")!.Value
            .Split(' ').Select(p => p.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.True(points.Count > 50);
        for (int i = 0; i < points.Count; i++)
        {
            Assert.InRange(points[i][0], left, right);
            Assert.InRange(points[i][1], top, bottom);
            if (i > 0) Assert.True(points[i][0] > points[i - 1][0] && points[i][1] <= points[i - 1][1], $"point {i}");
        }
    }

    private static XDocument Chart(params (string, HistogramBase)[] series)
    {
        var text = new StringWriter();
        LatencyChart.WriteSvg(text, series, "latency of everything", 1000.0, "µs");
        return XDocument.Parse(text.ToString());
    }

    private static List<string> Texts(XDocument document) => document.Descendants(Svg + "text").Select(t => t.Value).ToList();

    private static double Number(XElement element, string attribute) =>
        double.Parse(element.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);
}
