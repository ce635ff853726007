// Scalar values parse exactly: fixed-point prices without floating point, integers without overflow.
namespace Exchange.Fix.Tests;

public class FixValueTests
{
    private static bool Decimal(string text, int scale, out long value) =>
        FixValue.TryParseDecimal(System.Text.Encoding.ASCII.GetBytes(text), scale, out value);

    [Theory]
    [InlineData("123.45", 4, 1_234_500L)]
    [InlineData("123.4500", 4, 1_234_500L)]
    [InlineData("100", 2, 10_000L)]
    [InlineData("0", 4, 0L)]
    [InlineData("-0", 4, 0L)]
    [InlineData("-1.5", 2, -150L)]
    [InlineData("5.", 2, 500L)]
    [InlineData(".5", 2, 50L)]
    [InlineData("-.25", 2, -25L)]
    [InlineData("007.10", 1, 71L)]
    [InlineData("1.000000000000000000", 0, 1L)]
    [InlineData("0.000000000000000001", 18, 1L)]
    [InlineData("42", 0, 42L)]
    public void A_decimal_becomes_a_fixed_point_integer_at_the_given_scale(string text, int scale, long expected)
    {
        Assert.True(Decimal(text, scale, out long value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1.23456", 4)]
    [InlineData("0.5", 0)]
    [InlineData("0.0000000000000000001", 18)]
    public void More_significant_decimals_than_the_scale_are_rejected(string text, int scale)
    {
        Assert.False(Decimal(text, scale, out _));
    }

    [Fact]
    public void The_largest_and_smallest_longs_parse_and_one_beyond_is_rejected()
    {
        Assert.True(Decimal("92233720368547758.07", 2, out long max));
        Assert.Equal(long.MaxValue, max);
        Assert.True(Decimal("-92233720368547758.08", 2, out long min));
        Assert.Equal(long.MinValue, min);
        Assert.False(Decimal("92233720368547758.08", 2, out _));
        Assert.False(Decimal("-92233720368547758.09", 2, out _));
        Assert.False(Decimal("99999999999999999999", 0, out _));
        Assert.False(Decimal("1", 19, out _));
    }

    [Fact]
    public void Scaling_that_overflows_is_rejected()
    {
        Assert.False(Decimal("100", 17, out _));
        Assert.True(Decimal("9", 18, out long nine));
        Assert.Equal(9_000_000_000_000_000_000, nine);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("-.")]
    [InlineData("1.2.3")]
    [InlineData("1e5")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1,5")]
    [InlineData("--1")]
    [InlineData("1-")]
    public void Malformed_decimals_are_rejected(string text)
    {
        Assert.False(Decimal(text, 4, out _));
        Assert.False(FixValue.IsDecimal(System.Text.Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void A_negative_scale_is_rejected()
    {
        Assert.False(Decimal("1", -1, out _));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("-17", -17)]
    [InlineData("0042", 42)]
    [InlineData("2147483647", int.MaxValue)]
    [InlineData("-2147483648", int.MinValue)]
    public void Ints_parse_with_sign_and_leading_zeros(string text, int expected)
    {
        Assert.True(FixValue.TryParseInt(System.Text.Encoding.ASCII.GetBytes(text), out int value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("2147483648")]
    [InlineData("-2147483649")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.0")]
    [InlineData("+1")]
    public void Ints_out_of_range_or_malformed_are_rejected(string text)
    {
        Assert.False(FixValue.TryParseInt(System.Text.Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void Longs_parse_to_their_limits_and_not_beyond()
    {
        Assert.True(FixValue.TryParseLong("9223372036854775807"u8, out long max));
        Assert.Equal(long.MaxValue, max);
        Assert.True(FixValue.TryParseLong("-9223372036854775808"u8, out long min));
        Assert.Equal(long.MinValue, min);
        Assert.False(FixValue.TryParseLong("9223372036854775808"u8, out _));
        Assert.False(FixValue.TryParseLong("-9223372036854775809"u8, out _));
    }

    [Fact]
    public void A_char_is_exactly_one_byte()
    {
        Assert.True(FixValue.TryParseChar("2"u8, out char c));
        Assert.Equal('2', c);
        Assert.False(FixValue.TryParseChar("22"u8, out _));
        Assert.False(FixValue.TryParseChar(""u8, out _));
    }

    [Fact]
    public void A_boolean_is_Y_or_N()
    {
        Assert.True(FixValue.TryParseBool("Y"u8, out bool yes));
        Assert.True(yes);
        Assert.True(FixValue.TryParseBool("N"u8, out bool no));
        Assert.False(no);
        Assert.False(FixValue.TryParseBool("y"u8, out _));
        Assert.False(FixValue.TryParseBool("YES"u8, out _));
    }
}
