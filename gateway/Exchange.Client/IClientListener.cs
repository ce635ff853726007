// What a client delivers to the application, on the thread that calls Poll (or Connect/Logout, which poll).
// Execution reports come from the shard's response stream, market data from its market-data stream; before each
// message's events the listener is told the shard and the sequence number the engine gave the input that caused
// them (0 for rejects of inputs never sequenced).
using Exchange.Contract;

namespace Exchange.Client;

/// <summary>
/// The application's side of a client: the engine's events (<see cref="IEngineOutput"/>, decoded from the shards'
/// streams) and the session's own. Implement it on a struct (the client calls it without virtual dispatch and the
/// listener's state is reached through <see cref="ExchangeClient{TListener}.Listener"/>) or on a class, for example by
/// deriving from <see cref="ClientListener"/>. Events are valid only during the call. A callback may send orders; it
/// must not call Connect, Logout or Dispose.
/// </summary>
/// <remarks>
/// Execution reports (OnAccepted, OnRejected, OnFill, OnCancelled (reason Expired: a Day or good-till-date order reached its expiry), OnReplaced, OnReduced, OnBalance, OnMassCancelled,
/// OnAccountAdded, OnStopTriggered: a pending stop or stop-limit order was triggered and now matches) come from the
/// shard's response stream; an operator's session sees OnAccountAdded for the accounts it
/// adds. Market data (OnLevel: one price level's new total, 0 when the level is gone; OnBestBidOffer; OnSymbolStatus;
/// OnTrade: a trade, with the side of the order that took liquidity) comes from its market-data stream. Each message's
/// events are preceded by <see cref="OnEventContext"/>, naming the shard and sequence they belong to.
/// </remarks>
public interface IClientListener : IEngineOutput
{
    /// <summary>The shard acknowledged the logon.</summary>
    void OnLogon(int shard, ulong sessionId);
    /// <summary>The shard ended the session: after the client's Logout, on a heartbeat timeout, or shutting down.</summary>
    void OnLogout(int shard, LogoutReason reason);
    /// <summary>The shard's response stream went away, or nothing (not even a heartbeat) arrived from it for three
    /// heartbeat intervals. The session is over; with cancel-on-disconnect its orders are being cancelled.</summary>
    void OnDisconnected(int shard);

    /// <summary>
    /// Called before the events decoded from one message (one event, or a book update's levels): they come from
    /// <paramref name="shard"/> and were caused by the input the engine gave <paramref name="sequence"/>. Rejects of
    /// inputs the engine did not sequence carry sequence 0 and the session-level reasons (100
    /// <see cref="RejectReason.MalformedMessage"/>, 101 <see cref="RejectReason.NotLoggedOn"/>, 102
    /// <see cref="RejectReason.WrongShard"/>). A message that turns out malformed may be announced
    /// here and then deliver nothing (it is counted as malformed).
    /// </summary>
    void OnEventContext(int shard, long sequence);

    /// <summary>Reference data: <paramref name="shard"/> trades <paramref name="symbol"/> (sent before each LogonAck for
    /// every symbol, and when an operator adds one). Also kept by the client: <see cref="ExchangeClient{TListener}.Symbols"/>.</summary>
    void OnSymbolDefinition(int shard, SymbolReference symbol) { }

    // ---- answers to queries (each echoes the request id it was asked with) ----

    /// <summary>The answer to an order-status query.</summary>
    void OnOrderStatus(int shard, in OrderStatusAnswer answer) { }
    /// <summary>Part of an account-state answer (the first page only): one asset with something available or held.</summary>
    void OnAccountBalance(int shard, ulong requestId, long account, int asset, long available, long held) { }
    /// <summary>Part of an account-state answer: one open order, in ascending order id.</summary>
    void OnAccountOrder(int shard, ulong requestId, in OpenOrderEntry order) { }
    /// <summary>The end of an account-state answer: everything in it is as after input <paramref name="sequence"/>.
    /// <paramref name="nextAfterOrderId"/> is 0 when that was every open order, else where the next page starts.</summary>
    void OnAccountStateEnd(int shard, ulong requestId, long account, long sequence, int orderCount, long nextAfterOrderId) { }
    /// <summary>Part of a book-snapshot answer: one price level, best first per side (orderCount orders resting).</summary>
    void OnBookSnapshotLevel(int shard, int symbol, Side side, long price, long quantity, int orderCount) { }
    /// <summary>The end of a book-snapshot answer: the book as after input <paramref name="sequence"/>; the market-data
    /// updates of later sequences apply on top. <paramref name="truncated"/>: a side had more levels than one answer carries.</summary>
    void OnBookSnapshotEnd(int shard, ulong requestId, int symbol, long sequence, SymbolStatus status, int bidLevels, int askLevels, bool truncated) { }
    /// <summary>A query the engine refused: malformed (MalformedMessage), not permitted (NotLoggedOn), or for an unknown
    /// symbol or account. <paramref name="query"/> is its template id.</summary>
    void OnQueryRejected(int shard, ulong requestId, int query, RejectReason reason) { }
}

/// <summary>A listener that ignores everything; override what the application needs. The shard and sequence of the
/// events being delivered are in <see cref="EventShard"/> and <see cref="EventSequence"/>.</summary>
public abstract class ClientListener : EngineOutputAdapter, IClientListener
{
    /// <summary>The shard of the events being delivered (set by <see cref="OnEventContext"/>).</summary>
    protected int EventShard { get; private set; }
    /// <summary>The sequence of the input that caused the events being delivered (set by <see cref="OnEventContext"/>).</summary>
    protected long EventSequence { get; private set; }

    public virtual void OnLogon(int shard, ulong sessionId) { }
    public virtual void OnLogout(int shard, LogoutReason reason) { }
    public virtual void OnDisconnected(int shard) { }
    public virtual void OnSymbolDefinition(int shard, SymbolReference symbol) { }
    public virtual void OnOrderStatus(int shard, in OrderStatusAnswer answer) { }
    public virtual void OnAccountBalance(int shard, ulong requestId, long account, int asset, long available, long held) { }
    public virtual void OnAccountOrder(int shard, ulong requestId, in OpenOrderEntry order) { }
    public virtual void OnAccountStateEnd(int shard, ulong requestId, long account, long sequence, int orderCount, long nextAfterOrderId) { }
    public virtual void OnBookSnapshotLevel(int shard, int symbol, Side side, long price, long quantity, int orderCount) { }
    public virtual void OnBookSnapshotEnd(int shard, ulong requestId, int symbol, long sequence, SymbolStatus status, int bidLevels, int askLevels, bool truncated) { }
    public virtual void OnQueryRejected(int shard, ulong requestId, int query, RejectReason reason) { }

    /// <summary>Records the shard and sequence for the callbacks that follow; an override should call it.</summary>
    public virtual void OnEventContext(int shard, long sequence)
    {
        EventShard = shard;
        EventSequence = sequence;
    }
}


/// <summary>Where a shard's session stands.</summary>
public enum ShardState : byte
{
    /// <summary>No logon sent yet.</summary>
    Idle,
    /// <summary>Logon sent (or waiting to be), no answer yet.</summary>
    LoggingOn,
    LoggedOn,
    /// <summary>Logout sent, the engine's Logout not yet in.</summary>
    LoggingOut,
    /// <summary>The session ended with a Logout either way (or the client stopped waiting for one).</summary>
    LoggedOut,
    /// <summary>The engine refused the logon.</summary>
    Rejected,
    /// <summary>The session was lost without a Logout (see <see cref="IClientListener.OnDisconnected"/>).</summary>
    Disconnected,
}
