// An image: the receiving side of one publication (one session of one stream), rebuilt in term buffers.
// The agent writes frames as they arrive (in any order), tracks the contiguous "rebuild" position and the
// highest position seen, NAKs gaps, and sends status messages. The subscriber polls complete frames in order,
// reassembles fragmented messages, and zeroes what it consumed so the partition is clean when reused.
// The term buffers are allocated when the first data arrives, so an image set up by a SETUP alone costs little;
// an image the application has not admitted (Admit: its client logged on) is held to the pending pool's limits.
//
// Threading: the agent writes a frame's bytes and then its frame_length with a release store; the subscriber
// reads frame_length with an acquire load and stops at the first zero (a gap), so it never passes the rebuild
// position. The subscriber publishes its position with a release store after zeroing; the agent writes only
// from its last status-message position (≤ the subscriber's) forward, so the two never touch the same bytes.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Exchange.Transport;

public enum ImageCloseReason
{
    None,
    /// <summary>No data or heartbeat within the liveness timeout.</summary>
    Timeout,
    /// <summary>The publication ended its stream and everything was consumed.</summary>
    EndOfStream,
    /// <summary>A frame in the term buffer did not describe a valid frame.</summary>
    Corrupt,
    /// <summary>The subscription or transport closed.</summary>
    Closed,
    /// <summary>Never admitted by the application: the pending pool needed its place, or its time ran out.</summary>
    Evicted,
}

public sealed unsafe class Image
{
    /// <summary>Null until the first data arrives; written by the agent once, then only read.</summary>
    private byte[]? _terms;
    private byte[]? _assembly;
    private readonly Transport _transport;
    /// <summary>A udp image's socket (null for ipc).</summary>
    internal readonly ReceiveChannelEndpoint? Endpoint;
    /// <summary>An ipc image's log, read in place (null for udp).</summary>
    private readonly IpcLog? _ipc;
    internal readonly Subscription Subscription;
    public readonly int TermLength;
    public readonly int PositionBitsToShift;
    public readonly int InitialTermId;
    private readonly int _receiverWindow;
    private readonly int _termWindow;

    // Agent side.
    internal PeerAddress Source;
    private long _rebuildPosition;
    private long _highWaterMark;
    private long _lastPacketNanos;
    private long _lastSmNanos = long.MinValue / 2;
    private long _lastSmPosition;
    private bool _smNow = true;
    private long _gapPosition = -1;
    private long _gapSeenNanos;
    private long _lastNakNanos;
    private bool _gapNaked;
    private long _endOfStreamPosition = long.MaxValue;
    private bool _endOfStreamSmSent;
    /// <summary>Since when the image has been waiting to be admitted (agent clock); 0 while admitted.</summary>
    internal long PendingSince;

    // Shared.
    private long _subscriberPosition;
    private int _closeReason;
    private volatile bool _admitted;
    internal volatile bool AvailableDelivered;
    internal volatile bool UnavailableDelivered;

    // Subscriber side.
    private int _assembled = -1;
    private long _messagesDelivered;

    internal Image(Transport transport, ReceiveChannelEndpoint endpoint, Subscription subscription, in SetupFrame setup,
        in PeerAddress source, int receiverWindow, long now)
        : this(transport, subscription, setup.SessionId, setup.StreamId, setup.InitialTermId, setup.TermLength, setup.Mtu,
            TermPosition.Compute(setup.ActiveTermId, setup.TermOffset, setup.InitialTermId, TermPosition.PositionBitsToShift(setup.TermLength)),
            receiverWindow, source.ToString(), now)
    {
        Endpoint = endpoint;
        Source = source;
    }

    /// <summary>An ipc image: the subscription's end of a log another process (or this one) publishes, read in place.</summary>
    internal Image(Transport transport, Subscription subscription, IpcLog log, long joinPosition, long now)
        : this(transport, subscription, log.SessionId, log.StreamId, log.InitialTermId, log.TermLength, log.Mtu, joinPosition,
            log.TermLength / 2, $"ipc:{log.Path}", now)
    {
        _ipc = log;
    }

    private Image(Transport transport, Subscription subscription, int sessionId, int streamId, int initialTermId, int termLength, int mtu,
        long joinPosition, int receiverWindow, string sourceAddress, long now)
    {
        _transport = transport;
        Subscription = subscription;
        SessionId = sessionId;
        StreamId = streamId;
        InitialTermId = initialTermId;
        TermLength = termLength;
        Mtu = mtu;
        PositionBitsToShift = TermPosition.PositionBitsToShift(TermLength);
        _termWindow = TermLength / 2;
        _receiverWindow = Math.Min(receiverWindow, _termWindow);
        SourceAddress = sourceAddress;
        JoinPosition = joinPosition;
        _rebuildPosition = _highWaterMark = _lastSmPosition = _subscriberPosition = joinPosition;
        _prefault.Start(joinPosition, TermLength);
        _lastPacketNanos = now;
        CreatedNanos = now;
        PendingSince = now;
    }

    public int SessionId { get; }
    public int StreamId { get; }
    public int Mtu { get; }
    /// <summary>An ipc image (its <see cref="SourcePeer"/> is empty; <see cref="SourceAddress"/> names the log).</summary>
    public bool IsIpc => _ipc != null;
    /// <summary>The publication's address, as "host:port".</summary>
    public string SourceAddress { get; }
    /// <summary>The address that set the image up: the only one its frames are taken from.</summary>
    public PeerAddress SourcePeer => Source;
    public long JoinPosition { get; }
    /// <summary>The position after the last fragment the subscriber consumed.</summary>
    public long Position => Volatile.Read(ref _subscriberPosition);
    /// <summary>When the last datagram of this publication (data or heartbeat) arrived, on the transport agent's clock
    /// (<see cref="NanoClock"/>). A live publication heartbeats when idle, so a stale value means a silent source. Any thread.</summary>
    public long LastPacketNanos => Volatile.Read(ref _lastPacketNanos);
    public long MessagesDelivered => Volatile.Read(ref _messagesDelivered);

    /// <summary>Subscriber side: whether a fragment is ready at <see cref="Position"/>, received and not yet polled. A
    /// subscriber that was held up (an engine thread stalled in an fsync, say) finds its peers' traffic waiting here;
    /// their silence is its own, and judging their liveness should wait for the backlog to be read.</summary>
    public bool HasUnread
    {
        get
        {
            if (UnavailableDelivered) return false;
            long position = _subscriberPosition;
            if (_ipc != null) return CloseReason != ImageCloseReason.Closed && Volatile.Read(ref *_ipc.Tail) > position;
            var terms = Volatile.Read(ref _terms);
            return terms != null && Volatile.Read(ref Unsafe.As<byte, int>(ref terms[PartitionOffset(position)])) != 0;
        }
    }

    public bool IsClosed => Volatile.Read(ref _closeReason) != (int)ImageCloseReason.None;
    public ImageCloseReason CloseReason => (ImageCloseReason)Volatile.Read(ref _closeReason);
    /// <summary>For the application: a value it associates with this image (a connection number, say).</summary>
    public long Tag { get; set; }
    /// <summary>When the image was set up (<see cref="NanoClock"/>).</summary>
    public long CreatedNanos { get; }
    /// <summary>Whether the application has admitted the image (see <see cref="Admit"/>).</summary>
    public bool IsAdmitted => _admitted;

    /// <summary>
    /// Tells the transport the application knows this publication's owner (its client logged on, say): the image
    /// leaves the pending pool, whose limits and timeout apply only to images nobody has admitted. Any thread.
    /// </summary>
    public void Admit() => _admitted = true;

    /// <summary>Returns the image to the pending pool (its client logged out but keeps the stream open).</summary>
    public void Unadmit() => _admitted = false;

    internal void Close(ImageCloseReason reason) => Interlocked.CompareExchange(ref _closeReason, (int)reason, (int)ImageCloseReason.None);

    /// <summary>Hands the terms back, zeroed again, once the image is gone and its subscriber has seen it go (or never
    /// saw it): agent side. Only what was written and not consumed is dirty, since the subscriber zeroes what it
    /// consumes: [subscriber position, high-water mark), usually a few frames, so a flood of short-lived images does
    /// not cost a full clear of three terms each.</summary>
    internal byte[]? TakeTerms()
    {
        if (_ipc != null)
        {
            ReleaseIpc(_ipc);
            return null;
        }
        var terms = _terms;
        if (terms == null) return null;
        _terms = null;
        long from = Volatile.Read(ref _subscriberPosition), to = _highWaterMark;
        if (to - from >= (long)TermLength * Publication.PartitionCount)
        {
            Array.Clear(terms);
            return terms;
        }
        while (from < to)
        {
            int termOffset = (int)(from & (TermLength - 1));
            int length = (int)Math.Min(to - from, TermLength - termOffset);
            terms.AsSpan(PartitionOffset(from), length).Clear();
            from += length;
        }
        return terms;
    }

    /// <summary>Closes a pending image to make room or because its time ran out (agent side).</summary>
    internal void Evict()
    {
        if (IsClosed) return;
        Close(ImageCloseReason.Evicted);
        _transport.Counters.ImagesEvictedValue++;
        // Never seen by its subscriber (made and evicted within one duty cycle, as in a flood): nobody can be reading
        // its terms, so they go back to the pool now rather than after the subscriber's next poll.
        if (Interlocked.CompareExchange(ref _seen, Reclaimed, Unseen) != Unseen) return;
        UnavailableDelivered = true;
        if (TakeTerms() is { } terms) _transport.TermBuffers.Return(terms);
    }

    private const int Unseen = 0, Seen = 1, Reclaimed = 2;
    /// <summary>Whether the subscriber has started on this image, or the agent reclaimed it first: settled once, by CAS.</summary>
    private int _seen;

    /// <summary>Subscriber side, before its first look at the image: false if the agent already reclaimed it.</summary>
    internal bool TryMarkSeen() => Interlocked.CompareExchange(ref _seen, Seen, Unseen) != Reclaimed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int PartitionOffset(long position) =>
        (int)((position >>> PositionBitsToShift) % Publication.PartitionCount) * TermLength + (int)(position & (TermLength - 1));

    // ---- agent side ----

    /// <summary>A validated DATA/PAD datagram for this image: <paramref name="frameCount"/> contiguous frames of one
    /// term starting at <paramref name="termOffset"/>, or a heartbeat.</summary>
    internal void OnData(ReadOnlySpan<byte> datagram, int termId, int termOffset, bool heartbeat, bool endOfStream, long now)
    {
        var counters = _transport.Counters;
        long position = TermPosition.Compute(termId, termOffset, InitialTermId, PositionBitsToShift);
        _lastPacketNanos = now;
        if (heartbeat)
        {
            counters.HeartbeatsReceivedValue++;
            if (position > _highWaterMark && position <= _lastSmPosition + _termWindow)
            {
                _highWaterMark = position;
                EnsureTerms(); // data was sent and lost: the gap is NAKed from the terms
            }
            if (endOfStream && position >= _rebuildPosition - _termWindow) _endOfStreamPosition = position;
            return;
        }
        if (position < _lastSmPosition - _termWindow || position >= _lastSmPosition + _termWindow)
        {
            // Far behind is a stale retransmit; far ahead would overwrite a partition still being read.
            counters.Drop(DropReason.OutsideWindow);
            return;
        }
        EnsureTerms();
        int offset = 0;
        while (offset < datagram.Length)
        {
            var frame = datagram[offset..];
            int frameLength = BinaryPrimitives.ReadInt32LittleEndian(frame);
            bool pad = BinaryPrimitives.ReadInt16LittleEndian(frame[FrameHeader.TypeOffset..]) == (short)FrameType.Pad;
            int termBytes = Framing.Align(frameLength);
            int datagramBytes = pad ? DataFrame.HeaderLength : termBytes;
            long framePosition = position + offset;
            if (framePosition < _rebuildPosition)
            {
                counters.DuplicateFramesValue++;
            }
            else
            {
                WriteFrame(framePosition, frame[..datagramBytes], frameLength);
                if (!pad) counters.DataFramesReceivedValue++;
                long end = framePosition + termBytes;
                if (end > _highWaterMark) _highWaterMark = end;
            }
            offset += datagramBytes;
        }
        AdvanceRebuild();
    }

    /// <summary>The first data (or news of lost data): now the terms are worth their memory. Published with a release
    /// store, so the subscriber sees the array before any frame length written into it.</summary>
    private void EnsureTerms()
    {
        if (_terms == null) Volatile.Write(ref _terms, _transport.TermBuffers.Take(TermLength * Publication.PartitionCount));
    }

    private void WriteFrame(long position, ReadOnlySpan<byte> frame, int frameLength)
    {
        var term = _terms!.AsSpan(PartitionOffset(position), frame.Length);
        frame[FrameHeader.VersionOffset..].CopyTo(term[FrameHeader.VersionOffset..]);
        Volatile.Write(ref Unsafe.As<byte, int>(ref term[0]), frameLength);
    }

    private void AdvanceRebuild()
    {
        long position = _rebuildPosition;
        while (position < _highWaterMark)
        {
            int frameLength = Volatile.Read(ref Unsafe.As<byte, int>(ref _terms![PartitionOffset(position)]));
            if (frameLength <= 0) break;
            position += Framing.Align(frameLength);
        }
        _rebuildPosition = position;
    }

    /// <summary>Timers for this image: NAK a gap, send status messages, end of stream and liveness.</summary>
    private TermPrefault _prefault;

    /// <summary>Faults the terms in ahead of the highest position received (<see cref="TermPrefault"/>); nothing before the
    /// first data (the terms are taken then) or after the image closed. Returns 1 if it did.</summary>
    internal int Prefault(bool idle)
    {
        if (IsClosed) return 0;
        if (_ipc != null) return _prefault.Advance(_ipc.Terms, TermLength, PositionBitsToShift, Volatile.Read(ref *_ipc.Tail), idle);
        var terms = _terms;
        return terms == null ? 0 : _prefault.Advance((byte*)Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(terms)),
            TermLength, PositionBitsToShift, _highWaterMark, idle);
    }

    /// <summary>Whether the image has waited in the pending pool (not admitted) past its timeout; keeps the pool's clock.</summary>
    private bool PendingExpired(long now)
    {
        if (_admitted) PendingSince = 0;
        else if (PendingSince == 0) PendingSince = now;
        else if (now - PendingSince > _transport.Options.PendingImageTimeoutNanos) return true;
        return false;
    }

    internal int DoWork(long now, Span<byte> scratch)
    {
        if (IsClosed) return 0;
        if (_ipc != null) return DoIpc(now, _ipc);
        var options = _transport.Options;
        int work = 0;
        if (now - _lastPacketNanos > options.ImageLivenessTimeoutNanos)
        {
            Close(ImageCloseReason.Timeout);
            return 1;
        }
        if (PendingExpired(now))
        {
            Evict();
            return 1;
        }
        if (_rebuildPosition < _highWaterMark) work += CheckGap(now, scratch, options);
        else _gapPosition = -1;

        long subscriber = Volatile.Read(ref _subscriberPosition);
        if (_endOfStreamPosition != long.MaxValue && subscriber >= _endOfStreamPosition && _rebuildPosition >= _endOfStreamPosition)
        {
            if (!_endOfStreamSmSent)
            {
                SendStatus(now, scratch, subscriber, StatusMessageFrame.EndOfStreamFlag);
                _endOfStreamSmSent = true;
                Close(ImageCloseReason.EndOfStream);
                Endpoint!.StartCoolDown(SessionId, StreamId, now);
            }
            return work + 1;
        }
        if (_smNow || now - _lastSmNanos >= options.StatusMessageIntervalNanos || subscriber - _lastSmPosition > _receiverWindow / 4)
        {
            SendStatus(now, scratch, subscriber, 0);
            work++;
        }
        return work;
    }

    internal void RequestStatusMessage() => _smNow = true;

    private void SendStatus(long now, Span<byte> scratch, long position, byte flags)
    {
        int length = StatusMessageFrame.Write(scratch, flags, SessionId, StreamId,
            TermPosition.TermId(position, InitialTermId, PositionBitsToShift), TermPosition.TermOffset(position, PositionBitsToShift),
            _receiverWindow, Endpoint!.ReceiverId);
        if (Endpoint!.Send(scratch[..length], Source)) _transport.Counters.StatusMessagesSentValue++;
        _lastSmNanos = now;
        _lastSmPosition = position;
        _smNow = false;
    }

    private int CheckGap(long now, Span<byte> scratch, TransportOptions options)
    {
        long gap = _rebuildPosition;
        if (gap != _gapPosition)
        {
            _gapPosition = gap;
            _gapSeenNanos = now;
            _gapNaked = false;
        }
        long due = _gapNaked ? _lastNakNanos + options.NakRetryIntervalNanos : _gapSeenNanos + options.NakDelayNanos;
        if (now < due) return 0;

        int termOffset = (int)(gap & (TermLength - 1));
        long termEnd = gap - termOffset + TermLength;
        long end = Math.Min(_highWaterMark, termEnd);
        long scan = gap + Framing.Alignment;
        var terms = _terms!;
        while (scan < end && Volatile.Read(ref Unsafe.As<byte, int>(ref terms[PartitionOffset(scan)])) == 0) scan += Framing.Alignment;
        int length = (int)(Math.Min(scan, end) - gap);
        int written = NakFrame.Write(scratch, SessionId, StreamId, TermPosition.TermId(gap, InitialTermId, PositionBitsToShift), termOffset, length);
        if (Endpoint!.Send(scratch[..written], Source)) _transport.Counters.NaksSentValue++;
        _lastNakNanos = now;
        _gapNaked = true;
        return 1;
    }

    // ---- subscriber side ----

    /// <summary>Delivers up to <paramref name="fragmentLimit"/> fragments in order; a fragmented message is
    /// delivered once, whole, when its last fragment is read.</summary>
    internal int Poll<THandler>(ref THandler handler, int fragmentLimit) where THandler : ISubscriptionHandler
    {
        // Once the subscriber has seen the image go it never reads the terms again: they may already serve another image.
        if (UnavailableDelivered) return 0;
        if (_ipc != null) return PollIpc(ref handler, fragmentLimit, _ipc);
        var terms = Volatile.Read(ref _terms);
        if (terms == null) return 0;
        long position = _subscriberPosition;
        int fragments = 0;
        long start = position;
        while (fragments < fragmentLimit)
        {
            int at = PartitionOffset(position);
            int termOffset = (int)(position & (TermLength - 1));
            int frameLength = Volatile.Read(ref Unsafe.As<byte, int>(ref terms[at]));
            if (frameLength == 0) break;
            int aligned = Framing.Align(frameLength);
            if (frameLength < DataFrame.HeaderLength || aligned > TermLength - termOffset)
            {
                Close(ImageCloseReason.Corrupt);
                _transport.Counters.Drop(DropReason.CorruptTerm);
                break;
            }
            var frame = terms.AsSpan(at, frameLength);
            short type = BinaryPrimitives.ReadInt16LittleEndian(frame[FrameHeader.TypeOffset..]);
            if (type == (short)FrameType.Data)
            {
                fragments++;
                Deliver(ref handler, frame, position + aligned);
                terms.AsSpan(at, aligned).Clear();
            }
            else
            {
                terms.AsSpan(at, DataFrame.HeaderLength).Clear();
            }
            position += aligned;
        }
        if (position != start) Volatile.Write(ref _subscriberPosition, position);
        return fragments;
    }

    private void Deliver<THandler>(ref THandler handler, ReadOnlySpan<byte> frame, long positionAfter) where THandler : ISubscriptionHandler
    {
        byte flags = frame[FrameHeader.FlagsOffset];
        var payload = frame[DataFrame.PayloadOffset..];
        if ((flags & DataFrame.UnfragmentedFlags) == DataFrame.UnfragmentedFlags)
        {
            _assembled = -1;
            _messagesDelivered++;
            handler.OnMessage(payload, this, positionAfter);
            return;
        }
        if ((flags & DataFrame.BeginFlag) != 0) _assembled = 0;
        else if (_assembled < 0) return; // joined mid-message: wait for the next BEGIN
        _assembly ??= new byte[Framing.MaxMessageLength(TermLength)];
        if (_assembled + payload.Length > _assembly.Length)
        {
            _assembled = -1;
            return;
        }
        payload.CopyTo(_assembly.AsSpan(_assembled));
        _assembled += payload.Length;
        if ((flags & DataFrame.EndFlag) != 0)
        {
            int length = _assembled;
            _assembled = -1;
            _messagesDelivered++;
            handler.OnMessage(_assembly.AsSpan(0, length), this, positionAfter);
        }
    }

    // ---- ipc ----

    private long _nextIpcCheck;
    private bool _publisherGone;

    /// <summary>Subscriber side: delivers the frames below the publisher's tail, each zeroed once consumed, and publishes
    /// the position (after the zeroing: the publisher writes there again only once it sees it). A frame the publisher
    /// could not have written (a bad length, one crossing its term or the tail, a tail beyond the publisher's window)
    /// closes the image as corrupt; nothing past it is read.</summary>
    private int PollIpc<THandler>(ref THandler handler, int fragmentLimit, IpcLog log) where THandler : ISubscriptionHandler
    {
        // A closed subscription reads no more: its claim is handed back, and another subscriber may take the stream on.
        if (CloseReason == ImageCloseReason.Closed) return 0;
        long position = _subscriberPosition;
        if (*log.Parked != 0) Volatile.Write(ref *log.Parked, 0); // awake: publishers need not ring
        long tail = Volatile.Read(ref *log.Tail);
        if (tail <= position) return 0;
        if (tail - position > _termWindow) return CorruptIpc();
        byte* terms = log.Terms;
        int fragments = 0;
        while (fragments < fragmentLimit && position < tail)
        {
            int at = PartitionOffset(position);
            int termOffset = (int)(position & (TermLength - 1));
            byte* start = terms + at;
            int frameLength = *(int*)start;
            int aligned = Framing.Align(frameLength);
            if (frameLength < DataFrame.HeaderLength || aligned > TermLength - termOffset || aligned > tail - position)
            {
                if (position != _subscriberPosition) Publish(log, position);
                return fragments + CorruptIpc();
            }
            var frame = new ReadOnlySpan<byte>(start, frameLength);
            short type = BinaryPrimitives.ReadInt16LittleEndian(frame[FrameHeader.TypeOffset..]);
            if (type == (short)FrameType.Data)
            {
                fragments++;
                Deliver(ref handler, frame, position + aligned);
                new Span<byte>(start, aligned).Clear();
            }
            else
            {
                new Span<byte>(start, DataFrame.HeaderLength).Clear();
            }
            position += aligned;
        }
        Publish(log, position);
        return fragments;
    }

    /// <summary>Agent side, before a park: asks the publisher to ring the doorbell with its next message, then looks at
    /// the tail once more (after a full fence, so either the publisher sees the request or this sees its message).
    /// True if a message is already there for the subscriber.</summary>
    internal bool ArmDoorbell()
    {
        var log = _ipc;
        if (log == null || IsClosed || _ipcReleased) return false;
        Volatile.Write(ref *log.Parked, 1);
        Interlocked.MemoryBarrier();
        return Volatile.Read(ref *log.Tail) > Volatile.Read(ref _subscriberPosition);
    }

    private void Publish(IpcLog log, long position)
    {
        Volatile.Write(ref _subscriberPosition, position);
        Volatile.Write(ref *log.SubscriberPosition, position);
    }

    private int CorruptIpc()
    {
        Close(ImageCloseReason.Corrupt);
        _transport.Counters.Drop(DropReason.CorruptTerm);
        return 0;
    }

    /// <summary>Agent side, every heartbeat interval: the subscriber's sign of life for the publisher; whether the publisher
    /// lives (its lock); the end of its stream once everything before it was consumed; the pending pool's timeout.</summary>
    private int DoIpc(long now, IpcLog log)
    {
        if (now < _nextIpcCheck) return 0;
        _nextIpcCheck = now + _transport.Options.HeartbeatIntervalNanos;
        Volatile.Write(ref *log.SubscriberHeartbeat, NanoClock.Now());
        if (PendingExpired(now))
        {
            Evict();
            return 1;
        }
        long consumed = Volatile.Read(ref _subscriberPosition);
        if (Volatile.Read(ref *log.EndOfStream) != 0 && consumed >= Volatile.Read(ref *log.Tail))
        {
            Close(ImageCloseReason.EndOfStream);
            return 1;
        }
        if (!log.PublisherAlive())
        {
            // Killed or exited without closing: what it offered is still delivered (the subscriber's last poll), then the image goes.
            _publisherGone = true;
            Close(ImageCloseReason.Timeout);
            return 1;
        }
        Volatile.Write(ref _lastPacketNanos, now);
        return 0;
    }

    /// <summary>The image is gone: the claim is handed back (a publisher still there sees no subscriber), the log unmapped,
    /// and its file removed if its publisher died without doing so.</summary>
    private void ReleaseIpc(IpcLog log)
    {
        if (_ipcReleased) return;
        ReleaseIpcClaim();
        _ipcReleased = true;
        log.Dispose();
        if (_publisherGone) log.Unlink();
    }

    /// <summary>Agent side: tells the publisher this subscriber is gone (its subscription closed), before the log is unmapped.</summary>
    internal void ReleaseIpcClaim()
    {
        if (_ipc == null || _claimReleased || _ipcReleased) return;
        _claimReleased = true;
        if (!_publisherGone) Volatile.Write(ref *_ipc.Claim, 0);
    }

    private bool _ipcReleased, _claimReleased;
}
