// Iceberg orders in a journal: `exchange-replay dump` shows their display quantity, and `rebuild` replays their slices and
// replenishments to the state hash the engine that wrote the journal had, at every sequence.
using Exchange.Contract;
using Exchange.Engine.Recovery;

namespace Exchange.Replay.Tests;

public sealed class IcebergReplayTests : IDisposable
{
    private readonly TestJournal _journal = new(Inputs());

    public void Dispose() => _journal.Dispose();

    /// <summary>Setup, then on symbol 0: two icebergs and a plain order at one price, sweeps through them (replenishing to the
    /// back of the level), a self-trade decrement, a replace and a cancel of an iceberg.</summary>
    private static List<Input> Inputs()
    {
        var inputs = Workload.Generate(1, seed: 3); // symbols, accounts and their funds only
        var buffer = new byte[256];
        void Order(NewOrder o) => inputs.Add(new Input(buffer[..CommandCodec.Encode(o, buffer)], "NewOrder", o.Account, o.Symbol));
        NewOrder Limit(long account, long id, Side side, long price, long qty, TimeInForce tif = TimeInForce.GoodTillCancel, long display = 0,
            SelfTradePrevention stp = SelfTradePrevention.None) =>
            new(account, id, 0, side, OrderType.Limit, tif, price, qty, 0, stp, DisplayQuantity: display);

        Order(Limit(101, 1, Side.Sell, 10_100, 100, display: 20));
        Order(Limit(102, 2, Side.Sell, 10_100, 30));
        Order(Limit(103, 3, Side.Sell, 10_100, 60, display: 10));
        Order(Limit(104, 4, Side.Buy, 10_100, 45, TimeInForce.ImmediateOrCancel));  // 101's slice, 102 in part: 101 replenished behind 103
        Order(Limit(101, 5, Side.Buy, 10_100, 30, TimeInForce.ImmediateOrCancel, stp: SelfTradePrevention.Decrement));
        inputs.Add(new Input(buffer[..CommandCodec.Encode(new ReplaceOrder(103, 3, 13, 10_100, 80), buffer)], "ReplaceOrder", 103, null));
        Order(Limit(104, 6, Side.Buy, 10_100, 70, TimeInForce.ImmediateOrCancel));
        Order(Limit(105, 7, Side.Buy, 9_900, 50, display: 10));
        Order(Limit(102, 8, Side.Sell, 9_900, 25, TimeInForce.ImmediateOrCancel));
        inputs.Add(new Input(buffer[..CommandCodec.Encode(new CancelOrder(101, 1), buffer)], "CancelOrder", 101, null));
        return inputs;
    }

    [Fact]
    public void Dump_shows_icebergs_with_their_display_quantity()
    {
        var result = Tools.Replay(["dump", _journal.Directory, "--json", "--type", "NewOrder"]);
        Assert.True(result.ExitCode == 0, result.ToString());

        var fields = result.JsonLines.Select(l => l.GetProperty("fields")).ToList();
        var icebergs = fields.Where(f => f.TryGetProperty("displayQuantity", out _))
            .Select(f => (f.GetProperty("clientOrderId").GetInt64(), f.GetProperty("displayQuantity").GetInt64())).ToList();
        Assert.Equal([(1L, 20L), (3L, 10L), (7L, 10L)], icebergs);
        Assert.Equal(8, fields.Count);
    }

    [Fact]
    public void Rebuild_replays_icebergs_to_the_writing_engines_hash_at_every_sequence()
    {
        var engine = Workload.EngineAt(_journal.Inputs, _journal.LastSequence);
        Assert.Equal(OrderState.Cancelled, engine.OrderStatus(101, 1).State);
        Assert.Equal(OrderState.Open, engine.OrderStatus(105, 7).State);
        long setup = Workload.Generate(1, seed: 3).Count;
        for (long n = setup; n <= _journal.LastSequence; n++)
        {
            var result = Tools.Replay("rebuild", _journal.Directory, "--to-seq", n.ToString(), "--json");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(TestJournal.Hex(_journal.Hashes[n]), result.Json.GetProperty("stateHash").GetString());
        }
    }
}
