// Without impairments the proxy is transparent: every datagram arrives, in order, both ways, and each client
// gets its own source address towards the receiver.
using System.Net;

namespace Exchange.Transport.Shim.Tests;

public class ForwardingTests
{
    [Fact]
    public void Without_impairments_every_datagram_arrives_in_order_both_ways()
    {
        using var client = new UdpPeer();
        using var receiver = new UdpPeer();
        using var proxy = new LossyUdpProxy(new IPEndPoint(IPAddress.Loopback, 0), receiver.Endpoint);
        const int count = 2000;
        var atReceiver = new List<long>();
        var atClient = new List<long>();
        int sent = 0;

        Streams.WaitUntil(() =>
        {
            while (sent < count && sent - atClient.Count < 256) client.Send(sent++, proxy.ListenEndpoint);
            while (receiver.TryReceive(out long sequence, out IPEndPoint from))
            {
                atReceiver.Add(sequence);
                receiver.Send(sequence, from); // replies go to the source the data came from, as SMs and NAKs do
            }
            while (client.TryReceive(out long sequence)) atClient.Add(sequence);
            return atClient.Count == count;
        }, "every reply");

        var expected = Enumerable.Range(0, count).Select(i => (long)i).ToList();
        Assert.Equal(expected, atReceiver);
        Assert.Equal(expected, atClient);
        Assert.Equal(count, proxy.ForwardedCount);
        Assert.Equal(count, proxy.ReverseForwardedCount);
        Assert.Equal(0, proxy.DroppedCount + proxy.DuplicatedCount + proxy.ReorderedCount);
        Assert.Equal(0, proxy.ReverseDroppedCount + proxy.ReverseDuplicatedCount + proxy.ReverseReorderedCount);
    }

    [Fact]
    public void Each_client_has_its_own_source_towards_the_receiver_and_gets_only_its_own_replies()
    {
        using var first = new UdpPeer();
        using var second = new UdpPeer();
        using var receiver = new UdpPeer();
        using var proxy = new LossyUdpProxy(new IPEndPoint(IPAddress.Loopback, 0), receiver.Endpoint);

        first.Send(1, proxy.ListenEndpoint);
        second.Send(2, proxy.ListenEndpoint);
        var sources = new Dictionary<long, IPEndPoint>();
        Streams.WaitUntil(() =>
        {
            while (receiver.TryReceive(out long sequence, out IPEndPoint from)) sources[sequence] = from;
            return sources.Count == 2;
        }, "both clients' datagrams");

        Assert.Equal(2, proxy.ClientCount);
        Assert.NotEqual(sources[1], sources[2]);
        Assert.DoesNotContain(first.Endpoint, sources.Values);
        Assert.DoesNotContain(second.Endpoint, sources.Values);

        receiver.Send(10, sources[1]);
        receiver.Send(20, sources[2]);
        long atFirst = -1, atSecond = -1;
        Streams.WaitUntil(() =>
        {
            if (first.TryReceive(out long a, out IPEndPoint fromA)) { atFirst = a; Assert.Equal(proxy.ListenEndpoint, fromA); }
            if (second.TryReceive(out long b)) atSecond = b;
            return atFirst >= 0 && atSecond >= 0;
        }, "both replies");
        Assert.Equal(10, atFirst);
        Assert.Equal(20, atSecond);
    }

    [Fact]
    public void An_empty_datagram_is_forwarded_and_does_not_stall_the_ones_behind_it()
    {
        using var client = new UdpPeer();
        using var receiver = new UdpPeer();
        using var proxy = new LossyUdpProxy(new IPEndPoint(IPAddress.Loopback, 0), receiver.Endpoint);

        client.Send(0, proxy.ListenEndpoint);
        client.SendEmpty(proxy.ListenEndpoint);
        client.Send(1, proxy.ListenEndpoint);
        var received = new List<long>();
        Streams.WaitUntil(() =>
        {
            while (receiver.TryReceive(out long sequence)) received.Add(sequence);
            return received.Count == 3;
        }, "all three datagrams");

        Assert.Equal([0L, -1L, 1L], received);
    }

    [Fact]
    public void Port_zero_binds_an_ephemeral_port_and_dispose_releases_it()
    {
        using var receiver = new UdpPeer();
        var proxy = new LossyUdpProxy(new IPEndPoint(IPAddress.Loopback, 0), receiver.Endpoint);
        IPEndPoint listen = proxy.ListenEndpoint;
        Assert.NotEqual(0, listen.Port);
        Assert.Equal(receiver.Endpoint, proxy.TargetEndpoint);

        proxy.Dispose();
        proxy.Dispose();

        using var rebound = new System.Net.Sockets.Socket(
            listen.AddressFamily, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        rebound.Bind(listen);
        Assert.Null(proxy.Fault);
    }

    [Theory]
    [InlineData(-0.1, 0, 0, 3)]
    [InlineData(1.5, 0, 0, 3)]
    [InlineData(0, double.NaN, 0, 3)]
    [InlineData(0, 0, 2, 3)]
    [InlineData(0, 0, 0.5, 0)]
    public void Out_of_range_options_are_rejected(double drop, double duplicate, double reorder, int depth)
    {
        var options = new ShimOptions { DropRate = drop, DuplicateRate = duplicate, ReorderRate = reorder, ReorderDepth = depth };
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new LossyUdpProxy(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, 9), options));
    }
}
