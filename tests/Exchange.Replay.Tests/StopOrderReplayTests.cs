// Stop and stop-limit orders in a journal: `exchange-replay dump` shows their type and stop price, and `rebuild` replays
// their triggers and cascades to the state hash the engine that wrote the journal had, at every sequence.
using Exchange.Contract;
using Exchange.Engine.Recovery;

namespace Exchange.Replay.Tests;

public sealed class StopOrderReplayTests : IDisposable
{
    private readonly TestJournal _journal = new(Inputs());

    public void Dispose() => _journal.Dispose();

    /// <summary>Two symbols' setup, then on symbol 0: a trade at 10,000, pending stops of both types and sides, trades
    /// that trigger them (a buy cascade), a cancel of a pending stop and a mass cancel.</summary>
    private static List<Input> Inputs()
    {
        var inputs = Workload.Generate(1, seed: 3); // symbols, accounts and their funds only
        Assert.All(inputs, i => Assert.NotEqual("NewOrder", i.Type));
        var buffer = new byte[256];
        void Order(NewOrder o) => inputs.Add(new Input(buffer[..CommandCodec.Encode(o, buffer)], "NewOrder", o.Account, o.Symbol));
        NewOrder Limit(long account, long id, Side side, long price, long qty, TimeInForce tif = TimeInForce.GoodTillCancel) =>
            new(account, id, 0, side, OrderType.Limit, tif, price, qty);

        Order(Limit(101, 1, Side.Sell, 10_000, 10));
        Order(Limit(102, 2, Side.Buy, 10_000, 10, TimeInForce.ImmediateOrCancel));          // last price 10,000
        Order(Limit(101, 3, Side.Sell, 10_100, 20));
        Order(Limit(101, 4, Side.Sell, 10_300, 20));
        Order(Limit(101, 5, Side.Buy, 9_800, 30));
        Order(new NewOrder(103, 6, 0, Side.Buy, OrderType.Stop, TimeInForce.ImmediateOrCancel, 0, 40, StopPrice: 10_050));
        Order(new NewOrder(104, 7, 0, Side.Buy, OrderType.StopLimit, TimeInForce.GoodTillCancel, 10_400, 20, StopPrice: 10_200));
        Order(new NewOrder(105, 8, 0, Side.Sell, OrderType.StopLimit, TimeInForce.GoodTillCancel, 9_700, 20, StopPrice: 9_900));
        Order(new NewOrder(105, 9, 0, Side.Sell, OrderType.Stop, TimeInForce.ImmediateOrCancel, 0, 10, StopPrice: 9_500));
        inputs.Add(new Input(buffer[..CommandCodec.Encode(new CancelOrder(105, 9), buffer)], "CancelOrder", 105, null));
        Order(Limit(101, 10, Side.Sell, 10_050, 10));
        Order(Limit(102, 11, Side.Buy, 10_050, 10, TimeInForce.ImmediateOrCancel));         // triggers 6, whose trades (10,300) trigger 7
        Order(Limit(102, 12, Side.Sell, 9_800, 30, TimeInForce.ImmediateOrCancel));         // sells to 7 and at 9,800: triggers 8
        inputs.Add(new Input(buffer[..CommandCodec.Encode(new MassCancel(104), buffer)], "MassCancel", 104, null));
        return inputs;
    }

    [Fact]
    public void Dump_shows_stop_orders_with_their_type_and_stop_price()
    {
        var result = Tools.Replay(["dump", _journal.Directory, "--json", "--type", "NewOrder"]);
        Assert.True(result.ExitCode == 0, result.ToString());

        var stops = result.JsonLines.Select(l => l.GetProperty("fields"))
            .Where(f => f.GetProperty("type").GetString() is "Stop" or "StopLimit")
            .Select(f => (f.GetProperty("clientOrderId").GetInt64(), f.GetProperty("type").GetString(), f.GetProperty("stopPrice").GetInt64()))
            .ToList();
        Assert.Equal([(6L, "Stop", 10_050L), (7L, "StopLimit", 10_200L), (8L, "StopLimit", 9_900L), (9L, "Stop", 9_500L)], stops);
        Assert.All(result.JsonLines.Select(l => l.GetProperty("fields")).Where(f => f.GetProperty("type").GetString() == "Limit"),
            f => Assert.False(f.TryGetProperty("stopPrice", out _)));
    }

    [Fact]
    public void Rebuild_replays_triggers_to_the_writing_engines_hash_at_every_sequence()
    {
        var engine = Workload.EngineAt(_journal.Inputs, _journal.LastSequence);
        Assert.Empty(engine.PendingStops(0, Exchange.Contract.Side.Buy));
        Assert.Equal(9_800, engine.LastTradePrice(0)); // the triggered sell stop-limit sold at the 9,800 bid
        foreach (var (account, id) in new[] { (103L, 6L), (104L, 7L), (105L, 8L) })
            Assert.Equal(Exchange.Contract.OrderState.Filled, engine.OrderStatus(account, id).State);
        Assert.Equal(Exchange.Contract.OrderState.Cancelled, engine.OrderStatus(105, 9).State);
        long setup = Workload.Generate(1, seed: 3).Count;
        for (long n = setup; n <= _journal.LastSequence; n++)
        {
            var result = Tools.Replay("rebuild", _journal.Directory, "--to-seq", n.ToString(), "--json");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(TestJournal.Hex(_journal.Hashes[n]), result.Json.GetProperty("stateHash").GetString());
        }
    }
}
