// The transport's timers and sizes. Defaults are Aeron's where the wire protocol fixes them.
namespace Exchange.Transport;

public sealed record TransportOptions
{
    /// <summary>A publication with no receiver repeats SETUP this often (Aeron: 100 ms).</summary>
    public long SetupIntervalNanos { get; init; } = 100 * NanoClock.Millisecond;
    /// <summary>A receiver sends a status message at least this often (Aeron: 200 ms).</summary>
    public long StatusMessageIntervalNanos { get; init; } = 200 * NanoClock.Millisecond;
    /// <summary>A publication with nothing to send heartbeats this often (Aeron: 100 ms).</summary>
    public long HeartbeatIntervalNanos { get; init; } = 100 * NanoClock.Millisecond;
    /// <summary>A receiver is live while its status messages arrive within this (Aeron: 5 s).</summary>
    public long ReceiverTimeoutNanos { get; init; } = 5 * NanoClock.Second;
    /// <summary>An image with no data or heartbeat for this long is dropped (Aeron: 10 s).</summary>
    public long ImageLivenessTimeoutNanos { get; init; } = 10 * NanoClock.Second;
    /// <summary>Delay before the first NAK of a new gap: long enough for a reordered datagram to arrive.</summary>
    public long NakDelayNanos { get; init; } = 20 * NanoClock.Microsecond;
    /// <summary>A gap that persists is NAKed again this often.</summary>
    public long NakRetryIntervalNanos { get; init; } = 1 * NanoClock.Millisecond;
    /// <summary>A NAK for the term offset last retransmitted within this is ignored (Aeron: 10 ms linger).</summary>
    public long RetransmitLingerNanos { get; init; } = 10 * NanoClock.Millisecond;
    /// <summary>A closed publication keeps heartbeating end-of-stream this long unless every receiver leaves sooner (Aeron: 5 s).</summary>
    public long PublicationLingerNanos { get; init; } = 5 * NanoClock.Second;
    /// <summary>SO_RCVBUF and SO_SNDBUF for every socket unless the channel sets its own.</summary>
    public int SocketBufferLength { get; init; } = 2 * 1024 * 1024;
    /// <summary>Most datagrams a publication sends in one duty cycle, so one stream cannot starve the others.</summary>
    public int MaxDatagramsPerPublicationCycle { get; init; } = 64;
    /// <summary>Most datagrams read from one socket in one duty cycle.</summary>
    public int MaxDatagramsPerReceiveCycle { get; init; } = 64;
    /// <summary>Retransmits for one NAK are capped at this many receiver windows.</summary>
    public int RetransmitWindows { get; init; } = 2;
}
