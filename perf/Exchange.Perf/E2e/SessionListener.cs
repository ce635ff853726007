// Feeds one client session's execution reports into its OrderTracker, stamping each with the time it was seen.
using System.Diagnostics;
using Exchange.Client;
using Exchange.Contract;

namespace Exchange.Perf.E2e;

public sealed class SessionListener(OrderTracker tracker) : ClientListener
{
    public OrderTracker Tracker { get; } = tracker;
    public bool Disconnected { get; private set; }

    public override void OnAccepted(in OrderAccepted e) => Tracker.OnAccepted(e.ClientOrderId, Stopwatch.GetTimestamp());
    public override void OnRejected(in CommandRejected e) => Tracker.OnRejected(e.ClientOrderId, Stopwatch.GetTimestamp());
    public override void OnCancelled(in OrderCancelled e) => Tracker.OnCancelled(e.ClientOrderId, e.Reason, Stopwatch.GetTimestamp());
    public override void OnReplaced(in OrderReplaced e) => Tracker.OnReplaced(e.OrigClientOrderId, e.ClientOrderId, Stopwatch.GetTimestamp());
    public override void OnFill(in Fill e) => Tracker.OnFill(e.ClientOrderId, e.LeavesQuantity);
    public override void OnDisconnected(int shard) => Disconnected = true;
    public override void OnLogout(int shard, LogoutReason reason) => Disconnected = true;
}
