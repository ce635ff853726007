// Numbers print as Java's Formatter prints them: half-up on the shortest decimal form, which is where .NET differs.
// Expected strings come from String.format(Locale.US, ...) on a JVM.
using System.Text;

namespace Exchange.Latency.Tests;

public class JavaFormatTests
{
    [Theory]
    [InlineData(0.125, 14, 2, "          0.13")]
    [InlineData(1.005, 14, 2, "          1.01")]
    [InlineData(2.675, 14, 2, "          2.68")]
    [InlineData(0.0005, 12, 3, "       0.001")]
    [InlineData(0.00049, 12, 3, "       0.000")]
    [InlineData(9.9995, 12, 3, "      10.000")]
    [InlineData(999999.9995, 12, 3, " 1000000.000")]
    [InlineData(12345.6785, 12, 3, "   12345.679")]
    [InlineData(123456789.0, 12, 3, "123456789.000")]
    [InlineData(1e20, 12, 3, "100000000000000000000.000")]
    [InlineData(1.5e-5, 2, 12, "0.000015000000")]
    [InlineData(0.15, 2, 12, "0.150000000000")]
    [InlineData(1.0 / 3, 2, 12, "0.333333333333")]
    [InlineData(-0.0, 12, 3, "      -0.000")]
    [InlineData(0.0, 2, 12, "0.000000000000")]
    [InlineData(2.5, 5, 0, "    3")]
    [InlineData(0.125, 5, 0, "    0")]
    [InlineData(double.PositiveInfinity, 14, 2, "      Infinity")]
    public void Fixed_point_matches_java(double value, int width, int precision, string expected)
    {
        var text = new StringBuilder();
        JavaFormat.AppendFixed(text, value, width, precision);
        Assert.Equal(expected, text.ToString());
    }

    [Theory]
    [InlineData(0, 10, "         0")]
    [InlineData(1234567, 12, "     1234567")]
    [InlineData(long.MaxValue, 10, "9223372036854775807")]
    public void Integers_are_right_aligned_without_grouping(long value, int width, string expected)
    {
        var text = new StringBuilder();
        JavaFormat.AppendInteger(text, value, width);
        Assert.Equal(expected, text.ToString());
    }
}
