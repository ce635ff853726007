// Framing finds whole messages in a TCP byte stream, waits for partial ones, and resynchronises after garbage.
using static Exchange.Fix.Tests.TestMessages;

namespace Exchange.Fix.Tests;

public class FramingTests
{
    private static readonly byte[] Logon = Raw(LogonWire);

    [Fact]
    public void A_complete_message_is_framed_with_its_exact_length()
    {
        Assert.True(FixFraming.TryFrame(Logon, out int length, out var error));
        Assert.Equal(FramingError.None, error);
        Assert.Equal(Logon.Length, length);
    }

    [Fact]
    public void Every_proper_prefix_of_a_message_is_incomplete()
    {
        for (int cut = 0; cut < Logon.Length; cut++)
        {
            Assert.False(FixFraming.TryFrame(Logon.AsSpan(0, cut), out int length, out var error));
            Assert.Equal(FramingError.Incomplete, error);
            Assert.Equal(0, length);
        }
    }

    [Fact]
    public void Two_messages_in_one_buffer_are_framed_one_after_the_other()
    {
        byte[] second = Build(NewOrderSingleBody);
        byte[] stream = [.. Logon, .. second];
        Assert.True(FixFraming.TryFrame(stream, out int first, out _));
        Assert.Equal(Logon.Length, first);
        Assert.True(FixFraming.TryFrame(stream.AsSpan(first), out int next, out _));
        Assert.Equal(second.Length, next);
    }

    [Fact]
    public void Garbage_before_a_message_is_skipped_up_to_its_8_FIX()
    {
        byte[] stream = [.. Raw("xx8=FOO|junk|"), .. Logon];
        Assert.False(FixFraming.TryFrame(stream, out int skip, out var error));
        Assert.Equal(FramingError.BadBeginString, error);
        Assert.Equal(stream.Length - Logon.Length, skip);
        Assert.True(FixFraming.TryFrame(stream.AsSpan(skip), out int length, out _));
        Assert.Equal(Logon.Length, length);
    }

    [Fact]
    public void Garbage_without_a_message_start_is_skipped_except_a_tail_that_may_begin_one()
    {
        byte[] stream = Raw("garbage|8=F");
        Assert.False(FixFraming.TryFrame(stream, out int skip, out var error));
        Assert.Equal(FramingError.BadBeginString, error);
        Assert.Equal(stream.Length - 3, skip);
        Assert.False(FixFraming.TryFrame(stream.AsSpan(skip), out _, out error));
        Assert.Equal(FramingError.Incomplete, error);
    }

    [Fact]
    public void A_single_garbage_byte_is_skipped()
    {
        Assert.False(FixFraming.TryFrame(Raw("x"), out int skip, out var error));
        Assert.Equal(FramingError.BadBeginString, error);
        Assert.Equal(1, skip);
    }

    [Fact]
    public void A_wrong_checksum_is_garbled_and_the_stream_resumes_at_the_next_message()
    {
        byte[] bad = Raw(LogonWire.Replace("10=246", "10=247"));
        byte[] stream = [.. bad, .. Logon];
        Assert.False(FixFraming.TryFrame(stream, out int skip, out var error));
        Assert.Equal(FramingError.BadCheckSum, error);
        Assert.Equal(bad.Length, skip);
        Assert.True(FixFraming.TryFrame(stream.AsSpan(skip), out _, out _));
    }

    [Theory]
    [InlineData("10=24X|")]
    [InlineData("10=24|x")]
    [InlineData("10=2467")]
    public void A_malformed_checksum_field_is_garbled(string checksumField)
    {
        byte[] bad = Raw(LogonWire.Replace("10=246|", checksumField));
        Assert.False(FixFraming.TryFrame(bad, out _, out var error));
        Assert.Equal(FramingError.BadCheckSum, error);
    }

    [Theory]
    [InlineData("9=90|")]
    [InlineData("9=92|")]
    public void A_body_length_that_does_not_end_at_the_checksum_is_garbled(string bodyLength)
    {
        byte[] bad = Raw(LogonWire.Replace("9=91|", bodyLength));
        byte[] stream = [.. bad, .. Logon];
        Assert.False(FixFraming.TryFrame(stream, out int skip, out var error));
        Assert.Equal(FramingError.BadBodyLength, error);
        Assert.Equal(bad.Length, skip);
    }

    [Theory]
    [InlineData("8=FIX.4.4|9=|35=0|10=000|")]
    [InlineData("8=FIX.4.4|9=1a|35=0|10=000|")]
    [InlineData("8=FIX.4.4|9=0|10=000|")]
    [InlineData("8=FIX.4.4|35=0|9=5|10=000|")]
    [InlineData("8=FIX.4.4|9=1234567890|35=0|10=000|")]
    public void A_missing_malformed_or_zero_body_length_is_garbled(string wire)
    {
        Assert.False(FixFraming.TryFrame(Raw(wire), out int skip, out var error));
        Assert.Equal(FramingError.BadBodyLength, error);
        Assert.True(skip >= 1);
    }

    [Theory]
    [InlineData("34=3|35=0|49=BROKER|52=20261121-10:00:00.123|56=EXCH|")]
    [InlineData("34=3|49=BROKER|52=20261121-10:00:00.123|56=EXCH|")]
    [InlineData("35=|34=3|49=BROKER|52=20261121-10:00:00.123|56=EXCH|")]
    [InlineData("350=0|34=3|49=BROKER|52=20261121-10:00:00.123|56=EXCH|")]
    public void A_message_whose_third_field_is_not_a_MsgType_is_garbled_and_skipped_whole(string body)
    {
        byte[] bad = Build(body);
        byte[] stream = [.. bad, .. Logon];
        Assert.False(FixFraming.TryFrame(stream, out int skip, out var error));
        Assert.Equal(FramingError.BadMsgType, error);
        Assert.Equal(bad.Length, skip);
        Assert.True(FixFraming.TryFrame(stream.AsSpan(skip), out int length, out _));
        Assert.Equal(Logon.Length, length);
    }

    [Fact]
    public void A_body_length_beyond_the_maximum_is_rejected_without_waiting_for_the_bytes()
    {
        Assert.False(FixFraming.TryFrame(Raw("8=FIX.4.4|9=65536|35=A|"), out int skip, out var error));
        Assert.Equal(FramingError.MessageTooLong, error);
        Assert.True(skip >= 1);
    }

    [Fact]
    public void The_maximum_message_length_is_configurable()
    {
        Assert.True(FixFraming.TryFrame(Logon, Logon.Length, out _, out _));
        Assert.False(FixFraming.TryFrame(Logon, Logon.Length - 1, out _, out var error));
        Assert.Equal(FramingError.MessageTooLong, error);
    }

    [Fact]
    public void A_begin_string_without_its_SOH_within_32_bytes_is_garbled()
    {
        Assert.False(FixFraming.TryFrame(Raw("8=FIX.4.4" + new string('4', 40)), out _, out var error));
        Assert.Equal(FramingError.BadBeginString, error);
    }

    [Fact]
    public void A_message_not_starting_with_8_FIX_is_garbled_even_when_complete()
    {
        byte[] bad = Raw(LogonWire.Replace("8=FIX.4.4", "8=XIF.4.4"));
        Assert.False(FixFraming.TryFrame(bad, out int skip, out var error));
        Assert.Equal(FramingError.BadBeginString, error);
        Assert.Equal(bad.Length, skip);
    }

    [Fact]
    public void Fixt_begin_strings_are_framed_so_the_session_can_reject_them()
    {
        byte[] fixt = Build("35=0|", "FIXT.1.1");
        Assert.True(FixFraming.TryFrame(fixt, out int length, out _));
        Assert.Equal(fixt.Length, length);
    }

    [Fact]
    public void The_checksum_is_the_byte_sum_modulo_256_at_every_length()
    {
        var random = new Random(7);
        var bytes = new byte[300];
        random.NextBytes(bytes);
        for (int n = 0; n <= bytes.Length; n++)
        {
            int expected = 0;
            for (int i = 0; i < n; i++) expected += bytes[i];
            Assert.Equal(expected % 256, FixChecksum.Compute(bytes.AsSpan(0, n)));
        }
    }
}
