// What an Aeron peer sees of our side on the wire, and how our side answers what an Aeron peer sends: one end is our
// transport, the other a plain UDP socket (RawPeer) reading and writing frames by hand, over real loopback sockets.
using System.Buffers.Binary;
using System.Net;

namespace Exchange.Transport.Tests.Streams;

public class AeronWireTests
{
    private const int Stream = 1001;
    private const int TermLength = 64 * 1024;
    private const long RawReceiverId = 7;

    /// <summary>Runs the transport's duty cycle and reads what the peer got, until <paramref name="done"/> or the time is up.</summary>
    private static bool Run(Transport transport, RawPeer peer, TimeSpan time, Func<bool>? done = null, Action? each = null)
    {
        var deadline = DateTime.UtcNow + time;
        while (DateTime.UtcNow < deadline)
        {
            if (done != null && done()) return true;
            each?.Invoke();
            int work = transport.DoWork() + peer.Pump();
            if (work == 0) Thread.Sleep(1);
        }
        return done != null && done();
    }

    private static byte[] StatusMessage(byte flags, int sessionId, int termId, int termOffset, int window = TermLength / 2)
    {
        var frame = new byte[StatusMessageFrame.Length];
        StatusMessageFrame.Write(frame, flags, sessionId, Stream, termId, termOffset, window, RawReceiverId);
        return frame;
    }

    /// <summary>The raw peer as a receiver: our publication sends to it, it answers the first SETUP with a status message.</summary>
    private static (Transport Transport, Publication Publication, RawPeer Peer, int TermId, int TermOffset) PublishToRawReceiver(TransportOptions? options = null)
    {
        var peer = new RawPeer();
        var transport = new Transport(options);
        var publication = transport.AddPublication($"aeron:udp?endpoint=127.0.0.1:{peer.Port}|term-length=64k", Stream);
        Assert.True(Run(transport, peer, TimeSpan.FromSeconds(5), () => peer.OfType(FrameType.Setup).Any()));
        Assert.True(SetupFrame.TryWrap(peer.OfType(FrameType.Setup).First(), out var setup, out _));
        int termId = setup.ActiveTermId, termOffset = setup.TermOffset;
        peer.Send(StatusMessage(0, publication.SessionId, termId, termOffset));
        Assert.True(Run(transport, peer, TimeSpan.FromSeconds(5), () => publication.IsConnected));
        return (transport, publication, peer, termId, termOffset);
    }

    [Fact]
    public void Pad_frames_on_the_wire_carry_begin_and_end_flags_as_aerons_do()
    {
        var (transport, publication, peer, _, _) = PublishToRawReceiver();
        using var ownTransport = transport;
        using var ownPeer = peer;
        var message = new byte[1000]; // 62 frames of 1056 bytes fill a 64 KiB term to 64 bytes short: the 63rd pads
        long offered = 0;
        bool padSeen = Run(transport, peer, TimeSpan.FromSeconds(10), () => peer.OfType(FrameType.Pad).Any(), () =>
        {
            if (offered < 70 && publication.Offer(message) > 0) offered++;
            // Consume whatever arrived, so the window keeps moving.
            var last = peer.OfType(FrameType.Data).LastOrDefault(d => !RawPeer.IsHeartbeat(d));
            if (last == null) return;
            int termId = BinaryPrimitives.ReadInt32LittleEndian(last.AsSpan(DataFrame.TermIdOffset));
            int end = BinaryPrimitives.ReadInt32LittleEndian(last.AsSpan(DataFrame.TermOffsetOffset)) + last.Length;
            if (end < TermLength) peer.Send(StatusMessage(0, publication.SessionId, termId, end));
        });
        Assert.True(padSeen, $"no PAD frame after {offered} messages");
        var pad = peer.OfType(FrameType.Pad).First();
        Assert.Equal(DataFrame.HeaderLength, pad.Length); // only the header travels
        Assert.Equal(DataFrame.BeginFlag | DataFrame.EndFlag, RawPeer.Flags(pad));
        Assert.Equal(TermLength - 62 * 1056, BinaryPrimitives.ReadInt32LittleEndian(pad)); // it declares the rest of the term
    }

    [Fact]
    public void A_publication_whose_receiver_left_with_end_of_stream_heartbeats_and_does_not_repeat_setup()
    {
        var (transport, publication, peer, termId, termOffset) = PublishToRawReceiver();
        using var ownTransport = transport;
        using var ownPeer = peer;

        // The receiver leaves as Aeron's does when its subscription closes: a status message flagged end of stream.
        peer.Send(StatusMessage(StatusMessageFrame.EndOfStreamFlag, publication.SessionId, termId, termOffset));
        Assert.True(Run(transport, peer, TimeSpan.FromSeconds(5), () => !publication.IsConnected));
        peer.Received.Clear();
        Run(transport, peer, TimeSpan.FromMilliseconds(600));
        Assert.Empty(peer.OfType(FrameType.Setup));
        Assert.InRange(peer.Received.Count(RawPeer.IsHeartbeat), 3, 8); // every 100 ms, at the sender's position

        // A receiver that comes back asks for SETUP (it sees heartbeats of a session it does not know) and gets it at
        // once, and again every 100 ms until it answers; then SETUP stops again.
        peer.Received.Clear();
        peer.Send(StatusMessage(StatusMessageFrame.SendSetupFlag, publication.SessionId, 0, 0, 0));
        Assert.True(Run(transport, peer, TimeSpan.FromSeconds(1), () => peer.OfType(FrameType.Setup).Any()));
        Run(transport, peer, TimeSpan.FromMilliseconds(250));
        Assert.InRange(peer.OfType(FrameType.Setup).Count(), 2, 4);
        peer.Send(StatusMessage(0, publication.SessionId, termId, termOffset));
        Assert.True(Run(transport, peer, TimeSpan.FromSeconds(5), () => publication.IsConnected));
        peer.Received.Clear();
        Run(transport, peer, TimeSpan.FromMilliseconds(300), each: () =>
        {
            if (peer.Received.Count > 0) peer.Send(StatusMessage(0, publication.SessionId, termId, termOffset));
        });
        Assert.Empty(peer.OfType(FrameType.Setup));
    }

    [Fact]
    public void A_publication_whose_receiver_went_silent_heartbeats_and_does_not_repeat_setup()
    {
        var options = new TransportOptions { ReceiverTimeoutNanos = 300 * NanoClock.Millisecond };
        var (transport, publication, peer, _, _) = PublishToRawReceiver(options);
        using var ownTransport = transport;
        using var ownPeer = peer;
        Assert.True(Run(transport, peer, TimeSpan.FromSeconds(5), () => !publication.IsConnected));
        Assert.Equal(1, transport.Counters.ReceiversTimedOut);
        peer.Received.Clear();
        Run(transport, peer, TimeSpan.FromMilliseconds(600));
        Assert.Empty(peer.OfType(FrameType.Setup));
        Assert.True(peer.Received.Count(RawPeer.IsHeartbeat) >= 3);
    }

    // ---- our receiver, a raw publisher ----

    private const int RawSession = 4242;
    private const int InitialTermId = 5;

    private static byte[] Setup()
    {
        var frame = new byte[SetupFrame.Length];
        SetupFrame.Write(frame, 0, RawSession, Stream, InitialTermId, InitialTermId, TermLength, 1408, 0);
        return frame;
    }

    private static byte[] Heartbeat(int termOffset, bool endOfStream)
    {
        var frame = new byte[DataFrame.HeaderLength];
        DataFrame.WriteHeartbeat(frame, termOffset, RawSession, Stream, InitialTermId, endOfStream);
        return frame;
    }

    private static bool IsSendSetup(byte[] frame) => RawPeer.Flags(frame) == StatusMessageFrame.SendSetupFlag;

    [Fact]
    public void After_end_of_stream_our_receiver_asks_a_lingering_publication_for_nothing_until_the_cool_down_ends()
    {
        var coolDown = TimeSpan.FromMilliseconds(1500);
        using var transport = new Transport(new TransportOptions { ImageCoolDownNanos = (long)coolDown.TotalMilliseconds * NanoClock.Millisecond });
        var subscription = transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var target = new IPEndPoint(IPAddress.Loopback, subscription.LocalEndPoint.Port);
        using var peer = new RawPeer();
        var recorder = new Recorder();
        void Poll() => subscription.Poll(ref recorder, 10);

        // A publication of one message that then ends its stream: DATA at 0, EOS heartbeats at 64.
        peer.Send(Setup(), target);
        Assert.True(Run(transport, peer, TimeSpan.FromSeconds(5), () => peer.OfType(FrameType.StatusMessage).Any(), Poll));
        var message = new byte[32];
        Payloads.Fill(message, 0);
        var data = new byte[64];
        DataFrame.WriteData(data, 0, RawSession, Stream, InitialTermId, DataFrame.UnfragmentedFlags, message);
        peer.Send(data, target);
        peer.Send(Heartbeat(64, endOfStream: true), target);
        Assert.True(Run(transport, peer, TimeSpan.FromSeconds(5),
            () => recorder.Unavailable == 1 && peer.OfType(FrameType.StatusMessage).Any(sm => RawPeer.Flags(sm) == StatusMessageFrame.EndOfStreamFlag), Poll));
        Assert.Equal(1, recorder.Received);
        Assert.Equal([ImageCloseReason.EndOfStream], recorder.Closed);
        var ended = DateTime.UtcNow;

        // The publication lingers as Aeron's does, heartbeating end of stream; a stray plain heartbeat and a SETUP of
        // the same session arrive too. None is answered and no second image starts while the session cools down.
        peer.Received.Clear();
        int sent = 0;
        Run(transport, peer, coolDown / 2, each: () =>
        {
            Poll();
            if (sent++ % 20 != 0) return;
            peer.Send(Heartbeat(64, endOfStream: true), target);
            peer.Send(Heartbeat(64, endOfStream: false), target);
            peer.Send(Setup(), target);
        });
        Assert.True(DateTime.UtcNow - ended < coolDown, "the machine was too slow to check within the cool-down");
        Assert.Empty(peer.OfType(FrameType.StatusMessage));
        Assert.Equal(1, recorder.Available);
        Assert.Equal(0, subscription.ImageCount);
        Assert.True(transport.Counters.Dropped(DropReason.EndedSession) >= 3);

        // Once the cool-down is over, the session is a stranger again: its data is answered with SEND_SETUP.
        Thread.Sleep(coolDown - (DateTime.UtcNow - ended) + TimeSpan.FromMilliseconds(50));
        peer.Send(Heartbeat(64, endOfStream: false), target);
        Assert.True(Run(transport, peer, TimeSpan.FromSeconds(2), () => peer.OfType(FrameType.StatusMessage).Any(IsSendSetup), Poll));
    }

    [Fact]
    public void An_end_of_stream_heartbeat_of_an_unknown_session_is_not_answered_with_send_setup()
    {
        using var transport = new Transport();
        var subscription = transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var target = new IPEndPoint(IPAddress.Loopback, subscription.LocalEndPoint.Port);
        using var peer = new RawPeer();
        peer.Send(Heartbeat(0, endOfStream: true), target);
        Assert.True(Run(transport, peer, TimeSpan.FromSeconds(5), () => transport.Counters.Dropped(DropReason.EndedSession) == 1));
        Run(transport, peer, TimeSpan.FromMilliseconds(100));
        Assert.Empty(peer.Received);
        // A plain heartbeat of the same unknown session is: that is how a receiver joins a stream already running.
        peer.Send(Heartbeat(0, endOfStream: false), target);
        Assert.True(Run(transport, peer, TimeSpan.FromSeconds(5), () => peer.OfType(FrameType.StatusMessage).Any(IsSendSetup)));
    }
}
