// What the exporter writes, sink-neutral: one row per order state change, per trade, per balance movement and per
// symbol change, each stamped with the input sequence and sequencer time that caused it. A batch covers a contiguous
// run of input sequences and is written by a sink in one atomic step together with its last sequence.
namespace Exchange.Export;

/// <summary>Triggered: a pending stop or stop-limit order reached its stop price and entered the book.</summary>
public enum OrderEvent : byte { Accepted, Fill, Cancelled, Replaced, Reduced, Rejected, Triggered }

/// <summary>Pending: a stop or stop-limit order accepted and waiting for its trigger (not in the book).</summary>
public enum OrderStatus : byte { New, PartiallyFilled, Filled, Cancelled, Rejected, Pending }

public enum LedgerKind : byte { Deposit, Withdrawal, Hold, Release, Fill, Fee }

/// <summary>An order after one state change. <paramref name="Index"/> orders the rows of one input; a rejected new
/// order has no order id (0) and carries the reject reason; a cancel carries its cancel reason. <paramref name="StopPrice"/>
/// is a stop or stop-limit order's stop price (0 for other orders); a triggered row's <paramref name="LastPrice"/> is the
/// last trade price that triggered it.</summary>
public readonly record struct OrderRow(
    long Sequence, int Index, long Timestamp, OrderEvent Event, OrderStatus Status, long OrderId, long Account, long ClientOrderId,
    int Symbol, Side Side, OrderType Type, TimeInForce TimeInForce, long Price, long Quantity, long Filled, long Leaves,
    long TradeId, long LastPrice, long LastQuantity, string? Reason, long StopPrice = 0);

/// <summary>A trade with both sides: the maker's and the taker's account, order and fee (fees in the quote asset).</summary>
public readonly record struct TradeRow(
    long TradeId, long Sequence, long Timestamp, int Symbol, long Price, long Quantity, long Notional, Side TakerSide,
    long MakerAccount, long MakerOrderId, long MakerClientOrderId, long MakerFee,
    long TakerAccount, long TakerOrderId, long TakerClientOrderId, long TakerFee);

/// <summary>One balance movement: the change and the balance after it. <paramref name="OrderId"/> and
/// <paramref name="TradeId"/> name what caused it when an order or a trade did (else 0).</summary>
public readonly record struct LedgerRow(
    long Sequence, int Index, long Timestamp, long Account, int Asset, LedgerKind Kind,
    long DeltaAvailable, long DeltaHeld, long Available, long Held, long OrderId, long TradeId);

public readonly record struct SymbolRow(long Sequence, long Timestamp, SymbolSpec Spec, string Name, SymbolStatus Status);

/// <summary>A price level's new total after an input (<paramref name="Quantity"/> 0: the level is gone).
/// <paramref name="Index"/> orders the level changes of one input.</summary>
public readonly record struct LevelRow(long Sequence, int Index, long Timestamp, int Symbol, Side Side, long Price, long Quantity, int OrderCount);

public readonly record struct BookLevel(long Price, long Quantity, int OrderCount);

/// <summary>The top of one symbol's book as it stands after the batch's last input: bids and asks, best first.</summary>
public sealed record BookRow(int Symbol, BookLevel[] Bids, BookLevel[] Asks);

public sealed class ExportBatch
{
    public List<OrderRow> Orders { get; } = [];
    public List<TradeRow> Trades { get; } = [];
    public List<LedgerRow> Ledger { get; } = [];
    public List<SymbolRow> Symbols { get; } = [];
    /// <summary>Every price level change, for sinks that publish book updates.</summary>
    public List<LevelRow> Levels { get; } = [];
    /// <summary>The top of the book, after the batch, of each symbol whose book it changed (when the pipeline is asked
    /// for a book depth).</summary>
    public List<BookRow> Books { get; } = [];

    /// <summary>The first input sequence this batch covers (0 while it covers none).</summary>
    public long FirstSequence { get; private set; }
    /// <summary>The last input sequence this batch covers: the sink's position once it is written.</summary>
    public long LastSequence { get; private set; }
    public long LastTimestamp { get; private set; }

    public bool IsEmpty => FirstSequence == 0;
    public int RowCount => Orders.Count + Trades.Count + Ledger.Count + Symbols.Count;

    /// <summary>Marks input <paramref name="sequence"/> as covered, rows or not.</summary>
    public void Cover(long sequence, long timestamp)
    {
        if (FirstSequence == 0) FirstSequence = sequence;
        LastSequence = sequence;
        LastTimestamp = timestamp;
    }

    public void Clear()
    {
        Orders.Clear();
        Trades.Clear();
        Ledger.Clear();
        Symbols.Clear();
        Levels.Clear();
        Books.Clear();
        FirstSequence = LastSequence = LastTimestamp = 0;
    }

    public static string Name(OrderEvent e) => e switch
    {
        OrderEvent.Accepted => "accepted", OrderEvent.Fill => "fill", OrderEvent.Cancelled => "cancelled",
        OrderEvent.Replaced => "replaced", OrderEvent.Reduced => "reduced", OrderEvent.Triggered => "triggered", _ => "rejected",
    };

    public static string Name(OrderStatus s) => s switch
    {
        OrderStatus.New => "new", OrderStatus.PartiallyFilled => "partially_filled", OrderStatus.Filled => "filled",
        OrderStatus.Cancelled => "cancelled", OrderStatus.Pending => "pending", _ => "rejected",
    };

    public static string Name(LedgerKind k) => k switch
    {
        LedgerKind.Deposit => "deposit", LedgerKind.Withdrawal => "withdrawal", LedgerKind.Hold => "hold",
        LedgerKind.Release => "release", LedgerKind.Fill => "fill", _ => "fee",
    };

    public static string Name(Side s) => s switch { Side.Buy => "buy", Side.Sell => "sell", _ => "none" };
}
