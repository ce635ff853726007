// Listeners for the tests: one that records every callback with its arguments, one (a struct) that only counts.
using Exchange.Contract;

namespace Exchange.Client.Tests;

internal sealed record Call(string Kind, int Shard, long Sequence, object? Event);

internal sealed class RecordingListener : IClientListener
{
    public readonly List<Call> Calls = [];

    public IEnumerable<Call> Of(string kind) => Calls.Where(c => c.Kind == kind);

    public void OnLogon(int shard, ulong sessionId) => Calls.Add(new("Logon", shard, 0, sessionId));
    public void OnLogout(int shard, LogoutReason reason) => Calls.Add(new("Logout", shard, 0, reason));
    public void OnDisconnected(int shard) => Calls.Add(new("Disconnected", shard, 0, null));
    public void OnAccepted(int shard, long sequence, in OrderAccepted e) => Calls.Add(new("Accepted", shard, sequence, e));
    public void OnRejected(int shard, long sequence, in CommandRejected e) => Calls.Add(new("Rejected", shard, sequence, e));
    public void OnFill(int shard, long sequence, in Fill e) => Calls.Add(new("Fill", shard, sequence, e));
    public void OnCancelled(int shard, long sequence, in OrderCancelled e) => Calls.Add(new("Cancelled", shard, sequence, e));
    public void OnReplaced(int shard, long sequence, in OrderReplaced e) => Calls.Add(new("Replaced", shard, sequence, e));
    public void OnReduced(int shard, long sequence, in OrderReduced e) => Calls.Add(new("Reduced", shard, sequence, e));
    public void OnBalance(int shard, long sequence, in BalanceChanged e) => Calls.Add(new("Balance", shard, sequence, e));
    public void OnMassCancelled(int shard, long sequence, in MassCancelled e) => Calls.Add(new("MassCancelled", shard, sequence, e));
    public void OnAccountAdded(int shard, long sequence, in AccountAdded e) => Calls.Add(new("AccountAdded", shard, sequence, e));
    public void OnLevel(int shard, long sequence, in LevelChanged e) => Calls.Add(new("Level", shard, sequence, e));
    public void OnBestBidOffer(int shard, long sequence, in BestBidOffer e) => Calls.Add(new("BestBidOffer", shard, sequence, e));
    public void OnSymbolStatus(int shard, long sequence, in SymbolStatusChanged e) => Calls.Add(new("SymbolStatus", shard, sequence, e));
    public void OnTrade(int shard, long sequence, in Trade e) => Calls.Add(new("Trade", shard, sequence, e));
}

internal struct CountingListener : IClientListener
{
    public int Logons, Logouts, Disconnects, Accepted, Rejected, Other;
    public long LastSequence;

    public void OnLogon(int shard, ulong sessionId) => Logons++;
    public void OnLogout(int shard, LogoutReason reason) => Logouts++;
    public void OnDisconnected(int shard) => Disconnects++;
    public void OnAccepted(int shard, long sequence, in OrderAccepted e) { Accepted++; LastSequence = sequence; }
    public void OnRejected(int shard, long sequence, in CommandRejected e) => Rejected++;
    public void OnFill(int shard, long sequence, in Fill e) => Other++;
    public void OnCancelled(int shard, long sequence, in OrderCancelled e) => Other++;
    public void OnReplaced(int shard, long sequence, in OrderReplaced e) => Other++;
    public void OnReduced(int shard, long sequence, in OrderReduced e) => Other++;
    public void OnBalance(int shard, long sequence, in BalanceChanged e) => Other++;
    public void OnMassCancelled(int shard, long sequence, in MassCancelled e) => Other++;
    public void OnAccountAdded(int shard, long sequence, in AccountAdded e) => Other++;
    public void OnLevel(int shard, long sequence, in LevelChanged e) => Other++;
    public void OnBestBidOffer(int shard, long sequence, in BestBidOffer e) => Other++;
    public void OnSymbolStatus(int shard, long sequence, in SymbolStatusChanged e) => Other++;
    public void OnTrade(int shard, long sequence, in Trade e) => Other++;
}
