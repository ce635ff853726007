// Records every engine event as a boxed record, in order, so tests can compare whole event streams.
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public sealed class RecordingOutput : IEngineOutput
{
    public List<object> Events { get; } = new();

    public void Clear() => Events.Clear();

    public IEnumerable<T> Of<T>() => Events.OfType<T>();

    public void OnAccepted(in OrderAccepted e) => Events.Add(e);
    public void OnRejected(in CommandRejected e) => Events.Add(e);
    public void OnFill(in Fill e) => Events.Add(e);
    public void OnTrade(in Trade e) => Events.Add(e);
    public void OnCancelled(in OrderCancelled e) => Events.Add(e);
    public void OnReplaced(in OrderReplaced e) => Events.Add(e);
    public void OnReduced(in OrderReduced e) => Events.Add(e);
    public void OnLevel(in LevelChanged e) => Events.Add(e);
    public void OnBestBidOffer(in BestBidOffer e) => Events.Add(e);
    public void OnBalance(in BalanceChanged e) => Events.Add(e);
    public void OnMassCancelled(in MassCancelled e) => Events.Add(e);
    public void OnSymbolStatus(in SymbolStatusChanged e) => Events.Add(e);
    public void OnAccountAdded(in AccountAdded e) => Events.Add(e);
    public void OnPermissionChanged(in AccountPermissionChanged e) => Events.Add(e);
    public void OnStopTriggered(in StopTriggered e) => Events.Add(e);
}
