// A publication and a subscription in two transports over real loopback UDP sockets.
using Exchange.Testing;

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

    [Fact]
    public void An_image_says_whether_a_fragment_waits_unread_until_its_subscriber_polls_it()
    {
        using var h = new StreamHarness();
        var subscription = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var publication = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{subscription.LocalEndPoint.Port}", Stream);
        Unread.Shown(h, publication, subscription);
    }
}

/// <summary>What <see cref="Image.HasUnread"/> says over either medium: nothing before data, each message until it is
/// polled, nothing after.</summary>
internal static class Unread
{
    public static void Shown(StreamHarness h, Publication publication, Subscription subscription)
    {
        var recorder = new Recorder();
        Assert.True(h.RunUntil(() => recorder.Available == 1 && publication.IsConnected, Timeouts.Prompt, () => subscription.Poll(ref recorder, 10)));
        var image = recorder.Images[0];
        Assert.False(image.HasUnread);
        var message = new byte[64];
        for (long i = 0; i < 3; i++)
        {
            Payloads.Fill(message, i);
            Assert.True(publication.Offer(message) > 0);
            Assert.True(h.RunUntil(() => image.HasUnread, Timeouts.Prompt), "the message never arrived");
            h.DoWork();
            Assert.True(image.HasUnread, "nothing polled, still waiting");
            Assert.Equal(1, subscription.Poll(ref recorder, 10));
            Assert.False(image.HasUnread);
        }
        Assert.Equal(3, recorder.Received);
        Assert.Equal(0, recorder.OutOfOrder);
    }
}
