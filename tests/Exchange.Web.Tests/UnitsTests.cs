// Decimal strings ↔ the engine's integers: exact both ways, never rounded.
namespace Exchange.Web.Tests;

public sealed class UnitsTests
{
    [Theory]
    [InlineData(1_000_000, 8, "0.01000000")]
    [InlineData(60_000, 0, "60000")]
    [InlineData(123_456, 2, "1234.56")]
    [InlineData(-5, 2, "-0.05")]
    [InlineData(long.MinValue, 2, "-92233720368547758.08")]
    public void Format_writes_every_decimal_place(long value, int decimals, string text) => Assert.Equal(text, Units.Format(value, decimals));

    [Theory]
    [InlineData("0.01", 8, 1_000_000)]
    [InlineData("0.0100000000", 8, 1_000_000)]
    [InlineData("60000", 0, 60_000)]
    [InlineData(".5", 2, 50)]
    [InlineData("7.", 2, 700)]
    [InlineData("92233720368547758.07", 2, long.MaxValue)]
    public void Parse_is_exact(string text, int decimals, long value)
    {
        Assert.Equal(value, Units.Parse(text, decimals, out string? problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("0.001", 2, "has more than 2 decimal places")]
    [InlineData("-1", 2, "is not a non-negative decimal number")]
    [InlineData("1e5", 2, "is not a non-negative decimal number")]
    [InlineData("", 2, "is not a decimal number")]
    [InlineData(".", 2, "is not a decimal number")]
    [InlineData("92233720368547758.08", 2, "is out of range")]
    [InlineData("1 000", 0, "is not a non-negative decimal number")]
    public void Parse_refuses_what_is_not_exact_with_a_reason(string text, int decimals, string reason)
    {
        Assert.Null(Units.Parse(text, decimals, out string? problem));
        Assert.Equal(reason, problem);
    }
}
