// FIX-SESSION.md "Rejects": session Reject with 45, 371, 372, 373 and the standard text; CompID and SendingTime
// problems (Reject, then Logout); wrong BeginString; unsupported and invalid MsgTypes; garbled messages.
namespace Exchange.Fix.Session.Tests;

public class RejectTests
{
    private const string Order = "11=A|21=1|55=ABC|54=1|60=20260302-10:00:00.000|38=100|40=2|44=10.5|";

    [Theory]
    [InlineData("0", "4000=1|", 0, 4000, "Invalid tag number")]
    [InlineData("1", "", 1, 112, "Required tag missing")]
    [InlineData("0", "55=ABC|", 2, 55, "Tag not defined for this message type")]
    [InlineData("0", "112=|", 4, 112, "Tag specified without a value")]
    [InlineData("D", "11=A|21=1|55=ABC|54=Z|60=20260302-10:00:00.000|38=100|40=2|", 5, 54, "Value is incorrect (out of range) for this tag")]
    [InlineData("D", "11=A|21=1|55=ABC|54=1|60=20260302-10:00:00.000|38=abc|40=2|", 6, 38, "Incorrect data format for value")]
    [InlineData("0", "112=a|112=b|", 13, 112, "Tag appears more than once")]
    [InlineData("0", "112=a|115=X|", 14, 115, "Tag specified out of required order")]
    [InlineData("D", "11=A|453=2|448=P1|447=D|452=1|21=1|55=ABC|54=1|60=20260302-10:00:00.000|38=1|40=1|", 16, 453, "Incorrect NumInGroup count for repeating group")]
    public void Invalid_message_gets_a_session_reject_with_reason_ref_tag_and_standard_text_and_counts_as_received(
        string msgType, string body, int reason, int refTag, string text)
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send(msgType, body);
        var reject = client.Receive();

        Assert.Equal("3", reject.Type);
        Assert.Equal([8, 9, 35, 34, 49, 52, 56, 45, 371, 372, 373, 58, 10], reject.Tags);
        Assert.Equal("2", reject[45]);
        Assert.Equal(refTag.ToString(), reject[371]);
        Assert.Equal(msgType, reject[372]);
        Assert.Equal(reason.ToString(), reject[373]);
        Assert.Equal(text, reject[58]);
        Assert.Empty(fixture.App.Messages);
        Assert.Equal(3, fixture.Session.NextTargetMsgSeqNum);

        client.Send("D", Order);
        client.ExpectNothing();
        Assert.Single(fixture.App.Messages);
    }

    [Fact]
    public void Invalid_msg_type_gets_a_session_reject_with_reason_11()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("ZZ");
        var reject = client.Receive();

        Assert.Equal("3", reject.Type);
        Assert.Equal("11", reject[373]);
        Assert.Equal("ZZ", reject[372]);
        Assert.Equal("Invalid MsgType", reject[58]);
        Assert.Equal(3, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void Unsupported_application_message_type_gets_a_business_message_reject_380_3()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("V", "262=MD1|263=0|264=1|");
        var reject = client.Receive();

        Assert.Equal("j", reject.Type);
        Assert.Equal([8, 9, 35, 34, 49, 52, 56, 45, 372, 380, 58, 10], reject.Tags);
        Assert.Equal("2", reject[45]);
        Assert.Equal("V", reject[372]);
        Assert.Equal("3", reject[380]);
        Assert.Equal("Unsupported Message Type", reject[58]);
        Assert.Empty(fixture.App.Messages);
        Assert.Equal(3, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void Valid_message_type_the_gateway_does_not_take_gets_a_business_message_reject()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("j", "45=1|372=8|380=0|");
        Assert.Equal("3", client.Receive()[380]);
    }

    [Fact]
    public void Wrong_comp_id_mid_session_is_rejected_with_reason_9_then_logout_then_closed_after_the_peer_logout()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.SenderCompId = "INTRUDER";
        client.Send("0");
        var reject = client.Receive();
        Assert.Equal("3", reject.Type);
        Assert.Equal("9", reject[373]);
        Assert.Equal("CompID problem", reject[58]);
        Assert.Equal("2", reject[45]);
        var logout = client.Receive();
        Assert.Equal("5", logout.Type);
        Assert.True(fixture.Session.IsConnected);

        client.SenderCompId = "BROKER";
        client.Send("5");
        client.ExpectClosed();
        Assert.False(fixture.Session.IsConnected);
    }

    [Fact]
    public void Sending_time_accuracy_problem_mid_session_is_rejected_with_reason_10_then_logout_then_closed_after_a_timeout()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.SendBody($"35=0|34=2|49=BROKER|52={fixture.Clock.Timestamp(TimeSpan.FromSeconds(-121))}|56=EXCH|");
        var reject = client.Receive();
        Assert.Equal("10", reject[373]);
        Assert.Equal("SendingTime accuracy problem", reject[58]);
        Assert.Equal("5", client.Receive().Type);

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        client.ExpectNothing();
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        client.ExpectClosed();
    }

    [Fact]
    public void Sending_time_is_not_checked_when_check_latency_is_off()
    {
        using var fixture = new AcceptorFixture("CheckLatency=N");
        using var client = fixture.LogOn();
        client.SendBody($"35=D|34=2|49=BROKER|52={fixture.Clock.Timestamp(TimeSpan.FromHours(-1))}|56=EXCH|{Order}");
        client.ExpectNothing();
        Assert.Single(fixture.App.Messages);
    }

    [Fact]
    public void Max_latency_setting_moves_the_sending_time_limit()
    {
        using var fixture = new AcceptorFixture("MaxLatency=5");
        using var client = fixture.LogOn();
        client.SendBody($"35=0|34=2|49=BROKER|52={fixture.Clock.Timestamp(TimeSpan.FromSeconds(-6))}|56=EXCH|");
        Assert.Equal("10", client.Receive()[373]);
    }

    [Fact]
    public void Wrong_begin_string_mid_session_gets_logout_incorrect_begin_string_and_disconnect()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.SendBody($"35=0|34=2|49=BROKER|52={fixture.Clock.Timestamp()}|56=EXCH|", "FIX.4.2");
        var logout = client.Receive();
        Assert.Equal("5", logout.Type);
        Assert.Equal("Incorrect BeginString", logout[58]);
        client.ExpectClosed();
    }

    [Fact]
    public void Garbled_message_with_bad_checksum_is_ignored_and_its_sequence_number_not_counted()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        var garbled = Wire.Build($"35=D|34=2|49=BROKER|52={fixture.Clock.Timestamp()}|56=EXCH|{Order}");
        garbled[^3] = (byte)(garbled[^3] == '9' ? '0' : garbled[^3] + 1);
        client.SendRaw(garbled);
        client.ExpectNothing();
        Assert.Equal(2, fixture.Session.NextTargetMsgSeqNum);

        client.Send("D", Order, seqNum: 2);
        client.ExpectNothing();
        Assert.Single(fixture.App.Messages);
    }

    [Fact]
    public void Garbled_message_with_bad_body_length_is_ignored_and_the_next_one_read()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        string body = $"35=D|34=2|49=BROKER|52={fixture.Clock.Timestamp()}|56=EXCH|{Order}";
        string text = Wire.Show(Wire.Build(body));
        client.SendRaw(Wire.Raw(System.Text.RegularExpressions.Regex.Replace(text, @"\|9=\d+\|", $"|9={body.Length + 3}|")));
        client.Send("D", Order, seqNum: 2);
        client.ExpectNothing();
        Assert.Single(fixture.App.Messages);
        Assert.Equal(3, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void Garbage_between_messages_is_skipped()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.SendRaw("noise\u0001more noise 8=FI"u8.ToArray());
        client.Send("D", Order);
        client.ExpectNothing();
        Assert.Single(fixture.App.Messages);
    }

    [Fact]
    public void User_defined_field_is_rejected_unless_validation_of_user_defined_fields_is_off()
    {
        using (var strict = new AcceptorFixture())
        {
            using var client = strict.LogOn();
            client.Send("D", Order + "5001=desk|");
            var reject = client.Receive();
            Assert.Equal("2", reject[373]);
            Assert.Equal("5001", reject[371]);
        }
        using var lenient = new AcceptorFixture("ValidateUserDefinedFields=N");
        using var lenientClient = lenient.LogOn();
        lenientClient.Send("D", Order + "5001=desk|");
        lenientClient.ExpectNothing();
        Assert.Contains("5001=desk", Assert.Single(lenient.App.Messages));
    }
}
