// The transport's timers and sizes. Defaults are Aeron's where the wire protocol fixes them.
namespace Exchange.Transport;

public sealed record TransportOptions
{
    /// <summary>What every timer of the transport reads (SETUP, status, heartbeats, liveness, NAK delays, pending
    /// images): the system's monotonic clock, or a ManualClock that a test moves.</summary>
    public IClock Clock { get; init; } = SystemClock.Instance;
    /// <summary>Where the transport's counters go: the process's counters file (exchange-stat and the metrics endpoint read
    /// them there), labelled with <see cref="CountersLabels"/>; null keeps them private to the process.</summary>
    public CountersFile? Counters { get; init; }
    /// <summary>Prometheus-form labels for this transport's counters in a shared file, e.g. <c>transport="engines"</c>.</summary>
    public string CountersLabels { get; init; } = "";
    /// <summary>A publication repeats SETUP this often until its first receiver answers, and after a SEND_SETUP until a
    /// receiver answers again (Aeron: 100 ms). A publication whose receivers left heartbeats instead.</summary>
    public long SetupIntervalNanos { get; init; } = 100 * NanoClock.Millisecond;
    /// <summary>A receiver sends a status message at least this often (Aeron: 200 ms).</summary>
    public long StatusMessageIntervalNanos { get; init; } = 200 * NanoClock.Millisecond;
    /// <summary>A publication with nothing to send heartbeats this often (Aeron: 100 ms).</summary>
    public long HeartbeatIntervalNanos { get; init; } = 100 * NanoClock.Millisecond;
    /// <summary>A receiver is live while its status messages arrive within this (Aeron: 5 s).</summary>
    public long ReceiverTimeoutNanos { get; init; } = 5 * NanoClock.Second;
    /// <summary>An image with no data or heartbeat for this long is dropped (Aeron: 10 s).</summary>
    public long ImageLivenessTimeoutNanos { get; init; } = 10 * NanoClock.Second;
    /// <summary>After an image ends its stream, frames and SETUPs of its session are ignored this long (Aeron's receiver
    /// keeps a session "cooling down" about as long as its image liveness timeout): a lingering publication is not
    /// asked for SETUP again and does not start a second image.</summary>
    public long ImageCoolDownNanos { get; init; } = 10 * NanoClock.Second;
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
    /// <summary>Most datagrams one system call reads (recvmmsg). Each takes a 64 KiB buffer of the transport's (virtual
    /// memory; only what datagrams fill is touched). 1 reads one at a time, and a socket is then known to be empty
    /// only by a call that finds nothing.</summary>
    public int DatagramsPerReceiveCall { get; init; } = 8;
    /// <summary>Fault each stream's term buffers in ahead of where it is written (<see cref="TermPrefault"/>), so that a
    /// stream's first pass through its terms does not take a page fault per 4 KiB on the path of a message. Off: the
    /// pages fault as they are first written.</summary>
    public bool PrefaultTerms { get; init; } = true;
    /// <summary>Where aeron:ipc channels keep their logs: a directory per channel name, owner-only. Processes that talk
    /// over ipc must name the same directory. By default they do: $EXCHANGE_IPC_DIR if set, else one per user, in memory
    /// where the host has /dev/shm.</summary>
    public string IpcDirectory { get; init; } = DefaultIpcDirectory();
    /// <summary>How often the agent looks for new ipc logs in its ipc subscriptions' directories (one read of an inotify
    /// descriptor): the most a new ipc connection waits to be seen.</summary>
    public long IpcScanIntervalNanos { get; init; } = 2 * NanoClock.Millisecond;

    private static string DefaultIpcDirectory() => Environment.GetEnvironmentVariable("EXCHANGE_IPC_DIR") is { Length: > 0 } directory ? directory :
        Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"exchange-ipc-{Environment.UserName}");

    /// <summary>Retransmits for one NAK are capped at this many receiver windows.</summary>
    public int RetransmitWindows { get; init; } = 2;

    // ---- what a stranger may cost a receiver ----
    // Anyone who can reach a receive endpoint can send SETUP frames, and each would become an image with three terms
    // of memory. These bound that cost: images an application has not admitted (a client that has not logged on)
    // live in a small pool of their own, so they can never crowd out admitted ones.

    /// <summary>The largest term length a receiver builds an image for; a SETUP asking for more is dropped and counted
    /// (<see cref="DropReason.TermLengthTooLarge"/>). An image holds three terms.</summary>
    public int MaxReceiverTermLength { get; init; } = 16 * 1024 * 1024;
    /// <summary>Images one receive endpoint holds, admitted or not; a SETUP beyond is dropped and counted.</summary>
    public int MaxImagesPerEndpoint { get; init; } = 4096;
    /// <summary>Images not yet admitted (<see cref="Image.Admit"/>) one endpoint holds; a new one evicts the oldest.</summary>
    public int MaxPendingImages { get; init; } = 32;
    /// <summary>Images not yet admitted from one source address; a new one evicts that source's oldest.</summary>
    public int MaxPendingImagesPerSource { get; init; } = 8;
    /// <summary>An image not admitted within this is closed (<see cref="ImageCloseReason.Evicted"/>); never by default.</summary>
    public long PendingImageTimeoutNanos { get; init; } = long.MaxValue;
    /// <summary>New images one source address may start per second (and in a burst); SETUPs beyond are dropped and counted.</summary>
    public int NewImagesPerSourcePerSecond { get; init; } = 64;
    /// <summary>New images one endpoint starts per second from all sources together (forged source addresses get
    /// around the per-source rate; this bounds the memory churn they cause).</summary>
    public int NewImagesPerSecond { get; init; } = 1000;
    /// <summary>Term buffers of departed images kept for reuse by new ones of the same size (0: twice
    /// <see cref="MaxPendingImages"/>, so a pending pool churning under a flood rarely allocates anew).</summary>
    public int TermBufferPoolSize { get; init; }
    /// <summary>SEND_SETUP requests (answers to DATA of an unknown session) one endpoint sends per second at most.</summary>
    public int SendSetupsPerSecond { get; init; } = 1000;

    /// <summary>Throws on values that cannot work.</summary>
    public void Validate()
    {
        if (!TermPosition.IsValidTermLength(MaxReceiverTermLength))
            throw new ArgumentException($"MaxReceiverTermLength {MaxReceiverTermLength} is not a power of two in 64k..1g");
        if (MaxImagesPerEndpoint < 1 || MaxPendingImages < 1 || MaxPendingImagesPerSource < 1)
            throw new ArgumentException("image limits must be at least 1");
        if (PendingImageTimeoutNanos <= 0) throw new ArgumentException("PendingImageTimeoutNanos must be positive");
        if (NewImagesPerSourcePerSecond < 1 || NewImagesPerSecond < 1 || SendSetupsPerSecond < 1) throw new ArgumentException("rates must be at least 1 per second");
        if (DatagramsPerReceiveCall is < 1 or > 1024) throw new ArgumentException($"DatagramsPerReceiveCall {DatagramsPerReceiveCall} is not in 1..1024");
        if (MaxDatagramsPerReceiveCycle < 1) throw new ArgumentException("MaxDatagramsPerReceiveCycle must be at least 1");
    }
}
