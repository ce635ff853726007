// Counters for operators. Written by the transport's agent thread only (plain stores of aligned longs),
// read by anyone; a reader may see a value one duty cycle old.
using System.Text;

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
}

public sealed class TransportCounters
{
    public static readonly int DropReasonCount = Enum.GetValues<DropReason>().Length;

    internal long BytesSentValue, BytesReceivedValue, DatagramsSentValue, DatagramsReceivedValue;
    internal long DataFramesSentValue, DataFramesReceivedValue, DuplicateFramesValue;
    internal long NaksSentValue, NaksReceivedValue, RetransmitsValue, RetransmittedBytesValue, NaksSuppressedValue;
    internal long SetupsSentValue, SetupsReceivedValue, StatusMessagesSentValue, StatusMessagesReceivedValue;
    internal long HeartbeatsSentValue, HeartbeatsReceivedValue, SendSetupsSentValue, RttmRepliesValue;
    internal long SendFailuresValue, ImagesAddedValue, ImagesRemovedValue, ImagesEvictedValue, ReceiversTimedOutValue;
    internal long TermBuffersAllocatedValue, TermBuffersReusedValue;
    internal readonly long[] DropsValue = new long[DropReasonCount];

    public long BytesSent => Volatile.Read(ref BytesSentValue);
    public long BytesReceived => Volatile.Read(ref BytesReceivedValue);
    public long DatagramsSent => Volatile.Read(ref DatagramsSentValue);
    public long DatagramsReceived => Volatile.Read(ref DatagramsReceivedValue);
    /// <summary>DATA frames sent for the first time (retransmits are counted apart).</summary>
    public long DataFramesSent => Volatile.Read(ref DataFramesSentValue);
    /// <summary>DATA frames written into an image (new data only).</summary>
    public long DataFramesReceived => Volatile.Read(ref DataFramesReceivedValue);
    /// <summary>DATA frames that arrived again after their position had been received.</summary>
    public long DuplicateFrames => Volatile.Read(ref DuplicateFramesValue);
    public long NaksSent => Volatile.Read(ref NaksSentValue);
    public long NaksReceived => Volatile.Read(ref NaksReceivedValue);
    /// <summary>NAKs ignored because the same offset was retransmitted within the linger.</summary>
    public long NaksSuppressed => Volatile.Read(ref NaksSuppressedValue);
    /// <summary>Datagrams resent in answer to NAKs.</summary>
    public long Retransmits => Volatile.Read(ref RetransmitsValue);
    public long RetransmittedBytes => Volatile.Read(ref RetransmittedBytesValue);
    public long SetupsSent => Volatile.Read(ref SetupsSentValue);
    public long SetupsReceived => Volatile.Read(ref SetupsReceivedValue);
    public long StatusMessagesSent => Volatile.Read(ref StatusMessagesSentValue);
    public long StatusMessagesReceived => Volatile.Read(ref StatusMessagesReceivedValue);
    public long HeartbeatsSent => Volatile.Read(ref HeartbeatsSentValue);
    public long HeartbeatsReceived => Volatile.Read(ref HeartbeatsReceivedValue);
    public long SendSetupsSent => Volatile.Read(ref SendSetupsSentValue);
    public long RttmReplies => Volatile.Read(ref RttmRepliesValue);
    /// <summary>Datagrams the socket would not take (buffer full or error); data is retried, control is not.</summary>
    public long SendFailures => Volatile.Read(ref SendFailuresValue);
    public long ImagesAdded => Volatile.Read(ref ImagesAddedValue);
    public long ImagesRemoved => Volatile.Read(ref ImagesRemovedValue);
    /// <summary>Images closed because they were never admitted: their pool was full, or their time ran out.</summary>
    public long ImagesEvicted => Volatile.Read(ref ImagesEvictedValue);
    public long ReceiversTimedOut => Volatile.Read(ref ReceiversTimedOutValue);
    /// <summary>Images' term buffers newly allocated, and taken again from images that had gone.</summary>
    public long TermBuffersAllocated => Volatile.Read(ref TermBuffersAllocatedValue);
    public long TermBuffersReused => Volatile.Read(ref TermBuffersReusedValue);

    public long Dropped(DropReason reason) => Volatile.Read(ref DropsValue[(int)reason]);

    public long DroppedTotal
    {
        get
        {
            long total = 0;
            for (int i = 0; i < DropsValue.Length; i++) total += Volatile.Read(ref DropsValue[i]);
            return total;
        }
    }

    internal void Drop(DropReason reason) => DropsValue[(int)reason]++;

    internal void Drop(FrameError error) => DropsValue[(int)error - 1]++; // DropReason's first values are FrameError's, less None

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
