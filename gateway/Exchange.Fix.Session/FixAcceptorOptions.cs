// Acceptor-wide limits that are not per-session settings: buffer sizes, timeouts for unidentified connections, and
// the application message types the gateway handles.
using Exchange.Fix;

namespace Exchange.Fix.Session;

public sealed record FixAcceptorOptions
{
    /// <summary>A message longer than this is garbage; receive buffers hold two of them.</summary>
    public int MaxMessageLength { get; init; } = FixFraming.DefaultMaxMessageLength;

    /// <summary>Bytes a logged-on connection may have waiting for the socket. A resend or a burst larger than this is
    /// streamed from the message store as the socket drains; an admin message that does not fit disconnects a peer
    /// that stopped reading.</summary>
    public int SendBufferLength { get; init; } = 1 << 20;

    /// <summary>How long a new connection may take to send a whole first message (its Logon) before it is closed without
    /// a byte. Short: a broker's engine sends its Logon the moment it connects, and a connection that sends nothing
    /// valid only holds a place others may need. (Settings key LogonTimeout, in seconds.)</summary>
    public TimeSpan LogonTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Connections accepted but not yet logged on. A new connection past it evicts the oldest of them (one
    /// that has sent nothing valid first), so strangers holding connections cannot keep a broker out. (Settings key
    /// MaxPendingConnections.)</summary>
    public int MaxPendingConnections { get; init; } = 64;

    /// <summary>Connections not yet logged on from one source address; a new one past it is closed at once. (Settings
    /// key MaxPendingConnectionsPerAddress.)</summary>
    public int MaxPendingConnectionsPerAddress { get; init; } = 4;

    /// <summary>The most a connection may send before its Logon is whole: a longer first message is closed at once, and
    /// this is all that is buffered for a connection not logged on.</summary>
    public int MaxLogonLength { get; init; } = 4096;

    /// <summary>Failed logons (wrong Username or Password, or a Logon naming no session) from one source address within
    /// <see cref="FailedLogonWindow"/>; past it, Logons from that address are refused unchecked until the window ends.</summary>
    public int MaxFailedLogonsPerAddress { get; init; } = 5;

    /// <summary>Failed logons of one session (from any address) within <see cref="FailedLogonWindow"/>; past it, only
    /// addresses the session has logged on from before get their password checked, until the window ends.</summary>
    public int MaxFailedLogonsPerSession { get; init; } = 20;

    public TimeSpan FailedLogonWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Passwords hashed at once, each on a thread-pool thread (PBKDF2 takes a core for a while by design);
    /// more Logons wait their turn.</summary>
    public int MaxConcurrentPasswordChecks { get; init; } = 1;

    /// <summary>How long a closing connection may take to drain what we still had to send.</summary>
    public TimeSpan CloseLinger { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages received ahead of a sequence gap that are kept until it fills; later ones are dropped and
    /// come again with the peer's resend, which runs to infinity (16=0).</summary>
    public int InboundQueueCapacity { get; init; } = 1024;

    /// <summary>Recent sent messages whose store offsets are kept in memory; older ones are found by reading the
    /// store from its start.</summary>
    public int StoreIndexCapacity { get; init; } = 8192;

    /// <summary>Where the screen log goes (the acceptor's events, and each session's as its ScreenLog* settings ask);
    /// stderr when null.</summary>
    public Stream? ScreenLog { get; init; }

    /// <summary>When set, the screen log's lines are JSON objects naming this component (as the other processes of the
    /// exchange log when not on a terminal); else text.</summary>
    public string? ScreenLogJsonComponent { get; init; }

    /// <summary>The application MsgTypes delivered to the application; any other valid one gets a Business Message
    /// Reject 380=3.</summary>
    public IReadOnlyList<string> ApplicationMessageTypes { get; init; } = ["D", "F", "G", "H", "q"];
}
