// An IEngineOutput that ignores every event, for classes that want a few: they derive from it and override those.
// The engine's own outputs stay structs (a struct output is called without virtual dispatch); this is for the rest.
namespace Exchange.Contract;

/// <summary>Virtual no-ops for every <see cref="IEngineOutput"/> callback; override what is needed.</summary>
public abstract class EngineOutputAdapter : IEngineOutput
{
    public virtual void OnAccepted(in OrderAccepted e) { }
    public virtual void OnRejected(in CommandRejected e) { }
    public virtual void OnFill(in Fill e) { }
    public virtual void OnTrade(in Trade e) { }
    public virtual void OnCancelled(in OrderCancelled e) { }
    public virtual void OnReplaced(in OrderReplaced e) { }
    public virtual void OnReduced(in OrderReduced e) { }
    public virtual void OnLevel(in LevelChanged e) { }
    public virtual void OnBestBidOffer(in BestBidOffer e) { }
    public virtual void OnBalance(in BalanceChanged e) { }
    public virtual void OnMassCancelled(in MassCancelled e) { }
    public virtual void OnSymbolStatus(in SymbolStatusChanged e) { }
    public virtual void OnAccountAdded(in AccountAdded e) { }
    public virtual void OnPermissionChanged(in AccountPermissionChanged e) { }
    public virtual void OnStopTriggered(in StopTriggered e) { }
}
