// FIX-SESSION.md "Sequence numbers and recovery" on the receiving side: gaps, duplicates, too low, SequenceReset.
namespace Exchange.Fix.Session.Tests;

public class SequenceTests
{
    private const string Order = "21=1|55=ABC|54=1|60=20260302-10:00:00.000|38=100|40=2|44=10.5|";

    private static string NewOrder(string clOrdId) => $"11={clOrdId}|{Order}";

    [Fact]
    public void Application_message_in_sequence_is_delivered_once_and_counted()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("D", NewOrder("A1"));
        client.ExpectNothing();

        Assert.Equal(["A1"], fixture.App.ClOrdIds);
        Assert.Equal(3, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void Message_with_sequence_number_too_high_is_queued_and_a_resend_request_is_sent()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.NextSeqNum = 5;
        client.Send("D", NewOrder("A5"));
        var resend = client.Receive();

        Assert.Equal("2", resend.Type);
        Assert.Equal("2", resend[7]);
        Assert.Equal("0", resend[16]);
        Assert.Empty(fixture.App.Messages);
        Assert.Equal(2, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void Queued_messages_are_delivered_in_order_once_the_gap_is_filled()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.NextSeqNum = 4;
        client.Send("D", NewOrder("A4"));
        client.Send("D", NewOrder("A5"));
        Assert.Equal("2", client.Receive().Type);

        string orig = $"43=Y|122={fixture.Clock.Timestamp()}|";
        client.Send("D", NewOrder("A2"), header: orig, seqNum: 2);
        client.Send("D", NewOrder("A3"), header: orig, seqNum: 3);
        client.ExpectNothing();

        Assert.Equal(["A2", "A3", "A4", "A5"], fixture.App.ClOrdIds);
        Assert.Equal(6, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void Only_one_resend_request_is_sent_while_a_gap_is_being_filled()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.NextSeqNum = 5;
        client.Send("D", NewOrder("A5"));
        client.Send("D", NewOrder("A6"));
        client.Send("D", NewOrder("A7"));
        Assert.Equal("2", client.Receive().Type);
        client.ExpectNothing();

        // Part of the gap arrives; later messages are still ahead: no second ResendRequest.
        client.Send("D", NewOrder("A2"), header: $"43=Y|122={fixture.Clock.Timestamp()}|", seqNum: 2);
        client.Send("D", NewOrder("A8"), seqNum: 8);
        client.ExpectNothing();
        Assert.Equal(["A2"], fixture.App.ClOrdIds);
    }

    [Fact]
    public void Gap_filled_by_a_gap_fill_releases_the_queue()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.NextSeqNum = 4;
        client.Send("D", NewOrder("A4"));
        Assert.Equal("2", client.Receive().Type);
        client.Send("4", "123=Y|36=4|", header: $"43=Y|122={fixture.Clock.Timestamp()}|", seqNum: 2);
        client.ExpectNothing();

        Assert.Equal(["A4"], fixture.App.ClOrdIds);
        Assert.Equal(5, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void Message_with_sequence_number_too_low_without_poss_dup_gets_logout_with_the_exact_text_then_disconnect()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("0");
        client.Send("0", seqNum: 1);
        var logout = client.Receive();

        Assert.Equal("5", logout.Type);
        Assert.Equal("MsgSeqNum too low, expecting 3 but received 1", logout[58]);
        client.ExpectClosed();
        Assert.False(fixture.Session.IsConnected);
        Assert.Equal(1, fixture.App.Logouts);
    }

    [Fact]
    public void PossDup_duplicate_already_received_is_ignored()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("D", NewOrder("A2"));
        client.Send("D", NewOrder("A2"), header: $"43=Y|122={fixture.Clock.Timestamp()}|", seqNum: 2);
        client.ExpectNothing();

        Assert.Equal(["A2"], fixture.App.ClOrdIds);
        Assert.Equal(3, fixture.Session.NextTargetMsgSeqNum);
        Assert.True(fixture.Session.IsLoggedOn);
    }

    [Fact]
    public void PossDup_message_not_yet_received_is_delivered()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("D", NewOrder("A2"), header: $"43=Y|122={fixture.Clock.Timestamp(TimeSpan.FromSeconds(-5))}|");
        client.ExpectNothing();
        Assert.Equal(["A2"], fixture.App.ClOrdIds);
    }

    [Fact]
    public void PossDup_message_without_orig_sending_time_is_rejected_with_reason_1_and_ref_tag_122()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("D", NewOrder("A2"), header: "43=Y|");
        var reject = client.Receive();

        Assert.Equal("3", reject.Type);
        Assert.Equal("2", reject[45]);
        Assert.Equal("122", reject[371]);
        Assert.Equal("D", reject[372]);
        Assert.Equal("1", reject[373]);
        Assert.Equal("Required tag missing", reject[58]);
        Assert.Empty(fixture.App.Messages);
        Assert.Equal(3, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void PossDup_duplicate_with_orig_sending_time_after_sending_time_is_rejected_with_reason_10_then_logout()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("0");
        client.Send("0", header: $"43=Y|122={fixture.Clock.Timestamp(TimeSpan.FromSeconds(10))}|", seqNum: 2);
        var reject = client.Receive();

        Assert.Equal("3", reject.Type);
        Assert.Equal("2", reject[45]);
        Assert.Equal("10", reject[373]);
        Assert.Equal("SendingTime accuracy problem", reject[58]);
        Assert.Equal("5", client.Receive().Type);
    }

    [Fact]
    public void ResendRequest_with_sequence_number_too_high_is_still_answered()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("2", "7=1|16=0|", seqNum: 10);
        var messages = new[] { client.Receive(), client.Receive() };

        // Our own ResendRequest for the gap goes first, then the gap fill answering theirs.
        Assert.Contains(messages, m => m.Type == "2" && m[7] == "2");
        Assert.Contains(messages, m => m.Type == "4" && m[123] == "Y");
        Assert.True(fixture.Session.IsLoggedOn);
    }

    [Fact]
    public void ResendRequest_with_sequence_number_too_low_is_still_answered_without_a_logout()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("0");
        client.Send("2", "7=1|16=0|", seqNum: 1);
        var gapFill = client.Receive();

        Assert.Equal("4", gapFill.Type);
        client.ExpectNothing();
        Assert.True(fixture.Session.IsLoggedOn);
    }

    [Fact]
    public void Logout_with_sequence_number_too_low_is_still_processed()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("0");
        client.Send("5", seqNum: 1);
        var logout = client.Receive();

        Assert.Equal("5", logout.Type);
        Assert.False(logout.Has(58));
        client.ExpectClosed();
    }

    [Fact]
    public void Logout_with_sequence_number_too_high_is_still_processed()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("5", seqNum: 9);
        Assert.Equal("5", client.Receive().Type);
        client.ExpectClosed();
    }

    [Fact]
    public void SequenceReset_reset_with_lower_new_seq_no_is_rejected_with_reason_5()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("0");
        client.Send("0");
        client.Send("4", "36=2|");
        var reject = client.Receive();

        Assert.Equal("3", reject.Type);
        Assert.Equal("4", reject[45]);
        Assert.False(reject.Has(371));
        Assert.Equal("4", reject[372]);
        Assert.Equal("5", reject[373]);
        Assert.Equal("Value is incorrect (out of range) for this tag", reject[58]);
        Assert.Equal(4, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void SequenceReset_reset_with_higher_new_seq_no_sets_the_expected_number_whatever_its_own_number()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("4", "123=N|36=20|", seqNum: 7);
        client.ExpectNothing();
        Assert.Equal(20, fixture.Session.NextTargetMsgSeqNum);

        client.Send("D", NewOrder("A20"), seqNum: 20);
        client.ExpectNothing();
        Assert.Equal(["A20"], fixture.App.ClOrdIds);
    }

    [Fact]
    public void SequenceReset_reset_with_equal_new_seq_no_changes_nothing()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("4", "36=2|", seqNum: 2);
        client.ExpectNothing();
        Assert.Equal(2, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void SequenceReset_gap_fill_in_sequence_moves_the_expected_number()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("4", "123=Y|36=10|");
        client.ExpectNothing();
        Assert.Equal(10, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void SequenceReset_gap_fill_too_high_is_queued_not_honoured()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("4", "123=Y|36=10|", seqNum: 5);
        Assert.Equal("2", client.Receive().Type);
        Assert.Equal(2, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void SequenceReset_gap_fill_too_low_without_poss_dup_is_a_too_low_logout()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("0");
        client.Send("4", "123=Y|36=10|", seqNum: 1);
        var logout = client.Receive();
        Assert.Equal("MsgSeqNum too low, expecting 3 but received 1", logout[58]);
    }

    [Fact]
    public void Mid_session_logon_with_reset_flag_restarts_both_sequences_at_one()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("0");
        client.Send("0");
        client.ExpectNothing();

        client.Send("A", "98=0|108=30|141=Y|", seqNum: 1);
        var reply = client.Receive();
        Assert.Equal("A", reply.Type);
        Assert.Equal("1", reply[34]);
        Assert.Equal("Y", reply[141]);
        Assert.Equal(2, fixture.Session.NextTargetMsgSeqNum);
        Assert.Equal(2, fixture.Session.NextSenderMsgSeqNum);

        client.Send("D", NewOrder("R2"), seqNum: 2);
        client.ExpectNothing();
        Assert.Equal(["R2"], fixture.App.ClOrdIds);
    }
}
