// HdrHistogram's percentile distribution text (.hgrm), character for character as its
// AbstractHistogram.outputPercentileDistribution prints it, so its log analyzer and online plotter read ours.
using System.Text;

namespace Exchange.Latency;

internal static class PercentileDistribution
{
    public static void Write(LatencyHistogram histogram, TextWriter writer, int percentileTicksPerHalfDistance, double outputValueUnitScalingRatio)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfLessThan(percentileTicksPerHalfDistance, 1);
        // HdrHistogram prints values with as many decimals as the histogram has significant digits.
        int digits = histogram.SignificantDigits;
        var line = new StringBuilder(96);
        writer.Write("       Value     Percentile TotalCount 1/(1-Percentile)\n\n");

        var iterator = histogram.Percentiles(percentileTicksPerHalfDistance);
        while (iterator.MoveNext())
        {
            PercentileStep step = iterator.Current;
            double fraction = step.PercentileLevel / 100.0;
            line.Clear();
            JavaFormat.AppendFixed(line, step.Value / outputValueUnitScalingRatio, 12, digits);
            line.Append(' ');
            JavaFormat.AppendFixed(line, fraction, 2, 12);
            line.Append(' ');
            JavaFormat.AppendInteger(line, step.TotalCountToValue, 10);
            // The 100% row has no 1/(1-percentile): it would be infinite.
            if (step.PercentileLevel != 100.0)
            {
                line.Append(' ');
                JavaFormat.AppendFixed(line, 1 / (1.0 - fraction), 14, 2);
            }
            line.Append('\n');
            writer.Write(line);
        }

        // The footer reports the max as HdrHistogram does: the highest value equivalent to it.
        long max = histogram.TotalCount == 0 ? 0 : histogram.HighestEquivalentValue(histogram.Max);
        line.Clear();
        line.Append("#[Mean    = ");
        JavaFormat.AppendFixed(line, histogram.Mean / outputValueUnitScalingRatio, 12, digits);
        line.Append(", StdDeviation   = ");
        JavaFormat.AppendFixed(line, histogram.StdDeviation / outputValueUnitScalingRatio, 12, digits);
        line.Append("]\n#[Max     = ");
        JavaFormat.AppendFixed(line, max / outputValueUnitScalingRatio, 12, digits);
        line.Append(", Total count    = ");
        JavaFormat.AppendInteger(line, histogram.TotalCount, 12);
        line.Append("]\n#[Buckets = ");
        JavaFormat.AppendInteger(line, histogram.BucketCount, 12);
        line.Append(", SubBuckets     = ");
        JavaFormat.AppendInteger(line, histogram.SubBucketCount, 12);
        line.Append("]\n");
        writer.Write(line);
    }
}
