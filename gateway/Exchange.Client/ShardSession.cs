// One shard as the client sees it: the publication to the engine's listen channel, the two subscriptions (responses
// and market data) on the client's own port for that shard, and the session state.
using Exchange.Transport;

namespace Exchange.Client;

internal sealed class ShardSession
{
    public readonly int Index;
    /// <summary>The engine's listen channel as configured.</summary>
    public readonly string Channel;
    public readonly Publication Publication;
    public readonly Subscription Responses;
    public readonly Subscription MarketData;
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
    public long HeartbeatNanos;
    /// <summary>NanoClock times of the last message received from and sent to the shard, stamped by the session
    /// duties from the flags below so the order path never reads the clock.</summary>
    public long LastInbound, LastOutbound;
    public bool Received, Sent;
    /// <summary>The transport session of the engine's response publication that carried the LogonAck.</summary>
    public int ResponseImageSession;
    public bool HasResponseImage;
    public LogonRejectReason RejectReason;
    public string RejectText = "";

    public ShardSession(int index, string channel, int[] symbols, Publication publication, Subscription responses, Subscription marketData,
        string responseChannel)
    {
        Index = index;
        Channel = channel;
        Symbols = symbols;
        Publication = publication;
        Responses = responses;
        MarketData = marketData;
        ResponseChannel = responseChannel;
    }
}
