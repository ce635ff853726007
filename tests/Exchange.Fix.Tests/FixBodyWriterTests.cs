// FixBodyWriter: "tag=value<SOH>" fields, numbers and decimals as FIX writes them, errors flagged not thrown.
using static Exchange.Fix.Tests.TestMessages;

namespace Exchange.Fix.Tests;

public class FixBodyWriterTests
{
    [Theory]
    [InlineData(1234500, 4, "123.45")]
    [InlineData(1000, 3, "1")]
    [InlineData(0, 4, "0")]
    [InlineData(-5, 2, "-0.05")]
    [InlineData(105, 1, "10.5")]
    [InlineData(7, 0, "7")]
    [InlineData(long.MinValue, 2, "-92233720368547758.08")]
    public void Decimal_is_written_with_trailing_zeros_trimmed(long fixedPoint, int scale, string expected)
    {
        var writer = new FixBodyWriter(new byte[64]);
        Assert.True(writer.AppendDecimal(44, fixedPoint, scale));
        Assert.Equal($"44={expected}|", Show(writer.Written));
    }

    [Fact]
    public void Every_kind_of_value_is_written_in_order()
    {
        var writer = new FixBodyWriter(new byte[256]);
        writer.Append(11, "ORD-1"u8);
        writer.Append(38, 100);
        writer.Append(17, -9_000_000_000L);
        writer.Append(54, '1');
        writer.Append(114, true);
        writer.Append(1028, false);
        writer.AppendUtcTimestamp(60, UnixNanos(2026, 3, 2, 10, 0, 0) + 123_456_789, TimestampPrecision.Microseconds);
        writer.AppendData(95, 96, "a\u0001b"u8);
        Assert.Equal("11=ORD-1|38=100|17=-9000000000|54=1|114=Y|1028=N|60=20260302-10:00:00.123456|95=3|96=a|b|", Show(writer.Written));
        Assert.Equal(FixWriteError.None, writer.Error);
    }

    [Fact]
    public void Field_that_does_not_fit_is_not_written_and_flags_overflow()
    {
        var writer = new FixBodyWriter(new byte[12]);
        Assert.True(writer.Append(11, "ABC"u8));
        Assert.False(writer.Append(58, "too long for the rest"u8));
        Assert.True(writer.Overflow);
        Assert.False(writer.Append(1, "x"u8));
        Assert.Equal("11=ABC|", Show(writer.Written));
    }

    [Fact]
    public void Invalid_values_are_refused()
    {
        Assert.False(new FixBodyWriter(new byte[64]).Append(58, ""u8));
        Assert.False(new FixBodyWriter(new byte[64]).Append(58, "a\u0001b"u8));
        Assert.False(new FixBodyWriter(new byte[64]).Append(0, "a"u8));
        Assert.False(new FixBodyWriter(new byte[64]).Append(54, '\u0001'));
        Assert.False(new FixBodyWriter(new byte[64]).AppendDecimal(44, 1, 19));
        var writer = new FixBodyWriter(new byte[64]);
        writer.Append(58, ""u8);
        Assert.Equal(FixWriteError.InvalidValue, writer.Error);
        Assert.False(writer.Overflow);
    }
}
