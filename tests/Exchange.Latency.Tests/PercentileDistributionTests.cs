// The .hgrm text is HdrHistogram's outputPercentileDistribution to the character, so its tools read ours.
// The golden texts below were checked by hand and against HdrHistogram's Java implementation.
using System.Globalization;
using System.Text.RegularExpressions;

namespace Exchange.Latency.Tests;

public partial class PercentileDistributionTests
{
    [Fact]
    public void Four_values_print_as_HdrHistogram_prints_them()
    {
        // Rows step 10% at a time to 50%, then 5% (half the distance left), then 2.5%; the last value is
        // reached at 77.5%, and the final row is 100%.
        const string expected =
            "       Value     Percentile TotalCount 1/(1-Percentile)\n" +
            "\n" +
            "       1.000 0.000000000000          1           1.00\n" +
            "       1.000 0.100000000000          1           1.11\n" +
            "       1.000 0.200000000000          1           1.25\n" +
            "       2.000 0.300000000000          2           1.43\n" +
            "       2.000 0.400000000000          2           1.67\n" +
            "       2.000 0.500000000000          2           2.00\n" +
            "       3.000 0.550000000000          3           2.22\n" +
            "       3.000 0.600000000000          3           2.50\n" +
            "       3.000 0.650000000000          3           2.86\n" +
            "       3.000 0.700000000000          3           3.33\n" +
            "       3.000 0.750000000000          3           4.00\n" +
            "       4.000 0.775000000000          4           4.44\n" +
            "       4.000 1.000000000000          4\n" +
            "#[Mean    =        2.500, StdDeviation   =        1.118]\n" +
            "#[Max     =        4.000, Total count    =            4]\n" +
            "#[Buckets =           32, SubBuckets     =         2048]\n";
        Assert.Equal(expected, Report(Samples.Histogram([1, 2, 3, 4])));
    }

    [Fact]
    public void Values_are_divided_by_the_unit_scaling_ratio()
    {
        // 2500 ns shares a slot with 2501, and 1 ms with 999,936..1,000,447 ns: the report shows each slot's top.
        const string expected =
            "       Value     Percentile TotalCount 1/(1-Percentile)\n" +
            "\n" +
            "       1.500 0.000000000000          1           1.00\n" +
            "       1.500 0.100000000000          1           1.11\n" +
            "       1.500 0.200000000000          1           1.25\n" +
            "       1.500 0.300000000000          1           1.43\n" +
            "       2.501 0.400000000000          2           1.67\n" +
            "       2.501 0.500000000000          2           2.00\n" +
            "       2.501 0.550000000000          2           2.22\n" +
            "       2.501 0.600000000000          2           2.50\n" +
            "       2.501 0.650000000000          2           2.86\n" +
            "    1000.447 0.700000000000          3           3.33\n" +
            "    1000.447 1.000000000000          3\n" +
            "#[Mean    =      334.731, StdDeviation   =      470.552]\n" +
            "#[Max     =     1000.447, Total count    =            3]\n" +
            "#[Buckets =           32, SubBuckets     =         2048]\n";
        Assert.Equal(expected, Report(Samples.Histogram([1500, 2500, 1_000_000]), ratio: 1000.0));
    }

    [Fact]
    public void Every_line_has_HdrHistogram_layout_and_the_footer_sums_up_the_histogram()
    {
        var histogram = Samples.Histogram(Enumerable.Range(1, 10).Select(v => (long)v));
        string[] lines = Report(histogram).Split('\n');

        Assert.Equal("       Value     Percentile TotalCount 1/(1-Percentile)", lines[0]);
        Assert.Equal("", lines[1]);
        int footer = Array.FindIndex(lines, l => l.StartsWith('#'));
        // %12.3f %2.12f %10d %14.2f, and the last row without its infinite last column.
        for (int i = 2; i < footer - 1; i++)
        {
            Assert.Matches(Row(), lines[i]);
            Assert.Equal(12 + 1 + 14 + 1 + 10 + 1 + 14, lines[i].Length);
        }
        Assert.Matches(LastRow(), lines[footer - 1]);
        Assert.Equal(12 + 1 + 14 + 1 + 10, lines[footer - 1].Length);
        Assert.Equal("#[Mean    =        5.500, StdDeviation   =        2.872]", lines[footer]);
        Assert.Equal("#[Max     =       10.000, Total count    =           10]", lines[footer + 1]);
        Assert.Equal("#[Buckets =           32, SubBuckets     =         2048]", lines[footer + 2]);
        Assert.Equal("", lines[footer + 3]);
        Assert.Equal(footer + 4, lines.Length);
    }

    [Fact]
    public void Parsed_rows_rise_monotonically_and_end_at_100_percent_of_the_count()
    {
        var histogram = Samples.Histogram(Samples.Draw(Samples.LogNormal, 1_000_000, 51));
        var rows = Report(histogram, ratio: 1000.0).Split('\n')
            .Skip(2).TakeWhile(l => !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray())
            .ToList();

        Assert.True(rows.Count > 50);
        for (int i = 1; i < rows.Count; i++)
        {
            Assert.True(rows[i][0] >= rows[i - 1][0], $"value falls at row {i}");
            Assert.True(rows[i][1] > rows[i - 1][1], $"percentile does not rise at row {i}");
            Assert.True(rows[i][2] >= rows[i - 1][2], $"count falls at row {i}");
        }
        foreach (var row in rows.SkipLast(1))
        {
            Assert.Equal(4, row.Length);
            Assert.Equal(1 / (1 - row[1]), row[3], 0.0051 * row[3]);
        }
        Assert.Equal([histogram.ValueAtPercentile(100) / 1000.0, 1.0, histogram.TotalCount], rows[^1]);
        Assert.Equal(0.0, rows[0][1]);
        Assert.Equal(histogram.HighestEquivalentValue(histogram.Min) / 1000.0, rows[0][0]);
    }

    [Fact]
    public void An_empty_histogram_prints_only_the_header_and_the_footer()
    {
        const string expected =
            "       Value     Percentile TotalCount 1/(1-Percentile)\n" +
            "\n" +
            "#[Mean    =        0.000, StdDeviation   =        0.000]\n" +
            "#[Max     =        0.000, Total count    =            0]\n" +
            "#[Buckets =           32, SubBuckets     =         2048]\n";
        Assert.Equal(expected, Report(new LatencyHistogram(), ratio: 1000.0));
    }

    [Fact]
    public void Values_have_as_many_decimals_as_the_histogram_has_significant_digits()
    {
        var histogram = new LatencyHistogram(1, 3_600_000_000L, 2);
        histogram.Record(1234);
        string[] lines = Report(histogram, ratio: 1000.0).Split('\n');
        Assert.Equal("        1.24 0.000000000000          1           1.00", lines[2]);
        Assert.Equal("#[Max     =         1.24, Total count    =            1]", lines[^3]);
    }

    private static string Report(LatencyHistogram histogram, int ticks = 5, double ratio = 1.0)
    {
        var text = new StringWriter();
        histogram.OutputPercentileDistribution(text, ticks, ratio);
        return text.ToString();
    }

    [GeneratedRegex(@"^ *\d+\.\d{3} 0\.\d{12} +\d+ +\d+\.\d{2}$")]
    private static partial Regex Row();

    [GeneratedRegex(@"^ *\d+\.\d{3} 1\.000000000000 +\d+$")]
    private static partial Regex LastRow();
}
