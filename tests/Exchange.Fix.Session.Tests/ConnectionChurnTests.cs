// FIX-SESSION.md "Connection churn": a client back ~0.1 s after a close, with or without Logout, logs on at once.
namespace Exchange.Fix.Session.Tests;

public class ConnectionChurnTests
{
    [Fact]
    public void Client_reconnecting_100ms_after_closing_without_logout_logs_on_at_once()
    {
        using var fixture = new AcceptorFixture();
        using (var first = fixture.LogOn())
            first.Send("0");
        // The acceptor notices the close when it next runs; then the client is back 100 ms later (of the fixture's clock).
        Assert.True(SpinWait.SpinUntil(() => { fixture.Pump(); return fixture.App.Logouts == 1; }, TimeSpan.FromSeconds(10)));
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(100));

        using var second = fixture.Connect();
        second.NextSeqNum = 3;
        second.LogOn();
        Assert.True(fixture.Session.IsLoggedOn);
        Assert.Equal(2, fixture.App.Logons);
        Assert.Equal(1, fixture.App.Logouts);
    }

    [Fact]
    public void Client_reconnecting_at_once_without_the_acceptor_having_run_in_between_logs_on()
    {
        using var fixture = new AcceptorFixture();
        var first = fixture.LogOn();
        first.Dispose();
        using var second = fixture.Connect();
        second.NextSeqNum = 2;
        second.LogOn();
        Assert.True(fixture.Session.IsLoggedOn);
    }

    [Fact]
    public void Client_reconnecting_100ms_after_a_logout_logs_on_at_once()
    {
        using var fixture = new AcceptorFixture();
        using (var first = fixture.LogOn())
        {
            first.Send("5");
            first.Receive("5");
            first.ExpectClosed();
        }
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(100));
        using var second = fixture.Connect();
        second.NextSeqNum = 3;
        second.LogOn();
        Assert.True(fixture.Session.IsLoggedOn);
        Assert.Equal(4, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void Many_reconnects_in_a_row_each_log_on()
    {
        using var fixture = new AcceptorFixture();
        int seq = 1;
        for (int i = 0; i < 20; i++)
        {
            using var client = fixture.Connect();
            client.NextSeqNum = seq;
            client.LogOn();
            seq = client.NextSeqNum;
        }
        Assert.Equal(20, fixture.App.Logons);
    }
}
