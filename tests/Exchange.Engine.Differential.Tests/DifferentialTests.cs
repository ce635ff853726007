// Differential tests: the fast MatchingEngine against the simple ReferenceEngine, over long random streams.
using System.Diagnostics;
using System.Text;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Engine.Tests;
using Xunit.Abstractions;

namespace Exchange.Engine.Differential.Tests;

public sealed class DifferentialTests(ITestOutputHelper log)
{
    /// <summary>5 seeds × 250,000 = 1.25M commands. Seeds cover the three capacity profiles (seed % 3).</summary>
    private const int CommandsPerSeed = 250_000;

    /// <summary>Full state comparison with the reference (books in priority order, every balance) runs this
    /// often and at the end; the event streams and invariants (a)-(d) are checked after every command.</summary>
    private const int CompareStateEvery = 64;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Fast_engine_matches_reference_for_seed(int seed)
    {
        var sw = Stopwatch.StartNew();
        var config = CommandGenerator.ConfigFor(seed);
        var harness = new DifferentialHarness(config);
        var generator = new CommandGenerator(seed, harness.Reference, CommandsPerSeed);
        var history = new List<(long Seq, object Command)>(CommandsPerSeed);
        var stats = new Dictionary<string, int>();
        var icebergs = new HashSet<long>();

        for (int i = 0; i < CommandsPerSeed; i++)
        {
            long seq = i + 1;
            var command = generator.Next();
            history.Add((seq, command));

            string? failure = harness.Step(seq, seq * 10, command);
            if (failure is null && (failure = harness.CheckInvariants()) is not null) failure = "invariant broken after " + DifferentialHarness.Describe(command) + ":\n" + failure;
            if (failure is null && (i % CompareStateEvery == 0 || i == CommandsPerSeed - 1) && (failure = harness.CompareState()) is not null)
                failure = "state differs from reference after " + DifferentialHarness.Describe(command) + ":\n" + failure;
            if (failure is not null) Fail(seed, i, config, history, failure);

            Count(stats, harness.ReferenceOutput.Events, icebergs);
        }

        // Determinism: a second fast engine fed the same stream ends in the same state.
        var again = new MatchingEngine<RecordingOutput>(config, new RecordingOutput());
        foreach (var (seq, command) in history)
        {
            DifferentialHarness.ApplyTo(again, seq, seq * 10, command);
            again.Output.Clear();
        }
        Assert.Equal(harness.Fast.StateHash(), again.StateHash());

        log.WriteLine($"seed {seed}: {CommandsPerSeed} commands in {sw.Elapsed.TotalSeconds:F1}s; open orders at end {harness.Fast.OpenOrderCount}");
        foreach (var (key, n) in stats.OrderBy(kv => kv.Key, StringComparer.Ordinal)) log.WriteLine($"  {key,-48} {n,9}");

        // The stream must actually exercise the interesting paths, or the comparison proves little.
        foreach (var must in new[]
        {
            "Fill", "OrderReduced", "OrderReplaced", "MassCancelled", "BestBidOffer", "LevelChanged",
            "OrderCancelled.SelfTradePrevention", "OrderCancelled.MarketRemainder", "OrderCancelled.ImmediateOrCancelRemainder",
            "OrderCancelled.ReplacedBelowFilled", "OrderCancelled.ByClient", "OrderCancelled.MassCancel",
            "Rejected.NewOrder.FillOrKillNotFillable", "Rejected.NewOrder.PostOnlyWouldTake", "Rejected.NewOrder.InsufficientFunds",
            "Rejected.NewOrder.DuplicateClientOrderId", "Rejected.NewOrder.SymbolHalted", "Rejected.ReplaceOrder.UnknownOrder",
            "OrderAccepted.Iceberg", "Fill.Maker.Iceberg", "Rejected.NewOrder.InvalidDisplayQuantity",
            "OrderCancelled.Expired", "Rejected.NewOrder.InvalidExpireTime", "Rejected.NewOrder.NoSessionEnd", "Rejected.AddSymbol.InvalidSymbolSpec",
            "AccountPermissionChanged", "Rejected.SetAccountPermission.InvalidPermission",
            "Rejected.SetAccountPermission.UnknownAccount",
        })
            Assert.True(stats.GetValueOrDefault(must) > 0, $"seed {seed}: the stream never produced {must}");
        if (seed % 3 == 1)
            foreach (var must in new[] { "Rejected.NewOrder.TooManyOpenOrders", "Rejected.NewOrder.OrderCapacityExhausted",
                "Rejected.NewOrder.PriceLevelCapacityExhausted", "Rejected.AddAccount.AccountCapacityExhausted" })
                Assert.True(stats.GetValueOrDefault(must) > 0, $"seed {seed}: the stream never produced {must}");
        else
            foreach (var must in new[] { "Rejected.NewOrder.NotPermitted", "Rejected.ReplaceOrder.NotPermitted", "Rejected.CancelOrder.NotPermitted",
                "Rejected.MassCancel.NotPermitted", "Rejected.AddAccount.InvalidPermission" })
                Assert.True(stats.GetValueOrDefault(must) > 0, $"seed {seed}: the stream never produced {must}");
    }

    private static void Count(Dictionary<string, int> stats, List<object> events, HashSet<long> icebergs)
    {
        foreach (var e in events)
        {
            string key = e switch
            {
                CommandRejected r => $"Rejected.{r.Command}.{r.Reason}",
                OrderCancelled c => $"OrderCancelled.{c.Reason}",
                _ => e.GetType().Name,
            };
            stats[key] = stats.GetValueOrDefault(key) + 1;
            if (e is OrderCancelled) stats["OrderCancelled"] = stats.GetValueOrDefault("OrderCancelled") + 1;
            if (e is OrderAccepted { DisplayQuantity: > 0 } accepted)
            {
                stats["OrderAccepted.Iceberg"] = stats.GetValueOrDefault("OrderAccepted.Iceberg") + 1;
                icebergs.Add(accepted.OrderId);
            }
            if (e is Fill { Liquidity: Liquidity.Maker } fill && icebergs.Contains(fill.OrderId))
                stats["Fill.Maker.Iceberg"] = stats.GetValueOrDefault("Fill.Maker.Iceberg") + 1;
        }
    }

    private void Fail(int seed, int index, EngineConfig config, List<(long Seq, object Command)> history, string failure)
    {
        var sb = new StringBuilder();
        sb.Append($"seed {seed}, command #{index} (sequence {history[^1].Seq}): {failure}\n");
        sb.Append("last commands before it:\n");
        foreach (var (seq, c) in history.Skip(Math.Max(0, history.Count - 8)))
            sb.Append("  ").Append(seq).Append(": ").Append(DifferentialHarness.Describe(c)).Append('\n');

        // Shrink the failing prefix to a small repro (bounded in time) and print it as commands.
        var minimal = DifferentialHarness.Minimize(config, history, TimeSpan.FromSeconds(30));
        sb.Append($"minimised repro ({minimal.Count} of {history.Count} commands; config {config}):\n");
        foreach (var (seq, c) in minimal.Take(80)) sb.Append("  ").Append(seq).Append(": ").Append(DifferentialHarness.Describe(c)).Append('\n');
        if (minimal.Count > 80) sb.Append("  ...\n");
        log.WriteLine(sb.ToString());
        Assert.Fail(sb.ToString());
    }

    /// <summary>The one discrepancy the random runs found (minimal repro, events computed by hand from the
    /// README). A market buy whose budget runs out part-way through the oldest maker must consider that same
    /// maker next ("oldest first within a price"), find its largest affordable q is 0 and stop. The fast engine
    /// moves on to the next maker instead, here the account's own order, which CancelOldest then cancels.</summary>
    [Fact]
    public void Market_buy_out_of_budget_stops_at_the_partly_filled_maker()
    {
        var h = new DifferentialHarness(CommandGenerator.ConfigFor(0));
        var symbol = CommandGenerator.Symbols[1]; // tick 1, lot 1, maker 0 bps, taker 7 bps
        long seq = 0;
        foreach (object c in new object[]
        {
            new AddAccount(1), new AddAccount(2), new AddSymbol(symbol),
            new Deposit(1, 0, 10_000), new Deposit(1, 2, 100), new Deposit(2, 2, 100),
            new NewOrder(2, 1, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 253, 5),  // oldest, other account
            new NewOrder(1, 1, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 253, 5),  // own order behind it
        })
            Assert.Null(h.Step(++seq, seq, c));

        // Budget 600 buys 2 lots at 253 (506 + fee 0); 94 is left, less than one more lot.
        var buy = new NewOrder(1, 2, 1, Side.Buy, OrderType.Market, TimeInForce.ImmediateOrCancel, 0, 5, QuoteBudget: 600,
            SelfTrade: SelfTradePrevention.CancelOldest);
        string? diff = h.Step(++seq, seq, buy);
        var expected = new object[]
        {
            new OrderAccepted(1, 2, 3, 1, Side.Buy, OrderType.Market, TimeInForce.ImmediateOrCancel, 0, 5),
            new BalanceChanged(1, 0, 9_400, 600),
            new Fill(1, 2, 1, 1, 1, Side.Sell, Liquidity.Maker, 253, 2, 0, 2, 3),
            new Fill(1, 1, 2, 3, 1, Side.Buy, Liquidity.Taker, 253, 2, 0, 2, 3),
            new Trade(1, 1, 253, 2, Side.Buy),
            new BalanceChanged(2, 2, 95, 3),
            new BalanceChanged(2, 0, 506, 0),
            new BalanceChanged(1, 2, 97, 5),
            new BalanceChanged(1, 0, 9_400, 94),
            new LevelChanged(1, Side.Sell, 253, 8, 2),
            new OrderCancelled(1, 2, 3, 1, Side.Buy, CancelReason.MarketRemainder, 3, 2),
            new BalanceChanged(1, 0, 9_494, 0),
            new BestBidOffer(1, 0, 0, 253, 8),
        };
        Assert.Null(DifferentialHarness.Compare(expected, h.ReferenceOutput.Events)); // the reference agrees with the hand computation
        Assert.True(diff is null, diff);                                              // and so must the fast engine
    }

    /// <summary>README "NewOrder": a market buy with QuoteBudget 0 gets the engine's budget, its whole quantity at band
    /// high plus the taker fee, and so fills completely at band high (events computed by hand).</summary>
    [Fact]
    public void Market_buy_without_a_budget_gets_band_high_plus_taker_fee_and_fills_at_band_high()
    {
        var h = new DifferentialHarness(CommandGenerator.ConfigFor(0));
        var symbol = CommandGenerator.Symbols[0]; // tick 10, lot 100, band high 10,500, maker 10 bps, taker 25 bps
        long seq = 0;
        foreach (object c in new object[]
        {
            new AddAccount(1), new AddAccount(2), new AddSymbol(symbol),
            new Deposit(1, 0, 100_000), new Deposit(2, 1, 1_000),
            new NewOrder(2, 1, 0, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 10_500, 300),
        })
            Assert.Null(h.Step(++seq, seq, c));

        // 3 lots at 10,500 = 31,500, taker fee 78 (25 bps, rounded down): a budget of 31,578, spent exactly.
        var buy = new NewOrder(1, 1, 0, Side.Buy, OrderType.Market, TimeInForce.ImmediateOrCancel, 0, 300);
        string? diff = h.Step(++seq, seq, buy);
        var expected = new object[]
        {
            new OrderAccepted(1, 1, 2, 0, Side.Buy, OrderType.Market, TimeInForce.ImmediateOrCancel, 0, 300),
            new BalanceChanged(1, 0, 68_422, 31_578),
            new Fill(1, 2, 1, 1, 0, Side.Sell, Liquidity.Maker, 10_500, 300, 31, 300, 0),
            new Fill(1, 1, 1, 2, 0, Side.Buy, Liquidity.Taker, 10_500, 300, 78, 300, 0),
            new Trade(0, 1, 10_500, 300, Side.Buy),
            new BalanceChanged(2, 1, 700, 0),
            new BalanceChanged(2, 0, 31_469, 0),
            new BalanceChanged(1, 1, 300, 0),
            new BalanceChanged(1, 0, 68_422, 0),
            new BalanceChanged(0, 0, 109, 0),
            new LevelChanged(0, Side.Sell, 10_500, 0, 0),
            new BalanceChanged(1, 0, 68_422, 0),
            new BestBidOffer(0, 0, 0, 0, 0),
        };
        Assert.Null(DifferentialHarness.Compare(expected, h.ReferenceOutput.Events));
        Assert.True(diff is null, diff);
    }

    [Fact]
    public void Harness_reports_a_difference_when_the_engines_diverge()
    {
        var config = CommandGenerator.ConfigFor(0);
        var h = new DifferentialHarness(config);
        Assert.Null(h.Step(1, 10, new AddAccount(1)));
        Assert.Null(h.Step(2, 20, new Deposit(1, 0, 1_000)));
        Assert.Null(h.CheckInvariants());

        // Only the reference sees this deposit, so the next identical command must produce different events.
        DifferentialHarness.ApplyTo(h.Reference, 3, 30, new Deposit(1, 0, 5));
        string? diff = h.Step(4, 40, new Deposit(1, 0, 7));
        Assert.NotNull(diff);
        Assert.Contains("events differ at index 0", diff);
        Assert.Contains("Available = 1012", diff); // reference
        Assert.Contains("Available = 1007", diff); // fast

        Assert.NotNull(h.CompareState());
    }

    [Fact]
    public void Harness_reports_an_order_book_difference_in_events_and_state()
    {
        var config = CommandGenerator.ConfigFor(0);
        var h = new DifferentialHarness(config);
        long seq = 0;
        foreach (object c in new object[] { new AddAccount(1), new AddSymbol(CommandGenerator.Symbols[1]), new Deposit(1, 0, 1_000_000), new Deposit(1, 2, 1_000) })
            Assert.Null(h.Step(++seq, seq, c));

        // The fast engine alone gets a resting bid; a later equal order rests behind it only there.
        DifferentialHarness.ApplyTo(h.Fast, ++seq, seq, new NewOrder(1, 1, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 250, 10));
        Assert.NotNull(h.CompareState());
        Assert.NotNull(h.Step(++seq, seq, new NewOrder(1, 2, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 250, 10)));
    }

    [Fact]
    public void Event_comparison_notices_a_single_field()
    {
        var a = new List<object> { new LevelChanged(1, Side.Buy, 100, 5, 1), new BestBidOffer(1, 100, 5, 0, 0) };
        var b = new List<object> { new LevelChanged(1, Side.Buy, 100, 5, 1), new BestBidOffer(1, 100, 5, 0, 1) };
        Assert.Null(DifferentialHarness.Compare(a, a.ToList()));
        Assert.Contains("index 1", DifferentialHarness.Compare(a, b));
        Assert.Contains("index 2", DifferentialHarness.Compare(a, a.Append(new AccountAdded(3)).ToList()));
    }
}
