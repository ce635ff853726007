// FixSession.SendApplication: header written by the session in ascending tag order, body as given, stored while the peer is away (sent by
// resend after its logon), refused while logging out, without a store offline, or malformed.
using System.Text;

namespace Exchange.Fix.Session.Tests;

public class SendApplicationTests
{
    [Fact]
    public void Application_message_gets_the_session_header_in_ascending_tag_order_and_the_body_as_given()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        Span<byte> buffer = stackalloc byte[256];
        var body = new FixBodyWriter(buffer);
        body.Append(37, "O-1"u8);
        body.Append(17, 42L);
        body.Append(150, '0');
        body.Append(39, '0');
        body.AppendDecimal(151, 1234500, 4);
        Assert.True(fixture.Session.SendApplication("8"u8, body.Written));
        var sent = client.Receive();

        Assert.Equal([8, 9, 35, 34, 49, 52, 56, 37, 17, 150, 39, 151, 10], sent.Tags);
        Assert.Equal("8", sent.Type);
        Assert.Equal("2", sent[34]);
        Assert.Equal("123.45", sent[151]);
        Assert.Equal(3, fixture.Session.NextSenderMsgSeqNum);
    }

    [Fact]
    public void Timestamp_precision_setting_sets_the_digits_of_sending_time()
    {
        using var fixture = new AcceptorFixture("TimeStampPrecision=6");
        using var client = fixture.Connect();
        client.Send("A", "98=0|108=30|");
        Assert.Matches(@"^\d{8}-\d{2}:\d{2}:\d{2}\.\d{6}$", client.Receive()[52]);
    }

    [Fact]
    public void Send_while_the_peer_is_away_is_stored_and_reaches_it_by_resend_after_its_logon()
    {
        using var fixture = new AcceptorFixture();
        Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw("37=1|")));
        Assert.Equal(2, fixture.Session.NextSenderMsgSeqNum);

        using var client = fixture.Connect();
        client.Send("A", "98=0|108=30|");
        var logon = client.Receive();
        Assert.Equal(("A", "2"), (logon.Type, logon[34])); // ahead of the 1 the client expects
        client.Send("2", "7=1|16=0|");
        var resent = client.Receive("8");
        Assert.Equal(("1", "Y", "1"), (resent[34], resent[43], resent[37]));
    }

    [Fact]
    public void Send_is_refused_without_a_store_while_the_peer_is_away()
    {
        using var fixture = new AcceptorFixture("PersistMessages=N");
        Assert.False(fixture.Session.SendApplication("8"u8, Wire.Raw("37=1|")));
        Assert.Equal(1, fixture.Session.NextSenderMsgSeqNum);
    }

    [Theory]
    [InlineData("8", "37=1")]
    [InlineData("8", "37=1\u000117=")]
    [InlineData("8", "x=1\u0001")]
    [InlineData("8", "34=5\u0001")]
    [InlineData("8", "52=20260302-10:00:00\u0001")]
    [InlineData("8", "10=000\u0001")]
    [InlineData("0", "112=1\u0001")]
    [InlineData("A", "98=0\u0001")]
    [InlineData("", "37=1\u0001")]
    public void Malformed_body_or_admin_msg_type_is_refused_and_uses_no_sequence_number(string msgType, string body)
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        Assert.False(fixture.Session.SendApplication(Encoding.ASCII.GetBytes(msgType), Encoding.ASCII.GetBytes(body)));
        Assert.Equal(2, fixture.Session.NextSenderMsgSeqNum);
        client.ExpectNothing();
    }

    [Fact]
    public void Application_may_send_from_its_logon_callback()
    {
        using var fixture = new AcceptorFixture();
        fixture.App.OnLoggedOn = session => Assert.True(session.SendApplication("B"u8, "148=welcome\u000133=1\u000158=hello\u0001"u8));
        using var client = fixture.Connect();
        client.Send("A", "98=0|108=30|");
        Assert.Equal("A", client.Receive().Type);
        var news = client.Receive();
        Assert.Equal("B", news.Type);
        Assert.Equal("welcome", news[148]);
    }

    [Fact]
    public void Application_may_answer_from_its_message_callback()
    {
        using var fixture = new AcceptorFixture();
        fixture.App.OnMessage = (FixSession session, in Exchange.Fix.FixMessage message) =>
        {
            Assert.True(message.TryGetValue(11, out var clOrdId));
            var body = new FixBodyWriter(new byte[128]);
            body.Append(37, "O"u8);
            body.Append(11, clOrdId);
            session.SendApplication("8"u8, body.Written);
        };
        using var client = fixture.LogOn();
        client.Send("D", "11=C-7|21=1|55=ABC|54=1|60=20260302-10:00:00.000|38=100|40=1|");
        Assert.Equal("C-7", client.Receive()[11]);
    }
}
