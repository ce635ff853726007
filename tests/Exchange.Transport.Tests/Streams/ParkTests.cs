// A backing-off agent parks on its transport's sockets: a datagram ends the park at once, silence lets it run its time.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Exchange.Testing;
using Exchange.Transport;

namespace Exchange.Transport.Tests.Streams;

public class ParkTests
{
    private const int Stream = 1001;

    [Fact]
    public async Task A_datagram_ends_a_park_on_the_transport_long_before_its_time()
    {
        using var transport = new Transport();
        var subscription = transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        transport.DoWork(); // the endpoint joins the agent's sockets
        int port = subscription.LocalEndPoint.Port;

        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var send = Task.Run(async () =>
        {
            await Task.Delay(100);
            sender.SendTo(new byte[] { 1, 2, 3, 4 }, new IPEndPoint(IPAddress.Loopback, port));
        });
        var clock = Stopwatch.StartNew();
        transport.Park(10L * 1_000_000_000); // ten seconds, unless traffic comes
        clock.Stop();
        await send;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the park lasted {clock.Elapsed.TotalMilliseconds:F0} ms though a datagram came after 100 ms");
    }

    [Fact]
    public void Without_traffic_a_park_lasts_as_long_as_asked()
    {
        using var transport = new Transport();
        transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        transport.DoWork();
        var clock = Stopwatch.StartNew();
        transport.Park(50_000_000);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(45), $"a 50 ms park with nothing arriving returned after {clock.Elapsed.TotalMilliseconds:F1} ms");
    }

    [Fact]
    public void Parking_allocates_nothing()
    {
        using var transport = new Transport();
        transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        transport.AddPublication("aeron:udp?endpoint=127.0.0.1:9|term-length=64k", Stream);
        transport.DoWork();
        // Measured as the other allocation tests are (Allocations.InSteadyState): the runtime once allocated 2,376 bytes
        // on this thread during a thousand parks in a loaded full run, a one-off of tiered compilation, not the park's.
        Assert.Equal(0, Allocations.InSteadyState(() =>
        {
            for (int i = 0; i < 1_000; i++) transport.Park(1_000);
        }));
    }
}
