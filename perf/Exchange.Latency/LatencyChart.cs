// A latency-by-percentile chart as a self-contained SVG, drawn like HdrHistogram's plotter: percentiles spread
// on a log scale of 1/(1-p) so the tail gets room, latency on a linear scale, one line per series.
using System.Globalization;
using System.Text;
using HdrHistogram;

namespace Exchange.Latency;

public static class LatencyChart
{
    private const double Width = 960, Height = 540;
    private const double PlotLeft = 88, PlotRight = Width - 48, PlotTop = 64, PlotBottom = Height - 72;
    private const int MinimumDecades = 5; // 0% .. 99.999% even for short runs, so charts line up.
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Writes the chart: x is the percentile (labels 0%, 90%, 99%, ... on a log scale of 1/(1-p)), y the latency
    /// in <paramref name="unitName"/>, values being divided by <paramref name="unitScalingRatio"/> (1000: ns → µs).
    /// The points are those of the .hgrm report (5 ticks per half distance) without its final 100% row, whose x is
    /// infinite; each legend entry gives the series' max instead.
    /// </summary>
    public static void WriteSvg(TextWriter writer, IReadOnlyList<(string Label, HistogramBase Histogram)> series,
        string title, double unitScalingRatio, string unitName)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(unitName);
        if (!(unitScalingRatio > 0) || double.IsInfinity(unitScalingRatio))
            throw new ArgumentOutOfRangeException(nameof(unitScalingRatio), unitScalingRatio, "must be a positive finite number");

        var lines = new List<(double X, double Y)>[series.Count];
        double maxX = 1, maxY = 0;
        for (int s = 0; s < series.Count; s++)
        {
            var points = new List<(double X, double Y)>();
            if (series[s].Histogram.TotalCount == 0)
            {
                lines[s] = points;
                continue;
            }
            foreach (var step in series[s].Histogram.Percentiles(5))
            {
                if (step.PercentileLevelIteratedTo >= 100.0) continue;
                double x = 1 / (1 - step.PercentileLevelIteratedTo / 100.0);
                double y = step.ValueIteratedTo / unitScalingRatio;
                points.Add((x, y));
                maxX = Math.Max(maxX, x);
                maxY = Math.Max(maxY, y);
            }
            lines[s] = points;
        }

        int decades = Math.Max(MinimumDecades, (int)Math.Ceiling(Math.Log10(maxX) - 1e-9));
        (double yStep, double yTop, int yDecimals) = NiceAxis(maxY);
        double PlotX(double x) => PlotLeft + (PlotRight - PlotLeft) * Math.Log10(x) / decades;
        double PlotY(double y) => PlotBottom - (PlotBottom - PlotTop) * y / yTop;

        var svg = new StringBuilder(16 * 1024);
        svg.Append(Invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        svg.Append("<title>").Append(Escape(title)).Append("</title>\n");
        svg.Append(Invariant, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>\n");
        svg.Append(Invariant, $"<text x=\"{Width / 2}\" y=\"32\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">{Escape(title)}</text>\n");

        // Grid and axes.
        svg.Append("<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
        for (int d = 0; d <= decades; d++)
            svg.Append(Invariant, $"<line x1=\"{F(PlotX(Math.Pow(10, d)))}\" y1=\"{F(PlotTop)}\" x2=\"{F(PlotX(Math.Pow(10, d)))}\" y2=\"{F(PlotBottom)}\"/>\n");
        for (double y = 0; y <= yTop + yStep / 2; y += yStep)
            svg.Append(Invariant, $"<line x1=\"{F(PlotLeft)}\" y1=\"{F(PlotY(y))}\" x2=\"{F(PlotRight)}\" y2=\"{F(PlotY(y))}\"/>\n");
        svg.Append("</g>\n");
        svg.Append(Invariant, $"<rect x=\"{F(PlotLeft)}\" y=\"{F(PlotTop)}\" width=\"{F(PlotRight - PlotLeft)}\" height=\"{F(PlotBottom - PlotTop)}\" fill=\"none\" stroke=\"#555555\"/>\n");

        svg.Append("<g fill=\"#333333\">\n");
        for (int d = 0; d <= decades; d++)
            svg.Append(Invariant, $"<text x=\"{F(PlotX(Math.Pow(10, d)))}\" y=\"{F(PlotBottom + 18)}\" text-anchor=\"middle\">{PercentileLabel(d)}</text>\n");
        for (double y = 0; y <= yTop + yStep / 2; y += yStep)
            svg.Append(Invariant, $"<text x=\"{F(PlotLeft - 8)}\" y=\"{F(PlotY(y) + 4)}\" text-anchor=\"end\">{y.ToString("F" + yDecimals, Invariant)}</text>\n");
        svg.Append(Invariant, $"<text x=\"{F((PlotLeft + PlotRight) / 2)}\" y=\"{F(Height - 24)}\" text-anchor=\"middle\" font-size=\"13\">Percentile</text>\n");
        svg.Append(Invariant, $"<text x=\"20\" y=\"{F((PlotTop + PlotBottom) / 2)}\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 20 {F((PlotTop + PlotBottom) / 2)})\">Latency ({Escape(unitName)})</text>\n");
        svg.Append("</g>\n");

        // One line per series, then the legend over the plot's top-left corner, where latency is lowest.
        for (int s = 0; s < series.Count; s++)
        {
            svg.Append(Invariant, $"<polyline fill=\"none\" stroke=\"{Palette[s % Palette.Length]}\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"");
            for (int p = 0; p < lines[s].Count; p++)
            {
                if (p > 0) svg.Append(' ');
                svg.Append(F(PlotX(lines[s][p].X))).Append(',').Append(F(PlotY(lines[s][p].Y)));
            }
            svg.Append("\"/>\n");
        }
        var labels = new string[series.Count];
        for (int s = 0; s < series.Count; s++)
        {
            var histogram = series[s].Histogram;
            string max = (histogram.GetMaxValue() / unitScalingRatio).ToString("0.###", Invariant);
            labels[s] = $"{series[s].Label} (n = {histogram.TotalCount.ToString("N0", Invariant)}, max {max} {unitName})";
        }
        if (series.Count > 0)
        {
            // A backing so the legend stays legible where a line passes under it; 7 px is a generous 12 px glyph.
            double legendWidth = 42 + 7 * labels.Max(l => l.Length);
            svg.Append(Invariant, $"<rect x=\"{F(PlotLeft + 4)}\" y=\"{F(PlotTop + 4)}\" width=\"{F(legendWidth)}\" height=\"{F(18 * series.Count + 8)}\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>\n");
        }
        for (int s = 0; s < series.Count; s++)
        {
            double y = PlotTop + 18 + 18 * s;
            string label = labels[s];
            svg.Append(Invariant, $"<line x1=\"{F(PlotLeft + 12)}\" y1=\"{F(y - 4)}\" x2=\"{F(PlotLeft + 36)}\" y2=\"{F(y - 4)}\" stroke=\"{Palette[s % Palette.Length]}\" stroke-width=\"3\"/>\n");
            svg.Append(Invariant, $"<text x=\"{F(PlotLeft + 42)}\" y=\"{F(y)}\">{Escape(label)}</text>\n");
        }
        svg.Append("</svg>\n");
        writer.Write(svg);
    }

    /// <summary>A 1-2-5 step giving at most about six intervals, the axis top as a whole number of steps, and the decimals a label needs.</summary>
    private static (double Step, double Top, int Decimals) NiceAxis(double max)
    {
        if (!(max > 0)) return (0.2, 1, 1);
        double rough = max / 5;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double residual = rough / magnitude;
        double step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude;
        double top = Math.Ceiling(max / step - 1e-9) * step;
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));
        return (step, top, decimals);
    }

    /// <summary>The percentile at 10^decades on the 1/(1-p) axis: 0%, 90%, 99%, 99.9%, ...</summary>
    private static string PercentileLabel(int decades) => decades switch
    {
        0 => "0%",
        1 => "90%",
        _ => "99" + (decades > 2 ? "." + new string('9', decades - 2) : "") + "%",
    };

    private static string F(double value) => value.ToString("0.#", Invariant);

    /// <summary>Escapes markup and drops characters XML 1.0 cannot hold, so any label keeps the file well-formed.</summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&apos;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                        escaped.Append(c).Append(text[++i]);
                    else if ((c >= 0x20 && !char.IsSurrogate(c) && c != '\uFFFE' && c != '\uFFFF') || c is '\t' or '\n' or '\r')
                        escaped.Append(c);
                    break;
            }
        }
        return escaped.ToString();
    }
}
