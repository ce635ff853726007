// The e2e harness's bookkeeping: every command is matched to its acknowledgement, so lost and duplicated ones are
// counted, and latency is taken from the intended send time.
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Perf.E2e;
using Exchange.Testing;

namespace Exchange.Perf.Tests;

public sealed class OrderTrackerTests
{
    private sealed class Sink : ILatencySink
    {
        public readonly List<(CommandType Type, long Latency)> Recorded = [];
        public void Record(CommandType type, long intendedTicks, long ackTicks) => Recorded.Add((type, ackTicks - intendedTicks));
    }

    private readonly Sink _sink = new();
    private readonly OrderTracker _tracker;

    public OrderTrackerTests() => _tracker = new OrderTracker(idBase: 1_000, capacity: 16, _sink);

    private long SendNew(CommandType type = CommandType.New, long at = 0)
    {
        long id = _tracker.NextClientOrderId;
        _tracker.SentNew(type, 1, Side.Buy, at);
        return id;
    }

    [Fact]
    public void Latency_runs_from_the_intended_send_time_to_the_acknowledgement()
    {
        long id = SendNew(at: 100);
        _tracker.OnAccepted(id, now: 350);
        Assert.Equal([(CommandType.New, 250L)], _sink.Recorded);
        Assert.Equal(0, _tracker.InFlight);
    }

    [Fact]
    public void A_second_acceptance_of_the_same_order_is_counted_as_duplicated()
    {
        long id = SendNew();
        _tracker.OnAccepted(id, 1);
        _tracker.OnAccepted(id, 2);
        Assert.Equal(1, _tracker.Counts.Duplicated);
        Assert.Single(_sink.Recorded);
    }

    [Fact]
    public void A_command_never_acknowledged_stays_pending_and_is_lost()
    {
        long first = SendNew();
        SendNew();
        _tracker.OnAccepted(first, 1);
        Assert.Equal(1, _tracker.CountPending());
        Assert.Equal(1, _tracker.InFlight);
    }

    [Fact]
    public void An_acknowledgement_for_an_order_never_sent_is_a_duplicate_not_a_match()
    {
        SendNew();
        _tracker.OnAccepted(1_000 + 5, 1);
        _tracker.OnRejected(999, 1);
        Assert.Equal(2, _tracker.Counts.Duplicated);
        Assert.Equal(1, _tracker.CountPending());
    }

    [Fact]
    public void An_accepted_resting_order_can_be_cancelled_and_its_cancel_is_acknowledged_once()
    {
        long id = SendNew();
        _tracker.OnAccepted(id, 1);
        int slot = _tracker.PickLive(0);
        Assert.Equal(id, _tracker.ClientOrderIdOf(slot));
        _tracker.SentCancel(slot, 10);
        Assert.Equal(-1, _tracker.PickLive(0)); // nothing else may be sent for it while the cancel is in flight
        _tracker.OnCancelled(id, CancelReason.ByClient, 30);
        _tracker.OnCancelled(id, CancelReason.ByClient, 31);
        Assert.Equal((CommandType.Cancel, 20L), _sink.Recorded[^1]);
        Assert.Equal(1, _tracker.Counts.Duplicated);
        Assert.Equal(0, _tracker.LiveCount);
    }

    [Fact]
    public void A_replace_moves_the_resting_order_to_its_new_id()
    {
        long id = SendNew();
        _tracker.OnAccepted(id, 1);
        long replacement = _tracker.NextClientOrderId;
        _tracker.SentReplace(_tracker.PickLive(0), 5);
        _tracker.OnReplaced(id, replacement, 9);
        Assert.Equal((CommandType.Replace, 4L), _sink.Recorded[^1]);
        Assert.Equal(replacement, _tracker.ClientOrderIdOf(_tracker.PickLive(0)));
        Assert.Equal(1, _tracker.LiveCount);
    }

    [Fact]
    public void A_rejected_cancel_leaves_the_order_resting_and_counts_a_reject()
    {
        long id = SendNew();
        _tracker.OnAccepted(id, 1);
        _tracker.SentCancel(_tracker.PickLive(0), 2);
        _tracker.OnRejected(id, 3);
        Assert.Equal(1, _tracker.Counts.Rejected);
        Assert.Equal(1, _tracker.LiveCount);
        Assert.Equal(0, _tracker.CountPending());
    }

    [Fact]
    public void A_full_fill_retires_the_order_and_a_fill_for_a_retired_order_is_unexpected()
    {
        long id = SendNew();
        _tracker.OnAccepted(id, 1);
        _tracker.OnFill(id, leavesQuantity: 0);
        Assert.Equal(0, _tracker.LiveCount);
        _tracker.OnFill(id, leavesQuantity: 0);
        Assert.Equal(1, _tracker.Counts.Unexpected);
    }

    [Fact]
    public void A_crossing_order_is_acknowledged_but_never_offered_for_cancel()
    {
        long id = SendNew(CommandType.Cross);
        _tracker.OnAccepted(id, 1);
        Assert.Equal(-1, _tracker.PickLive(0));
        _tracker.OnCancelled(id, CancelReason.ImmediateOrCancelRemainder, 2);
        Assert.Equal(0, _tracker.Counts.Unexpected);
        Assert.Equal(0, _tracker.Counts.Duplicated);
    }

    [Fact]
    public void Warm_up_acknowledgements_are_not_recorded()
    {
        var latency = new E2eLatency { MeasureFromTicks = 1_000 };
        latency.Record(CommandType.New, 999, 5_000);
        latency.Record(CommandType.New, 1_000, 5_000);
        Assert.Equal(1, latency.All.TotalCount);
        Assert.Equal(1, latency.ByType[(int)CommandType.New].TotalCount);
    }

    [Fact]
    public void Tracking_allocates_nothing()
    {
        var tracker = new OrderTracker(1, 200_000, new E2eLatency { MeasureFromTicks = 0 });
        void Cycle()
        {
            long id = tracker.NextClientOrderId;
            tracker.SentNew(CommandType.New, 1, Side.Sell, 1);
            tracker.OnAccepted(id, 2);
            tracker.SentCancel(tracker.PickLive(7), 3);
            tracker.OnCancelled(id, CancelReason.ByClient, 4);
        }
        Assert.Equal(0, Allocations.InSteadyState(() =>
        {
            for (int i = 0; i < 30_000; i++) Cycle();
        }));
    }
}
