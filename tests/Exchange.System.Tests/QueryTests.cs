// The engine's read-only queries through a real engine process and the client library: order status (from state that
// survives a kill and restart, as a standby's would, being rebuilt from the same journal), account state and the
// full-depth book snapshot.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Testing;

namespace Exchange.System.Tests;

internal sealed class QueryListener : ClientListener
{
    public readonly List<OrderStatusAnswer> Statuses = [];
    public readonly List<(ulong RequestId, int Asset, long Available, long Held)> Balances = [];
    public readonly List<(ulong RequestId, OpenOrderEntry Order)> Orders = [];
    public readonly List<(ulong RequestId, long Sequence, int OrderCount, long NextAfterOrderId)> AccountEnds = [];
    public readonly List<(Side Side, long Price, long Quantity, int Count)> BookLevels = [];
    public readonly List<(ulong RequestId, long Sequence, int Bids, int Asks, bool Truncated)> BookEnds = [];
    public readonly List<(ulong RequestId, int Query, RejectReason Reason)> QueryRejects = [];
    /// <summary>Each asset's balance as the last BalanceChanged said.</summary>
    public readonly Dictionary<int, (long Available, long Held)> LastBalance = [];
    /// <summary>The book as market data built it: (side, price) → (quantity, orders).</summary>
    public readonly Dictionary<(Side, long), (long Quantity, int Count)> Book = [];
    public readonly List<(long Sequence, OrderAccepted E)> Accepted = [];
    public readonly List<(long Sequence, CommandRejected E)> Rejected = [];
    public readonly List<(long Sequence, OrderCancelled E)> Cancelled = [];
    public readonly List<Fill> Fills = [];
    public long LastSequence;

    public override void OnEventContext(int shard, long sequence)
    {
        base.OnEventContext(shard, sequence);
        if (sequence > LastSequence) LastSequence = sequence;
    }
    public override void OnAccepted(in OrderAccepted e) => Accepted.Add((EventSequence, e));
    public override void OnRejected(in CommandRejected e) => Rejected.Add((EventSequence, e));
    public override void OnCancelled(in OrderCancelled e) => Cancelled.Add((EventSequence, e));
    public override void OnFill(in Fill e) => Fills.Add(e);
    public override void OnBalance(in BalanceChanged e) => LastBalance[e.Asset] = (e.Available, e.Held);
    public override void OnLevel(in LevelChanged e)
    {
        if (e.Quantity == 0) Book.Remove((e.Side, e.Price));
        else Book[(e.Side, e.Price)] = (e.Quantity, e.OrderCount);
    }
    public override void OnOrderStatus(int shard, in OrderStatusAnswer answer) => Statuses.Add(answer);
    public override void OnAccountBalance(int shard, ulong requestId, long account, int asset, long available, long held) => Balances.Add((requestId, asset, available, held));
    public override void OnAccountOrder(int shard, ulong requestId, in OpenOrderEntry order) => Orders.Add((requestId, order));
    public override void OnAccountStateEnd(int shard, ulong requestId, long account, long sequence, int orderCount, long nextAfterOrderId) =>
        AccountEnds.Add((requestId, sequence, orderCount, nextAfterOrderId));
    public override void OnBookSnapshotLevel(int shard, int symbol, Side side, long price, long quantity, int orderCount) => BookLevels.Add((side, price, quantity, orderCount));
    public override void OnBookSnapshotEnd(int shard, ulong requestId, int symbol, long sequence, SymbolStatus status, int bidLevels, int askLevels, bool truncated) =>
        BookEnds.Add((requestId, sequence, bidLevels, askLevels, truncated));
    public override void OnQueryRejected(int shard, ulong requestId, int query, RejectReason reason) => QueryRejects.Add((requestId, query, reason));
}

public sealed class QueryTests : IDisposable
{
    private const int Btc = 1;
    private const long Lot = 1_000_000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly string _root = Directory.CreateTempSubdirectory("exchange-query-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static NewOrder Limit(long clientOrderId, Side side, long price, long quantity) =>
        new(0, clientOrderId, Btc, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, quantity);

    private static ExchangeClient<QueryListener> Connect(string apiKey, EngineProcess engine)
    {
        var client = new ExchangeClient<QueryListener>(
            new ClientOptions { ApiKey = apiKey, Shards = [new ShardEndpoint(engine.ChannelUri, [Btc])], HeartbeatIntervalMs = 2000 }, new QueryListener());
        client.Connect(Wait);
        return client;
    }

    private static OrderStatusAnswer[] Statuses(ExchangeClient<QueryListener> client, params long[] clientOrderIds)
    {
        client.Listener.Statuses.Clear();
        for (int i = 0; i < clientOrderIds.Length; i++) Assert.True(client.RequestOrderStatus(0, (ulong)(100 + i), clientOrderIds[i]) > 0);
        Clients.PollUntil(() => client.Listener.Statuses.Count == clientOrderIds.Length, Wait, () => client.Poll());
        return [.. client.Listener.Statuses];
    }

    [Fact]
    public void Order_status_says_open_filled_cancelled_rejected_or_unknown_and_the_same_after_a_kill_and_restart()
    {
        string journal = Path.Combine(_root, "status");
        OrderStatusAnswer[] before, takerBefore;
        int port;
        using (var engine = new EngineProcess(1, "BTC-USD", journal))
        {
            port = engine.Port;
            using var maker = Connect("mm-1001-key", engine);
            using var taker = Connect("mm-1002-key", engine);
            Func<int>[] polls = [() => maker.Poll(), () => taker.Poll()];
            Assert.True(maker.NewOrder(Limit(1, Side.Buy, 59_990, 2 * Lot)) > 0);
            Assert.True(maker.NewOrder(Limit(2, Side.Buy, 59_980, Lot)) > 0);
            Clients.PollUntil(() => maker.Listener.Accepted.Count == 2, Wait, polls);
            Assert.True(taker.NewOrder(Limit(10, Side.Sell, 59_990, Lot)) > 0);
            Assert.True(maker.Cancel(Btc, 2) > 0);
            Assert.True(maker.NewOrder(Limit(3, Side.Buy, 59_970, 0)) > 0);
            Clients.PollUntil(() => maker.Listener.Cancelled.Count == 1 && maker.Listener.Rejected.Count == 1 && taker.Listener.Fills.Count == 1, Wait, polls);

            before = Statuses(maker, 1, 2, 3, 99);
            Assert.Equal(OrderState.Open, before[0].State);
            Assert.Equal(Lot, before[0].Filled);
            Assert.Equal(Lot, before[0].Leaves);
            Assert.Equal(maker.Listener.Accepted[0].E.OrderId, before[0].OrderId);
            Assert.Equal(OrderState.Cancelled, before[1].State);
            Assert.Equal(CancelReason.ByClient, before[1].CancelReason);
            Assert.Equal(maker.Listener.Cancelled[0].Sequence, before[1].OrderSequence);
            Assert.Equal(OrderState.Rejected, before[2].State);
            Assert.Equal(RejectReason.InvalidQuantity, before[2].RejectReason);
            Assert.Equal(maker.Listener.Rejected[0].Sequence, before[2].OrderSequence);
            Assert.Equal(OrderState.Unknown, before[3].State);
            // The last sequenced client order id is the rejected one: it was sequenced all the same.
            Assert.All(before, s => Assert.Equal(3, s.LastClientOrderId));
            Assert.All(before, s => Assert.Equal(maker.Listener.Rejected[0].Sequence, s.LastClientOrderSequence));
            Assert.All(before, s => Assert.True(s.Sequence >= maker.Listener.LastSequence));
            Assert.Equal([100UL, 101UL, 102UL, 103UL], before.Select(s => s.RequestId));

            takerBefore = Statuses(taker, 10);
            Assert.Equal(OrderState.Filled, takerBefore[0].State);
            Assert.Equal(Lot, takerBefore[0].Filled);
            Assert.Equal(10, takerBefore[0].LastClientOrderId);
            engine.Process.Kill();
        }

        // Killed and restarted on its journal: the state is rebuilt from the same inputs, as a standby's is from the
        // primary's, and answers the same.
        using var restarted = new EngineProcess(1, "BTC-USD", journal, port);
        using var maker2 = Connect("mm-1001-key", restarted);
        using var taker2 = Connect("mm-1002-key", restarted);
        var after = Statuses(maker2, 1, 2, 3, 99);
        Assert.Equal(before.Select(s => s with { Sequence = 0 }), after.Select(s => s with { Sequence = 0 }));
        Assert.Equal(takerBefore[0] with { Sequence = 0 }, Statuses(taker2, 10)[0] with { Sequence = 0 });
    }

    [Fact]
    public void Account_state_lists_the_balances_and_open_orders_at_its_sequence()
    {
        using var engine = new EngineProcess(1, "BTC-USD", Path.Combine(_root, "account"));
        using var maker = Connect("mm-1001-key", engine);
        Assert.True(maker.NewOrder(Limit(1, Side.Buy, 59_900, Lot)) > 0);
        Assert.True(maker.NewOrder(Limit(2, Side.Buy, 59_800, 3 * Lot)) > 0);
        Assert.True(maker.NewOrder(Limit(3, Side.Sell, 60_500, 2 * Lot)) > 0);
        Assert.True(maker.Cancel(Btc, 2) > 0);
        Clients.PollUntil(() => maker.Listener.Accepted.Count == 3 && maker.Listener.Cancelled.Count == 1, Wait, () => maker.Poll());

        Assert.True(maker.RequestAccountState(0, 7) > 0);
        Clients.PollUntil(() => maker.Listener.AccountEnds.Count == 1, Wait, () => maker.Poll());
        var end = maker.Listener.AccountEnds[0];
        Assert.Equal(7UL, end.RequestId);
        Assert.Equal(2, end.OrderCount);
        Assert.Equal(0, end.NextAfterOrderId);
        Assert.Equal(maker.Listener.LastSequence, end.Sequence);
        var orders = maker.Listener.Orders.Select(o => o.Order).ToList();
        Assert.Equal([1L, 3L], orders.Select(o => o.ClientOrderId));
        Assert.Equal((Side.Buy, 59_900L, Lot, Lot), (orders[0].Side, orders[0].Price, orders[0].Quantity, orders[0].Leaves));
        Assert.Equal((Side.Sell, 60_500L, 2 * Lot, 0L), (orders[1].Side, orders[1].Price, orders[1].Leaves, orders[1].Filled));
        Assert.True(orders[0].OrderId < orders[1].OrderId);
        // Every balance the execution reports showed is in the answer with the same amounts.
        Assert.NotEmpty(maker.Listener.LastBalance);
        foreach (var (asset, (available, held)) in maker.Listener.LastBalance)
            Assert.Contains((7UL, asset, available, held), maker.Listener.Balances);
        Assert.Contains(maker.Listener.Balances, b => b.Held > 0);
    }

    [Fact]
    public void A_book_snapshot_has_every_level_market_data_built_best_first_and_continues_from_its_sequence()
    {
        using var engine = new EngineProcess(1, "BTC-USD", Path.Combine(_root, "book"));
        using var maker = Connect("mm-1001-key", engine);
        using var observer = Connect("mm-1002-key", engine);
        Func<int>[] polls = [() => maker.Poll(), () => observer.Poll()];
        long id = 1;
        for (int i = 0; i < 60; i++) Assert.True(maker.NewOrder(Limit(id++, Side.Buy, 59_000 + 10 * (i % 55), Lot * (1 + i % 3))) > 0);
        for (int i = 0; i < 7; i++) Assert.True(maker.NewOrder(Limit(id++, Side.Sell, 61_000 + 10 * i, Lot)) > 0);
        Clients.PollUntil(() => maker.Listener.Accepted.Count == 67, Wait, polls);
        Clients.PollUntil(() => observer.Listener.Book.Count == 62, Wait, () => $"{observer.Listener.Book.Count} levels", polls);

        Assert.True(observer.RequestBookSnapshot(Btc, 42) > 0);
        Clients.PollUntil(() => observer.Listener.BookEnds.Count == 1, Wait, polls);
        var end = observer.Listener.BookEnds[0];
        Assert.Equal((42UL, 55, 7, false), (end.RequestId, end.Bids, end.Asks, end.Truncated));
        Assert.True(end.Sequence >= maker.Listener.Accepted[^1].Sequence);
        var bids = observer.Listener.BookLevels.Where(l => l.Side == Side.Buy).ToList();
        var asks = observer.Listener.BookLevels.Where(l => l.Side == Side.Sell).ToList();
        Assert.Equal(bids.Select(l => l.Price).OrderByDescending(p => p), bids.Select(l => l.Price));
        Assert.Equal(asks.Select(l => l.Price).OrderBy(p => p), asks.Select(l => l.Price));
        foreach (var l in observer.Listener.BookLevels) Assert.Equal(observer.Listener.Book[(l.Side, l.Price)], (l.Quantity, l.Count));
        Assert.Contains(bids, l => l.Count == 2);

        // A symbol the shard does not hold is refused with a reason.
        var raw = new byte[64];
        var q = BookSnapshotRequestEncoder.WrapAndApplyHeader(raw, 0);
        q.RequestId = 9;
        q.Symbol = 77;
        Assert.True(observer.SendAdministration(0, raw.AsSpan(0, MessageHeaderEncoder.EncodedLength + q.EncodedLength)) > 0);
        Clients.PollUntil(() => observer.Listener.QueryRejects.Count == 1, Wait, polls);
        Assert.Equal((9UL, BookSnapshotRequestDecoder.TemplateId, RejectReason.UnknownSymbol), observer.Listener.QueryRejects[0]);
    }
}
