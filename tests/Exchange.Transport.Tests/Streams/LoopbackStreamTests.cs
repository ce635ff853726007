// A publication and a subscription in two transports over real loopback UDP sockets.
namespace Exchange.Transport.Tests.Streams;

public class LoopbackStreamTests
{
    private const int Stream = 1001;

    [Fact]
    public void Messages_of_many_sizes_arrive_once_and_in_order_across_term_rollovers()
    {
        using var h = new StreamHarness();
        var subscription = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var port = subscription.LocalEndPoint.Port;
        var publication = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{port}|term-length=64k|mtu=1408", Stream);
        var recorder = new Recorder();
        var message = new byte[8192];
        long sent = 0;
        const long total = 20_000;
        bool done = h.RunUntil(() => recorder.Received == total, TimeSpan.FromSeconds(30), () =>
        {
            while (sent < total)
            {
                int length = 8 + (int)(sent * 7919 % 3000); // up to ~3 KB: some fragmented, terms of 64 KiB roll often
                Payloads.Fill(message.AsSpan(0, length), sent);
                if (publication.Offer(message.AsSpan(0, length)) < 0) break;
                sent++;
            }
            subscription.Poll(ref recorder, 100);
        });
        Assert.True(done, $"received {recorder.Received} of {total}; {h.Sender.Counters} / {h.Receiver.Counters}");
        Assert.Equal(0, recorder.OutOfOrder);
        Assert.Equal(0, recorder.Corrupt);
        Assert.Equal(1, recorder.Available);
        Assert.True(publication.IsConnected);
        Assert.Equal(0, h.Receiver.Counters.DroppedTotal);
    }
}
