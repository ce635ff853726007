// The socket subscriptions of one channel receive on: DATA and PAD go to images (after the whole datagram is
// checked), SETUP creates images, status messages and NAKs go back to each image's source. An image belongs to the
// address that set it up: frames for it from anywhere else are dropped. New images are bounded (term length,
// count, a pending pool for images nobody admitted, a rate per source), so strangers cannot exhaust the receiver.
using System.Net;

namespace Exchange.Transport;

internal sealed class ReceiveChannelEndpoint : UdpChannelEndpoint
{
    /// <summary>Sessions that ended recently and are still cooling down; past this many, the one closest to its end of
    /// cool-down makes room (a fixed table: the agent never allocates for it).</summary>
    private const int CoolDownSlots = 64;
    private readonly List<Subscription> _subscriptions = [];
    private readonly List<Subscription> _registered = [];
    private long _lastSendSetupNanos = long.MinValue / 2;
    private int _lastSendSetupSession;
    private readonly SourceRateLimiter _newImages;
    private RateLimit _newImagesTotal;
    private RateLimit _sendSetups;
    private readonly int[] _coolDownSessions = new int[CoolDownSlots];
    private readonly int[] _coolDownStreams = new int[CoolDownSlots];
    private readonly long[] _coolDownUntil = new long[CoolDownSlots];

    public ReceiveChannelEndpoint(Transport transport, ChannelUri channel)
        : base(transport, Transport.Resolve(channel.Endpoint), channel)
    {
        Key = new ChannelEndpoint(channel.Endpoint.Host, LocalEndPoint.Port).ToString();
        ReceiverId = Random.Shared.NextInt64();
        ReceiverWindow = channel.ReceiverWindow ?? 128 * 1024;
        _newImages = new SourceRateLimiter(transport.Options.NewImagesPerSourcePerSecond);
        _sendSetups = new RateLimit(transport.Options.SendSetupsPerSecond);
        _newImagesTotal = new RateLimit(transport.Options.NewImagesPerSecond);
    }

    public string Key { get; }
    public long ReceiverId { get; }
    public int ReceiverWindow { get; }

    public void Register(Subscription subscription) => _registered.Add(subscription);

    public void Unregister(Subscription subscription) => _registered.Remove(subscription);

    public bool HasStream(int streamId) => _registered.Exists(s => s.StreamId == streamId && !s.IsClosed);

    public long MessagesDelivered()
    {
        long total = 0;
        foreach (var subscription in _registered) total += subscription.MessagesDelivered;
        return total;
    }

    public void Add(Subscription subscription) => _subscriptions.Add(subscription);

    public void Remove(Subscription subscription) => _subscriptions.Remove(subscription);

    protected override void Dispatch(ReadOnlySpan<byte> datagram, in PeerAddress from, long now, Span<byte> scratch)
    {
        var counters = Transport.Counters;
        if (!FrameHeader.TryWrap(datagram, out var header, out var error)) { counters.Drop(error); return; }
        switch (header.Type)
        {
            case FrameType.Data or FrameType.Pad:
                OnData(datagram, from, now, scratch);
                return;
            case FrameType.Setup:
                OnSetup(datagram, from, now);
                return;
            case FrameType.Rttm:
                if (!RttMeasurementFrame.TryWrap(datagram, out var rttm, out error)) { counters.Drop(error); return; }
                if (rttm.IsReplyRequested)
                {
                    int length = RttMeasurementFrame.WriteReply(scratch, rttm);
                    if (Send(scratch[..length], from)) counters.RttmRepliesValue++;
                }
                return;
            default:
                counters.Drop(DropReason.UnexpectedType);
                return;
        }
    }

    private void OnSetup(ReadOnlySpan<byte> datagram, in PeerAddress from, long now)
    {
        var counters = Transport.Counters;
        if (!SetupFrame.TryWrap(datagram, out var setup, out var error)) { counters.Drop(error); return; }
        counters.SetupsReceivedValue++;
        var subscription = FindSubscription(setup.StreamId);
        if (subscription == null) { counters.Drop(DropReason.NoSubscription); return; }
        var image = subscription.FindImage(setup.SessionId);
        if (image != null)
        {
            if (!from.Equals(image.Source)) { counters.Drop(DropReason.WrongSource); return; }
            image.RequestStatusMessage();
            return;
        }
        if (IsCoolingDown(setup.SessionId, setup.StreamId, now)) { counters.Drop(DropReason.EndedSession); return; }
        var options = Transport.Options;
        if (setup.TermLength > options.MaxReceiverTermLength) { counters.Drop(DropReason.TermLengthTooLarge); return; }
        if (!MakeRoomForPendingImage(from, options)) { counters.Drop(DropReason.ImageLimit); return; }
        if (!_newImages.TryTake(from, now) || !_newImagesTotal.TryTake(now)) { counters.Drop(DropReason.ImageRateLimited); return; }
        image = new Image(Transport, this, subscription, setup, from, Math.Min(ReceiverWindow, setup.TermLength / 2), now);
        subscription.AddImage(image);
        counters.ImagesAddedValue++;
    }

    /// <summary>Before a new (pending) image: evicts the oldest pending image of the same source if that source holds
    /// its share, else the oldest pending one if the pool is full. False if the endpoint is full of admitted images.</summary>
    private bool MakeRoomForPendingImage(in PeerAddress from, TransportOptions options)
    {
        int images = 0, pending = 0, fromSource = 0;
        Image? oldest = null, oldestFromSource = null;
        foreach (var subscription in _subscriptions)
        {
            foreach (var image in subscription.ImagesForAgent)
            {
                if (image.IsClosed) continue;
                images++;
                if (image.IsAdmitted) continue;
                pending++;
                if (oldest == null || image.CreatedNanos < oldest.CreatedNanos) oldest = image;
                if (!image.Source.SameHost(from)) continue;
                fromSource++;
                if (oldestFromSource == null || image.CreatedNanos < oldestFromSource.CreatedNanos) oldestFromSource = image;
            }
        }
        if (fromSource >= options.MaxPendingImagesPerSource) { oldestFromSource!.Evict(); return true; }
        if (pending >= options.MaxPendingImages) { oldest!.Evict(); return true; }
        return images < options.MaxImagesPerEndpoint;
    }

    private void OnData(ReadOnlySpan<byte> datagram, in PeerAddress from, long now, Span<byte> scratch)
    {
        var counters = Transport.Counters;
        if (!DataFrame.TryWrap(datagram, out var first, out var error)) { counters.Drop(error); return; }
        var subscription = FindSubscription(first.StreamId);
        if (subscription == null) { counters.Drop(DropReason.NoSubscription); return; }
        var image = subscription.FindImage(first.SessionId);
        if (image == null)
        {
            // An end-of-stream frame is a publication saying goodbye, and a session cooling down has just ended here:
            // neither is asked for SETUP, as Aeron's receiver does not ask (it would start the stream over).
            if (first.IsEndOfStream || IsCoolingDown(first.SessionId, first.StreamId, now)) { counters.Drop(DropReason.EndedSession); return; }
            counters.Drop(DropReason.UnknownSession);
            RequestSetup(first.SessionId, first.StreamId, from, now, scratch);
            return;
        }
        if (!Framing.IsAligned(datagram.Length)) { counters.Drop(DropReason.Misaligned); return; }
        if (first.IsHeartbeat)
        {
            if (datagram.Length != DataFrame.HeaderLength) { counters.Drop(DropReason.MalformedDatagram); return; }
            if (!DataFrame.TryWrap(datagram, image.TermLength, out first, out error)) { counters.Drop(error); return; }
            if (!from.Equals(image.Source)) { counters.Drop(DropReason.WrongSource); return; }
            image.OnData(datagram, first.TermId, first.TermOffset, heartbeat: true, first.IsEndOfStream, now);
            return;
        }
        int termId = first.TermId, startOffset = first.TermOffset;
        int expectedOffset = startOffset, offset = 0;
        while (offset < datagram.Length)
        {
            if (!DataFrame.TryWrap(datagram[offset..], image.TermLength, out var frame, out error)) { counters.Drop(error); return; }
            if (frame.SessionId != first.SessionId || frame.StreamId != first.StreamId || frame.TermId != termId
                || frame.TermOffset != expectedOffset || frame.IsHeartbeat)
            {
                counters.Drop(DropReason.MalformedDatagram);
                return;
            }
            int datagramBytes = frame.IsPadding ? DataFrame.HeaderLength : frame.AlignedLength;
            if (datagramBytes > datagram.Length - offset) { counters.Drop(DropReason.BadLength); return; }
            offset += datagramBytes;
            expectedOffset += frame.AlignedLength;
            if (frame.IsPadding && offset != datagram.Length) { counters.Drop(DropReason.MalformedDatagram); return; }
        }
        // Well-formed, but only the address that set the image up may write into it.
        if (!from.Equals(image.Source)) { counters.Drop(DropReason.WrongSource); return; }
        image.OnData(datagram, termId, startOffset, heartbeat: false, endOfStream: false, now);
    }

    /// <summary>Asks an unknown session's sender for SETUP (a status message with SEND_SETUP), at most once a millisecond
    /// per session and within the endpoint's rate (an answer to anyone's datagram must not become a flood).</summary>
    private void RequestSetup(int sessionId, int streamId, in PeerAddress to, long now, Span<byte> scratch)
    {
        if (sessionId == _lastSendSetupSession && now - _lastSendSetupNanos < NanoClock.Millisecond) return;
        if (!_sendSetups.TryTake(now)) { Transport.Counters.Drop(DropReason.SendSetupRateLimited); return; }
        _lastSendSetupSession = sessionId;
        _lastSendSetupNanos = now;
        int length = StatusMessageFrame.Write(scratch, StatusMessageFrame.SendSetupFlag, sessionId, streamId, 0, 0, 0, ReceiverId);
        if (Send(scratch[..length], to)) Transport.Counters.SendSetupsSentValue++;
    }

    /// <summary>An image of this endpoint ended its stream at <paramref name="now"/>: its session cools down (agent side).</summary>
    internal void StartCoolDown(int sessionId, int streamId, long now)
    {
        int slot = 0;
        for (int i = 0; i < CoolDownSlots; i++)
        {
            if (_coolDownUntil[i] == 0 || (_coolDownSessions[i] == sessionId && _coolDownStreams[i] == streamId)) { slot = i; break; }
            if (_coolDownUntil[i] < _coolDownUntil[slot]) slot = i;
        }
        _coolDownSessions[slot] = sessionId;
        _coolDownStreams[slot] = streamId;
        _coolDownUntil[slot] = now + Transport.Options.ImageCoolDownNanos;
    }

    private bool IsCoolingDown(int sessionId, int streamId, long now)
    {
        for (int i = 0; i < CoolDownSlots; i++)
        {
            if (_coolDownUntil[i] == 0 || _coolDownSessions[i] != sessionId || _coolDownStreams[i] != streamId) continue;
            if (now < _coolDownUntil[i]) return true;
            _coolDownUntil[i] = 0; // over: the slot is free again
            return false;
        }
        return false;
    }

    private Subscription? FindSubscription(int streamId)
    {
        foreach (var subscription in _subscriptions)
            if (subscription.StreamId == streamId && !subscription.IsClosed) return subscription;
        return null;
    }

}
