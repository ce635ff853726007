// Scenarios of the FIX 4.4 session-level test cases (numbered as in the FIX test-case document) where the exact reply
// is fixed: each reply is compared byte for byte, with SendingTime from the manual clock.
namespace Exchange.Fix.Session.Tests;

public class SessionTestCaseTests
{
    private const string Order = "11=A|21=1|55=ABC|54=1|60=20260302-10:00:00.000|38=100|40=2|44=10.5|";
    private const string OutOfRange = "Value is incorrect (out of range) for this tag";

    // A message from the acceptor as it must be on the wire ('|' for SOH).
    private static string Expected(AcceptorFixture fixture, string msgType, int seqNum, string fields) =>
        Wire.Show(Wire.Build($"35={msgType}|34={seqNum}|49=EXCH|52={fixture.Clock.Timestamp()}|56=BROKER|{fields}"));

    private static string Header(AcceptorFixture fixture, int seqNum, string targetCompId = "EXCH") =>
        $"34={seqNum}|49=BROKER|52={fixture.Clock.Timestamp()}|56={targetCompId}|";

    private static void ExpectHeartbeatAnswering(AcceptorFixture fixture, FixTestClient client, int ourSeqNum, int theirSeqNum)
    {
        client.Send("1", "112=HELLO|", seqNum: theirSeqNum);
        Assert.Equal(Expected(fixture, "0", ourSeqNum, "112=HELLO|"), client.Receive().Text);
    }

    [Fact]
    public void T11a_sequence_reset_reset_to_a_higher_number_is_applied_whatever_its_MsgSeqNum_even_0()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.SendBody($"35=4|{Header(fixture, 0)}36=25|");
        client.ExpectNothing();
        Assert.Equal(25, fixture.Session.NextTargetMsgSeqNum);
        ExpectHeartbeatAnswering(fixture, client, ourSeqNum: 2, theirSeqNum: 25);

        client.SendBody($"35=4|{Header(fixture, 0)}36=50|123=N|");
        client.ExpectNothing();
        ExpectHeartbeatAnswering(fixture, client, ourSeqNum: 3, theirSeqNum: 50);
        Assert.Equal(51, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void T11b_sequence_reset_reset_to_the_expected_number_is_accepted_and_changes_nothing()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.SendBody($"35=4|{Header(fixture, 0)}36=2|");
        client.ExpectNothing();
        Assert.Equal(2, fixture.Session.NextTargetMsgSeqNum);
        ExpectHeartbeatAnswering(fixture, client, ourSeqNum: 2, theirSeqNum: 2);
    }

    [Fact]
    public void T11c_sequence_reset_reset_to_a_lower_number_gets_reject_45_372_4_373_5_and_lowers_nothing()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.SendBody($"35=4|{Header(fixture, 0)}36=1|");
        Assert.Equal(Expected(fixture, "3", 2, $"45=0|372=4|373=5|58={OutOfRange}|"), client.Receive().Text);
        Assert.Equal(2, fixture.Session.NextTargetMsgSeqNum);
        ExpectHeartbeatAnswering(fixture, client, ourSeqNum: 3, theirSeqNum: 2);

        client.SendBody($"35=4|{Header(fixture, 0)}36=1|123=N|");
        Assert.Equal(Expected(fixture, "3", 4, $"45=0|372=4|373=5|58={OutOfRange}|"), client.Receive().Text);
        ExpectHeartbeatAnswering(fixture, client, ourSeqNum: 5, theirSeqNum: 3);
    }

    [Theory]
    [InlineData("999")]
    [InlineData("0")]
    [InlineData("-1")]
    public void T14a_a_field_with_an_invalid_tag_number_gets_reject_373_0_naming_it_and_its_MsgSeqNum_counts(string tag)
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("0", $"{tag}=HI|");
        Assert.Equal(Expected(fixture, "3", 2, $"45=2|371={tag}|372=0|373=0|58=Invalid tag number|"), client.Receive().Text);
        Assert.Equal(3, fixture.Session.NextTargetMsgSeqNum);
        // Counted: the next message is in sequence, so no ResendRequest comes.
        ExpectHeartbeatAnswering(fixture, client, ourSeqNum: 3, theirSeqNum: 3);
    }

    [Theory]
    [InlineData("49=BROKER|52=$T|56=|", 56)]
    [InlineData("49=|52=$T|56=EXCH|", 49)]
    public void T14d_a_header_tag_without_a_value_gets_reject_373_4_and_the_session_goes_on(string header, int tag)
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.SendBody($"35=0|34=2|{header.Replace("$T", fixture.Clock.Timestamp(), StringComparison.Ordinal)}");
        Assert.Equal(Expected(fixture, "3", 2, $"45=2|371={tag}|372=0|373=4|58=Tag specified without a value|"), client.Receive().Text);
        Assert.True(fixture.Session.IsLoggedOn);
        client.NextSeqNum = 3;
        ExpectHeartbeatAnswering(fixture, client, ourSeqNum: 3, theirSeqNum: 3);
    }

    [Fact]
    public void T14e_a_value_outside_its_enumeration_gets_reject_373_5_on_any_enumerated_field()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("D", Order.Replace("21=1|", "21=4|", StringComparison.Ordinal));
        Assert.Equal(Expected(fixture, "3", 2, $"45=2|371=21|372=D|373=5|58={OutOfRange}|"), client.Receive().Text);

        client.Send("D", Order + "167=BOO|");
        Assert.Equal(Expected(fixture, "3", 3, $"45=3|371=167|372=D|373=5|58={OutOfRange}|"), client.Receive().Text);

        client.Send("D", Order + "167=CS|");
        client.ExpectNothing();
        Assert.Contains("167=CS", Assert.Single(fixture.App.Messages));
        Assert.Equal(5, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void T2t_a_message_whose_first_three_fields_are_out_of_order_is_garbled_ignored_and_not_counted()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        // MsgType first, before BeginString.
        client.SendRaw([.. Wire.Raw("35=0|"), .. Wire.Build($"34=2|49=BROKER|52={fixture.Clock.Timestamp()}|56=EXCH|")]);
        client.ExpectNothing();
        ExpectHeartbeatAnswering(fixture, client, ourSeqNum: 2, theirSeqNum: 2);

        // MsgSeqNum second, MsgType third.
        client.SendBody($"34=3|35=0|49=BROKER|52={fixture.Clock.Timestamp()}|56=EXCH|");
        client.ExpectNothing();
        Assert.Equal(3, fixture.Session.NextTargetMsgSeqNum);
        ExpectHeartbeatAnswering(fixture, client, ourSeqNum: 3, theirSeqNum: 3);
        Assert.True(fixture.Session.IsLoggedOn);
    }

    [Theory]
    [InlineData("115=JCD|", "128=JCD|")]
    [InlineData("128=JCD|", "115=JCD|")]
    [InlineData("115=JCD|116=CS|", "128=JCD|129=CS|")]
    [InlineData("128=JCD|129=CS|", "115=JCD|116=CS|")]
    [InlineData("115=JCD|116=CS|144=CHI|", "128=JCD|129=CS|145=CHI|")]
    [InlineData("128=JCD|129=CS|145=CHI|", "115=JCD|116=CS|144=CHI|")]
    public void A_reject_of_a_routed_message_carries_the_route_back_reversed(string route, string reversed)
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("D", Order.Replace("40=2|", "40=w|", StringComparison.Ordinal), header: route);
        Assert.Equal(Expected(fixture, "3", 2, $"{reversed}45=2|371=40|372=D|373=5|58={OutOfRange}|"), client.Receive().Text);
    }

    [Fact]
    public void A_routing_tag_without_a_value_is_rejected_and_not_carried_back()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("D", Order, header: "115=|116=CS|");
        Assert.Equal(Expected(fixture, "3", 2, "129=CS|45=2|371=115|372=D|373=4|58=Tag specified without a value|"), client.Receive().Text);
    }

    [Fact]
    public void A_heartbeat_answering_a_routed_test_request_carries_the_route_back()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("1", "112=HELLO|", header: "115=HUB|144=LDN|");
        Assert.Equal(Expected(fixture, "0", 2, "128=HUB|145=LDN|112=HELLO|"), client.Receive().Text);
    }

    [Fact]
    public void A_business_message_reject_of_a_routed_message_carries_the_route_back()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("V", "262=MD1|263=0|264=1|", header: "128=VENUE|129=DESK|");
        Assert.Equal(Expected(fixture, "j", 2, "115=VENUE|116=DESK|45=2|372=V|380=3|58=Unsupported Message Type|"), client.Receive().Text);
    }
}
