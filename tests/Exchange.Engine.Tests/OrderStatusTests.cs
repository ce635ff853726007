// What the engine remembers for order-status queries: each account's last sequenced client order id, and the bounded
// ring of recently finished orders, kept through snapshots.
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public sealed class OrderStatusTests
{
    private static EngineFixture Fixture(int recentOrders = 4096) => new(EngineFixture.SmallConfig() with { RecentOrders = recentOrders });

    [Fact]
    public void Open_filled_cancelled_and_rejected_orders_say_so_and_the_last_client_order_id_counts_rejects()
    {
        var f = Fixture();
        f.Buy(EngineFixture.Alice, 1, 10_000, 30);
        f.Sell(EngineFixture.Bob, 2, 10_000, 10);
        f.Buy(EngineFixture.Alice, 3, 9_900, 10);
        f.Cancel(EngineFixture.Alice, 3);
        f.Buy(EngineFixture.Alice, 4, 9_900, 10, tif: TimeInForce.ImmediateOrCancel);
        f.Buy(EngineFixture.Alice, 5, 10_001, 10);
        long rejectedAt = f.Sequence;

        var open = f.Engine.OrderStatus(EngineFixture.Alice, 1);
        Assert.Equal((OrderState.Open, 20L, 10L, 0L), (open.State, open.Leaves, open.Filled, open.Sequence));
        var filled = f.Engine.OrderStatus(EngineFixture.Bob, 2);
        Assert.Equal((OrderState.Filled, 10L, 0L), (filled.State, filled.Filled, filled.Leaves));
        Assert.Equal(CancelReason.ByClient, f.Engine.OrderStatus(EngineFixture.Alice, 3).CancelReason);
        Assert.Equal(OrderState.Cancelled, f.Engine.OrderStatus(EngineFixture.Alice, 3).State);
        Assert.Equal(CancelReason.ImmediateOrCancelRemainder, f.Engine.OrderStatus(EngineFixture.Alice, 4).CancelReason);
        var rejected = f.Engine.OrderStatus(EngineFixture.Alice, 5);
        Assert.Equal((OrderState.Rejected, RejectReason.PriceOffTick, rejectedAt, 0L), (rejected.State, rejected.RejectReason, rejected.Sequence, rejected.OrderId));
        Assert.Equal(OrderState.Unknown, f.Engine.OrderStatus(EngineFixture.Alice, 6).State);
        Assert.Equal(OrderState.Unknown, f.Engine.OrderStatus(EngineFixture.Bob, 1).State);

        Assert.True(f.Engine.TryGetLastClientOrder(EngineFixture.Alice, out long last, out long lastSequence));
        Assert.Equal((5L, rejectedAt), (last, lastSequence));
        Assert.True(f.Engine.TryGetLastClientOrder(EngineFixture.Carol, out last, out lastSequence));
        Assert.Equal((0L, 0L), (last, lastSequence));
        Assert.False(f.Engine.TryGetLastClientOrder(99, out _, out _));
    }

    [Fact]
    public void A_replaced_order_is_found_under_its_new_id_and_a_self_trade_decrement_cancel_says_why()
    {
        var f = Fixture();
        f.Buy(EngineFixture.Alice, 1, 9_900, 20);
        f.Replace(EngineFixture.Alice, 1, 2, 9_800, 20);
        Assert.Equal(OrderState.Open, f.Engine.OrderStatus(EngineFixture.Alice, 2).State);
        Assert.Equal(OrderState.Unknown, f.Engine.OrderStatus(EngineFixture.Alice, 1).State);
        Assert.True(f.Engine.TryGetLastClientOrder(EngineFixture.Alice, out long last, out _));
        Assert.Equal(2, last);

        f.Sell(EngineFixture.Alice, 3, 9_800, 20, stp: SelfTradePrevention.Decrement);
        Assert.Equal((OrderState.Cancelled, CancelReason.SelfTradePrevention), (f.Engine.OrderStatus(EngineFixture.Alice, 2).State, f.Engine.OrderStatus(EngineFixture.Alice, 2).CancelReason));
        Assert.Equal((OrderState.Cancelled, CancelReason.SelfTradePrevention), (f.Engine.OrderStatus(EngineFixture.Alice, 3).State, f.Engine.OrderStatus(EngineFixture.Alice, 3).CancelReason));
    }

    [Fact]
    public void The_ring_of_recent_orders_keeps_the_newest_RecentOrders_and_a_reused_id_answers_its_newest_order()
    {
        var f = Fixture(recentOrders: 4);
        for (long id = 1; id <= 6; id++) f.Buy(EngineFixture.Alice, id, 9_900, 10, tif: TimeInForce.ImmediateOrCancel);
        Assert.Equal(OrderState.Unknown, f.Engine.OrderStatus(EngineFixture.Alice, 1).State);
        Assert.Equal(OrderState.Unknown, f.Engine.OrderStatus(EngineFixture.Alice, 2).State);
        for (long id = 3; id <= 6; id++) Assert.Equal(OrderState.Cancelled, f.Engine.OrderStatus(EngineFixture.Alice, id).State);
        Assert.Equal(4, f.Engine.RecentOrders().Length);

        f.Sell(EngineFixture.Bob, 7, 9_900, 10);
        f.Buy(EngineFixture.Alice, 6, 9_900, 10, tif: TimeInForce.ImmediateOrCancel);
        Assert.Equal(OrderState.Filled, f.Engine.OrderStatus(EngineFixture.Alice, 6).State);
    }

    [Fact]
    public void A_snapshot_keeps_what_the_queries_answer_and_the_state_hash_covers_it()
    {
        var f = Fixture(recentOrders: 8);
        f.Buy(EngineFixture.Alice, 1, 10_000, 30);
        f.Sell(EngineFixture.Bob, 2, 10_000, 10);
        f.Buy(EngineFixture.Carol, 3, 10_001, 10);
        for (long id = 10; id < 20; id++) f.Buy(EngineFixture.Alice, id, 9_900, 10, tif: TimeInForce.ImmediateOrCancel);

        var stream = new MemoryStream();
        f.Engine.Capture().WriteTo(stream);
        stream.Position = 0;
        var restored = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig() with { RecentOrders = 8 }, new RecordingOutput());
        restored.Restore(EngineSnapshot.ReadFrom(stream));

        Assert.Equal(f.Engine.StateHash(), restored.StateHash());
        Assert.Equal(f.Engine.RecentOrders(), restored.RecentOrders());
        foreach (long account in new[] { EngineFixture.Alice, EngineFixture.Bob, EngineFixture.Carol })
        {
            f.Engine.TryGetLastClientOrder(account, out long a, out long sa);
            restored.TryGetLastClientOrder(account, out long b, out long sb);
            Assert.Equal((a, sa), (b, sb));
            for (long id = 0; id < 20; id++) Assert.Equal(f.Engine.OrderStatus(account, id), restored.OrderStatus(account, id));
        }

        // The history is in the hash: one more rejected order changes it, though not the books and balances.
        long books = f.Engine.StateHash(history: false), all = f.Engine.StateHash();
        f.Buy(EngineFixture.Carol, 4, 10_001, 10);
        Assert.Equal(books, f.Engine.StateHash(history: false));
        Assert.NotEqual(all, f.Engine.StateHash());
    }
}
