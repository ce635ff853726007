// A publication: one stream of messages to one unicast endpoint. The application thread appends messages to
// the term buffers (Offer); the transport's agent sends them (SETUP until a receiver answers, then DATA within
// the receiver's window, heartbeats when idle, retransmits on NAK, end of stream on close).
//
// Threading: Offer/Close from one application thread; everything else from the agent. They share the term
// buffers, the tail (published by Offer with a release store after the frames are written) and the publisher
// limit, connection flag and sender position (published by the agent).
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Exchange.Transport;

/// <summary>Offer results below zero, with Aeron's values.</summary>
public static class OfferResult
{
    /// <summary>No receiver has joined and the data that may wait for one (half a term) is full.</summary>
    public const long NotConnected = -1;
    /// <summary>The receiver's window (or the half term ahead of the sender) is full: try again after a duty cycle.</summary>
    public const long BackPressured = -2;
    public const long Closed = -4;
    /// <summary>The stream has reached the largest position its term ids can express.</summary>
    public const long MaxPositionExceeded = -5;

    public static string Describe(long result) => result switch
    {
        >= 0 => "ok",
        NotConnected => "not connected",
        BackPressured => "back pressured",
        Closed => "closed",
        MaxPositionExceeded => "max position exceeded",
        _ => $"unknown ({result})",
    };
}

public sealed unsafe class Publication
{
    internal const int PartitionCount = 3;
    private const int MaxReceivers = 8;
    private const int RetransmitSlots = 16;

    /// <summary>A udp publication's terms: a pinned array, so <see cref="_termBase"/> stays valid while it is referenced here.</summary>
    private readonly byte[]? _terms;
    /// <summary>The first byte of the three terms: the pinned array's, or the ipc log's mapping.</summary>
    private readonly byte* _termBase;
    /// <summary>An ipc publication's log (null for udp).</summary>
    private readonly IpcLog? _ipc;
    private readonly Transport _transport;
    /// <summary>A udp publication's socket (null for ipc).</summary>
    internal readonly SendChannelEndpoint? Endpoint;
    public readonly int TermLength;
    public readonly int PositionBitsToShift;
    public readonly int Mtu;
    public readonly int InitialTermId;
    private readonly int _termWindow;
    private readonly long _maxPosition;
    private readonly long _lingerNanos;

    // Application side.
    private long _tail;
    private long _messagesOffered;

    // Shared: written by the agent, read by the application. Offer may run half a term ahead of the sender.
    private int _connected;
    private int _closeRequested;
    private int _closed;
    private long _senderPositionShared;

    // Agent side.
    private long _senderPosition;
    private long _senderLimit;
    private long _lastDataSendNanos;
    private long _lastSetupNanos;
    private bool _sendSetupNow = true;
    // As Aeron's sender: SETUP repeats only until the first receiver answers, or while a receiver has asked for it
    // (SEND_SETUP) and none has answered since. A publication whose receivers left keeps heartbeating instead, so a
    // receiver that comes back asks for SETUP itself; a receiver that is gone for good is not pestered.
    private bool _hasInitialConnection;
    private bool _setupElicited;
    private int _lastReceiverWindow = 128 * 1024;
    private long _lingerDeadline = -1;
    private long _closeStarted = -1;
    private readonly long[] _receiverIds = new long[MaxReceivers];
    private readonly long[] _receiverLastSeen = new long[MaxReceivers];
    private int _receiverCount;
    private readonly int[] _retransmitTermIds = new int[RetransmitSlots];
    private readonly int[] _retransmitOffsets = new int[RetransmitSlots];
    private readonly long[] _retransmitTimes = new long[RetransmitSlots];
    private int _retransmitNext;

    internal Publication(Transport transport, SendChannelEndpoint? endpoint, ChannelUri channel, int streamId, int sessionId, int initialTermId,
        string? ipcDirectory = null)
    {
        if (!TermPosition.IsValidTermLength(channel.TermLength)) throw new ArgumentException($"term-length {channel.TermLength} is not a power of two in 64k..1g");
        if (!Framing.IsValidMtu(channel.Mtu)) throw new ArgumentException($"mtu {channel.Mtu} is not a multiple of 32 in {Framing.MinMtu}..{Framing.MaxMtu}");
        if (channel.Mtu > channel.TermLength / 2) throw new ArgumentException($"mtu {channel.Mtu} exceeds half the term length");
        _transport = transport;
        Endpoint = endpoint;
        Channel = channel;
        StreamId = streamId;
        SessionId = sessionId;
        InitialTermId = initialTermId;
        TermLength = channel.TermLength;
        PositionBitsToShift = TermPosition.PositionBitsToShift(TermLength);
        Mtu = channel.Mtu;
        MaxMessageLength = Framing.MaxMessageLength(TermLength);
        _termWindow = TermLength / 2;
        _maxPosition = ((long)int.MaxValue << PositionBitsToShift) - MaxMessageLength * 2L;
        _lingerNanos = channel.LingerNanoseconds ?? transport.Options.PublicationLingerNanos;
        if (ipcDirectory != null)
        {
            _ipc = IpcLog.Create(ipcDirectory, streamId, sessionId, initialTermId, TermLength, Mtu);
            _termBase = _ipc.Terms;
        }
        else
        {
            _terms = GC.AllocateArray<byte>(TermLength * PartitionCount, pinned: true);
            _termBase = (byte*)Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_terms));
        }
        _prefault.Start(0, TermLength);
    }

    public ChannelUri Channel { get; }
    public int StreamId { get; }
    public int SessionId { get; }
    public int MaxMessageLength { get; }
    public int MaxPayloadPerFrame => Mtu - DataFrame.HeaderLength;

    /// <summary>A receiver has answered and is live (its status messages arrive within the receiver timeout).</summary>
    public bool IsConnected => Volatile.Read(ref _connected) != 0;
    public bool IsClosed => Volatile.Read(ref _closeRequested) != 0;
    /// <summary>Closed and done lingering: the transport has let go of it.</summary>
    public bool IsFinished => Volatile.Read(ref _closed) != 0;
    /// <summary>The position after the last message offered.</summary>
    public long Position => Volatile.Read(ref _tail);
    /// <summary>How far the transport has sent.</summary>
    public long SenderPosition => Volatile.Read(ref _senderPositionShared);
    public long MessagesOffered => Volatile.Read(ref _messagesOffered);

    /// <summary>
    /// Appends one message (fragmented if longer than mtu − 32) and returns the stream position after it, or an
    /// <see cref="OfferResult"/> below zero. Before any receiver has joined, up to half a term waits to be sent
    /// to the first one (Aeron refuses with NOT_CONNECTED instead); a message longer than
    /// <see cref="MaxMessageLength"/> is a programming error and throws.
    /// </summary>
    public long Offer(ReadOnlySpan<byte> message)
    {
        if (Volatile.Read(ref _closeRequested) != 0) return OfferResult.Closed;
        if (message.Length > MaxMessageLength)
            throw new ArgumentException($"message of {message.Length} bytes exceeds the stream's maximum of {MaxMessageLength}");
        long position = _tail;
        int termOffset = (int)(position & (TermLength - 1));
        int required = Framing.RequiredTermLength(message.Length, Mtu);
        var placement = Framing.Place(termOffset, TermLength, message.Length, Mtu);
        int padLength = placement.Fits ? 0 : placement.PadLength;
        long newPosition = position + padLength + required;
        // udp: half a term ahead of what the agent has sent; ipc: of what the subscriber has consumed (and zeroed).
        long consumed = _ipc == null ? Volatile.Read(ref _senderPositionShared) : Volatile.Read(ref *_ipc.SubscriberPosition);
        if (newPosition > consumed + _termWindow)
            return Volatile.Read(ref _connected) != 0 ? OfferResult.BackPressured : OfferResult.NotConnected;
        if (newPosition > _maxPosition) return OfferResult.MaxPositionExceeded;

        if (padLength > 0)
        {
            var pad = TermSlice(position, DataFrame.HeaderLength);
            DataFrame.WritePad(pad, termOffset, SessionId, StreamId, TermIdOf(position), padLength);
            position += padLength;
            termOffset = 0;
        }
        int termId = TermIdOf(position);
        var term = TermSlice(position, required);
        int written = 0;
        foreach (var fragment in new FragmentPlan(message.Length, Mtu))
        {
            DataFrame.WriteData(term[written..], termOffset + written, SessionId, StreamId, termId, fragment.Flags,
                message.Slice(fragment.PayloadOffset, fragment.PayloadLength));
            written += fragment.AlignedFrameLength;
        }
        _messagesOffered++;
        Volatile.Write(ref _tail, newPosition);
        // The subscriber reads up to the tail: every frame before it is whole once this store is seen.
        if (_ipc != null)
        {
            Volatile.Write(ref *_ipc.Tail, newPosition);
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref *_ipc.Parked) != 0) Ring(_ipc);
        }
        return newPosition;
    }

    /// <summary>Stops accepting messages; the transport sends what was offered, then lingers with end-of-stream
    /// heartbeats until every receiver has left or the linger expires.</summary>
    public void Close() => Volatile.Write(ref _closeRequested, 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> TermSlice(long position, int length)
    {
        int partition = (int)((position >>> PositionBitsToShift) % PartitionCount);
        int offset = (int)(position & (TermLength - 1));
        return new Span<byte>(_termBase + partition * TermLength + offset, length);
    }

    private int TermIdOf(long position) => TermPosition.TermId(position, InitialTermId, PositionBitsToShift);

    // ---- agent side ----

    private TermPrefault _prefault;

    /// <summary>Faults the terms in ahead of what has been offered (<see cref="TermPrefault"/>); returns 1 if it did.</summary>
    internal int Prefault(bool idle) =>
        IsFinished ? 0 : _prefault.Advance(_termBase, TermLength, PositionBitsToShift, Volatile.Read(ref _tail), idle); // an ipc log is unmapped once finished

    /// <summary>One duty cycle for this publication: setup, data, heartbeat, liveness and linger.</summary>
    internal int DoSend(long now, Span<byte> scratch)
    {
        if (_ipc != null) return DoIpc(now, _ipc);
        int work = 0;
        var options = _transport.Options;
        CheckReceiverLiveness(now, options.ReceiverTimeoutNanos);

        if (_sendSetupNow || ((!_hasInitialConnection || _setupElicited) && now - _lastSetupNanos >= options.SetupIntervalNanos))
        {
            SendSetup(now, scratch);
            work++;
        }

        long tail = Volatile.Read(ref _tail);
        if (_receiverCount > 0) work += SendData(now, tail, options.MaxDatagramsPerPublicationCycle);
        if (_hasInitialConnection && now - _lastDataSendNanos >= options.HeartbeatIntervalNanos)
        {
            SendHeartbeat(now, scratch, endOfStream: _lingerDeadline >= 0);
            work++;
        }
        Volatile.Write(ref _senderPositionShared, _senderPosition);

        if (Volatile.Read(ref _closeRequested) != 0)
        {
            if (_closeStarted < 0) _closeStarted = now;
            bool drained = _senderPosition >= tail;
            if (drained && _lingerDeadline < 0 && _receiverCount > 0)
            {
                _lingerDeadline = now + _lingerNanos;
                SendHeartbeat(now, scratch, true);
                work++;
            }
            // Done when it has lingered (until every receiver left or the linger ran out), or when nobody is there:
            // at once if nothing is unsent, else after waiting up to the linger for a receiver to take what was
            // offered (a reply on a stream opened just before its close must still reach the first receiver).
            bool lingered = _lingerDeadline >= 0 && (now >= _lingerDeadline || _receiverCount == 0);
            bool abandoned = _receiverCount == 0 && (drained || now - _closeStarted >= _lingerNanos);
            if (lingered || abandoned)
            {
                Volatile.Write(ref _closed, 1);
                work++;
            }
        }
        return work;
    }

    private void CheckReceiverLiveness(long now, long timeout)
    {
        for (int i = _receiverCount - 1; i >= 0; i--)
        {
            if (now - _receiverLastSeen[i] <= timeout) continue;
            RemoveReceiverAt(i);
            _transport.Counters.ReceiversTimedOutValue++;
        }
    }

    private void RemoveReceiverAt(int i)
    {
        _receiverCount--;
        _receiverIds[i] = _receiverIds[_receiverCount];
        _receiverLastSeen[i] = _receiverLastSeen[_receiverCount];
        if (_receiverCount == 0) Volatile.Write(ref _connected, 0);
    }

    private void SendSetup(long now, Span<byte> scratch)
    {
        int length = SetupFrame.Write(scratch, (int)(_senderPosition & (TermLength - 1)), SessionId, StreamId, InitialTermId,
            TermIdOf(_senderPosition), TermLength, Mtu, Channel.Ttl ?? 0);
        if (Endpoint!.Send(scratch[..length])) _transport.Counters.SetupsSentValue++;
        _lastSetupNanos = now;
        _sendSetupNow = false;
    }

    private void SendHeartbeat(long now, Span<byte> scratch, bool endOfStream)
    {
        DataFrame.WriteHeartbeat(scratch, (int)(_senderPosition & (TermLength - 1)), SessionId, StreamId, TermIdOf(_senderPosition), endOfStream);
        if (Endpoint!.Send(scratch[..DataFrame.HeaderLength])) _transport.Counters.HeartbeatsSentValue++;
        _lastDataSendNanos = now;
    }

    /// <summary>Sends frames from the sender position up to the tail and the flow-control limit, whole frames of
    /// one term per datagram, at most mtu bytes each.</summary>
    private int SendData(long now, long tail, int maxDatagrams)
    {
        int datagrams = 0;
        long limit = Math.Min(tail, _senderLimit);
        var counters = _transport.Counters;
        while (_senderPosition < limit && datagrams < maxDatagrams)
        {
            int length = DatagramLength(_senderPosition, limit, out long advance, out int frames);
            if (length == 0) break;
            if (!Endpoint!.Send(TermSlice(_senderPosition, length)))
            {
                counters.SendFailuresValue++;
                break;
            }
            counters.DataFramesSentValue += frames;
            _senderPosition += advance;
            _lastDataSendNanos = now;
            datagrams++;
        }
        return datagrams;
    }

    /// <summary>The bytes of the next datagram from <paramref name="position"/>: whole frames, within one term, no
    /// further than <paramref name="limit"/>, at most mtu. A PAD ends the datagram with its header only, and the
    /// position then advances over the whole padding.</summary>
    private int DatagramLength(long position, long limit, out long advance, out int frames)
    {
        int partition = (int)((position >>> PositionBitsToShift) % PartitionCount);
        int termOffset = (int)(position & (TermLength - 1));
        var term = new Span<byte>(_termBase + partition * TermLength, TermLength);
        int length = 0;
        advance = 0;
        frames = 0;
        int offset = termOffset;
        while (offset < TermLength)
        {
            int frameLength = BinaryPrimitives.ReadInt32LittleEndian(term[offset..]);
            short type = BinaryPrimitives.ReadInt16LittleEndian(term[(offset + FrameHeader.TypeOffset)..]);
            if (frameLength < DataFrame.HeaderLength) break; // never below the tail; a guard against a torn read
            int aligned = Framing.Align(frameLength);
            if (type == (short)FrameType.Pad)
            {
                // Only the PAD's header is sent, so only the header counts against the limit (as Aeron's sender
                // does); otherwise a window smaller than the padding would never let the stream reach the next term.
                if (position + advance + DataFrame.HeaderLength > limit || length + DataFrame.HeaderLength > Mtu) break;
                length += DataFrame.HeaderLength;
                advance += aligned;
                frames++;
                break;
            }
            if (position + advance + aligned > limit || length + aligned > Mtu) break;
            length += aligned;
            advance += aligned;
            offset += aligned;
            frames++;
        }
        return length;
    }

    /// <summary>A status message from a receiver: joins or refreshes it and raises the sender limit.</summary>
    internal void OnStatusMessage(in StatusMessageFrame sm, long now)
    {
        var counters = _transport.Counters;
        counters.StatusMessagesReceivedValue++;
        if (sm.IsSendSetup)
        {
            // A receiver that does not know this session (it restarted, or its image timed out): SETUP at once and
            // then every interval until a receiver answers; never once the stream is ending.
            if (Volatile.Read(ref _closeRequested) == 0) _sendSetupNow = _setupElicited = true;
            return;
        }
        int offset = sm.ConsumptionTermOffset;
        int window = sm.ReceiverWindow;
        if (offset < 0 || offset >= TermLength || !Framing.IsAligned(offset) || window < 0 || window > TermLength / 2)
        {
            counters.Drop(DropReason.InvalidStatusMessage);
            return;
        }
        long position = TermPosition.Compute(sm.ConsumptionTermId, offset, InitialTermId, PositionBitsToShift);
        if (Math.Abs(position - _senderPosition) > TermLength / 2)
        {
            counters.Drop(DropReason.InvalidStatusMessage);
            return;
        }
        int index = IndexOfReceiver(sm.ReceiverId);
        if (sm.IsEndOfStream)
        {
            if (index >= 0) RemoveReceiverAt(index);
            return;
        }
        if (index < 0)
        {
            if (_receiverCount == MaxReceivers) { counters.Drop(DropReason.InvalidStatusMessage); return; }
            index = _receiverCount++;
            _receiverIds[index] = sm.ReceiverId;
        }
        _receiverLastSeen[index] = now;
        _hasInitialConnection = true;
        _setupElicited = false;
        _senderLimit = Math.Max(_senderLimit, position + window);
        _lastReceiverWindow = window;
        Volatile.Write(ref _connected, 1);
    }

    private int IndexOfReceiver(long receiverId)
    {
        for (int i = 0; i < _receiverCount; i++)
            if (_receiverIds[i] == receiverId) return i;
        return -1;
    }

    /// <summary>A NAK: resend the frames of the gap it names, if still held and not resent within the linger.</summary>
    internal void OnNak(in NakFrame nak, long now)
    {
        var counters = _transport.Counters;
        counters.NaksReceivedValue++;
        int termId = nak.TermId, termOffset = nak.TermOffset, length = nak.GapLength;
        if (termOffset < 0 || termOffset >= TermLength || !Framing.IsAligned(termOffset) || length <= 0)
        {
            counters.Drop(DropReason.InvalidNak);
            return;
        }
        long position = TermPosition.Compute(termId, termOffset, InitialTermId, PositionBitsToShift);
        if (position >= _senderPosition || position < _senderPosition - _termWindow || position < 0)
        {
            counters.Drop(DropReason.InvalidNak);
            return;
        }
        var options = _transport.Options;
        for (int i = 0; i < RetransmitSlots; i++)
        {
            if (_retransmitTermIds[i] == termId && _retransmitOffsets[i] == termOffset && _retransmitTimes[i] != 0
                && now - _retransmitTimes[i] < options.RetransmitLingerNanos)
            {
                counters.NaksSuppressedValue++;
                return;
            }
        }
        _retransmitTermIds[_retransmitNext] = termId;
        _retransmitOffsets[_retransmitNext] = termOffset;
        _retransmitTimes[_retransmitNext] = now;
        _retransmitNext = (_retransmitNext + 1) % RetransmitSlots;

        long end = Math.Min(_senderPosition, position + Math.Min(length, options.RetransmitWindows * _lastReceiverWindow));
        end = Math.Min(end, position - termOffset + TermLength);
        if (!IsFrameOfStream(position, termId, termOffset))
        {
            counters.Drop(DropReason.InvalidNak);
            return;
        }
        while (position < end)
        {
            int datagram = DatagramLength(position, end, out long advance, out _);
            if (datagram == 0 || !Endpoint!.Send(TermSlice(position, datagram))) break;
            counters.RetransmitsValue++;
            counters.RetransmittedBytesValue += datagram;
            position += advance;
        }
    }

    /// <summary>Whether a DATA or PAD frame of this stream starts at <paramref name="position"/>: a NAK must name a frame boundary.</summary>
    private bool IsFrameOfStream(long position, int termId, int termOffset)
    {
        var header = TermSlice(position, DataFrame.HeaderLength);
        return BinaryPrimitives.ReadInt32LittleEndian(header[DataFrame.TermOffsetOffset..]) == termOffset
            && BinaryPrimitives.ReadInt32LittleEndian(header[DataFrame.TermIdOffset..]) == termId
            && BinaryPrimitives.ReadInt32LittleEndian(header[DataFrame.SessionIdOffset..]) == SessionId
            && BinaryPrimitives.ReadInt32LittleEndian(header) >= DataFrame.HeaderLength;
    }

    /// <summary>Answers a round-trip measurement that asks for a reply.</summary>
    internal void OnRttMeasurement(in RttMeasurementFrame rttm, Span<byte> scratch)
    {
        if (!rttm.IsReplyRequested) return;
        int length = RttMeasurementFrame.WriteReply(scratch, rttm);
        if (Endpoint!.Send(scratch[..length])) _transport.Counters.RttmRepliesValue++;
    }

    // ---- ipc (agent side) ----

    private long _nextIpcCheck;
    private bool _ipcHadSubscriber;

    /// <summary>An ipc publication's duty cycle: nothing to send (the subscriber reads the log in place); every heartbeat
    /// interval, whether a subscriber is there and live (its heartbeat within the receiver timeout); on close, end of
    /// stream and, once the subscriber has consumed everything or left (or the linger ran out), the log let go. While
    /// closing it checks every cycle.</summary>
    private int DoIpc(long now, IpcLog log)
    {
        bool closing = Volatile.Read(ref _closeRequested) != 0;
        if (now < _nextIpcCheck && !closing) return 0;
        _nextIpcCheck = now + _transport.Options.HeartbeatIntervalNanos;
        long claim = Volatile.Read(ref *log.Claim);
        OpenBell(log, claim);
        bool live = claim != 0 && NanoClock.Now() - Volatile.Read(ref *log.SubscriberHeartbeat) <= _transport.Options.ReceiverTimeoutNanos;
        if (live != (Volatile.Read(ref _connected) != 0)) Volatile.Write(ref _connected, live ? 1 : 0);
        long consumed = Volatile.Read(ref *log.SubscriberPosition);
        Volatile.Write(ref _senderPositionShared, consumed);
        if (!closing) return 0;
        if (_closeStarted < 0)
        {
            _closeStarted = now;
            Volatile.Write(ref *log.EndOfStream, 1);
        }
        // Done once everything offered was consumed, or the linger ran out, or a subscriber that was there left: as a udp
        // publication, one closed just after its offer (a reject, a challenge) waits up to the linger for its first
        // subscriber to find the log and take what it holds.
        long tail = Volatile.Read(ref _tail);
        if (live) _ipcHadSubscriber = true;
        if (consumed < tail && now - _closeStarted < _lingerNanos && (live || !_ipcHadSubscriber)) return 0;
        if (Volatile.Read(ref _closed) != 0) return 0;
        OpenBell(log, 0);
        log.Dispose();
        log.Unlink();
        Volatile.Write(ref _closed, 1);
        return 1;
    }

    /// <summary>The subscriber parked waiting for this message: wakes it (once: whoever clears the word rings).</summary>
    private void Ring(IpcLog log)
    {
        int bell = Volatile.Read(ref _bell);
        if (bell < 0 || Interlocked.Exchange(ref *log.Parked, 0) == 0) return;
        byte one = 1;
        IpcNative.write(bell, &one, 1); // a full pipe already wakes it
    }

    /// <summary>The write end of the subscriber's doorbell (-1 until opened), and the claim it was opened for.</summary>
    private int _bell = -1;
    private long _bellClaim;
    private readonly List<int> _retiredBells = [];

    /// <summary>Agent side: opens the doorbell of the subscriber that claimed the log (again when another one does).</summary>
    private void OpenBell(IpcLog log, long claim)
    {
        if (claim == _bellClaim && _bell >= 0) return;
        if (_bell >= 0)
        {
            // Offer may be ringing it on the application thread now: it is closed only once the publication is done
            // (no Offer can run then), never while a descriptor number it holds could be given to another file.
            _retiredBells.Add(_bell);
            Volatile.Write(ref _bell, -1);
        }
        _bellClaim = claim;
        if (claim == 0)
        {
            if (Volatile.Read(ref _closeRequested) != 0)
            {
                foreach (int retired in _retiredBells) IpcNative.close(retired);
                _retiredBells.Clear();
            }
            return;
        }
        string path = IpcLog.BellPath(System.IO.Path.GetDirectoryName(log.Path)!, StreamId);
        int fd = IpcNative.open(path, IpcNative.OWriteOnly | IpcNative.ONonBlocking | IpcNative.OCloseOnExec, 0);
        if (fd >= 0) Volatile.Write(ref _bell, fd);
        else _bellClaim = -1; // not there (yet): tried again at the next check
    }

    /// <summary>Lets go of an ipc log on the transport's disposal (the file goes: nobody will write it again).</summary>
    internal void ReleaseIpc()
    {
        if (_ipc == null || Volatile.Read(ref _closed) != 0) return;
        OpenBell(_ipc, 0);
        _ipc.Dispose();
        _ipc.Unlink();
        Volatile.Write(ref _closed, 1);
    }
}
