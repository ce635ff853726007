// Listeners for the tests: one that records every callback with its arguments (an event with the shard and sequence
// of the context announced before it), one (a struct) that only counts.
using Exchange.Contract;

namespace Exchange.Client.Tests;

internal sealed record Call(string Kind, int Shard, long Sequence, object? Event);

internal sealed class RecordingListener : IClientListener
{
    public readonly List<Call> Calls = [];

    /// <summary>How many times the client announced a message's events.</summary>
    public int Contexts;
    private int _shard;
    private long _sequence;

    public IEnumerable<Call> Of(string kind) => Calls.Where(c => c.Kind == kind);

    private void Add(string kind, object e) => Calls.Add(new(kind, _shard, _sequence, e));

    public void OnLogon(int shard, ulong sessionId) => Calls.Add(new("Logon", shard, 0, sessionId));
    public void OnLogout(int shard, LogoutReason reason) => Calls.Add(new("Logout", shard, 0, reason));
    public void OnDisconnected(int shard) => Calls.Add(new("Disconnected", shard, 0, null));
    public void OnEventContext(int shard, long sequence) { Contexts++; (_shard, _sequence) = (shard, sequence); }
    public void OnAccepted(in OrderAccepted e) => Add("Accepted", e);
    public void OnRejected(in CommandRejected e) => Add("Rejected", e);
    public void OnFill(in Fill e) => Add("Fill", e);
    public void OnCancelled(in OrderCancelled e) => Add("Cancelled", e);
    public void OnReplaced(in OrderReplaced e) => Add("Replaced", e);
    public void OnReduced(in OrderReduced e) => Add("Reduced", e);
    public void OnBalance(in BalanceChanged e) => Add("Balance", e);
    public void OnMassCancelled(in MassCancelled e) => Add("MassCancelled", e);
    public void OnAccountAdded(in AccountAdded e) => Add("AccountAdded", e);
    public void OnPermissionChanged(in AccountPermissionChanged e) => Add("AccountPermissionChanged", e);
    public void OnStopTriggered(in StopTriggered e) => Add("StopTriggered", e);
    public void OnLevel(in LevelChanged e) => Add("Level", e);
    public void OnBestBidOffer(in BestBidOffer e) => Add("BestBidOffer", e);
    public void OnSymbolStatus(in SymbolStatusChanged e) => Add("SymbolStatus", e);
    public void OnTrade(in Trade e) => Add("Trade", e);
}

internal struct CountingListener : IClientListener
{
    public int Logons, Logouts, Disconnects, Accepted, Rejected, Other;
    public long LastSequence;
    private long _sequence;

    public void OnLogon(int shard, ulong sessionId) => Logons++;
    public void OnLogout(int shard, LogoutReason reason) => Logouts++;
    public void OnDisconnected(int shard) => Disconnects++;
    public void OnEventContext(int shard, long sequence) => _sequence = sequence;
    public void OnAccepted(in OrderAccepted e) { Accepted++; LastSequence = _sequence; }
    public void OnRejected(in CommandRejected e) => Rejected++;
    public void OnFill(in Fill e) => Other++;
    public void OnCancelled(in OrderCancelled e) => Other++;
    public void OnReplaced(in OrderReplaced e) => Other++;
    public void OnReduced(in OrderReduced e) => Other++;
    public void OnBalance(in BalanceChanged e) => Other++;
    public void OnMassCancelled(in MassCancelled e) => Other++;
    public void OnAccountAdded(in AccountAdded e) => Other++;
    public void OnPermissionChanged(in AccountPermissionChanged e) => Other++;
    public void OnStopTriggered(in StopTriggered e) => Other++;
    public void OnLevel(in LevelChanged e) => Other++;
    public void OnBestBidOffer(in BestBidOffer e) => Other++;
    public void OnSymbolStatus(in SymbolStatusChanged e) => Other++;
    public void OnTrade(in Trade e) => Other++;
}
