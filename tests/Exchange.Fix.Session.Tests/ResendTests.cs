// FIX-SESSION.md "Answering a ResendRequest": stored application messages again with 43=Y and 122 (the original
// SendingTime) and a new 52; runs of admin messages as one SequenceReset-GapFill; EndSeqNo 0 = infinity.
namespace Exchange.Fix.Session.Tests;

public class ResendTests
{
    [Fact]
    public void ResendRequest_is_answered_with_stored_application_messages_and_gap_fills_for_admin_runs()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        var session = fixture.Session;
        Assert.True(session.SendApplication("8"u8, Wire.Raw("37=O1|17=E1|150=0|39=0|55=ABC|54=1|151=10|14=0|6=0|"))); // 2
        Assert.True(session.SendApplication("8"u8, Wire.Raw("37=O1|17=E2|150=F|39=2|55=ABC|54=1|151=0|14=10|6=1.5|"))); // 3
        var first = client.Receive();
        var second = client.Receive();
        client.Send("1", "112=hb|");
        client.Receive("0"); // 4, admin
        Assert.True(session.SendApplication("8"u8, Wire.Raw("37=O2|17=E3|150=0|39=0|55=ABC|54=2|151=5|14=0|6=0|"))); // 5
        var fifth = client.Receive();

        fixture.Clock.Advance(TimeSpan.FromSeconds(7));
        client.Send("2", "7=1|16=0|");
        var replies = Enumerable.Range(0, 5).Select(_ => client.Receive()).ToList();

        Assert.Equal(["4", "8", "8", "4", "8"], replies.Select(r => r.Type));
        AssertGapFill(replies[0], seqNum: 1, newSeqNo: 2);
        AssertResent(replies[1], first);
        AssertResent(replies[2], second);
        AssertGapFill(replies[3], seqNum: 4, newSeqNo: 5);
        AssertResent(replies[4], fifth);
        client.ExpectNothing();
        Assert.Equal(6, session.NextSenderMsgSeqNum);
    }

    [Fact]
    public void ResendRequest_with_an_end_answers_only_that_range()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        for (int i = 0; i < 4; i++) Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw($"37=O|17=E{i}|150=0|39=0|55=A|54=1|151=1|14=0|6=0|")));
        for (int i = 0; i < 4; i++) client.Receive();
        client.Send("2", "7=3|16=4|");
        var third = client.Receive();
        var fourth = client.Receive();
        Assert.Equal("3", third[34]);
        Assert.Equal("4", fourth[34]);
        Assert.Equal("Y", fourth[43]);
        client.ExpectNothing();
    }

    [Fact]
    public void ResendRequest_for_admin_messages_only_is_one_gap_fill()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("1", "112=a|");
        client.Send("1", "112=b|");
        client.Receive();
        client.Receive();
        client.Send("2", "7=1|16=0|");
        var gapFill = client.Receive();
        AssertGapFill(gapFill, seqNum: 1, newSeqNo: 4);
        client.ExpectNothing();
    }

    [Fact]
    public void Resend_larger_than_the_socket_takes_is_streamed_in_order_and_a_message_sent_meanwhile_follows_it()
    {
        using var fixture = new AcceptorFixture(options: new FixAcceptorOptions { MaxMessageLength = 4096, SendBufferLength = 16384 });
        // The client's receive buffer is fixed small: autotuned, it grows to tcp_rmem's maximum (32 MiB on some
        // kernels), which with the sender's 4 MiB would hold the whole 15 MB resend without it ever having to wait.
        using var client = fixture.LogOn(receiveBufferBytes: 256 * 1024);
        string padding = new('x', 400);
        const int count = 30_000;
        for (int i = 0; i < count; i++)
        {
            Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw($"37=O|17=E{i}|150=0|39=0|55=A|54=1|151=1|14=0|6=0|58={padding}|")));
            if (i % 64 == 0)
                while (client.TryReceive(TimeSpan.Zero) != null) { }
        }
        while (client.TryReceive(TimeSpan.FromMilliseconds(50)) != null) { }

        client.Send("2", "7=2|16=0|");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!fixture.Session.IsStreaming && DateTime.UtcNow < deadline) fixture.Pump();
        Assert.True(fixture.Session.IsStreaming, $"the resend should outgrow the socket buffers (session logged on: {fixture.Session.IsLoggedOn}, " +
            $"last disconnect: {fixture.Session.LastDisconnectReason ?? "none"})");
        Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw("37=O|17=LIVE|150=0|39=0|55=A|54=1|151=1|14=0|6=0|")));

        for (int expected = 2; expected <= count + 1; expected++)
        {
            var resent = client.TryReceive(TimeSpan.FromSeconds(20)) ?? throw new Xunit.Sdk.XunitException($"no message {expected}: {fixture.Session.LastDisconnectReason}");
            Assert.Equal(expected, resent.SeqNum);
            Assert.Equal("Y", resent[43]);
        }
        var live = client.Receive();
        Assert.Equal(count + 2, live.SeqNum);
        Assert.Equal("LIVE", live[17]);
        Assert.False(live.Has(43));
        Assert.False(fixture.Session.IsStreaming);
    }

    private static void AssertGapFill(ReceivedMessage message, int seqNum, int newSeqNo)
    {
        Assert.Equal("4", message.Type);
        Assert.Equal([8, 9, 35, 34, 43, 49, 52, 56, 122, 123, 36, 10], message.Tags);
        Assert.Equal(seqNum.ToString(), message[34]);
        Assert.Equal("Y", message[43]);
        Assert.Equal("Y", message[123]);
        Assert.Equal(newSeqNo.ToString(), message[36]);
    }

    private static void AssertResent(ReceivedMessage resent, ReceivedMessage original)
    {
        Assert.Equal(original[34], resent[34]);
        Assert.Equal("Y", resent[43]);
        Assert.Equal(original[52], resent[122]);
        Assert.NotEqual(original[52], resent[52]);
        Assert.Equal([8, 9, 35, 34, 43, 49, 52, 56, 122], resent.Tags.Take(9));
        // The body is exactly as first sent.
        Assert.Equal(original.Fields.Skip(7).SkipLast(1), resent.Fields.Skip(9).SkipLast(1));
    }
}
