// What a client delivers to the application, on the thread that calls Poll (or Connect/Logout, which poll).
// Execution reports come from the shard's response stream, market data from its market-data stream; each carries
// the sequence number the engine gave the input that caused it (0 for rejects of inputs never sequenced).
using Exchange.Contract;

namespace Exchange.Client;

/// <summary>
/// The application's side of a client. Implement it on a struct (the client calls it without virtual dispatch and
/// the listener's state is reached through <see cref="ExchangeClient{TListener}.Listener"/>) or on a class, for
/// example by deriving from <see cref="ClientListener"/>. Events are valid only during the call. A callback may send
/// orders; it must not call Connect, Logout or Dispose.
/// </summary>
public interface IClientListener
{
    /// <summary>The shard acknowledged the logon.</summary>
    void OnLogon(int shard, ulong sessionId);
    /// <summary>The shard ended the session: after the client's Logout, on a heartbeat timeout, or shutting down.</summary>
    void OnLogout(int shard, LogoutReason reason);
    /// <summary>The shard's response stream went away, or nothing (not even a heartbeat) arrived from it for three
    /// heartbeat intervals. The session is over; with cancel-on-disconnect its orders are being cancelled.</summary>
    void OnDisconnected(int shard);

    void OnAccepted(int shard, long sequence, in OrderAccepted e);
    /// <summary>A command that changed nothing. Rejects of inputs the engine did not sequence (malformed, not logged
    /// on, wrong shard) carry sequence 0 and reasons beyond <see cref="RejectReason"/>'s named values (100, 101, 102).</summary>
    void OnRejected(int shard, long sequence, in CommandRejected e);
    void OnFill(int shard, long sequence, in Fill e);
    void OnCancelled(int shard, long sequence, in OrderCancelled e);
    void OnReplaced(int shard, long sequence, in OrderReplaced e);
    void OnReduced(int shard, long sequence, in OrderReduced e);
    void OnBalance(int shard, long sequence, in BalanceChanged e);
    void OnMassCancelled(int shard, long sequence, in MassCancelled e);
    /// <summary>An account was added (an operator's session sees this for the accounts it adds).</summary>
    void OnAccountAdded(int shard, long sequence, in AccountAdded e);

    /// <summary>Market data: one price level's new total (0: the level is gone).</summary>
    void OnLevel(int shard, long sequence, in LevelChanged e);
    void OnBestBidOffer(int shard, long sequence, in BestBidOffer e);
    void OnSymbolStatus(int shard, long sequence, in SymbolStatusChanged e);
    /// <summary>Market data: a trade, with the side of the order that took liquidity.</summary>
    void OnTrade(int shard, long sequence, in Trade e);
}

/// <summary>A listener that ignores everything; override what the application needs.</summary>
public abstract class ClientListener : IClientListener
{
    public virtual void OnLogon(int shard, ulong sessionId) { }
    public virtual void OnLogout(int shard, LogoutReason reason) { }
    public virtual void OnDisconnected(int shard) { }
    public virtual void OnAccepted(int shard, long sequence, in OrderAccepted e) { }
    public virtual void OnRejected(int shard, long sequence, in CommandRejected e) { }
    public virtual void OnFill(int shard, long sequence, in Fill e) { }
    public virtual void OnCancelled(int shard, long sequence, in OrderCancelled e) { }
    public virtual void OnReplaced(int shard, long sequence, in OrderReplaced e) { }
    public virtual void OnReduced(int shard, long sequence, in OrderReduced e) { }
    public virtual void OnBalance(int shard, long sequence, in BalanceChanged e) { }
    public virtual void OnAccountAdded(int shard, long sequence, in AccountAdded e) { }
    public virtual void OnMassCancelled(int shard, long sequence, in MassCancelled e) { }
    public virtual void OnLevel(int shard, long sequence, in LevelChanged e) { }
    public virtual void OnBestBidOffer(int shard, long sequence, in BestBidOffer e) { }
    public virtual void OnSymbolStatus(int shard, long sequence, in SymbolStatusChanged e) { }
    public virtual void OnTrade(int shard, long sequence, in Trade e) { }
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
