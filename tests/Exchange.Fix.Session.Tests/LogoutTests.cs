// Logout both ways: a peer's Logout answered then closed; ours waiting for the peer's, with a timeout.
namespace Exchange.Fix.Session.Tests;

public class LogoutTests
{
    [Fact]
    public void Peer_logout_is_answered_with_a_logout_then_the_connection_closes()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("5", "58=bye|");
        var logout = client.Receive();

        Assert.Equal("5", logout.Type);
        Assert.Equal([8, 9, 35, 34, 49, 52, 56, 10], logout.Tags);
        client.ExpectClosed();
        Assert.False(fixture.Session.IsConnected);
        Assert.Equal(1, fixture.App.Logouts);
        Assert.Equal(3, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void Application_logout_waits_for_the_peer_logout_then_closes()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        fixture.Session.Logout("end of day");
        var logout = client.Receive();
        Assert.Equal("5", logout.Type);
        Assert.Equal("end of day", logout[58]);
        Assert.False(fixture.Session.IsLoggedOn);
        Assert.True(fixture.Session.IsConnected);
        Assert.False(fixture.Session.SendApplication("8"u8, Wire.Raw("37=1|")));

        client.Send("5");
        client.ExpectClosed();
        Assert.False(fixture.Session.IsConnected);
        Assert.Equal(1, fixture.App.Logouts);
    }

    [Fact]
    public void Our_logout_without_an_answer_disconnects_after_the_logout_timeout()
    {
        using var fixture = new AcceptorFixture("LogoutTimeout=5");
        using var client = fixture.LogOn();
        fixture.Session.Logout();
        Assert.False(client.Receive().Has(58));
        fixture.Clock.Advance(TimeSpan.FromSeconds(4));
        client.ExpectNothing();
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        client.ExpectClosed();
        Assert.Equal(1, fixture.App.Logouts);
    }

    [Fact]
    public void Reset_on_logout_starts_the_next_session_at_one()
    {
        using var fixture = new AcceptorFixture("ResetOnLogout=Y");
        using (var client = fixture.LogOn())
        {
            client.Send("5");
            client.Receive("5");
            client.ExpectClosed();
        }
        Assert.Equal(1, fixture.Session.NextSenderMsgSeqNum);
        Assert.Equal(1, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void Reset_on_disconnect_starts_the_next_session_at_one()
    {
        using var fixture = new AcceptorFixture("ResetOnDisconnect=Y");
        using (var client = fixture.LogOn())
            client.Send("0");
        fixture.Pump(5);
        Assert.False(fixture.Session.IsConnected);
        Assert.Equal(1, fixture.Session.NextTargetMsgSeqNum);
    }
}
