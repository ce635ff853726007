// The steady state of a stream allocates nothing: Offer, both agents' duty cycles (send, receive, status
// messages, heartbeats) and Poll with fragment reassembly, all on this thread so one counter sees them all.
namespace Exchange.Transport.Tests.Streams;

public class StreamAllocationTests
{
    [Fact]
    public void Offering_sending_receiving_and_polling_allocates_nothing_after_warm_up()
    {
        using var h = new StreamHarness();
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", 5);
        var pub = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{sub.LocalEndPoint.Port}|term-length=64k", 5);
        var recorder = new Recorder();
        var message = new byte[4000];
        long sent = 0;

        void Pump(long count)
        {
            long target = sent + count;
            while (recorder.Received < target)
            {
                if (sent < target)
                {
                    int length = sent % 50 == 0 ? 3000 : 64; // every fiftieth message is fragmented
                    Payloads.Fill(message.AsSpan(0, length), sent);
                    if (pub.Offer(message.AsSpan(0, length)) > 0) sent++;
                }
                h.DoWork();
                sub.Poll(ref recorder, 64);
            }
        }

        Assert.True(h.RunUntil(() => pub.IsConnected, TimeSpan.FromSeconds(5), () => sub.Poll(ref recorder, 10)));
        Pump(20_000); // warm up: JIT, term rotation, first fragmented message
        long before = GC.GetAllocatedBytesForCurrentThread();
        Pump(100_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(0, recorder.OutOfOrder);
        Assert.Equal(0, recorder.Corrupt);
        Assert.Equal(120_000, recorder.Received);
    }
}
