// Reconciliation: what a sink holds at its position, against the state rebuilt from the journal at that same position.
// Balances and open orders come from the rebuilt engine, so they are checked whole; order outcomes and trade sums are
// tallied from the replayed events, so they are checked for every input replayed: all of them when the replay starts
// at the journal's beginning (the default while the journal has it), else those after the snapshot it started from;
// the trade count is checked whole through the engine's next trade id. Each sink reads its own contents into a SinkContents.
using Exchange.Engine;
using Exchange.Engine.Recovery;

namespace Exchange.Export;

public readonly record struct SinkOrder(long Account, long ClientOrderId, int Symbol, Side Side, long Price, long Quantity, long Filled, string Status);

public readonly record struct TradeTotals(long Count, long Quantity, Int128 PriceTimesQuantity, long Fees);

/// <summary>What a sink holds, at its position: every row with a sequence at or before it.</summary>
public sealed class SinkContents
{
    public long Position { get; init; }
    public Dictionary<(long Account, int Asset), (long Available, long Held)> Balances { get; } = [];
    /// <summary>Each order's last row, by order id.</summary>
    public Dictionary<long, SinkOrder> Orders { get; } = [];
    /// <summary>Order ids whose last row comes after the replay's starting sequence.</summary>
    public HashSet<long> OrdersChangedSince { get; } = [];
    public long TradeCount { get; init; }
    public long MaxTradeId { get; init; }
    public TradeTotals TradesSince { get; init; }
    public long RejectedSince { get; init; }
}

public sealed record ReconcileResult(long Position, string Start, long Balances, long OpenOrders, long OrdersChecked, long Trades, IReadOnlyList<string> Differences);

public static class Reconciliation
{
    /// <summary>The state at <paramref name="position"/>, replayed from the journal's start or (<paramref name="useSnapshots"/>)
    /// from the newest snapshot at or before it, with the tally of the replayed events.</summary>
    public static (MatchingEngine<Tally> Engine, RebuildReport Report, Tally Tally) Rebuild(string journalDirectory, EngineConfig config, long position,
        bool useSnapshots)
    {
        var tally = new Tally();
        if (useSnapshots)
        {
            var (engine, report) = StateRebuild.Run(journalDirectory, config, tally, toSequence: position, useSnapshots: true);
            return (engine, report, tally);
        }
        // From the journal's start the tally also sees each trade's sequencer time (the 24-hour figures need it).
        var fresh = new MatchingEngine<Tally>(config, tally);
        tally.Clock = () => fresh.LastTimestamp;
        tally.Sequencer = () => fresh.LastSequence;
        using var reader = Exchange.Journal.JournalReader.Open(journalDirectory);
        var counts = JournalReplay.Apply(fresh, reader, position);
        return (fresh, new RebuildReport(null, [], counts), tally);
    }

    /// <summary>The sequence after which the tally saw every event (0 for a replay from the journal's start).</summary>
    public static long TalliedAfter(RebuildReport report) => report.Snapshot?.Sequence ?? 0;

    public static ReconcileResult Compare(MatchingEngine<Tally> engine, RebuildReport report, Tally tally, SinkContents sink, int assetCount)
    {
        var differences = new List<string>();
        void Differ(string text) => differences.Add(text);
        long position = sink.Position;
        if (report.Replayed.LastSequence != position)
            Differ($"position: the sink is at sequence {position} but the journal ends at {report.Replayed.LastSequence}");

        // Balances of every account and asset, both ways.
        long balances = 0;
        foreach (long account in engine.AccountIds())
            for (int asset = 0; asset < assetCount; asset++)
            {
                engine.TryGetBalance(account, asset, out var b);
                sink.Balances.TryGetValue((account, asset), out var s);
                if (b.Available == 0 && b.Held == 0 && !sink.Balances.ContainsKey((account, asset))) continue;
                balances++;
                if (b.Available != s.Available || b.Held != s.Held)
                    Differ($"balance account={account} asset={asset}: journal available={b.Available} held={b.Held}, sink available={s.Available} held={s.Held}");
            }
        foreach (var ((account, asset), s) in sink.Balances)
            if (!engine.TryGetBalance(account, asset, out _))
                Differ($"balance account={account} asset={asset}: in the sink (available={s.Available} held={s.Held}) but no such account in the journal");

        // Open orders: exactly the engine's resting orders and pending stops, with their terms.
        var resting = new Dictionary<long, (OrderView Order, bool Pending)>();
        foreach (int symbol in engine.SymbolIds())
            foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
            {
                foreach (var o in engine.Orders(symbol, side)) resting[o.OrderId] = (o, false);
                foreach (var stop in engine.PendingStops(symbol, side)) resting[stop.Order.OrderId] = (stop.Order, true);
            }
        foreach (var (id, (o, pending)) in resting)
        {
            if (!sink.Orders.TryGetValue(id, out var s)) { Differ($"order {id}: open in the journal, missing from the sink"); continue; }
            string status = pending ? "pending" : o.Filled > 0 ? "partially_filled" : "new";
            var expected = new SinkOrder(o.Account, o.ClientOrderId, o.Symbol, o.Side, o.Price, o.Quantity, o.Filled, status);
            if (s != expected) Differ($"order {id}: journal {Describe(expected)}, sink {Describe(s)}");
        }
        foreach (var (id, s) in sink.Orders)
            if (s.Status is "new" or "partially_filled" or "pending" && !resting.ContainsKey(id))
                Differ($"order {id}: open in the sink ({Describe(s)}) but not in the journal's book or pending stops");

        // The outcome of every order the replay saw change.
        foreach (var (id, final) in tally.Orders)
        {
            if (!sink.Orders.TryGetValue(id, out var s)) { Differ($"order {id}: {final.Status} in the journal, missing from the sink"); continue; }
            if (s.Status != final.Status || s.Filled != final.Filled)
                Differ($"order {id}: journal status={final.Status} filled={final.Filled}, sink status={s.Status} filled={s.Filled}");
        }
        foreach (long id in sink.OrdersChangedSince)
            if (!tally.Orders.ContainsKey(id)) Differ($"order {id}: changed in the sink after sequence {TalliedAfter(report)} but not in the journal");
        if (sink.RejectedSince != tally.Rejected)
            Differ($"rejected orders after sequence {TalliedAfter(report)}: journal {tally.Rejected}, sink {sink.RejectedSince}");

        // Trades: the count whole (ids 1..N, none missing, none twice), the sums for the replayed part.
        long tradeCount = engine.Capture().NextTradeId - 1;
        if (sink.TradeCount != tradeCount || sink.MaxTradeId != tradeCount)
            Differ($"trades: journal {tradeCount}, sink {sink.TradeCount} (highest trade id {sink.MaxTradeId})");
        if (sink.TradesSince != tally.Trades)
            Differ($"trades after sequence {TalliedAfter(report)}: journal {Describe(tally.Trades)}, sink {Describe(sink.TradesSince)}");

        string start = report.Snapshot == null ? "journal" : $"snapshot:{report.Snapshot.Sequence}";
        return new ReconcileResult(position, start, balances, resting.Count, tally.Orders.Count, tradeCount, differences);
    }

    private static string Describe(in SinkOrder o) =>
        $"account={o.Account} clientOrderId={o.ClientOrderId} symbol={o.Symbol} side={o.Side} price={o.Price} quantity={o.Quantity} filled={o.Filled} status={o.Status}";

    private static string Describe(in TradeTotals t) => $"count={t.Count} quantity={t.Quantity} price*quantity={t.PriceTimesQuantity} fees={t.Fees}";

    /// <summary>Order outcomes and trade sums from the replayed events, kept apart from the exporter's own capture so the
    /// two are checked against each other.</summary>
    public sealed class Tally : EngineOutputAdapter
    {
        public Dictionary<long, (string Status, long Filled)> Orders { get; } = [];
        public TradeTotals Trades { get; private set; }
        public long Rejected { get; private set; }
        /// <summary>Order state changes (accepted, rejected new orders, triggers, fills, cancels, replaces, reductions), balance
        /// movements and price level changes the replay saw: what the event-per-message sinks hold one of each.</summary>
        public long OrderEvents { get; private set; }
        public long LedgerMovements { get; private set; }
        public long LevelChanges { get; private set; }
        /// <summary>Each symbol's last trade the replay saw.</summary>
        public Dictionary<int, (long Price, long Quantity)> LastTrades { get; } = [];
        /// <summary>Each symbol's trades by minute of sequencer time, when <see cref="Clock"/> tells the time.</summary>
        public Dictionary<int, TradeWindow> Windows { get; } = [];
        /// <summary>The sequencer time of the input being applied (set when the replay starts at the journal's beginning).</summary>
        public Func<long>? Clock { get; set; }
        /// <summary>The sequence of the input being applied (set as <see cref="Clock"/> is).</summary>
        public Func<long>? Sequencer { get; set; }
        /// <summary>The last input that changed an order, moved a balance, traded or changed a level (with <see cref="Sequencer"/>).</summary>
        public long LastOrderEvent { get; private set; }
        public long LastLedgerMovement { get; private set; }
        public long LastTrade { get; private set; }
        public long LastLevelChange { get; private set; }

        private long Now => Sequencer?.Invoke() ?? 0;

        public override void OnAccepted(in OrderAccepted e)
        {
            Orders[e.OrderId] = (e.StopPrice != 0 ? "pending" : "new", 0);
            OrderEvents++;
            LastOrderEvent = Now;
        }

        public override void OnStopTriggered(in StopTriggered e)
        {
            Orders[e.OrderId] = ("new", 0);
            OrderEvents++;
            LastOrderEvent = Now;
        }

        public override void OnRejected(in CommandRejected e)
        {
            if (e.Command != CommandKind.NewOrder) return;
            Rejected++;
            OrderEvents++;
            LastOrderEvent = Now;
        }

        public override void OnFill(in Fill e)
        {
            Orders[e.OrderId] = (e.LeavesQuantity == 0 ? "filled" : "partially_filled", e.FilledQuantity);
            Trades = Trades with { Fees = Trades.Fees + e.Fee };
            OrderEvents++;
            LastOrderEvent = Now;
        }

        public override void OnTrade(in Trade e)
        {
            Trades = Trades with { Count = Trades.Count + 1, Quantity = Trades.Quantity + e.Quantity, PriceTimesQuantity = Trades.PriceTimesQuantity + (Int128)e.Price * e.Quantity };
            LastTrades[e.Symbol] = (e.Price, e.Quantity);
            LastTrade = Now;
            if (Clock != null)
            {
                if (!Windows.TryGetValue(e.Symbol, out var window)) Windows[e.Symbol] = window = new TradeWindow();
                window.Add(Clock(), e.Price, e.Quantity);
            }
        }

        public override void OnCancelled(in OrderCancelled e)
        {
            Orders[e.OrderId] = ("cancelled", e.FilledQuantity);
            OrderEvents++;
            LastOrderEvent = Now;
        }

        public override void OnReplaced(in OrderReplaced e)
        {
            long filled = e.Quantity - e.LeavesQuantity;
            Orders[e.OrderId] = (filled > 0 ? "partially_filled" : "new", filled);
            OrderEvents++;
            LastOrderEvent = Now;
        }

        public override void OnReduced(in OrderReduced e)
        {
            long filled = Orders.TryGetValue(e.OrderId, out var o) ? o.Filled : 0;
            Orders[e.OrderId] = (filled > 0 ? "partially_filled" : "new", filled);
            OrderEvents++;
            LastOrderEvent = Now;
        }

        public override void OnBalance(in BalanceChanged e)
        {
            LedgerMovements++;
            LastLedgerMovement = Now;
        }

        public override void OnLevel(in LevelChanged e)
        {
            LevelChanges++;
            LastLevelChange = Now;
        }
    }
}
