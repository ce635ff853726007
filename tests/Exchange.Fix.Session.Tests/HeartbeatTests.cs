// FIX-SESSION.md "Heartbeats": our Heartbeat after HeartBtInt of silence, TestRequest after ~1.2x of the peer's,
// disconnect without Logout after ~2.4x, and a TestRequest answered by a Heartbeat echoing 112. The clock is manual.
namespace Exchange.Fix.Session.Tests;

public class HeartbeatTests
{
    [Fact]
    public void Heartbeat_is_sent_after_heart_bt_int_of_silence_on_our_side()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn(heartBtInt: 30);
        fixture.Clock.Advance(TimeSpan.FromSeconds(29));
        client.ExpectNothing();

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var heartbeat = client.Receive();
        Assert.Equal("0", heartbeat.Type);
        Assert.False(heartbeat.Has(112));
        Assert.Equal("2", heartbeat[34]);
    }

    [Fact]
    public void TestRequest_is_sent_after_silence_from_the_peer_then_disconnect_without_logout()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn(heartBtInt: 10);
        fixture.Clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal("0", client.Receive().Type);
        client.ExpectNothing();

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var testRequest = client.Receive();
        Assert.Equal("1", testRequest.Type);
        Assert.False(string.IsNullOrEmpty(testRequest[112]));
        client.ExpectNothing();

        fixture.Clock.Advance(TimeSpan.FromSeconds(12));
        client.ExpectClosed();
        Assert.False(fixture.Session.IsConnected);
        Assert.Equal(1, fixture.App.Logouts);
    }

    [Fact]
    public void Answered_test_request_keeps_the_session_up()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn(heartBtInt: 10);
        fixture.Clock.Advance(TimeSpan.FromSeconds(12));
        var testRequest = client.Receive("1");
        client.Send("0", $"112={testRequest[112]}|");
        fixture.Clock.Advance(TimeSpan.FromSeconds(12));
        fixture.Pump(3);
        Assert.True(fixture.Session.IsLoggedOn);
    }

    [Fact]
    public void Received_test_request_is_answered_with_a_heartbeat_echoing_test_req_id()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("1", "112=TR-42|");
        var heartbeat = client.Receive();

        Assert.Equal("0", heartbeat.Type);
        Assert.Equal("TR-42", heartbeat[112]);
        Assert.Equal([8, 9, 35, 34, 49, 52, 56, 112, 10], heartbeat.Tags);
    }

    [Fact]
    public void Messages_we_send_postpone_our_heartbeat()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn(heartBtInt: 30);
        fixture.Clock.Advance(TimeSpan.FromSeconds(20));
        client.Send("1", "112=x|");
        Assert.Equal("0", client.Receive().Type);
        fixture.Clock.Advance(TimeSpan.FromSeconds(20));
        client.ExpectNothing();
    }
}
