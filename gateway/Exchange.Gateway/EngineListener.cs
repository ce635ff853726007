// The engine side of one order-entry session: the binary client's callbacks, handed to the FIX session's bookkeeping.
using Exchange.Client;
using Exchange.Contract;

namespace Exchange.Gateway;

internal sealed class EngineListener : ClientListener
{
    public OrderEntrySession? Session;
    public bool Disconnected;

    public override void OnAccepted(int shard, long sequence, in OrderAccepted e) => Session?.OnAccepted(in e);
    public override void OnRejected(int shard, long sequence, in CommandRejected e) => Session?.OnRejected(in e);
    public override void OnFill(int shard, long sequence, in Fill e) => Session?.OnFill(in e);
    public override void OnCancelled(int shard, long sequence, in OrderCancelled e) => Session?.OnCancelled(in e);
    public override void OnReplaced(int shard, long sequence, in OrderReplaced e) => Session?.OnReplaced(in e);
    public override void OnReduced(int shard, long sequence, in OrderReduced e) => Session?.OnReduced(in e);
    public override void OnMassCancelled(int shard, long sequence, in MassCancelled e) => Session?.OnMassCancelled(in e);
    public override void OnDisconnected(int shard) => Disconnected = true;
    public override void OnLogout(int shard, LogoutReason reason) => Disconnected = true;
}
