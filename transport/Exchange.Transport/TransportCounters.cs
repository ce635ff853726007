// Counters for operators. Written by the transport's agent thread only (plain stores of aligned longs) into the
// process's counters file (Exchange.Runtime's CountersFile), read by anyone: exchange-stat and the metrics endpoint
// from outside, the process itself through these properties; a reader may see a value one duty cycle old.
using System.Text;
using Exchange.Runtime;

namespace Exchange.Transport;

/// <summary>Why a received datagram (or a frame in it) was not used.</summary>
public enum DropReason
{
    // The frame-level checks, one for one with FrameError (which has None at 0).
    TooShort = FrameError.TooShort - 1,
    UnsupportedVersion = FrameError.UnsupportedVersion - 1,
    UnknownType = FrameError.UnknownType - 1,
    UnexpectedType = FrameError.UnexpectedType - 1,
    BadLength = FrameError.BadLength - 1,
    Misaligned = FrameError.Misaligned - 1,
    CrossesTerm = FrameError.CrossesTerm - 1,
    InvalidTermLength = FrameError.InvalidTermLength - 1,
    InvalidMtu = FrameError.InvalidMtu - 1,
    /// <summary>Frames in one datagram that are not contiguous, mix terms or sessions, or leave bytes over.</summary>
    MalformedDatagram,
    /// <summary>DATA or SETUP for a stream no subscription here wants.</summary>
    NoSubscription,
    /// <summary>DATA for a session whose SETUP has not been seen: answered with SEND_SETUP.</summary>
    UnknownSession,
    /// <summary>DATA beyond the receiver's window, or from before the data still held.</summary>
    OutsideWindow,
    /// <summary>A status message the sender cannot accept (misaligned, outside the term, bad window, too far from its position).</summary>
    InvalidStatusMessage,
    /// <summary>A NAK for data not held, or not on a frame of the stream.</summary>
    InvalidNak,
    /// <summary>A control frame for a session this endpoint does not publish.</summary>
    UnknownPublication,
    /// <summary>A frame in the term buffer that does not describe a valid frame (the image is closed).</summary>
    CorruptTerm,
    /// <summary>A SETUP asking for a term longer than the receiver accepts (<see cref="TransportOptions.MaxReceiverTermLength"/>).</summary>
    TermLengthTooLarge,
    /// <summary>A frame for an existing image from an address other than the one that set it up.</summary>
    WrongSource,
    /// <summary>A SETUP for a new image while the endpoint holds as many as it may.</summary>
    ImageLimit,
    /// <summary>A SETUP for a new image from a source that started too many this second.</summary>
    ImageRateLimited,
    /// <summary>DATA of an unknown session not answered with SEND_SETUP: over the endpoint's rate.</summary>
    SendSetupRateLimited,
    /// <summary>An end-of-stream heartbeat of a session with no image here, or DATA or SETUP of a session whose stream
    /// ended here within the cool-down (<see cref="TransportOptions.ImageCoolDownNanos"/>): not asked for SETUP, no new image.</summary>
    EndedSession,
    /// <summary>A file in an ipc subscription's directory that is not a log it can read (bad metadata, a size that does
    /// not match, terms longer than the receiver accepts, an impossible position): left alone, not looked at again.</summary>
    InvalidIpcLog,
}

public sealed class TransportCounters
{
    public static readonly int DropReasonCount = Enum.GetValues<DropReason>().Length;

    private readonly Counter _bytesSent;
    private readonly Counter _bytesReceived;
    private readonly Counter _datagramsSent;
    private readonly Counter _datagramsReceived;
    private readonly Counter _receiveCalls;
    private readonly Counter _dataFramesSent;
    private readonly Counter _dataFramesReceived;
    private readonly Counter _duplicateFrames;
    private readonly Counter _naksSent;
    private readonly Counter _naksReceived;
    private readonly Counter _retransmits;
    private readonly Counter _retransmittedBytes;
    private readonly Counter _naksSuppressed;
    private readonly Counter _setupsSent;
    private readonly Counter _setupsReceived;
    private readonly Counter _statusMessagesSent;
    private readonly Counter _statusMessagesReceived;
    private readonly Counter _heartbeatsSent;
    private readonly Counter _heartbeatsReceived;
    private readonly Counter _sendSetupsSent;
    private readonly Counter _rttmReplies;
    private readonly Counter _sendFailures;
    private readonly Counter _imagesAdded;
    private readonly Counter _imagesRemoved;
    private readonly Counter _imagesEvicted;
    private readonly Counter _receiversTimedOut;
    private readonly Counter _termBuffersAllocated;
    private readonly Counter _termBuffersReused;
    private readonly Counter[] _drops = new Counter[DropReasonCount];
    private readonly CountersFile _file; // holds the counters' memory

    internal ref long BytesSentValue => ref _bytesSent.Ref;
    internal ref long BytesReceivedValue => ref _bytesReceived.Ref;
    internal ref long DatagramsSentValue => ref _datagramsSent.Ref;
    internal ref long DatagramsReceivedValue => ref _datagramsReceived.Ref;
    internal ref long ReceiveCallsValue => ref _receiveCalls.Ref;
    internal ref long DataFramesSentValue => ref _dataFramesSent.Ref;
    internal ref long DataFramesReceivedValue => ref _dataFramesReceived.Ref;
    internal ref long DuplicateFramesValue => ref _duplicateFrames.Ref;
    internal ref long NaksSentValue => ref _naksSent.Ref;
    internal ref long NaksReceivedValue => ref _naksReceived.Ref;
    internal ref long RetransmitsValue => ref _retransmits.Ref;
    internal ref long RetransmittedBytesValue => ref _retransmittedBytes.Ref;
    internal ref long NaksSuppressedValue => ref _naksSuppressed.Ref;
    internal ref long SetupsSentValue => ref _setupsSent.Ref;
    internal ref long SetupsReceivedValue => ref _setupsReceived.Ref;
    internal ref long StatusMessagesSentValue => ref _statusMessagesSent.Ref;
    internal ref long StatusMessagesReceivedValue => ref _statusMessagesReceived.Ref;
    internal ref long HeartbeatsSentValue => ref _heartbeatsSent.Ref;
    internal ref long HeartbeatsReceivedValue => ref _heartbeatsReceived.Ref;
    internal ref long SendSetupsSentValue => ref _sendSetupsSent.Ref;
    internal ref long RttmRepliesValue => ref _rttmReplies.Ref;
    internal ref long SendFailuresValue => ref _sendFailures.Ref;
    internal ref long ImagesAddedValue => ref _imagesAdded.Ref;
    internal ref long ImagesRemovedValue => ref _imagesRemoved.Ref;
    internal ref long ImagesEvictedValue => ref _imagesEvicted.Ref;
    internal ref long ReceiversTimedOutValue => ref _receiversTimedOut.Ref;
    internal ref long TermBuffersAllocatedValue => ref _termBuffersAllocated.Ref;
    internal ref long TermBuffersReusedValue => ref _termBuffersReused.Ref;
    internal ref long DropsValue(int reason) => ref _drops[reason].Ref;

    /// <summary>Counters in private memory (a transport whose process publishes none).</summary>
    public TransportCounters() : this(CountersFile.Private(128)) { }

    /// <summary>The transport's counters, added to <paramref name="file"/> (published when it is the process's counters
    /// file) with <paramref name="labels"/> (Prometheus form, e.g. <c>transport="engine"</c>).</summary>
    public TransportCounters(CountersFile file, string labels = "")
    {
        _file = file;
        _bytesSent = file.Add("transport_bytes_sent", CounterKind.Total, "Bytes sent", labels);
        _bytesReceived = file.Add("transport_bytes_received", CounterKind.Total, "Bytes received", labels);
        _datagramsSent = file.Add("transport_datagrams_sent", CounterKind.Total, "Datagrams sent", labels);
        _datagramsReceived = file.Add("transport_datagrams_received", CounterKind.Total, "Datagrams received", labels);
        _receiveCalls = file.Add("transport_receive_calls", CounterKind.Total, "System calls that read a socket (each reads up to a batch of datagrams, or finds none)", labels);
        _dataFramesSent = file.Add("transport_data_frames_sent", CounterKind.Total, "DATA frames sent for the first time (retransmits are counted apart).", labels);
        _dataFramesReceived = file.Add("transport_data_frames_received", CounterKind.Total, "DATA frames written into an image (new data only).", labels);
        _duplicateFrames = file.Add("transport_duplicate_frames", CounterKind.Total, "DATA frames that arrived again after their position had been received.", labels);
        _naksSent = file.Add("transport_naks_sent", CounterKind.Total, "Naks sent", labels);
        _naksReceived = file.Add("transport_naks_received", CounterKind.Total, "Naks received", labels);
        _retransmits = file.Add("transport_retransmits", CounterKind.Total, "Datagrams resent in answer to NAKs.", labels);
        _retransmittedBytes = file.Add("transport_retransmitted_bytes", CounterKind.Total, "Retransmitted bytes", labels);
        _naksSuppressed = file.Add("transport_naks_suppressed", CounterKind.Total, "NAKs ignored because the same offset was retransmitted within the linger.", labels);
        _setupsSent = file.Add("transport_setups_sent", CounterKind.Total, "Setups sent", labels);
        _setupsReceived = file.Add("transport_setups_received", CounterKind.Total, "Setups received", labels);
        _statusMessagesSent = file.Add("transport_status_messages_sent", CounterKind.Total, "Status messages sent", labels);
        _statusMessagesReceived = file.Add("transport_status_messages_received", CounterKind.Total, "Status messages received", labels);
        _heartbeatsSent = file.Add("transport_heartbeats_sent", CounterKind.Total, "Heartbeats sent", labels);
        _heartbeatsReceived = file.Add("transport_heartbeats_received", CounterKind.Total, "Heartbeats received", labels);
        _sendSetupsSent = file.Add("transport_send_setups_sent", CounterKind.Total, "Send setups sent", labels);
        _rttmReplies = file.Add("transport_rttm_replies", CounterKind.Total, "Rttm replies", labels);
        _sendFailures = file.Add("transport_send_failures", CounterKind.Total, "Datagrams the socket would not take (buffer full or error); data is retried, control is not.", labels);
        _imagesAdded = file.Add("transport_images_added", CounterKind.Total, "Images added", labels);
        _imagesRemoved = file.Add("transport_images_removed", CounterKind.Total, "Images removed", labels);
        _imagesEvicted = file.Add("transport_images_evicted", CounterKind.Total, "Images closed because they were never admitted: their pool was full, or their time ran out.", labels);
        _receiversTimedOut = file.Add("transport_receivers_timed_out", CounterKind.Total, "Receivers timed out", labels);
        _termBuffersAllocated = file.Add("transport_term_buffers_allocated", CounterKind.Total, "Images' term buffers newly allocated, and taken again from images that had gone.", labels);
        _termBuffersReused = file.Add("transport_term_buffers_reused", CounterKind.Total, "Term buffers reused", labels);
        foreach (var reason in Enum.GetValues<DropReason>())
            _drops[(int)reason] = file.Add("transport_dropped", CounterKind.Total, "Frames or datagrams not used, by reason",
                (labels.Length == 0 ? "" : labels + ",") + $"reason=\"{ToSnakeCase(reason.ToString())}\"");
    }

    public long BytesSent => _bytesSent.Value;
    public long BytesReceived => _bytesReceived.Value;
    public long DatagramsSent => _datagramsSent.Value;
    public long DatagramsReceived => _datagramsReceived.Value;
    /// <summary>System calls that read a socket: each reads up to a batch of datagrams, or finds none.</summary>
    public long ReceiveCalls => _receiveCalls.Value;
    /// <summary>DATA frames sent for the first time (retransmits are counted apart).</summary>
    public long DataFramesSent => _dataFramesSent.Value;
    /// <summary>DATA frames written into an image (new data only).</summary>
    public long DataFramesReceived => _dataFramesReceived.Value;
    /// <summary>DATA frames that arrived again after their position had been received.</summary>
    public long DuplicateFrames => _duplicateFrames.Value;
    public long NaksSent => _naksSent.Value;
    public long NaksReceived => _naksReceived.Value;
    /// <summary>NAKs ignored because the same offset was retransmitted within the linger.</summary>
    public long NaksSuppressed => _naksSuppressed.Value;
    /// <summary>Datagrams resent in answer to NAKs.</summary>
    public long Retransmits => _retransmits.Value;
    public long RetransmittedBytes => _retransmittedBytes.Value;
    public long SetupsSent => _setupsSent.Value;
    public long SetupsReceived => _setupsReceived.Value;
    public long StatusMessagesSent => _statusMessagesSent.Value;
    public long StatusMessagesReceived => _statusMessagesReceived.Value;
    public long HeartbeatsSent => _heartbeatsSent.Value;
    public long HeartbeatsReceived => _heartbeatsReceived.Value;
    public long SendSetupsSent => _sendSetupsSent.Value;
    public long RttmReplies => _rttmReplies.Value;
    /// <summary>Datagrams the socket would not take (buffer full or error); data is retried, control is not.</summary>
    public long SendFailures => _sendFailures.Value;
    public long ImagesAdded => _imagesAdded.Value;
    public long ImagesRemoved => _imagesRemoved.Value;
    /// <summary>Images closed because they were never admitted: their pool was full, or their time ran out.</summary>
    public long ImagesEvicted => _imagesEvicted.Value;
    public long ReceiversTimedOut => _receiversTimedOut.Value;
    /// <summary>Images' term buffers newly allocated, and taken again from images that had gone.</summary>
    public long TermBuffersAllocated => _termBuffersAllocated.Value;
    public long TermBuffersReused => _termBuffersReused.Value;

    public long Dropped(DropReason reason) => _drops[(int)reason].Value;

    public long DroppedTotal
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _drops.Length; i++) total += _drops[i].Value;
            return total;
        }
    }

    internal void Drop(DropReason reason) => _drops[(int)reason].Ref++;

    internal void Drop(FrameError error) => _drops[(int)error - 1].Ref++; // DropReason's first values are FrameError's, less None

    /// <summary>Every counter as name=value pairs, one line (allocates; for logs and operator commands).</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in All()) text.Append(text.Length == 0 ? "" : " ").Append(name).Append('=').Append(value);
        return text.ToString();
    }

    /// <summary>Every counter by its operator-facing name (allocates).</summary>
    public IEnumerable<(string Name, long Value)> All()
    {
        yield return ("bytes_sent", BytesSent);
        yield return ("bytes_received", BytesReceived);
        yield return ("datagrams_sent", DatagramsSent);
        yield return ("datagrams_received", DatagramsReceived);
        yield return ("receive_calls", ReceiveCalls);
        yield return ("data_frames_sent", DataFramesSent);
        yield return ("data_frames_received", DataFramesReceived);
        yield return ("duplicate_frames", DuplicateFrames);
        yield return ("naks_sent", NaksSent);
        yield return ("naks_received", NaksReceived);
        yield return ("naks_suppressed", NaksSuppressed);
        yield return ("retransmits", Retransmits);
        yield return ("retransmitted_bytes", RetransmittedBytes);
        yield return ("setups_sent", SetupsSent);
        yield return ("setups_received", SetupsReceived);
        yield return ("status_messages_sent", StatusMessagesSent);
        yield return ("status_messages_received", StatusMessagesReceived);
        yield return ("heartbeats_sent", HeartbeatsSent);
        yield return ("heartbeats_received", HeartbeatsReceived);
        yield return ("send_setups_sent", SendSetupsSent);
        yield return ("rttm_replies", RttmReplies);
        yield return ("send_failures", SendFailures);
        yield return ("images_added", ImagesAdded);
        yield return ("images_removed", ImagesRemoved);
        yield return ("images_evicted", ImagesEvicted);
        yield return ("receivers_timed_out", ReceiversTimedOut);
        yield return ("term_buffers_allocated", TermBuffersAllocated);
        yield return ("term_buffers_reused", TermBuffersReused);
        foreach (var reason in Enum.GetValues<DropReason>())
            yield return ("dropped_" + ToSnakeCase(reason.ToString()), Dropped(reason));
    }

    private static string ToSnakeCase(string name)
    {
        var text = new StringBuilder();
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append('_');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
