// The parser records every field of a framed message in order and reads values without allocating strings.
using static Exchange.Fix.Tests.TestMessages;

namespace Exchange.Fix.Tests;

public class ParserTests
{
    private readonly FixField[] _table = new FixField[FixMessage.DefaultFieldCapacity];

    private FixMessage Parse(byte[] bytes)
    {
        Assert.True(FixMessage.TryParse(bytes, _table, out var message, out var error), error.ToString());
        return message;
    }

    [Fact]
    public void Fields_are_recorded_in_wire_order_with_their_values()
    {
        var message = Parse(Raw(LogonWire));
        int[] tags = [8, 9, 35, 34, 49, 52, 56, 98, 108, 141, 553, 554, 10];
        Assert.Equal(tags, message.Fields.ToArray().Select(f => f.Tag));
        Assert.Equal("FIX.4.4", Show(message.Value(0)));
        Assert.Equal("secret", Show(message.Value(11)));
        Assert.Equal("246", Show(message.Value(message.Fields[^1])));
    }

    [Fact]
    public void MsgType_is_the_value_of_tag_35()
    {
        Assert.Equal("A", Show(Parse(Raw(LogonWire)).MsgType));
        Assert.Equal("D", Show(Parse(Build(NewOrderSingleBody)).MsgType));
    }

    [Fact]
    public void Lookup_by_tag_finds_the_first_occurrence()
    {
        var message = Parse(Build(NewOrderSingleBody));
        Assert.True(message.TryGetValue(FixTag.PartyID, out var party));
        Assert.Equal("TRADER1", Show(party));
        Assert.False(message.TryGetValue(FixTag.StopPx, out _));
        Assert.Equal(-1, message.IndexOf(FixTag.StopPx));
    }

    [Fact]
    public void IndexOf_from_a_start_index_walks_the_entries_of_a_group()
    {
        var message = Parse(Build(NewOrderSingleBody));
        int first = message.IndexOf(FixTag.PartyID);
        int second = message.IndexOf(FixTag.PartyID, first + 1);
        Assert.Equal("FIRM1", Show(message.Value(second)));
        Assert.Equal(-1, message.IndexOf(FixTag.PartyID, second + 1));
    }

    [Fact]
    public void ValueEquals_compares_a_value_with_bytes()
    {
        var message = Parse(Raw(LogonWire));
        Assert.True(message.ValueEquals(FixTag.BeginString, "FIX.4.4"u8));
        Assert.False(message.ValueEquals(FixTag.BeginString, "FIX.4.2"u8));
        Assert.False(message.ValueEquals(FixTag.StopPx, "FIX.4.4"u8));
    }

    [Fact]
    public void Typed_getters_read_ints_chars_bools_prices_and_timestamps()
    {
        var message = Parse(Build(NewOrderSingleBody));
        Assert.True(message.TryGetInt(FixTag.MsgSeqNum, out int seq));
        Assert.Equal(2, seq);
        Assert.True(message.TryGetLong(FixTag.OrderQty, out long qty));
        Assert.Equal(100, qty);
        Assert.True(message.TryGetChar(FixTag.Side, out char side));
        Assert.Equal('1', side);
        Assert.True(message.TryGetDecimal(FixTag.Price, 4, out long price));
        Assert.Equal(1_234_500, price);
        Assert.True(message.TryGetUtcTimestamp(FixTag.TransactTime, out long nanos));
        Assert.Equal(UnixNanos(2026, 11, 21, 10, 0, 0, 120_000_000), nanos);
        Assert.True(Parse(Raw(LogonWire)).TryGetBool(FixTag.ResetSeqNumFlag, out bool reset));
        Assert.True(reset);
    }

    [Fact]
    public void Typed_getters_fail_on_missing_tags_and_malformed_values()
    {
        var message = Parse(Build(NewOrderSingleBody));
        Assert.False(message.TryGetInt(FixTag.StopPx, out _));
        Assert.False(message.TryGetInt(FixTag.ClOrdID, out _));
        Assert.False(message.TryGetChar(FixTag.ClOrdID, out _));
        Assert.False(message.TryGetBool(FixTag.Side, out _));
        Assert.False(message.TryGetDecimal(FixTag.Price, 1, out _));
        Assert.False(message.TryGetUtcTimestamp(FixTag.Symbol, out _));
    }

    [Fact]
    public void An_empty_value_is_recorded_with_length_zero()
    {
        var message = Parse(Raw("8=FIX.4.4|9=5|58=|10=000|"));
        Assert.Equal(58, message.Fields[2].Tag);
        Assert.Equal(0, message.Fields[2].ValueLength);
    }

    [Fact]
    public void A_data_field_may_contain_SOH_when_its_length_field_precedes_it()
    {
        var message = Parse(Raw("8=FIX.4.4|9=24|35=A|95=5|96=a|b=c|108=30|10=000|"));
        Assert.Equal("a|b=c", Show(message.Value(message.IndexOf(FixTag.RawData))));
        Assert.True(message.TryGetInt(FixTag.HeartBtInt, out int heartbeat));
        Assert.Equal(30, heartbeat);
    }

    [Fact]
    public void A_data_field_without_its_length_field_ends_at_the_first_SOH()
    {
        var message = Parse(Raw("8=FIX.4.4|9=9|96=ab|58=x|10=000|"));
        Assert.Equal("ab", Show(message.Value(message.IndexOf(FixTag.RawData))));
    }

    [Theory]
    [InlineData("8=FIX.4.4|95=20|96=ab|10=000|")]
    [InlineData("8=FIX.4.4|95=1|96=ab|10=000|")]
    public void A_data_length_not_ending_at_an_SOH_is_an_error(string wire)
    {
        Assert.False(FixMessage.TryParse(Raw(wire), _table, out _, out var error));
        Assert.Equal(FixParseError.BadDataLength, error);
    }

    [Theory]
    [InlineData("8=FIX.4.4|x5=1|")]
    [InlineData("8=FIX.4.4|=1|")]
    [InlineData("8=FIX.4.4|035=A|")]
    [InlineData("8=FIX.4.4|00=A|")]
    [InlineData("8=FIX.4.4|-0=A|")]
    [InlineData("8=FIX.4.4|-=A|")]
    [InlineData("8=FIX.4.4|-01=A|")]
    [InlineData("8=FIX.4.4|--1=A|")]
    [InlineData("8=FIX.4.4|1234567890=A|")]
    [InlineData("8=FIX.4.4|35A|")]
    [InlineData("8=FIX.4.4|35")]
    public void A_tag_that_is_not_a_number_of_1_to_9_digits_followed_by_equals_is_malformed(string wire)
    {
        Assert.False(FixMessage.TryParse(Raw(wire), _table, out _, out var error));
        Assert.Equal(FixParseError.MalformedTag, error);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("-1", -1)]
    [InlineData("-999", -999)]
    public void Tag_zero_and_negative_tags_are_fields_for_the_validator_to_reject(string tag, int expected)
    {
        var message = Parse(Raw($"8=FIX.4.4|9=5|{tag}=HI|10=000|"));
        Assert.Equal([8, 9, expected, 10], message.Fields.ToArray().Select(f => f.Tag));
        Assert.Equal("HI", Show(message.Value(2)));
    }

    [Fact]
    public void A_last_value_without_SOH_is_unterminated()
    {
        Assert.False(FixMessage.TryParse(Raw("8=FIX.4.4|10=123"), _table, out _, out var error));
        Assert.Equal(FixParseError.Unterminated, error);
    }

    [Fact]
    public void An_empty_message_is_an_error()
    {
        Assert.False(FixMessage.TryParse([], _table, out _, out var error));
        Assert.Equal(FixParseError.Empty, error);
    }

    [Fact]
    public void More_fields_than_the_table_holds_is_an_error_not_an_exception()
    {
        var small = new FixField[5];
        Assert.False(FixMessage.TryParse(Raw(LogonWire), small, out _, out var error));
        Assert.Equal(FixParseError.TooManyFields, error);
    }
}
