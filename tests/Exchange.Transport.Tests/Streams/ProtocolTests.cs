// Protocol behaviour over real loopback sockets: rejoin, window, end of stream, liveness, bad datagrams, RTTM.
using System.Net;
using System.Net.Sockets;

namespace Exchange.Transport.Tests.Streams;

public class ProtocolTests
{
    private const int Stream = 77;

    private static (Subscription Sub, Publication Pub) Connect(StreamHarness h, string subscriptionExtra = "")
    {
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0" + subscriptionExtra, Stream);
        var pub = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{sub.LocalEndPoint.Port}|term-length=64k", Stream);
        return (sub, pub);
    }

    private static long Offer(Publication pub, byte[] buffer, long sequence, int length = 64)
    {
        Payloads.Fill(buffer.AsSpan(0, length), sequence);
        return pub.Offer(buffer.AsSpan(0, length));
    }

    [Fact]
    public void Sender_sends_nothing_but_setup_until_a_receiver_answers_and_then_connects()
    {
        using var h = new StreamHarness();
        var pub = h.Sender.AddPublication("aeron:udp?endpoint=127.0.0.1:9|term-length=64k", Stream); // nobody listens on the discard port
        var buffer = new byte[64];
        Assert.True(Offer(pub, buffer, 0) > 0); // waits for the first receiver, up to half a term
        h.RunUntil(() => false, TimeSpan.FromMilliseconds(250));
        Assert.False(pub.IsConnected);
        Assert.Equal(0, h.Sender.Counters.DataFramesSent);
        Assert.InRange(h.Sender.Counters.SetupsSent, 2, 4); // every 100 ms
        long result = 0;
        for (int i = 0; result >= 0 && i < 10_000; i++) result = Offer(pub, buffer, i);
        Assert.Equal(OfferResult.NotConnected, result);
    }

    [Fact]
    public void Sender_never_overruns_the_receiver_window_when_the_subscriber_is_slow()
    {
        using var h = new StreamHarness();
        var (sub, pub) = Connect(h, "|rcv-wnd=4096");
        var recorder = new Recorder();
        var buffer = new byte[256];
        long sent = 0, maxAhead = 0, backPressured = 0;
        int polls = 0;
        bool done = h.RunUntil(() => recorder.Received >= 5_000, TimeSpan.FromSeconds(20), () =>
        {
            while (sent < 5_000)
            {
                long r = Offer(pub, buffer, sent, 200);
                if (r == OfferResult.BackPressured) { backPressured++; break; }
                if (r < 0) break;
                sent++;
            }
            if (++polls % 4 == 0) sub.Poll(ref recorder, 1); // one message every few cycles
            if (sub.ImageCount == 1) maxAhead = Math.Max(maxAhead, pub.SenderPosition - sub.Images[0].Position);
        });
        Assert.True(done, $"received {recorder.Received}");
        Assert.InRange(maxAhead, 1, 4096);
        Assert.True(backPressured > 0);
        Assert.Equal(0, recorder.OutOfOrder);
        Assert.Equal(0, h.Receiver.Counters.Dropped(DropReason.OutsideWindow));
    }

    [Fact]
    public void A_restarted_receiver_rejoins_through_send_setup_and_gets_the_data_after_it_joined()
    {
        using var sender = new Transport();
        var first = new Transport();
        var sub = first.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        int port = sub.LocalEndPoint.Port;
        var pub = sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{port}|term-length=64k", Stream);
        var recorder = new Recorder();
        var buffer = new byte[64];
        long next = 0;
        bool Drive(Transport receiver, Subscription s, Recorder r, Func<bool> done)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!done() && DateTime.UtcNow < deadline)
            {
                if (Offer(pub, buffer, next) > 0) next++;
                sender.DoWork();
                receiver.DoWork();
                s.Poll(ref r, 10);
            }
            return done();
        }
        Assert.True(Drive(first, sub, recorder, () => recorder.Received >= 100));
        first.Dispose(); // the receiving process dies; its port is free again

        using var second = new Transport();
        var again = second.AddSubscription($"aeron:udp?endpoint=127.0.0.1:{port}", Stream);
        var later = new Recorder();
        Assert.True(Drive(second, again, later, () => later.Received >= 100));
        Assert.True(second.Counters.SendSetupsSent >= 1, "the new receiver asked for SETUP");
        Assert.Equal(1, later.Available);
        Assert.Equal(0, later.Corrupt);
        Assert.True(pub.IsConnected);
    }

    [Fact]
    public void Closing_a_publication_ends_the_stream_and_the_receiver_leaves_with_end_of_stream()
    {
        using var h = new StreamHarness();
        var (sub, pub) = Connect(h);
        var recorder = new Recorder();
        var buffer = new byte[64];
        Assert.True(h.RunUntil(() => pub.IsConnected, TimeSpan.FromSeconds(5), () => sub.Poll(ref recorder, 10)));
        for (int i = 0; i < 50; i++) Assert.True(Offer(pub, buffer, i) > 0);
        pub.Close();
        Assert.Equal(OfferResult.Closed, Offer(pub, buffer, 50));
        Assert.True(h.RunUntil(() => recorder.Unavailable == 1 && pub.IsFinished, TimeSpan.FromSeconds(5), () => sub.Poll(ref recorder, 10)));
        Assert.Equal(50, recorder.Received);
        Assert.Equal(ImageCloseReason.EndOfStream, recorder.Closed[0]);
        Assert.True(h.RunUntil(() => sub.ImageCount == 0, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Liveness_timeouts_drop_a_silent_image_and_a_silent_receiver()
    {
        var fast = new TransportOptions { ImageLivenessTimeoutNanos = 300 * NanoClock.Millisecond, ReceiverTimeoutNanos = 300 * NanoClock.Millisecond };
        using var h = new StreamHarness(fast, fast);
        var (sub, pub) = Connect(h);
        var recorder = new Recorder();
        Assert.True(h.RunUntil(() => pub.IsConnected && recorder.Available == 1, TimeSpan.FromSeconds(5), () => sub.Poll(ref recorder, 10)));
        // Heartbeats keep the image alive while both run.
        h.RunUntil(() => false, TimeSpan.FromMilliseconds(600), () => sub.Poll(ref recorder, 10));
        Assert.Equal(0, recorder.Unavailable);
        // The sender goes silent: the image times out. The receiver goes silent: the publication disconnects.
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (recorder.Unavailable == 0 && DateTime.UtcNow < deadline) { h.Receiver.DoWork(); sub.Poll(ref recorder, 10); }
        Assert.Equal([ImageCloseReason.Timeout], recorder.Closed);
        deadline = DateTime.UtcNow.AddSeconds(3);
        while (pub.IsConnected && DateTime.UtcNow < deadline) { h.Sender.DoWork(); Thread.Sleep(1); }
        Assert.False(pub.IsConnected);
        Assert.True(h.Sender.Counters.ReceiversTimedOut >= 1);
    }

    [Fact]
    public void Malformed_datagrams_are_dropped_and_counted_and_the_stream_carries_on()
    {
        using var h = new StreamHarness();
        var (sub, pub) = Connect(h);
        var recorder = new Recorder();
        var buffer = new byte[64];
        Assert.True(h.RunUntil(() => recorder.Available == 1, TimeSpan.FromSeconds(5), () => sub.Poll(ref recorder, 10)));
        var image = recorder.Images[0];
        using var rogue = new UdpClient(AddressFamily.InterNetwork);
        var target = new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port);
        int termId = TermPosition.TermId(image.Position, image.InitialTermId, image.PositionBitsToShift);

        byte[] Data(int termOffset, int frameLength, byte version = 0, short type = 1, int datagramLength = 64)
        {
            var d = new byte[datagramLength];
            DataFrame.WriteData(d, termOffset, pub.SessionId, Stream, termId, 0xC0, new byte[Math.Max(0, Math.Min(frameLength, datagramLength) - 32)]);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(d, frameLength);
            d[4] = version;
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(d.AsSpan(6), type);
            return d;
        }
        var cases = new (byte[] Datagram, DropReason Reason)[]
        {
            (new byte[5], DropReason.TooShort),
            (Data(0, 64, version: 1), DropReason.UnsupportedVersion),
            (Data(0, 64, type: 99), DropReason.UnknownType),
            (Data(0, 200), DropReason.BadLength),                         // frame_length beyond the datagram
            (Data(0, 12), DropReason.BadLength),                          // shorter than a header
            (Data(48, 64), DropReason.Misaligned),                        // term offset not on 32 bytes
            (Data(65536 - 32, 64), DropReason.CrossesTerm),               // would run past the 64 KiB term
            (Data(0, 64, datagramLength: 80), DropReason.Misaligned),     // datagram length not a multiple of 32
            (Data(0, 64, type: 3), DropReason.UnexpectedType),            // a status message sent to a receiver
        };
        foreach (var (datagram, reason) in cases)
        {
            long before = h.Receiver.Counters.Dropped(reason);
            rogue.Send(datagram, datagram.Length, target);
            Assert.True(h.RunUntil(() => h.Receiver.Counters.Dropped(reason) > before, TimeSpan.FromSeconds(2)), $"{reason} not counted: {h.Receiver.Counters}");
        }
        for (int i = 0; i < 100; i++) Assert.True(Offer(pub, buffer, i) > 0);
        Assert.True(h.RunUntil(() => recorder.Received == 100, TimeSpan.FromSeconds(5), () => sub.Poll(ref recorder, 10)));
        Assert.Equal(0, recorder.OutOfOrder);
        Assert.Equal(0, recorder.Corrupt);
        Assert.Equal(0, recorder.Unavailable);
    }

    [Fact]
    public void Round_trip_measurements_asking_for_a_reply_are_answered()
    {
        using var h = new StreamHarness();
        var (sub, _) = Connect(h);
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var request = new byte[RttMeasurementFrame.Length];
        RttMeasurementFrame.Write(request, RttMeasurementFrame.ReplyRequestedFlag, 5, Stream, echoTimestamp: 123456789, receptionDelta: 0, receiverId: 42);
        peer.Send(request, request.Length, new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port));
        Assert.True(h.RunUntil(() => peer.Available > 0, TimeSpan.FromSeconds(2)));
        IPEndPoint? from = null;
        var reply = peer.Receive(ref from);
        Assert.True(RttMeasurementFrame.TryWrap(reply, out var frame, out _));
        Assert.Equal(0, frame.Header.Flags);
        Assert.Equal(123456789, frame.EchoTimestamp);
        Assert.Equal(42, frame.ReceiverId);
        Assert.Equal(0, frame.ReceptionDelta);
    }

    [Fact]
    public void The_largest_message_a_term_allows_is_fragmented_and_reassembled()
    {
        using var h = new StreamHarness();
        var (sub, pub) = Connect(h);
        var recorder = new Recorder();
        var message = new byte[pub.MaxMessageLength];
        Payloads.Fill(message, 0);
        Assert.True(pub.Offer(message) > 0);
        Payloads.Fill(message.AsSpan(0, 100), 1);
        Assert.True(pub.Offer(message.AsSpan(0, 100)) > 0);
        Assert.True(h.RunUntil(() => recorder.Received == 2, TimeSpan.FromSeconds(5), () => sub.Poll(ref recorder, 10)));
        Assert.Equal(0, recorder.Corrupt);
        Assert.Throws<ArgumentException>(() => pub.Offer(new byte[pub.MaxMessageLength + 1]));
    }

    [Fact]
    public void A_message_offered_and_closed_before_any_receiver_joined_still_reaches_the_first_receiver()
    {
        using var h = new StreamHarness();
        var (sub, pub) = Connect(h);
        var buffer = new byte[64];
        Assert.True(Offer(pub, buffer, 0) > 0);
        pub.Close(); // at once, before the SETUP/SM exchange: a reject on a stream opened for it, say
        var recorder = new Recorder();
        Assert.True(h.RunUntil(() => recorder.Received == 1 && pub.IsFinished, TimeSpan.FromSeconds(5), () => sub.Poll(ref recorder, 10)),
            $"received {recorder.Received}, finished {pub.IsFinished}");
    }

    [Fact]
    public void Subscriptions_on_port_zero_each_get_a_socket_of_their_own()
    {
        using var transport = new Transport();
        var a = transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", 1);
        var b = transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", 1);
        Assert.NotEqual(a.LocalEndPoint.Port, b.LocalEndPoint.Port);
        // Naming the port a port-0 subscription got shares its socket.
        var c = transport.AddSubscription($"aeron:udp?endpoint=127.0.0.1:{a.LocalEndPoint.Port}", 2);
        Assert.Equal(a.LocalEndPoint, c.LocalEndPoint);
    }
}
