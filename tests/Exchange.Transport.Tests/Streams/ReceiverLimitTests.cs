// What a stranger may cost a receiver: SETUPs asking for huge terms, floods of new sessions, frames forged from
// another address. Over real loopback sockets; the stranger is a plain UDP socket writing frames by hand, from
// 127.0.0.2 where the test needs a second source host (Linux routes all of 127/8 to lo).
using System.Net;
using System.Net.Sockets;

namespace Exchange.Transport.Tests.Streams;

public class ReceiverLimitTests
{
    private const int Stream = 77;

    private static byte[] Setup(int sessionId, int termLength = 64 * 1024, int initialTermId = 5)
    {
        var frame = new byte[SetupFrame.Length];
        SetupFrame.Write(frame, 0, sessionId, Stream, initialTermId, initialTermId, termLength, 1408, 0);
        return frame;
    }

    private static UdpClient Stranger(string host = "127.0.0.2") => new(new IPEndPoint(IPAddress.Parse(host), 0));

    private static int PendingImages(Subscription sub) => sub.Images.Count(i => !i.IsClosed && !i.IsAdmitted);

    [Fact]
    public void A_setup_asking_for_a_term_longer_than_the_receiver_accepts_is_dropped_and_counted()
    {
        using var h = new StreamHarness(receiverOptions: new TransportOptions { MaxReceiverTermLength = 1 << 20 });
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        using var stranger = Stranger();
        var huge = Setup(sessionId: 1, termLength: 1 << 30); // legal by the power-of-two rule: 1 GiB
        stranger.Send(huge, huge.Length, new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port));
        Assert.True(h.RunUntil(() => h.Receiver.Counters.Dropped(DropReason.TermLengthTooLarge) == 1, TimeSpan.FromSeconds(10)));
        Assert.Equal(0, sub.ImageCount);

        // A stream within the limit still works.
        var pub = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{sub.LocalEndPoint.Port}|term-length=1m", Stream);
        var recorder = new Recorder();
        var message = new byte[64];
        Payloads.Fill(message, 0);
        Assert.True(pub.Offer(message) > 0);
        Assert.True(h.RunUntil(() => recorder.Received == 1, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));
    }

    [Fact]
    public void Frames_for_an_image_from_another_address_are_dropped_and_counted()
    {
        using var h = new StreamHarness();
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var pub = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{sub.LocalEndPoint.Port}|term-length=64k", Stream);
        var recorder = new Recorder();
        var message = new byte[64];
        Payloads.Fill(message, 0);
        Assert.True(pub.Offer(message) > 0);
        Assert.True(h.RunUntil(() => recorder.Received == 1, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));
        var image = recorder.Images[0];

        // A well-formed frame carrying the session's ids, at the very position the next message will take.
        using var stranger = Stranger();
        var forged = new byte[64];
        int termId = TermPosition.TermId(image.Position, image.InitialTermId, image.PositionBitsToShift);
        int termOffset = TermPosition.TermOffset(image.Position, image.PositionBitsToShift);
        Payloads.Fill(message, 999);
        DataFrame.WriteData(forged, termOffset, pub.SessionId, Stream, termId, DataFrame.UnfragmentedFlags, message.AsSpan(0, 32));
        stranger.Send(forged, forged.Length, new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port));
        Assert.True(h.RunUntil(() => h.Receiver.Counters.Dropped(DropReason.WrongSource) == 1, TimeSpan.FromSeconds(10)));
        // A SETUP for the same session from the stranger does not take the image over either.
        var setup = Setup(pub.SessionId);
        stranger.Send(setup, setup.Length, new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port));
        Assert.True(h.RunUntil(() => h.Receiver.Counters.Dropped(DropReason.WrongSource) == 2, TimeSpan.FromSeconds(10)));

        // The real publisher's next message arrives intact, and nothing of the forgery does.
        Payloads.Fill(message, 1);
        Assert.True(pub.Offer(message) > 0);
        Assert.True(h.RunUntil(() => recorder.Received == 2, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));
        Assert.Equal(0, recorder.OutOfOrder);
        Assert.Equal(0, recorder.Corrupt);
        Assert.Equal(1, sub.ImageCount);
    }

    [Fact]
    public void A_flood_of_new_sessions_evicts_only_pending_images_and_never_an_admitted_one()
    {
        var options = new TransportOptions { MaxPendingImages = 4, MaxPendingImagesPerSource = 100, NewImagesPerSourcePerSecond = 10_000 };
        using var h = new StreamHarness(receiverOptions: options);
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var pub = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{sub.LocalEndPoint.Port}|term-length=64k", Stream);
        var recorder = new Recorder();
        Assert.True(h.RunUntil(() => recorder.Available == 1, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));
        var admitted = recorder.Images[0];
        admitted.Admit();

        using var stranger = Stranger();
        for (int session = 1000; session < 1050; session++)
        {
            var setup = Setup(session);
            stranger.Send(setup, setup.Length, new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port));
        }
        Assert.True(h.RunUntil(() => h.Receiver.Counters.SetupsReceived >= 50 + 1, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)),
            h.Receiver.Counters.ToString());
        h.RunUntil(() => false, TimeSpan.FromMilliseconds(50), () => sub.Poll(ref recorder, 10));

        Assert.False(admitted.IsClosed);
        Assert.InRange(PendingImages(sub), 1, 4);
        Assert.Equal(46, h.Receiver.Counters.ImagesEvicted);
        Assert.All(recorder.Closed, reason => Assert.Equal(ImageCloseReason.Evicted, reason));
        // The admitted stream still delivers.
        var message = new byte[64];
        Payloads.Fill(message, 0);
        Assert.True(pub.Offer(message) > 0);
        Assert.True(h.RunUntil(() => recorder.Received == 1, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));
    }

    [Fact]
    public void One_source_flooding_new_sessions_cannot_evict_a_pending_image_of_another_source()
    {
        var options = new TransportOptions { MaxPendingImages = 8, MaxPendingImagesPerSource = 2, NewImagesPerSourcePerSecond = 10_000 };
        using var h = new StreamHarness(receiverOptions: options);
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var recorder = new Recorder();
        // The newcomer from 127.0.0.1 connects first and has not logged on (not admitted) yet.
        var pub = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{sub.LocalEndPoint.Port}|term-length=64k", Stream);
        Assert.True(h.RunUntil(() => recorder.Available == 1, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));
        var newcomer = recorder.Images[0];

        using var stranger = Stranger("127.0.0.2");
        for (int session = 1000; session < 1100; session++)
        {
            var setup = Setup(session);
            stranger.Send(setup, setup.Length, new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port));
        }
        Assert.True(h.RunUntil(() => h.Receiver.Counters.SetupsReceived >= 100, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));

        Assert.False(newcomer.IsClosed);
        Assert.Equal(2, sub.Images.Count(i => !i.IsClosed && i != newcomer));
        Assert.Equal(98, h.Receiver.Counters.ImagesEvicted);
    }

    [Fact]
    public void An_image_not_admitted_within_the_pending_timeout_is_evicted_and_an_admitted_one_stays()
    {
        var options = new TransportOptions { PendingImageTimeoutNanos = 300 * NanoClock.Millisecond };
        using var h = new StreamHarness(receiverOptions: options);
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var recorder = new Recorder();
        var stay = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{sub.LocalEndPoint.Port}|term-length=64k", Stream);
        Assert.True(h.RunUntil(() => recorder.Available == 1, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));
        recorder.Images[0].Admit();
        var go = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{sub.LocalEndPoint.Port}|term-length=64k", Stream);
        Assert.True(h.RunUntil(() => recorder.Available == 2, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));
        var pending = recorder.Images[1];
        Assert.Equal(go.SessionId, pending.SessionId);

        Assert.True(h.RunUntil(() => recorder.Unavailable == 1, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));
        Assert.Equal(ImageCloseReason.Evicted, pending.CloseReason);
        Assert.False(recorder.Images[0].IsClosed);
        Assert.Equal(1, h.Receiver.Counters.ImagesEvicted);
    }

    [Fact]
    public void A_source_starting_too_many_images_in_a_second_has_the_rest_dropped_and_counted()
    {
        var options = new TransportOptions { NewImagesPerSourcePerSecond = 5, MaxPendingImagesPerSource = 100, MaxPendingImages = 100 };
        using var h = new StreamHarness(receiverOptions: options);
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        using var stranger = Stranger();
        for (int session = 1; session <= 50; session++)
        {
            var setup = Setup(session);
            stranger.Send(setup, setup.Length, new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port));
        }
        Assert.True(h.RunUntil(() => h.Receiver.Counters.SetupsReceived == 50, TimeSpan.FromSeconds(10)));
        // Five at once, and at most a few more earned while the 50 were read.
        Assert.InRange(h.Receiver.Counters.ImagesAdded, 5, 10);
        Assert.Equal(50 - h.Receiver.Counters.ImagesAdded, h.Receiver.Counters.Dropped(DropReason.ImageRateLimited));
    }

    [Fact]
    public void An_image_set_up_without_data_holds_no_term_memory()
    {
        var options = new TransportOptions { MaxPendingImages = 1000, MaxPendingImagesPerSource = 1000, NewImagesPerSourcePerSecond = 10_000 };
        using var h = new StreamHarness(receiverOptions: options);
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        using var stranger = Stranger();
        h.Receiver.DoWork();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int session = 1; session <= 100; session++)
        {
            var setup = Setup(session, termLength: 16 << 20); // 48 MiB each, were the terms allocated
            stranger.Send(setup, setup.Length, new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port));
        }
        long setups = 0;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (h.Receiver.Counters.SetupsReceived < 100 && DateTime.UtcNow < deadline) setups += h.Receiver.DoWork();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(100, sub.ImageCount);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated for 100 images without data");
    }

    [Fact]
    public void A_flood_of_short_lived_streams_reuses_the_term_buffers_of_evicted_ones()
    {
        var options = new TransportOptions { MaxPendingImages = 4, MaxPendingImagesPerSource = 4, NewImagesPerSourcePerSecond = 100_000, NewImagesPerSecond = 100_000 };
        using var h = new StreamHarness(receiverOptions: options);
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var recorder = new Recorder();
        using var stranger = Stranger();
        var target = new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port);
        var payload = new byte[32];
        for (int session = 1; session <= 200; session++)
        {
            // Each new stream carries data, so it gets terms; it soon evicts an older one.
            var setup = Setup(session);
            stranger.Send(setup, setup.Length, target);
            var data = new byte[64];
            DataFrame.WriteData(data, 0, session, Stream, 5, DataFrame.UnfragmentedFlags, payload);
            stranger.Send(data, data.Length, target);
            if (session % 4 == 0) h.RunUntil(() => h.Receiver.Counters.DataFramesReceived >= session - 4, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 64));
        }
        h.RunUntil(() => h.Receiver.Counters.SetupsReceived == 200, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 64));

        var counters = h.Receiver.Counters;
        Assert.Equal(200 - 4, counters.ImagesEvicted);
        // Four live, eight kept for reuse, a few in flight between eviction and the subscriber's poll.
        Assert.True(counters.TermBuffersAllocated <= 16, $"{counters.TermBuffersAllocated} allocated, {counters.TermBuffersReused} reused");
        Assert.True(counters.TermBuffersReused >= 150, $"{counters.TermBuffersReused} reused");
    }

    [Fact]
    public void A_reused_term_buffer_carries_nothing_of_the_stream_that_held_it_before()
    {
        var options = new TransportOptions { MaxPendingImages = 1, MaxPendingImagesPerSource = 1, TermBufferPoolSize = 1 };
        using var h = new StreamHarness(receiverOptions: options);
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var recorder = new Recorder();
        using var stranger = Stranger();
        var target = new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port);
        // A stranger's stream writes frames past a gap, so the subscriber never consumes (and zeroes) them.
        var setup = Setup(sessionId: 9);
        stranger.Send(setup, setup.Length, target);
        var junk = new byte[32];
        Array.Fill(junk, (byte)0xAB);
        foreach (int offset in new[] { 64, 4096, 16_384 })
        {
            var data = new byte[64];
            DataFrame.WriteData(data, offset, 9, Stream, 5, DataFrame.UnfragmentedFlags, junk);
            stranger.Send(data, data.Length, target);
        }
        Assert.True(h.RunUntil(() => h.Receiver.Counters.DataFramesReceived == 3, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));

        // Another stream without data evicts it (a pool of one pending image); its terms go back to the pool.
        setup = Setup(sessionId: 10);
        stranger.Send(setup, setup.Length, target);
        Assert.True(h.RunUntil(() => h.Receiver.Counters.ImagesRemoved == 1, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));

        // A real publisher takes the next place and gets the buffer the first stranger dirtied.
        var pub = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{sub.LocalEndPoint.Port}|term-length=64k", Stream);
        var message = new byte[200];
        long sent = 0;
        Assert.True(h.RunUntil(() => recorder.Received == 1_000, TimeSpan.FromSeconds(20), () =>
        {
            if (sent < 1_000)
            {
                Payloads.Fill(message, sent);
                if (pub.Offer(message) > 0) sent++;
            }
            sub.Poll(ref recorder, 64);
            foreach (var image in sub.Images) if (image.SessionId == pub.SessionId) image.Admit();
        }), h.Receiver.Counters.ToString());
        Assert.True(h.Receiver.Counters.TermBuffersReused == 1, h.Receiver.Counters.ToString());
        Assert.Equal(0, recorder.Corrupt);
        Assert.Equal(0, recorder.OutOfOrder);
    }
}
