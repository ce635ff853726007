// The engine side of one order-entry session: the binary client's callbacks, handed to the FIX session's bookkeeping,
// the session's own ends (lost, logged out by the engine, logged on again) included.
using Exchange.Client;
using Exchange.Contract;

namespace Exchange.Gateway;

internal sealed class EngineListener(Gateway gateway) : ClientListener
{
    public OrderEntrySession? Session;

    public override void OnSymbolDefinition(int shard, SymbolReference symbol) => gateway.OnSymbolDefinition(symbol);

    public override void OnAccepted(in OrderAccepted e) => Session?.OnAccepted(in e);
    public override void OnRejected(in CommandRejected e) => Session?.OnRejected(in e);
    public override void OnFill(in Fill e) => Session?.OnFill(in e);
    public override void OnCancelled(in OrderCancelled e) => Session?.OnCancelled(in e);
    public override void OnStopTriggered(in StopTriggered e) => Session?.OnStopTriggered(in e);
    public override void OnReplaced(in OrderReplaced e) => Session?.OnReplaced(in e);
    public override void OnReduced(in OrderReduced e) => Session?.OnReduced(in e);
    public override void OnMassCancelled(in MassCancelled e) => Session?.OnMassCancelled(in e);
    public override void OnLogon(int shard, ulong sessionId) => Session?.OnEngineLogon(shard);
    public override void OnDisconnected(int shard) => Session?.OnEngineLost(shard, "no heartbeat from the engine, or its response stream ended");

    public override void OnLogout(int shard, LogoutReason reason)
    {
        // Our own Logout (the gateway stopping) answered is no loss.
        if (reason != LogoutReason.ClientRequest) Session?.OnEngineLost(shard, $"the engine ended the session: {reason}");
    }
}
