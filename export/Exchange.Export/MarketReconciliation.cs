// Reconciliation of the sinks that hold market views and event streams rather than rows: Redis (books, tickers, stream
// counts) and Kafka (message counts and last sequence per topic, duplicates, trade ids). Each is checked against the
// engine rebuilt from the journal at the sink's position and the tally of the replayed events. Figures that need every
// event from the journal's start (24-hour ticker figures, book update counts, last sequences) are checked only when the
// replay started there.
using Exchange.Engine;
using Exchange.Engine.Recovery;

namespace Exchange.Export;

public readonly record struct TickerView(long Last, long LastQuantity, long Bid, long BidQuantity, long Ask, long AskQuantity,
    long Volume24h, long High24h, long Low24h, long Trades24h);

/// <summary>What a market-view sink (Redis) holds.</summary>
public sealed class MarketContents
{
    public long Position { get; init; }
    public long Timestamp { get; init; }
    public int Depth { get; init; }
    /// <summary>Entries the trade and book-update streams have had (their running count).</summary>
    public long TradeEntries { get; init; }
    public long BookEntries { get; init; }
    public Dictionary<int, (BookLevel[] Bids, BookLevel[] Asks)> Books { get; } = [];
    public Dictionary<int, TickerView> Tickers { get; } = [];
    /// <summary>Problems the sink's reader found in its streams (a gap or a repeat in the running count, an entry past the position).</summary>
    public List<string> StreamProblems { get; } = [];
}

public sealed class TopicContents
{
    /// <summary>Messages for inputs at or before the position, and those after the replay's starting sequence.</summary>
    public long Count { get; set; }
    public long CountSince { get; set; }
    public long LastSequence { get; set; }
    /// <summary>Messages for inputs after the position (written before a crash, not yet covered by the position).</summary>
    public long Beyond { get; set; }
}

/// <summary>What an event-stream sink (Kafka) holds, per topic, at its position.</summary>
public sealed class StreamContents
{
    public long Position { get; init; }
    public TopicContents Trades { get; } = new();
    public TopicContents Orders { get; } = new();
    public TopicContents Ledger { get; } = new();
    public TopicContents Book { get; } = new();
    public long MaxTradeId { get; set; }
    public TradeTotals TradesSince { get; set; }
    /// <summary>A message twice or out of order within a partition, in the wrong partition for its key, or unreadable.</summary>
    public List<string> Problems { get; } = [];
}

public static class MarketReconciliation
{
    public static ReconcileResult CompareMarket(MatchingEngine<Reconciliation.Tally> engine, RebuildReport report, Reconciliation.Tally tally,
        MarketContents sink)
    {
        var differences = new List<string>();
        long position = sink.Position;
        bool whole = report.Snapshot == null;
        if (report.Replayed.LastSequence != position)
            differences.Add($"position: the sink is at sequence {position} but the journal ends at {report.Replayed.LastSequence}");
        else if (sink.Timestamp != engine.LastTimestamp)
            differences.Add($"position time: the sink has {sink.Timestamp}, input {position} was sequenced at {engine.LastTimestamp}");

        long tradeCount = engine.Capture().NextTradeId - 1;
        if (sink.TradeEntries != tradeCount) differences.Add($"trade stream: {sink.TradeEntries} entries, the journal has {tradeCount} trades");
        if (whole && sink.BookEntries != tally.LevelChanges)
            differences.Add($"book stream: {sink.BookEntries} entries, the journal has {tally.LevelChanges} level changes");
        differences.AddRange(sink.StreamProblems);

        int books = 0;
        foreach (int symbol in engine.SymbolIds())
        {
            books++;
            var bids = SinkPipeline.Top(engine, symbol, Side.Buy, sink.Depth);
            var asks = SinkPipeline.Top(engine, symbol, Side.Sell, sink.Depth);
            sink.Books.TryGetValue(symbol, out var held);
            CompareSide(differences, symbol, "bids", bids, held.Bids ?? []);
            CompareSide(differences, symbol, "asks", asks, held.Asks ?? []);

            sink.Tickers.TryGetValue(symbol, out var t);
            var last = tally.LastTrades.GetValueOrDefault(symbol);
            var day = tally.Windows.TryGetValue(symbol, out var window) ? window.Figures(engine.LastTimestamp) : default;
            var expected = new TickerView(
                whole || tally.LastTrades.ContainsKey(symbol) ? last.Price : t.Last, whole || tally.LastTrades.ContainsKey(symbol) ? last.Quantity : t.LastQuantity,
                bids.Length > 0 ? bids[0].Price : 0, bids.Length > 0 ? bids[0].Quantity : 0, asks.Length > 0 ? asks[0].Price : 0, asks.Length > 0 ? asks[0].Quantity : 0,
                whole ? day.Volume : t.Volume24h, whole ? day.High : t.High24h, whole ? day.Low : t.Low24h, whole ? day.Trades : t.Trades24h);
            if (t != expected) differences.Add($"ticker {symbol}: journal {expected}, sink {t}");
        }
        foreach (int symbol in sink.Books.Keys.Concat(sink.Tickers.Keys).Distinct())
            if (!engine.TryGetSymbol(symbol, out _, out _)) differences.Add($"symbol {symbol}: in the sink but not in the journal");

        string start = report.Snapshot == null ? "journal" : $"snapshot:{report.Snapshot.Sequence}";
        return new ReconcileResult(position, start, 0, books, 0, tradeCount, differences);
    }

    private static void CompareSide(List<string> differences, int symbol, string side, BookLevel[] expected, BookLevel[] held)
    {
        if (expected.SequenceEqual(held)) return;
        int i = 0;
        while (i < Math.Min(expected.Length, held.Length) && expected[i] == held[i]) i++;
        string Show(BookLevel[] levels) => i < levels.Length ? $"{levels[i].Price}x{levels[i].Quantity} ({levels[i].OrderCount} orders)" : "none";
        differences.Add($"book {symbol} {side} level {i + 1}: journal {Show(expected)}, sink {Show(held)} ({expected.Length} and {held.Length} levels)");
    }

    public static ReconcileResult CompareStreams(MatchingEngine<Reconciliation.Tally> engine, RebuildReport report, Reconciliation.Tally tally,
        StreamContents sink)
    {
        var differences = new List<string>();
        long position = sink.Position;
        bool whole = report.Snapshot == null;
        if (report.Replayed.LastSequence != position)
            differences.Add($"position: the sink is at sequence {position} but the journal ends at {report.Replayed.LastSequence}");
        differences.AddRange(sink.Problems);

        long tradeCount = engine.Capture().NextTradeId - 1;
        if (sink.Trades.Count != tradeCount || sink.MaxTradeId != tradeCount)
            differences.Add($"trades: journal {tradeCount}, sink {sink.Trades.Count} (highest trade id {sink.MaxTradeId})");
        if (sink.TradesSince != tally.Trades)
            differences.Add($"trades after sequence {Reconciliation.TalliedAfter(report)}: journal {tally.Trades}, sink {sink.TradesSince}");
        void Topic(string name, TopicContents t, long expectedSince, long lastSequence)
        {
            if (t.CountSince != expectedSince)
                differences.Add($"{name}: {t.CountSince} messages after sequence {Reconciliation.TalliedAfter(report)}, the journal has {expectedSince}");
            if (whole && t.LastSequence != lastSequence)
                differences.Add($"{name}: last sequence {t.LastSequence}, the journal's is {lastSequence}");
        }
        Topic("trades", sink.Trades, tally.Trades.Count, tally.LastTrade);
        Topic("orders", sink.Orders, tally.OrderEvents, tally.LastOrderEvent);
        Topic("ledger", sink.Ledger, tally.LedgerMovements, tally.LastLedgerMovement);
        Topic("book", sink.Book, tally.LevelChanges, tally.LastLevelChange);

        string start = report.Snapshot == null ? "journal" : $"snapshot:{report.Snapshot.Sequence}";
        return new ReconcileResult(position, start, 0, 0, tally.OrderEvents, tradeCount, differences);
    }
}
