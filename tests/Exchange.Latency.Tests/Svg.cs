// Reading the charts back: texts, the plot rectangle, polyline points and the latency axis's ticks.
using System.Globalization;
using System.Xml.Linq;

namespace Exchange.Latency.Tests;

internal static class Svg
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public readonly record struct Rectangle(double Left, double Top, double Right, double Bottom)
    {
        public bool Contains(double x, double y) => x >= Left && x <= Right && y >= Top && y <= Bottom;
    }

    public static List<string> Texts(XDocument document) => document.Descendants(Ns + "text").Select(t => t.Value).ToList();

    public static Rectangle PlotRectangle(XDocument document)
    {
        var frame = document.Descendants(Ns + "rect").Single(r => (string?)r.Attribute("class") == "plot");
        double left = Number(frame, "x"), top = Number(frame, "y");
        return new Rectangle(left, top, left + Number(frame, "width"), top + Number(frame, "height"));
    }

    public static List<(double X, double Y)> Points(XElement polyline) =>
        polyline.Attribute("points")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray())
            .Select(c => (c[0], c[1])).ToList();

    public static XElement Line(XDocument document, string label) =>
        document.Descendants(Ns + "polyline").Single(p => (string?)p.Attribute("data-label") == label);

    /// <summary>The latency axis's tick labels as numbers, lowest first, with their heights.</summary>
    public static List<(double Value, double Y)> LatencyTicks(XDocument document) =>
        document.Descendants(Ns + "g").Single(g => (string?)g.Attribute("class") == "y-ticks").Elements(Ns + "text")
            .Select(t => (double.Parse(t.Value, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture), Number(t, "y")))
            .OrderBy(t => t.Item1).ToList();

    public static double Number(XElement element, string attribute) =>
        double.Parse(element.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);
}
