// The writer produces byte-exact FIX: fields in the order given, BodyLength and CheckSum computed, nothing outside the buffer.
using static Exchange.Fix.Tests.TestMessages;

namespace Exchange.Fix.Tests;

public class WriterTests
{
    private static readonly long LogonTime = UnixNanos(2026, 11, 21, 10, 0, 0);

    private static int WriteLogon(Span<byte> buffer, out FixWriteError error)
    {
        var writer = new FixWriter(buffer, "A"u8);
        writer.Append(FixTag.MsgSeqNum, 1);
        writer.Append(FixTag.SenderCompID, "BROKER"u8);
        writer.AppendUtcTimestamp(FixTag.SendingTime, LogonTime, TimestampPrecision.Milliseconds);
        writer.Append(FixTag.TargetCompID, "EXCH"u8);
        writer.Append(FixTag.EncryptMethod, 0);
        writer.Append(FixTag.HeartBtInt, 30);
        writer.Append(FixTag.ResetSeqNumFlag, true);
        writer.Append(FixTag.Username, "user"u8);
        writer.Append(FixTag.Password, "secret"u8);
        bool finished = writer.TryFinish(out int length);
        error = writer.Error;
        return finished ? length : -1;
    }

    private delegate void FixWriterCallback(ref FixWriter writer);

    private static string Field(FixWriterCallback append)
    {
        var buffer = new byte[256];
        var writer = new FixWriter(buffer, "0"u8);
        int before = writer.Length;
        append(ref writer);
        Assert.Equal(FixWriteError.None, writer.Error);
        return Show(buffer.AsSpan(before, writer.Length - before));
    }

    [Fact]
    public void A_logon_is_encoded_byte_for_byte_as_checked_by_hand()
    {
        var buffer = new byte[512];
        int length = WriteLogon(buffer, out _);
        Assert.Equal(LogonWire, Show(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void The_encoding_matches_an_independent_length_and_checksum_computation()
    {
        var buffer = new byte[512];
        int length = WriteLogon(buffer, out _);
        Assert.Equal(Build(LogonBody), buffer.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void BodyLength_has_no_leading_zeros_whatever_the_buffer_size()
    {
        var buffer = new byte[1_000_000];
        int length = WriteLogon(buffer, out _);
        Assert.StartsWith("8=FIX.4.4|9=91|35=A|", Show(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void An_encoded_order_round_trips_through_framing_parsing_and_validation()
    {
        var buffer = new byte[1024];
        var writer = new FixWriter(buffer, "D"u8);
        writer.Append(FixTag.MsgSeqNum, 2);
        writer.Append(FixTag.SenderCompID, "BROKER"u8);
        writer.AppendUtcTimestamp(FixTag.SendingTime, LogonTime, TimestampPrecision.Microseconds);
        writer.Append(FixTag.TargetCompID, "EXCH"u8);
        writer.Append(FixTag.ClOrdID, "ORD-7"u8);
        writer.Append(FixTag.NoPartyIDs, 1);
        writer.Append(FixTag.PartyID, "TRADER1"u8);
        writer.Append(FixTag.PartyIDSource, 'D');
        writer.Append(FixTag.PartyRole, 11);
        writer.Append(FixTag.Symbol, "ABC"u8);
        writer.Append(FixTag.Side, '2');
        writer.AppendUtcTimestamp(FixTag.TransactTime, LogonTime + 5_123_456_789, TimestampPrecision.Nanoseconds);
        writer.AppendDecimal(FixTag.OrderQty, 2_500, 2);
        writer.Append(FixTag.OrdType, '2');
        writer.AppendDecimal(FixTag.Price, -1_234_500, 4);
        Assert.True(writer.TryFinish(out int length));

        Assert.True(FixFraming.TryFrame(buffer.AsSpan(0, length), out int framed, out _));
        Assert.Equal(length, framed);
        Assert.True(FixMessage.TryParse(buffer.AsSpan(0, length), new FixField[64], out var message, out _));
        Assert.True(FixValidator.Validate(message).IsValid);
        Assert.True(message.TryGetDecimal(FixTag.Price, 4, out long price));
        Assert.Equal(-1_234_500, price);
        Assert.True(message.TryGetDecimal(FixTag.OrderQty, 0, out long qty));
        Assert.Equal(25, qty);
        Assert.True(message.TryGetUtcTimestamp(FixTag.TransactTime, out long transact));
        Assert.Equal(LogonTime + 5_123_456_789, transact);
        Assert.True(message.ValueEquals(FixTag.PartyID, "TRADER1"u8));
    }

    [Theory]
    [InlineData(1_234_500L, 4, "123.45")]
    [InlineData(1_230_000L, 4, "123")]
    [InlineData(5L, 4, "0.0005")]
    [InlineData(-5L, 4, "-0.0005")]
    [InlineData(-1_500L, 3, "-1.5")]
    [InlineData(0L, 4, "0")]
    [InlineData(42L, 0, "42")]
    [InlineData(long.MinValue, 18, "-9.223372036854775808")]
    [InlineData(long.MaxValue, 0, "9223372036854775807")]
    public void Fixed_point_values_are_written_without_trailing_fractional_zeros(long mantissa, int scale, string expected)
    {
        Assert.Equal($"44={expected}|", Field((ref FixWriter w) => w.AppendDecimal(44, mantissa, scale)));
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(-17L, "-17")]
    [InlineData(long.MinValue, "-9223372036854775808")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    public void Integers_are_written_in_decimal(long value, string expected)
    {
        Assert.Equal($"34={expected}|", Field((ref FixWriter w) => w.Append(34, value)));
    }

    [Fact]
    public void Chars_and_booleans_are_single_bytes()
    {
        Assert.Equal("54=1|", Field((ref FixWriter w) => w.Append(54, '1')));
        Assert.Equal("43=Y|", Field((ref FixWriter w) => w.Append(43, true)));
        Assert.Equal("43=N|", Field((ref FixWriter w) => w.Append(43, false)));
    }

    [Theory]
    [InlineData(TimestampPrecision.Seconds, "52=20261121-10:00:00|")]
    [InlineData(TimestampPrecision.Milliseconds, "52=20261121-10:00:00.001|")]
    [InlineData(TimestampPrecision.Microseconds, "52=20261121-10:00:00.001002|")]
    [InlineData(TimestampPrecision.Nanoseconds, "52=20261121-10:00:00.001002003|")]
    public void Timestamps_are_written_at_each_precision(TimestampPrecision precision, string expected)
    {
        Assert.Equal(expected, Field((ref FixWriter w) => w.AppendUtcTimestamp(52, LogonTime + 1_002_003, precision)));
    }

    [Fact]
    public void A_data_field_containing_SOH_is_written_with_its_length_and_parses_back()
    {
        var buffer = new byte[256];
        var writer = new FixWriter(buffer, "A"u8);
        writer.AppendData(FixTag.RawDataLength, FixTag.RawData, [1, 2, 1]);
        Assert.True(writer.TryFinish(out int length));
        Assert.True(FixMessage.TryParse(buffer.AsSpan(0, length), new FixField[16], out var message, out _));
        Assert.Equal(new byte[] { 1, 2, 1 }, message.Value(message.IndexOf(FixTag.RawData)).ToArray());
    }

    [Fact]
    public void A_buffer_too_small_fails_without_writing_past_its_end()
    {
        var full = new byte[512];
        int needed = WriteLogon(full, out _);
        for (int size = 0; size < needed; size++)
        {
            var backing = new byte[size + 16];
            Array.Fill(backing, (byte)0xEE);
            Assert.Equal(-1, WriteLogon(backing.AsSpan(0, size), out var error));
            Assert.Equal(FixWriteError.BufferTooSmall, error);
            Assert.All(backing[size..], b => Assert.Equal(0xEE, b));
        }
        Assert.Equal(needed, WriteLogon(new byte[needed], out _));
    }

    [Fact]
    public void A_value_containing_SOH_is_refused()
    {
        var writer = new FixWriter(new byte[128], "0"u8);
        writer.Append(FixTag.Text, "a\u0001b"u8);
        Assert.Equal(FixWriteError.InvalidValue, writer.Error);
        Assert.False(writer.TryFinish(out _));
    }

    [Fact]
    public void An_empty_value_is_refused()
    {
        var writer = new FixWriter(new byte[128], "0"u8);
        writer.Append(FixTag.Text, ""u8);
        Assert.Equal(FixWriteError.InvalidValue, writer.Error);
    }

    [Fact]
    public void A_non_ASCII_char_is_refused()
    {
        var writer = new FixWriter(new byte[128], "0"u8);
        writer.Append(FixTag.Side, 'é');
        Assert.Equal(FixWriteError.InvalidValue, writer.Error);
    }

    [Fact]
    public void A_scale_beyond_18_is_refused()
    {
        var writer = new FixWriter(new byte[128], "0"u8);
        writer.AppendDecimal(FixTag.Price, 1, 19);
        Assert.Equal(FixWriteError.InvalidValue, writer.Error);
    }

    [Fact]
    public void Appending_after_finishing_is_an_error()
    {
        var writer = new FixWriter(new byte[128], "0"u8);
        Assert.True(writer.TryFinish(out _));
        writer.Append(FixTag.Text, "late"u8);
        Assert.Equal(FixWriteError.AlreadyFinished, writer.Error);
        Assert.False(writer.TryFinish(out _));
    }

    [Fact]
    public void The_begin_string_can_be_chosen()
    {
        var buffer = new byte[128];
        var writer = new FixWriter(buffer, "FIXT.1.1"u8, "0"u8);
        Assert.True(writer.TryFinish(out int length));
        Assert.Equal(Build("35=0|", "FIXT.1.1"), buffer.AsSpan(0, length).ToArray());
    }
}
