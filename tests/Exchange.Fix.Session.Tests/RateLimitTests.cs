// MaxMessagesPerSecond: application messages over the limit in any one-second window are business-rejected, or
// the session logs out, as RateLimitAction says.
namespace Exchange.Fix.Session.Tests;

public class RateLimitTests
{
    private const string Order = "11=A|21=1|55=ABC|54=1|60=20260302-10:00:00.000|38=100|40=2|44=10.5|";

    [Fact]
    public void Messages_over_the_rate_limit_get_a_business_message_reject_and_count_as_received()
    {
        using var fixture = new AcceptorFixture("MaxMessagesPerSecond=2");
        using var client = fixture.LogOn();
        client.Send("D", Order);
        client.Send("D", Order);
        client.Send("D", Order);
        var reject = client.Receive();

        Assert.Equal("j", reject.Type);
        Assert.Equal("4", reject[45]);
        Assert.Equal("D", reject[372]);
        Assert.Equal("0", reject[380]);
        Assert.Equal("Message rate limit exceeded", reject[58]);
        Assert.Equal(2, fixture.App.Messages.Count);
        Assert.Equal(5, fixture.Session.NextTargetMsgSeqNum);

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        client.Send("D", Order);
        client.ExpectNothing();
        Assert.Equal(3, fixture.App.Messages.Count);
    }

    [Fact]
    public void Messages_over_the_rate_limit_log_out_when_so_configured()
    {
        using var fixture = new AcceptorFixture("MaxMessagesPerSecond=1\nRateLimitAction=logout");
        using var client = fixture.LogOn();
        client.Send("D", Order);
        client.Send("D", Order);
        var logout = client.Receive();
        Assert.Equal("5", logout.Type);
        Assert.Equal("Message rate limit exceeded", logout[58]);
        Assert.Single(fixture.App.Messages);
    }

    [Fact]
    public void Admin_messages_do_not_count_against_the_limit()
    {
        using var fixture = new AcceptorFixture("MaxMessagesPerSecond=1");
        using var client = fixture.LogOn();
        client.Send("0");
        client.Send("0");
        client.Send("D", Order);
        client.ExpectNothing();
        Assert.Single(fixture.App.Messages);
    }
}
