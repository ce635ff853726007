// Drops, duplicates and reordering happen at the configured rates, are reproducible from the seed, and are
// counted; blackholing and the drop filter drop exactly what they should.
using System.Net;

namespace Exchange.Transport.Shim.Tests;

public class ImpairmentTests
{
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    [Fact]
    public void Five_percent_drop_rate_drops_about_five_percent_and_the_counters_add_up()
    {
        const int count = 20_000;
        using var sender = new UdpPeer();
        using var receiver = new UdpPeer();
        using var proxy = new LossyUdpProxy(AnyLoopbackPort, receiver.Endpoint, new ShimOptions { Seed = 7, DropRate = 0.05 });

        List<long> received = Streams.Send(sender, proxy, receiver, count);

        double dropped = (double)proxy.DroppedCount / count;
        Assert.InRange(dropped, 0.035, 0.065);
        Assert.Equal(count, proxy.ReceivedCount);
        Assert.Equal(count, proxy.ForwardedCount + proxy.DroppedCount);
        Assert.Equal(proxy.ForwardedCount, received.Count);
        Assert.Equal(count - proxy.DroppedCount, received.Distinct().Count());
        Assert.Equal(received.Order(), received); // dropping alone never reorders
    }

    [Fact]
    public void Same_seed_and_same_input_drop_the_same_sequence_numbers()
    {
        var options = new ShimOptions { Seed = 12345, DropRate = 0.1 };
        SortedSet<long> first = DroppedSequences(options);
        SortedSet<long> second = DroppedSequences(options);
        SortedSet<long> otherSeed = DroppedSequences(options with { Seed = 54321 });

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void Duplicates_arrive_as_repeated_sequence_numbers()
    {
        const int count = 2000;
        using var sender = new UdpPeer();
        using var receiver = new UdpPeer();
        using var proxy = new LossyUdpProxy(AnyLoopbackPort, receiver.Endpoint, new ShimOptions { Seed = 3, DuplicateRate = 0.1 });

        List<long> received = Streams.Send(sender, proxy, receiver, count);

        var copies = received.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(count, copies.Count);
        Assert.All(copies.Values, n => Assert.InRange(n, 1, 2));
        int repeated = copies.Values.Count(n => n == 2);
        Assert.InRange(repeated, 100, 300);
        Assert.Equal(proxy.DuplicatedCount, repeated);
        Assert.Equal(count + repeated, received.Count);
        Assert.Equal(count, proxy.ForwardedCount);
        Assert.Equal(0, proxy.DroppedCount);
    }

    [Fact]
    public void Reordering_delivers_out_of_order_without_loss_and_no_further_back_than_the_depth()
    {
        const int count = 2000;
        const int depth = 3;
        using var sender = new UdpPeer();
        using var receiver = new UdpPeer();
        using var proxy = new LossyUdpProxy(
            AnyLoopbackPort, receiver.Endpoint, new ShimOptions { Seed = 5, ReorderRate = 0.1, ReorderDepth = depth });

        List<long> received = Streams.Send(sender, proxy, receiver, count);

        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), received.Order());
        Assert.NotEqual(received.Order(), received);
        Assert.InRange(proxy.ReorderedCount, 100, 300);
        Assert.Equal(count, proxy.ForwardedCount);
        Assert.Equal(0, proxy.DroppedCount);
        // A held datagram is overtaken by at most `depth` later ones.
        for (int position = 0; position < received.Count; position++)
            Assert.InRange(position - received[position], long.MinValue, depth);
    }

    [Fact]
    public void A_held_datagram_goes_out_after_a_moment_of_silence()
    {
        using var sender = new UdpPeer();
        using var receiver = new UdpPeer();
        using var proxy = new LossyUdpProxy(AnyLoopbackPort, receiver.Endpoint, new ShimOptions { ReorderRate = 1 });

        List<long> received = Streams.Send(sender, proxy, receiver, 1);

        Assert.Equal([0L], received);
        Assert.Equal(1, proxy.ReorderedCount);
    }

    [Fact]
    public void Blackhole_drops_everything_in_both_directions_until_lifted()
    {
        using var client = new UdpPeer();
        using var receiver = new UdpPeer();
        using var proxy = new LossyUdpProxy(AnyLoopbackPort, receiver.Endpoint);
        IPEndPoint upstream = LearnUpstream(client, receiver, proxy);

        proxy.Blackhole(true);
        Assert.True(proxy.IsBlackholed);
        for (int i = 0; i < 100; i++) client.Send(i, proxy.ListenEndpoint);
        for (int i = 0; i < 10; i++) receiver.Send(i, upstream);
        Streams.WaitUntil(() => proxy.DroppedCount == 100 && proxy.ReverseDroppedCount == 10, "the proxy to drop all");

        Assert.False(receiver.TryReceive(out _));
        Assert.False(client.TryReceive(out _));
        Assert.Equal(1, proxy.ForwardedCount);
        Assert.Equal(0, proxy.ReverseForwardedCount);

        proxy.Blackhole(false);
        receiver.Send(7, upstream);
        long reply = -1;
        Streams.WaitUntil(() => client.TryReceive(out reply), "a reply after the blackhole");
        Assert.Equal(7, reply);
        List<long> received = Streams.Send(client, proxy, receiver, 50);
        Assert.Equal(50, received.Count);
    }

    [Fact]
    public void Drop_filter_drops_exactly_the_matching_datagrams()
    {
        const int count = 1000;
        // Every tenth datagram and the stream's last five: scattered loss and tail loss.
        static bool Lost(long sequence) => sequence % 10 == 7 || sequence >= count - 5;
        using var sender = new UdpPeer();
        using var receiver = new UdpPeer();
        using var proxy = new LossyUdpProxy(AnyLoopbackPort, receiver.Endpoint,
            new ShimOptions { DropFilter = datagram => Lost(UdpPeer.SequenceOf(datagram.Span)) });

        List<long> received = Streams.Send(sender, proxy, receiver, count);

        var expected = Enumerable.Range(0, count).Select(i => (long)i).Where(s => !Lost(s)).ToList();
        Assert.Equal(expected, received);
        Assert.Equal(count - expected.Count, proxy.DroppedCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Replies_are_impaired_only_with_AffectReverse(bool affectReverse)
    {
        using var client = new UdpPeer();
        using var receiver = new UdpPeer();
        using var proxy = new LossyUdpProxy(AnyLoopbackPort, receiver.Endpoint, new ShimOptions
        {
            AffectReverse = affectReverse,
            DropFilter = datagram => UdpPeer.SequenceOf(datagram.Span) % 2 == 1,
        });
        IPEndPoint upstream = LearnUpstream(client, receiver, proxy);

        for (int i = 0; i < 100; i++) receiver.Send(i, upstream);
        Streams.WaitUntil(() => proxy.ReverseForwardedCount + proxy.ReverseDroppedCount == 100, "every reply handled");
        var replies = new List<long>();
        int expected = affectReverse ? 50 : 100;
        Streams.WaitUntil(() =>
        {
            while (client.TryReceive(out long sequence)) replies.Add(sequence);
            return replies.Count >= expected;
        }, "the forwarded replies");

        Assert.Equal(expected, replies.Count);
        Assert.Equal(100 - expected, proxy.ReverseDroppedCount);
        if (affectReverse) Assert.All(replies, s => Assert.Equal(0, s % 2));
    }

    private static SortedSet<long> DroppedSequences(ShimOptions options)
    {
        const int count = 5000;
        using var sender = new UdpPeer();
        using var receiver = new UdpPeer();
        using var proxy = new LossyUdpProxy(AnyLoopbackPort, receiver.Endpoint, options);
        List<long> received = Streams.Send(sender, proxy, receiver, count);
        var dropped = new SortedSet<long>(Enumerable.Range(0, count).Select(i => (long)i));
        dropped.ExceptWith(received);
        Assert.Equal(proxy.DroppedCount, dropped.Count);
        return dropped;
    }

    // Sends sequence 0 through the proxy and returns the source the receiver saw it from: the client's upstream.
    private static IPEndPoint LearnUpstream(UdpPeer client, UdpPeer receiver, LossyUdpProxy proxy)
    {
        client.Send(0, proxy.ListenEndpoint);
        IPEndPoint? upstream = null;
        Streams.WaitUntil(() => receiver.TryReceive(out _, out upstream), "the first datagram");
        return upstream!;
    }
}
