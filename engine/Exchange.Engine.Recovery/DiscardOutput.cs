// The engine output for rebuilding state: replay needs the state the events describe, not the events.
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Recovery;

public struct DiscardOutput : IEngineOutput
{
    public readonly void OnAccepted(in OrderAccepted e) { }
    public readonly void OnRejected(in CommandRejected e) { }
    public readonly void OnFill(in Fill e) { }
    public readonly void OnTrade(in Trade e) { }
    public readonly void OnCancelled(in OrderCancelled e) { }
    public readonly void OnReplaced(in OrderReplaced e) { }
    public readonly void OnReduced(in OrderReduced e) { }
    public readonly void OnLevel(in LevelChanged e) { }
    public readonly void OnBestBidOffer(in BestBidOffer e) { }
    public readonly void OnBalance(in BalanceChanged e) { }
    public readonly void OnMassCancelled(in MassCancelled e) { }
    public readonly void OnSymbolStatus(in SymbolStatusChanged e) { }
    public readonly void OnAccountAdded(in AccountAdded e) { }
    public readonly void OnPermissionChanged(in AccountPermissionChanged e) { }
    public readonly void OnStopTriggered(in StopTriggered e) { }
}
