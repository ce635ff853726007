// The drawing both latency charts share: a plot rectangle with a logarithmic latency axis (a tick at every
// decade, as HdrHistogram's plotter draws it, so microseconds and a 100 ms stall fit one chart), an x axis the
// chart labels, one polyline per series, and the legend below the plot, where no line can pass under it.
using System.Globalization;
using System.Text;

namespace Exchange.Latency;

internal static class SvgPlot
{
    /// <summary>A labelled tick at <see cref="Position"/> (0 = left edge of the plot, 1 = right edge).</summary>
    internal readonly record struct Tick(double Position, string Label);

    /// <summary>A series: points at x in 0..1 and y in the chart's unit; y &lt;= 0 cannot be drawn on a log axis and sits on its floor.</summary>
    internal sealed record Series(string Label, IReadOnlyList<(double X, double Y)> Points);

    internal const double Width = 960, PlotLeft = 96, PlotRight = Width - 48, PlotTop = 64, PlotBottom = 440;
    private const double LegendTop = PlotBottom + 70, LegendRow = 20;
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Write(TextWriter writer, string title, string xTitle, IReadOnlyList<Tick> xTicks, string yTitle, IReadOnlyList<Series> series)
    {
        double min = double.PositiveInfinity, max = 0;
        foreach (var s in series)
            foreach (var (_, y) in s.Points)
                if (y > 0)
                {
                    min = Math.Min(min, y);
                    max = Math.Max(max, y);
                }
        if (max == 0) (min, max) = (1, 10);
        int low = (int)Math.Floor(Math.Log10(min) + 1e-9), high = (int)Math.Ceiling(Math.Log10(max) - 1e-9);
        if (high <= low) high = low + 1;
        double PlotX(double x) => PlotLeft + (PlotRight - PlotLeft) * Math.Clamp(x, 0, 1);
        double PlotY(double y) => y <= 0 ? PlotBottom
            : Math.Clamp(PlotBottom - (PlotBottom - PlotTop) * (Math.Log10(y) - low) / (high - low), PlotTop, PlotBottom);
        double height = LegendTop + LegendRow * series.Count + 12;

        var svg = new StringBuilder(16 * 1024);
        svg.Append(Invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{F(height)}\" viewBox=\"0 0 {Width} {F(height)}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        svg.Append("<title>").Append(Escape(title)).Append("</title>\n");
        svg.Append(Invariant, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{F(height)}\" fill=\"#ffffff\"/>\n");
        svg.Append(Invariant, $"<text x=\"{Width / 2}\" y=\"32\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">{Escape(title)}</text>\n");

        // Grid: the x ticks, every decade, and fainter lines at 2..9 times each decade.
        svg.Append("<g class=\"grid\" stroke-width=\"1\">\n");
        foreach (var tick in xTicks)
            svg.Append(Invariant, $"<line x1=\"{F(PlotX(tick.Position))}\" y1=\"{F(PlotTop)}\" x2=\"{F(PlotX(tick.Position))}\" y2=\"{F(PlotBottom)}\" stroke=\"#e3e3e3\"/>\n");
        for (int d = low; d <= high; d++)
        {
            double decade = Math.Pow(10, d);
            svg.Append(Invariant, $"<line x1=\"{F(PlotLeft)}\" y1=\"{F(PlotY(decade))}\" x2=\"{F(PlotRight)}\" y2=\"{F(PlotY(decade))}\" stroke=\"#cfcfcf\"/>\n");
            for (int m = 2; m <= 9 && d < high; m++)
                svg.Append(Invariant, $"<line x1=\"{F(PlotLeft)}\" y1=\"{F(PlotY(m * decade))}\" x2=\"{F(PlotRight)}\" y2=\"{F(PlotY(m * decade))}\" stroke=\"#f0f0f0\"/>\n");
        }
        svg.Append("</g>\n");
        svg.Append(Invariant, $"<rect class=\"plot\" x=\"{F(PlotLeft)}\" y=\"{F(PlotTop)}\" width=\"{F(PlotRight - PlotLeft)}\" height=\"{F(PlotBottom - PlotTop)}\" fill=\"none\" stroke=\"#555555\"/>\n");

        svg.Append("<g class=\"x-ticks\" fill=\"#333333\">\n");
        foreach (var tick in xTicks)
            svg.Append(Invariant, $"<text x=\"{F(PlotX(tick.Position))}\" y=\"{F(PlotBottom + 18)}\" text-anchor=\"middle\">{Escape(tick.Label)}</text>\n");
        svg.Append("</g>\n<g class=\"y-ticks\" fill=\"#333333\">\n");
        for (int d = low; d <= high; d++)
            svg.Append(Invariant, $"<text x=\"{F(PlotLeft - 8)}\" y=\"{F(PlotY(Math.Pow(10, d)) + 4)}\" text-anchor=\"end\">{DecadeLabel(d)}</text>\n");
        svg.Append("</g>\n");
        svg.Append(Invariant, $"<text x=\"{F((PlotLeft + PlotRight) / 2)}\" y=\"{F(PlotBottom + 42)}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#333333\">{Escape(xTitle)}</text>\n");
        double middle = (PlotTop + PlotBottom) / 2;
        svg.Append(Invariant, $"<text x=\"22\" y=\"{F(middle)}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#333333\" transform=\"rotate(-90 22 {F(middle)})\">{Escape(yTitle)}</text>\n");

        svg.Append("<g class=\"lines\">\n");
        for (int s = 0; s < series.Count; s++)
        {
            svg.Append(Invariant, $"<polyline data-label=\"{Escape(series[s].Label)}\" fill=\"none\" stroke=\"{Palette[s % Palette.Length]}\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"");
            var points = series[s].Points;
            for (int p = 0; p < points.Count; p++)
            {
                if (p > 0) svg.Append(' ');
                svg.Append(F(PlotX(points[p].X))).Append(',').Append(F(PlotY(points[p].Y)));
            }
            svg.Append("\"/>\n");
        }
        svg.Append("</g>\n<g class=\"legend\">\n");
        for (int s = 0; s < series.Count; s++)
        {
            double y = LegendTop + LegendRow * s;
            svg.Append(Invariant, $"<line x1=\"{F(PlotLeft)}\" y1=\"{F(y - 4)}\" x2=\"{F(PlotLeft + 24)}\" y2=\"{F(y - 4)}\" stroke=\"{Palette[s % Palette.Length]}\" stroke-width=\"3\"/>\n");
            svg.Append(Invariant, $"<text x=\"{F(PlotLeft + 32)}\" y=\"{F(y)}\">{Escape(series[s].Label)}</text>\n");
        }
        svg.Append("</g>\n</svg>\n");
        writer.Write(svg);
    }

    /// <summary>A 1-2-5 step giving at most about six intervals, and the axis top as a whole number of steps.</summary>
    public static (double Step, double Top) NiceAxis(double max)
    {
        if (!(max > 0)) return (0.2, 1);
        double rough = max / 5;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double residual = rough / magnitude;
        double step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude;
        return (step, Math.Ceiling(max / step - 1e-9) * step);
    }

    public static string Number(double value) => value.ToString(Math.Abs(value) >= 1 ? "#,0.###" : "0.#########", Invariant);

    private static string DecadeLabel(int decade) => Number(Math.Pow(10, decade));

    private static string F(double value) => value.ToString("0.#", Invariant);

    /// <summary>Escapes markup and drops characters XML 1.0 cannot hold, so any label keeps the file well-formed.</summary>
    public static string Escape(string text)
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
