// Loss, duplication and reordering between two transports, through a seeded lossy proxy on real sockets: every
// message arrives exactly once and in order, tail loss is found through heartbeats, and NAKs do the repairs.
using System.Buffers.Binary;
using System.Net;
using Exchange.Transport.Shim;

namespace Exchange.Transport.Tests.Streams;

public class LossRecoveryTests
{
    private const int Stream = 3;

    private static (Subscription Sub, Publication Pub, LossyUdpProxy Proxy) Connect(StreamHarness h, ShimOptions shim, string term = "1m")
    {
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var proxy = new LossyUdpProxy(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port), shim);
        var pub = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{proxy.ListenEndpoint.Port}|term-length={term}", Stream);
        return (sub, pub, proxy);
    }

    [Fact]
    public void A_million_messages_through_five_percent_loss_both_ways_arrive_exactly_once_and_in_order()
    {
        using var h = new StreamHarness();
        var shim = new ShimOptions { Seed = 20261121, DropRate = 0.05, DuplicateRate = 0.01, ReorderRate = 0.01, AffectReverse = true };
        var (sub, pub, proxy) = Connect(h, shim);
        using var _ = proxy;
        var recorder = new Recorder();
        var message = new byte[2000];
        const long total = 1_000_000;
        long sent = 0;
        bool done = h.RunUntil(() => recorder.Received == total, TimeSpan.FromMinutes(3), () =>
        {
            for (int burst = 0; burst < 64 && sent < total; burst++)
            {
                // Mostly small orders; every 997th message is fragmented across two frames.
                int length = sent % 997 == 0 ? 1500 : 16 + (int)(sent % 48);
                Payloads.Fill(message.AsSpan(0, length), sent);
                if (pub.Offer(message.AsSpan(0, length)) < 0) break;
                sent++;
            }
            sub.Poll(ref recorder, 256);
        });
        Assert.Null(proxy.Fault);
        Assert.True(done, $"received {recorder.Received} of {total}; sender {h.Sender.Counters}; receiver {h.Receiver.Counters}");
        Assert.Equal(0, recorder.OutOfOrder);
        Assert.Equal(0, recorder.Corrupt);
        Assert.Equal(1, recorder.Available);
        Assert.Equal(0, recorder.Unavailable);
        // The impairments happened and the protocol repaired them.
        Assert.True(proxy.DroppedCount > 1000, $"dropped {proxy.DroppedCount}");
        Assert.True(proxy.ReverseDroppedCount > 0);
        Assert.True(proxy.DuplicatedCount > 0 && proxy.ReorderedCount > 0);
        Assert.True(h.Receiver.Counters.NaksSent > 0 && h.Sender.Counters.Retransmits > 0);
        Assert.True(h.Receiver.Counters.DuplicateFrames > 0);
    }

    [Fact]
    public void Loss_of_the_last_datagram_is_found_by_the_next_heartbeat_and_repaired()
    {
        using var h = new StreamHarness();
        const long last = 99;
        int dropped = 0;
        var shim = new ShimOptions
        {
            Seed = 1,
            // Drop, once, the datagram carrying the final message: nothing follows it but heartbeats.
            DropFilter = d =>
            {
                var span = d.Span;
                if (span.Length < 40 || BinaryPrimitives.ReadInt16LittleEndian(span[6..]) != (short)FrameType.Data) return false;
                for (int at = 0; at + 40 <= span.Length;)
                {
                    int frameLength = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
                    if (frameLength < 40) break;
                    if (BinaryPrimitives.ReadInt64LittleEndian(span[(at + 32)..]) == last && dropped == 0) { dropped++; return true; }
                    at += Framing.Align(frameLength);
                }
                return false;
            },
        };
        var (sub, pub, proxy) = Connect(h, shim);
        using var _ = proxy;
        var recorder = new Recorder();
        var message = new byte[64];
        Assert.True(h.RunUntil(() => pub.IsConnected, TimeSpan.FromSeconds(5), () => sub.Poll(ref recorder, 10)));
        for (long i = 0; i <= last; i++)
        {
            Payloads.Fill(message, i);
            Assert.True(pub.Offer(message) > 0);
            h.DoWork(); // one message per datagram, so the last one travels alone
        }
        Assert.True(h.RunUntil(() => recorder.Received == last + 1, TimeSpan.FromSeconds(5), () => sub.Poll(ref recorder, 10)),
            $"received {recorder.Received}; {h.Receiver.Counters}");
        Assert.Equal(1, dropped);
        Assert.Equal(0, recorder.OutOfOrder);
        Assert.True(h.Receiver.Counters.NaksSent >= 1);
        Assert.True(h.Receiver.Counters.HeartbeatsReceived >= 1);
        Assert.True(h.Sender.Counters.Retransmits >= 1);
    }

    [Fact]
    public void A_partition_shorter_than_the_liveness_timeout_heals_without_loss()
    {
        using var h = new StreamHarness();
        var (sub, pub, proxy) = Connect(h, new ShimOptions { Seed = 7 }, term: "64k");
        using var _ = proxy;
        var recorder = new Recorder();
        var message = new byte[100];
        long sent = 0;
        void OfferSome(int n)
        {
            for (int i = 0; i < n; i++)
            {
                Payloads.Fill(message, sent);
                if (pub.Offer(message) < 0) return;
                sent++;
            }
        }
        Assert.True(h.RunUntil(() => pub.IsConnected, TimeSpan.FromSeconds(5), () => sub.Poll(ref recorder, 10)));
        OfferSome(100);
        proxy.Blackhole(true);
        h.RunUntil(() => false, TimeSpan.FromMilliseconds(500), () => { OfferSome(10); sub.Poll(ref recorder, 10); });
        proxy.Blackhole(false);
        long target = sent;
        Assert.True(h.RunUntil(() => recorder.Received == target, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)),
            $"received {recorder.Received} of {target}");
        Assert.Equal(0, recorder.OutOfOrder);
        Assert.Equal(0, recorder.Unavailable);
    }
}
