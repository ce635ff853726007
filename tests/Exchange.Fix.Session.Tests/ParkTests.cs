// An agent driving the acceptor backs off by parking on its descriptors: a new connection, a Logon's bytes and a
// broker's message each end the park at once, so a gateway that does not spin still answers when traffic comes.
using System.Diagnostics;
using Exchange.Runtime;

namespace Exchange.Fix.Session.Tests;

public class ParkTests
{
    private const long TenSeconds = 10L * 1_000_000_000;

    // Parks for up to ten seconds while `traffic` runs after 100 ms; the park must end because of it.
    private static void ParkUntil(DescriptorParker parker, Action traffic, string what)
    {
        var act = Task.Run(async () =>
        {
            await Task.Delay(100);
            traffic();
        });
        var clock = Stopwatch.StartNew();
        parker.Park(TenSeconds);
        clock.Stop();
        act.GetAwaiter().GetResult();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the park lasted {clock.Elapsed.TotalMilliseconds:F0} ms though {what} came after 100 ms");
    }

    [Fact]
    public void A_connection_a_logon_and_a_message_each_end_the_acceptor_s_park()
    {
        using var fixture = new AcceptorFixture();
        var parker = new DescriptorParker(fixture.Acceptor);

        FixTestClient? client = null;
        ParkUntil(parker, () => client = fixture.Connect(), "a connection");
        fixture.Pump(); // accepted: the connection is pending, its socket among the descriptors
        Assert.True(parker.Count >= 2);

        ParkUntil(parker, () => client!.Send("A", "98=0|108=30|"), "a Logon");
        Assert.Equal("A", client!.Receive().Type);
        Assert.True(fixture.Session.IsLoggedOn);

        ParkUntil(parker, () => client.Send("0"), "a heartbeat");
        fixture.Pump();
        Assert.Equal(3, fixture.Session.NextTargetMsgSeqNum);
        client.Dispose();
    }
}
