// One shard as the client sees it: a link to each replica's listen channel (the one in use is the leader's as far as
// the client knows), the two subscriptions (responses and market data) on the client's own port for that shard (or a
// lane of a connection shared with other clients, whose owner delivers what arrives), and the session state.
using Exchange.Transport;

namespace Exchange.Client;

internal sealed class ShardSession
{
    public readonly int Index;
    /// <summary>Every replica's listen channel as configured, and a link to each.</summary>
    public readonly string[] Channels;
    public readonly EngineLink[] Publications;
    /// <summary>The replica in use.</summary>
    public int Active;
    public string Channel => Channels[Active];
    public EngineLink Publication => Publications[Active];
    /// <summary>Moves to another replica during this logon (NotPrimary redirects, unanswered logons); reset by a LogonAck.</summary>
    public int Moves;
    /// <summary>When the Logon in flight was offered (clock nanos), to give up on a replica that does not answer.</summary>
    public long LogonSentAt;
    /// <summary>Replicas given up on during this logon (bit per replica: went silent, or left unanswered): a standby that
    /// still names one of them as the primary has not heard of the failover yet, and is not followed there.</summary>
    public ulong Abandoned;
    /// <summary>When the first replica was given up on (clock nanos): after a while every replica is tried again (the
    /// one given up on may have been fine, the client the slow one).</summary>
    public long AbandonedAt;
    /// <summary>A redirect among replicas that all point at an abandoned one waits this long before the next Logon
    /// (clock nanos; 0: send now), so a failover in progress is waited out without spinning through every move.</summary>
    public long LogonNotBefore;
    public bool LogonBackoff;
    public int StaleRedirects;
    /// <summary>Replicas moved on from in this logon because they left it unanswered (each next one is waited on longer).</summary>
    public int UnansweredMoves;
    /// <summary>Times this logon's request was offered again to a shard's only replica because it went unanswered (each
    /// next wait is longer).</summary>
    public int Reoffers;
    /// <summary>Why the engine ended the session last (a shutdown sends the next logon to another replica).</summary>
    public Exchange.Contract.LogoutReason LastLogoutReason;
    /// <summary>Null on a lane of a shared connection (its owner polls).</summary>
    public readonly Subscription? Responses;
    public readonly Subscription? MarketData;
    /// <summary>The lane on a shared connection; 0 with streams of its own.</summary>
    public readonly uint Lane;
    /// <summary>The channel the engine is told to send to: the client's host and the port bound for this shard.</summary>
    public readonly string ResponseChannel;
    public readonly int[] Symbols;

    public ShardState State;
    /// <summary>A Logon (or Logout) the publication did not take yet; offered again at every Poll.</summary>
    public bool LogonPending, LogoutPending;
    /// <summary>A reconnect's Logon waits for the publication to have an engine answering (see Reconnect).</summary>
    public bool LogonWhenConnected;
    public ulong SessionId;
    public long Account;
    public uint HeartbeatIntervalMs;
    /// <summary>What the account may do, from the LogonAck.</summary>
    public AccountPermission Permission;
    public long HeartbeatNanos;
    /// <summary>NanoClock times of the last message received from and sent to the shard, stamped by the session
    /// duties from the flags below so the order path never reads the clock.</summary>
    public long LastInbound, LastOutbound;
    public bool Received, Sent;
    /// <summary>The transport session of the engine's response publication that carried the LogonAck.</summary>
    public int ResponseImageSession;
    public bool HasResponseImage;
    /// <summary>This logon's client nonce (fresh for each), and its LogonRequest as sent: the proof covers both.</summary>
    public byte[] ClientNonce = [];
    public byte[]? LogonRequest;
    /// <summary>The replica the message a LogonAck answers went to in this logon (the proof; the Logon itself with a
    /// clear key), -1 before it went: where the session lives if the ack comes.</summary>
    public int HandshakeReplica = -1;
    /// <summary>The handshake a failover search moved on from after completing its side of it (replica and key): that
    /// replica may still log the session on, and its LogonAck is then taken up there rather than ignored or misplaced.</summary>
    public int LateReplica = -1;
    public byte[]? LateHandshakeKey;
    /// <summary>The LogonProof answering the challenge, until the publication takes it.</summary>
    public byte[]? ProofPending;
    /// <summary>The key derived from the handshake in progress; the session's once the LogonAck comes.</summary>
    public byte[]? HandshakeKey;
    /// <summary>The MAC under the session key every outbound message is sealed with, and the last sequence sealed.</summary>
    public SessionMac? Mac;
    public ulong OutboundSequence;
    public LogonRejectReason RejectReason;
    public string RejectText = "";

    public ShardSession(int index, string[] channels, int[] symbols, EngineLink[] publications, Subscription? responses, Subscription? marketData,
        string responseChannel, uint lane = 0)
    {
        Lane = lane;
        Index = index;
        Channels = channels;
        Symbols = symbols;
        Publications = publications;
        Responses = responses;
        MarketData = marketData;
        ResponseChannel = responseChannel;
    }
}
