// Each session-level problem is reported as the FIX 4.4 SessionRejectReason, with the tag at fault as RefTagID.
using static Exchange.Fix.Tests.TestMessages;

namespace Exchange.Fix.Tests;

public class ValidatorTests
{
    private const string NewOrder = "11=ORD-1|55=ABC|54=1|60=20261121-10:00:00.120|38=100|40=2|44=123.45|";

    private static void AssertReject(string body, SessionRejectReason reason, int refTagId)
    {
        var result = Validate(body);
        Assert.Equal(FixValidationOutcome.Reject, result.Outcome);
        Assert.Equal((reason, refTagId), (result.Reason, result.RefTagId));
    }

    private static void AssertRejectRaw(string wire, SessionRejectReason reason, int refTagId)
    {
        Assert.True(FixMessage.TryParse(Raw(wire), new FixField[64], out var message, out _));
        var result = FixValidator.Validate(message);
        Assert.Equal((FixValidationOutcome.Reject, reason, refTagId), (result.Outcome, result.Reason, result.RefTagId));
    }

    [Fact]
    public void A_well_formed_logon_is_valid()
    {
        Assert.True(Validate(LogonBody).IsValid);
    }

    [Fact]
    public void A_well_formed_new_order_single_with_parties_is_valid()
    {
        Assert.True(Validate(NewOrderSingleBody).IsValid);
    }

    [Theory]
    [InlineData("35=0|" + Header)]
    [InlineData("35=1|" + Header + "112=TEST|")]
    [InlineData("35=2|" + Header + "7=1|16=0|")]
    [InlineData("35=3|" + Header + "45=7|371=55|372=D|373=1|58=Required tag missing|")]
    [InlineData("35=4|" + Header + "123=Y|36=10|")]
    [InlineData("35=5|" + Header + "58=bye|")]
    [InlineData("35=F|" + Header + "41=ORD-1|11=ORD-2|55=ABC|54=1|60=20261121-10:00:00|38=100|")]
    [InlineData("35=G|" + Header + "41=ORD-1|11=ORD-2|55=ABC|54=2|60=20261121-10:00:00|38=50|40=2|44=99.5|59=1|")]
    [InlineData("35=H|" + Header + "37=X1|11=ORD-1|55=ABC|54=1|")]
    [InlineData("35=q|" + Header + "11=MC-1|530=7|60=20261121-10:00:00|")]
    [InlineData("35=8|" + Header + "37=X1|17=E1|150=F|39=2|55=ABC|54=1|38=100|32=100|31=123.45|151=0|14=100|6=123.45|")]
    [InlineData("35=9|" + Header + "37=X1|11=ORD-2|41=ORD-1|39=8|434=1|102=1|")]
    [InlineData("35=r|" + Header + "11=MC-1|37=X2|530=7|531=7|533=2|534=2|41=A|535=X3|41=B|535=X4|")]
    [InlineData("35=j|" + Header + "45=9|372=V|380=3|58=Unsupported Message Type|")]
    public void Every_supported_message_type_accepts_a_well_formed_example(string body)
    {
        var result = Validate(body);
        Assert.True(result.IsValid, result.ToString());
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(101)]
    [InlineData(957)]
    [InlineData(10000)]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_tag_that_is_not_a_FIX_44_or_user_defined_tag_is_an_invalid_tag_number(int tag)
    {
        AssertReject($"35=D|{Header}{NewOrder}{tag}=x|", SessionRejectReason.InvalidTagNumber, tag);
    }

    [Fact]
    public void A_missing_required_body_tag_is_reported()
    {
        AssertReject($"35=D|{Header}{NewOrder.Replace("54=1|", "")}", SessionRejectReason.RequiredTagMissing, FixTag.Side);
    }

    [Fact]
    public void A_missing_required_header_tag_is_reported()
    {
        AssertReject($"35=D|34=2|49=BROKER|56=EXCH|{NewOrder}", SessionRejectReason.RequiredTagMissing, FixTag.SendingTime);
    }

    [Fact]
    public void A_missing_checksum_is_a_required_tag_missing()
    {
        AssertRejectRaw("8=FIX.4.4|9=5|35=0|" + Header, SessionRejectReason.RequiredTagMissing, FixTag.CheckSum);
    }

    [Fact]
    public void A_FIX_44_tag_outside_the_message_definition_is_not_defined_for_the_message_type()
    {
        AssertReject($"35=D|{Header}{NewOrder}112=TEST|", SessionRejectReason.TagNotDefinedForMessageType, FixTag.TestReqID);
    }

    [Fact]
    public void A_user_defined_tag_is_valid_but_not_defined_for_the_message_type()
    {
        AssertReject($"35=D|{Header}{NewOrder}5001=x|", SessionRejectReason.TagNotDefinedForMessageType, 5001);
    }

    [Fact]
    public void A_tag_without_a_value_is_reported()
    {
        AssertReject($"35=D|{Header}{NewOrder}58=|", SessionRejectReason.TagSpecifiedWithoutValue, FixTag.Text);
    }

    [Fact]
    public void A_value_outside_the_enumeration_is_incorrect_for_the_tag()
    {
        AssertReject($"35=D|{Header}{NewOrder.Replace("54=1", "54=Z")}", SessionRejectReason.ValueIsIncorrect, FixTag.Side);
    }

    [Fact]
    public void Each_value_of_a_multiple_value_string_must_be_in_the_enumeration()
    {
        Assert.True(Validate($"35=D|{Header}{NewOrder}18=1 G|").IsValid);
        AssertReject($"35=D|{Header}{NewOrder}18=1 T|", SessionRejectReason.ValueIsIncorrect, FixTag.ExecInst);
    }

    [Fact]
    public void A_quantity_that_is_not_a_number_has_an_incorrect_data_format()
    {
        AssertReject($"35=D|{Header}{NewOrder.Replace("38=100", "38=abc")}", SessionRejectReason.IncorrectDataFormat, FixTag.OrderQty);
    }

    [Fact]
    public void A_malformed_sending_time_has_an_incorrect_data_format()
    {
        AssertReject($"35=D|{Header.Replace("20261121-10:00:00.123", "2026-11-21T10:00")}{NewOrder}", SessionRejectReason.IncorrectDataFormat, FixTag.SendingTime);
    }

    [Fact]
    public void A_char_field_with_two_characters_has_an_incorrect_data_format()
    {
        AssertReject($"35=D|{Header}{NewOrder.Replace("40=2", "40=22")}", SessionRejectReason.IncorrectDataFormat, FixTag.OrdType);
    }

    [Fact]
    public void A_negative_sequence_number_has_an_incorrect_data_format()
    {
        AssertReject($"35=D|{Header.Replace("34=2", "34=-2")}{NewOrder}", SessionRejectReason.IncorrectDataFormat, FixTag.MsgSeqNum);
    }

    [Theory]
    [InlineData("ZZ")]
    [InlineData("I")]
    [InlineData("BI")]
    [InlineData("AAA")]
    public void A_MsgType_FIX_44_does_not_define_is_invalid(string msgType)
    {
        AssertReject($"35={msgType}|{Header}", SessionRejectReason.InvalidMsgType, FixTag.MsgType);
    }

    [Fact]
    public void An_empty_MsgType_is_a_tag_without_a_value()
    {
        // Framing calls such a message garbled (FramingTests); the validator still names the fault when asked.
        AssertRejectRaw($"8=FIX.4.4|9=5|35=|{Header}10=000|", SessionRejectReason.TagSpecifiedWithoutValue, FixTag.MsgType);
    }

    [Fact]
    public void A_repeated_body_tag_appears_more_than_once()
    {
        AssertReject($"35=D|{Header}{NewOrder}55=XYZ|", SessionRejectReason.TagAppearsMoreThanOnce, FixTag.Symbol);
    }

    [Fact]
    public void A_repeated_header_tag_appears_more_than_once()
    {
        AssertReject($"35=D|{Header}49=OTHER|{NewOrder}", SessionRejectReason.TagAppearsMoreThanOnce, FixTag.SenderCompID);
    }

    [Fact]
    public void A_second_MsgType_appears_more_than_once()
    {
        AssertReject($"35=D|{Header}35=D|{NewOrder}", SessionRejectReason.TagAppearsMoreThanOnce, FixTag.MsgType);
    }

    [Fact]
    public void A_header_tag_after_a_body_tag_is_out_of_order()
    {
        AssertReject($"35=D|34=2|52=20261121-10:00:00.123|56=EXCH|{NewOrder}49=BROKER|", SessionRejectReason.TagSpecifiedOutOfRequiredOrder, FixTag.SenderCompID);
    }

    [Fact]
    public void MsgType_not_third_is_out_of_order()
    {
        AssertRejectRaw("8=FIX.4.4|9=5|34=2|35=0|49=B|52=20261121-10:00:00|56=E|10=000|", SessionRejectReason.TagSpecifiedOutOfRequiredOrder, FixTag.MsgType);
    }

    [Fact]
    public void BodyLength_not_second_is_out_of_order()
    {
        AssertRejectRaw("8=FIX.4.4|35=0|9=5|10=000|", SessionRejectReason.TagSpecifiedOutOfRequiredOrder, FixTag.BodyLength);
    }

    [Fact]
    public void A_checksum_before_the_end_is_out_of_order()
    {
        AssertRejectRaw("8=FIX.4.4|9=5|35=0|" + Header + "10=000|58=x|", SessionRejectReason.TagSpecifiedOutOfRequiredOrder, FixTag.CheckSum);
    }

    [Fact]
    public void A_body_tag_after_the_trailer_signature_is_out_of_order()
    {
        AssertReject($"35=D|{Header}{NewOrder}93=2|89=ab|58=late|", SessionRejectReason.TagSpecifiedOutOfRequiredOrder, FixTag.Text);
    }

    [Fact]
    public void A_signature_in_the_trailer_is_valid()
    {
        Assert.True(Validate($"35=D|{Header}{NewOrder}93=2|89=ab|").IsValid);
    }

    [Fact]
    public void A_known_but_unsupported_message_type_calls_for_a_business_message_reject()
    {
        var result = Validate($"35=V|{Header}262=MD1|263=1|264=1|");
        Assert.Equal(FixValidationOutcome.UnsupportedMessageType, result.Outcome);
        Assert.Equal("Unsupported Message Type"u8.ToArray(), result.Text.ToArray());
    }

    [Fact]
    public void A_user_defined_message_type_is_unsupported_rather_than_invalid()
    {
        Assert.Equal(FixValidationOutcome.UnsupportedMessageType, Validate($"35=U1|{Header}5001=x|").Outcome);
    }

    [Fact]
    public void An_unsupported_message_type_still_has_its_fields_checked_for_format()
    {
        AssertReject($"35=V|{Header}264=deep|", SessionRejectReason.IncorrectDataFormat, 264);
    }

    [Fact]
    public void The_result_carries_the_standard_reject_text()
    {
        var result = Validate($"35=D|{Header}{NewOrder}55=XYZ|");
        Assert.Equal("Tag appears more than once"u8.ToArray(), result.Text.ToArray());
    }

    [Fact]
    public void MsgTypes_are_classified_as_supported_unsupported_or_invalid()
    {
        Assert.Equal(MsgTypeSupport.Supported, Fix44.Classify("D"u8));
        Assert.Equal(MsgTypeSupport.Supported, Fix44.Classify("A"u8));
        Assert.Equal(MsgTypeSupport.Unsupported, Fix44.Classify("V"u8));
        Assert.Equal(MsgTypeSupport.Unsupported, Fix44.Classify("AE"u8));
        Assert.Equal(MsgTypeSupport.Unsupported, Fix44.Classify("BH"u8));
        Assert.Equal(MsgTypeSupport.Invalid, Fix44.Classify("BI"u8));
        Assert.Equal(MsgTypeSupport.Invalid, Fix44.Classify("O"u8));
        Assert.Equal(MsgTypeSupport.Invalid, Fix44.Classify(""u8));
    }

    [Theory]
    [InlineData(SessionRejectReason.InvalidTagNumber, 0, "Invalid tag number")]
    [InlineData(SessionRejectReason.RequiredTagMissing, 1, "Required tag missing")]
    [InlineData(SessionRejectReason.TagNotDefinedForMessageType, 2, "Tag not defined for this message type")]
    [InlineData(SessionRejectReason.TagSpecifiedWithoutValue, 4, "Tag specified without a value")]
    [InlineData(SessionRejectReason.ValueIsIncorrect, 5, "Value is incorrect (out of range) for this tag")]
    [InlineData(SessionRejectReason.IncorrectDataFormat, 6, "Incorrect data format for value")]
    [InlineData(SessionRejectReason.CompIdProblem, 9, "CompID problem")]
    [InlineData(SessionRejectReason.SendingTimeAccuracyProblem, 10, "SendingTime accuracy problem")]
    [InlineData(SessionRejectReason.InvalidMsgType, 11, "Invalid MsgType")]
    [InlineData(SessionRejectReason.TagAppearsMoreThanOnce, 13, "Tag appears more than once")]
    [InlineData(SessionRejectReason.TagSpecifiedOutOfRequiredOrder, 14, "Tag specified out of required order")]
    [InlineData(SessionRejectReason.IncorrectNumInGroupCount, 16, "Incorrect NumInGroup count for repeating group")]
    public void Reject_reasons_carry_their_FIX_44_code_and_standard_text(SessionRejectReason reason, int code, string text)
    {
        Assert.Equal(code, (int)reason);
        Assert.Equal(text, Show(SessionRejectReasons.Text(reason)));
    }

    [Fact]
    public void A_default_message_is_missing_its_begin_string()
    {
        var result = FixValidator.Validate(default);
        Assert.Equal((SessionRejectReason.RequiredTagMissing, FixTag.BeginString), (result.Reason, result.RefTagId));
    }
}
