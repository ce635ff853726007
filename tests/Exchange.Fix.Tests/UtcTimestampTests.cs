// UTCTimestamps parse to Unix nanoseconds at every precision and format back truncated to the one asked for.
using System.Text;
using static Exchange.Fix.Tests.TestMessages;

namespace Exchange.Fix.Tests;

public class UtcTimestampTests
{
    private static long Parse(string text)
    {
        Assert.True(UtcTimestamp.TryParse(Encoding.ASCII.GetBytes(text), out long nanos), text);
        return nanos;
    }

    private static string Format(long nanos, TimestampPrecision precision)
    {
        var buffer = new byte[UtcTimestamp.MaxLength];
        Assert.True(UtcTimestamp.TryFormat(nanos, precision, buffer, out int written));
        return Encoding.ASCII.GetString(buffer, 0, written);
    }

    [Fact]
    public void Seconds_precision_parses()
    {
        Assert.Equal(UnixNanos(2026, 11, 21, 10, 30, 15), Parse("20261121-10:30:15"));
    }

    [Fact]
    public void Milliseconds_parse()
    {
        Assert.Equal(UnixNanos(2026, 11, 21, 10, 30, 15, 123_000_000), Parse("20261121-10:30:15.123"));
    }

    [Fact]
    public void Microseconds_parse()
    {
        Assert.Equal(UnixNanos(2026, 11, 21, 10, 30, 15, 123_456_000), Parse("20261121-10:30:15.123456"));
    }

    [Fact]
    public void Nanoseconds_parse()
    {
        Assert.Equal(UnixNanos(2026, 11, 21, 10, 30, 15, 123_456_789), Parse("20261121-10:30:15.123456789"));
    }

    [Fact]
    public void The_epoch_is_zero_and_earlier_times_are_negative()
    {
        Assert.Equal(0, Parse("19700101-00:00:00"));
        Assert.Equal(-1_000_000_000, Parse("19691231-23:59:59"));
    }

    [Fact]
    public void A_leap_day_parses_only_in_a_leap_year()
    {
        Assert.Equal(UnixNanos(2024, 2, 29, 0, 0, 0), Parse("20240229-00:00:00"));
        Assert.False(UtcTimestamp.TryParse("20250229-00:00:00"u8, out _));
        Assert.False(UtcTimestamp.TryParse("21000229-00:00:00"u8, out _));
        Assert.Equal(UnixNanos(2000, 2, 29, 0, 0, 0), Parse("20000229-00:00:00"));
    }

    [Fact]
    public void A_leap_second_counts_as_the_next_minute()
    {
        Assert.Equal(UnixNanos(2016, 12, 31, 23, 59, 59) + 1_000_000_000, Parse("20161231-23:59:60"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("20261121")]
    [InlineData("20261121-10:30")]
    [InlineData("20261121 10:30:15")]
    [InlineData("20261121-10-30-15")]
    [InlineData("20261321-10:30:15")]
    [InlineData("20261100-10:30:15")]
    [InlineData("20261131-10:30:15")]
    [InlineData("20261121-24:00:00")]
    [InlineData("20261121-10:60:00")]
    [InlineData("20261121-10:30:61")]
    [InlineData("20261121-10:30:15.")]
    [InlineData("20261121-10:30:15.12")]
    [InlineData("20261121-10:30:15.1234")]
    [InlineData("20261121-10:30:15.1234567890")]
    [InlineData("20261121-10:30:15.12a")]
    [InlineData("20261121-10:30:15Z")]
    [InlineData("2026112a-10:30:15")]
    [InlineData("-2026112-10:30:15")]
    public void Malformed_or_impossible_timestamps_are_rejected(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.False(UtcTimestamp.TryParse(bytes, out _));
        Assert.False(UtcTimestamp.IsValid(bytes));
    }

    [Fact]
    public void Years_a_long_of_nanoseconds_cannot_hold_are_well_formed_but_not_parsed()
    {
        Assert.True(UtcTimestamp.IsValid("99991231-23:59:59"u8));
        Assert.False(UtcTimestamp.TryParse("99991231-23:59:59"u8, out _));
        Assert.False(UtcTimestamp.TryParse("16000101-00:00:00"u8, out _));
    }

    [Theory]
    [InlineData(TimestampPrecision.Seconds, "20261121-10:30:15")]
    [InlineData(TimestampPrecision.Milliseconds, "20261121-10:30:15.123")]
    [InlineData(TimestampPrecision.Microseconds, "20261121-10:30:15.123456")]
    [InlineData(TimestampPrecision.Nanoseconds, "20261121-10:30:15.123456789")]
    public void Formatting_truncates_to_the_precision(TimestampPrecision precision, string expected)
    {
        Assert.Equal(expected, Format(UnixNanos(2026, 11, 21, 10, 30, 15, 123_456_789), precision));
    }

    [Fact]
    public void Times_before_the_epoch_format_correctly()
    {
        Assert.Equal("19691231-23:59:59.999", Format(-1_000_000, TimestampPrecision.Milliseconds));
    }

    [Fact]
    public void Formatting_into_too_small_a_buffer_fails()
    {
        Assert.False(UtcTimestamp.TryFormat(0, TimestampPrecision.Milliseconds, new byte[20], out _));
        Assert.False(UtcTimestamp.TryFormat(0, (TimestampPrecision)4, new byte[30], out _));
    }

    [Fact]
    public void Random_instants_round_trip_at_nanosecond_precision()
    {
        var random = new Random(11);
        for (int i = 0; i < 10_000; i++)
        {
            long nanos = random.NextInt64(UnixNanos(1678, 1, 1, 0, 0, 0), UnixNanos(2261, 12, 31, 23, 59, 59));
            string text = Format(nanos, TimestampPrecision.Nanoseconds);
            Assert.Equal(nanos, Parse(text));
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Math.DivRem(nanos, 1_000_000, out long rem) - (rem < 0 ? 1 : 0))
                .ToString("yyyyMMdd-HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture), Format(nanos, TimestampPrecision.Milliseconds));
        }
    }
}
