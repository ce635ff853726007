// The two latency charts, as self-contained SVG files: latency by percentile (as HdrHistogram's plotter draws a
// .hgrm: percentiles spread on a log scale of 1/(1-p) so the tail gets room) and latency over time (p50, p99,
// p99.9 and max of each interval of an interval log, so a stall shows when it happened). Both on a log latency axis.
using System.Globalization;
using HdrHistogram;

namespace Exchange.Latency;

public static class LatencyChart
{
    private const int MinimumDecades = 5; // 0% .. 99.999% even for short runs, so charts line up.
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Latency by percentile: x is the percentile (labels 0%, 90%, 99%, ... on a log scale of 1/(1-p)), y the latency
    /// in <paramref name="unitName"/>, values being divided by <paramref name="unitScalingRatio"/> (1000: ns → µs).
    /// The points are those of the .hgrm report (5 ticks per half distance) without its final 100% row, whose x is
    /// infinite; each legend entry gives the series' max instead.
    /// </summary>
    public static void WriteSvg(TextWriter writer, IReadOnlyList<(string Label, HistogramBase Histogram)> series,
        string title, double unitScalingRatio, string unitName)
    {
        Check(writer, title, unitScalingRatio, unitName);
        ArgumentNullException.ThrowIfNull(series);

        var raw = new List<(double X, double Y)>[series.Count];
        double maxX = 1;
        for (int s = 0; s < series.Count; s++)
        {
            var points = new List<(double X, double Y)>();
            if (series[s].Histogram.TotalCount > 0)
            {
                foreach (var step in series[s].Histogram.Percentiles(5))
                {
                    if (step.PercentileLevelIteratedTo >= 100.0) continue;
                    double x = 1 / (1 - step.PercentileLevelIteratedTo / 100.0);
                    points.Add((x, step.ValueIteratedTo / unitScalingRatio));
                    maxX = Math.Max(maxX, x);
                }
            }
            raw[s] = points;
        }

        int decades = Math.Max(MinimumDecades, (int)Math.Ceiling(Math.Log10(maxX) - 1e-9));
        var lines = new SvgPlot.Series[series.Count];
        for (int s = 0; s < series.Count; s++)
        {
            var histogram = series[s].Histogram;
            string max = (histogram.TotalCount == 0 ? 0 : histogram.GetMaxValue() / unitScalingRatio).ToString("#,0.#", Invariant);
            string label = $"{series[s].Label} (n = {histogram.TotalCount.ToString("N0", Invariant)}, max {max} {unitName})";
            lines[s] = new SvgPlot.Series(label, raw[s].Select(p => (Math.Log10(p.X) / decades, p.Y)).ToList());
        }
        var ticks = Enumerable.Range(0, decades + 1).Select(d => new SvgPlot.Tick(d / (double)decades, PercentileLabel(d))).ToList();
        SvgPlot.Write(writer, title, "Percentile", ticks, $"Latency ({unitName}, log scale)", lines);
    }

    /// <summary>
    /// Latency over time: one point per non-empty interval (at its middle) for its p50, p99, p99.9 and max; x is the
    /// time since the log began in seconds, y the latency in <paramref name="unitName"/> as for <see cref="WriteSvg"/>.
    /// </summary>
    public static void WriteOverTimeSvg(TextWriter writer, IReadOnlyList<LatencyInterval> intervals, string title,
        double unitScalingRatio, string unitName)
    {
        Check(writer, title, unitScalingRatio, unitName);
        ArgumentNullException.ThrowIfNull(intervals);

        double end = intervals.Count == 0 ? 1 : intervals.Max(i => i.StartSeconds + i.LengthSeconds);
        var (step, top) = SvgPlot.NiceAxis(end);
        var measures = new (string Label, Func<LatencyInterval, long> Value)[]
        {
            ("p50", i => i.P50), ("p99", i => i.P99), ("p99.9", i => i.P999), ("max", i => i.Max),
        };
        var lines = measures.Select(m => new SvgPlot.Series(m.Label,
            intervals.Where(i => i.Count > 0)
                .Select(i => ((i.StartSeconds + i.LengthSeconds / 2) / top, m.Value(i) / unitScalingRatio))
                .ToList())).ToList();
        var ticks = new List<SvgPlot.Tick>();
        for (int k = 0; k * step <= top + step / 2; k++) ticks.Add(new SvgPlot.Tick(k * step / top, SvgPlot.Number(k * step)));
        SvgPlot.Write(writer, title, $"Time (s), one point per {IntervalLength(intervals)} interval", ticks, $"Latency ({unitName}, log scale)", lines);
    }

    private static void Check(TextWriter writer, string title, double unitScalingRatio, string unitName)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(unitName);
        if (!(unitScalingRatio > 0) || double.IsInfinity(unitScalingRatio))
            throw new ArgumentOutOfRangeException(nameof(unitScalingRatio), unitScalingRatio, "must be a positive finite number");
    }

    private static string IntervalLength(IReadOnlyList<LatencyInterval> intervals)
    {
        if (intervals.Count == 0) return "1 s";
        // The longest full interval is the period; the last one is usually cut short by the end of the run.
        double period = intervals.Max(i => i.LengthSeconds);
        return $"{SvgPlot.Number(Math.Round(period, 1))} s";
    }

    /// <summary>The percentile at 10^decades on the 1/(1-p) axis: 0%, 90%, 99%, 99.9%, ...</summary>
    private static string PercentileLabel(int decades) => decades switch
    {
        0 => "0%",
        1 => "90%",
        _ => "99" + (decades > 2 ? "." + new string('9', decades - 2) : "") + "%",
    };
}
