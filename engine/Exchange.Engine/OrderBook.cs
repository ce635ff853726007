// One symbol's book: its rules, status, the two sides, and the top of book last published.
namespace Exchange.Engine;

internal sealed class OrderBook
{
    public OrderBook(in SymbolSpec spec, SymbolName name, int initialLevelsPerSide)
    {
        Spec = spec;
        Name = name;
        Status = SymbolStatus.Open;
        BandLow = spec.BandLow;
        BandHigh = spec.BandHigh;
        MaxFeeBps = spec.MaxFeeBps;
        Bids = new BookSide(Side.Buy, initialLevelsPerSide, BandLow, BandHigh, spec.TickSize);
        Asks = new BookSide(Side.Sell, initialLevelsPerSide, BandLow, BandHigh, spec.TickSize);
        // Pending stops by stop price, the next to trigger at the end: buy stops lowest first (ordered like asks),
        // sell stops highest first (ordered like bids).
        BuyStops = new BookSide(Side.Sell, initialLevelsPerSide, BandLow, BandHigh, spec.TickSize);
        SellStops = new BookSide(Side.Buy, initialLevelsPerSide, BandLow, BandHigh, spec.TickSize);
    }

    public readonly SymbolSpec Spec;
    public readonly SymbolName Name;
    public readonly long BandLow;
    public readonly long BandHigh;
    public readonly int MaxFeeBps;
    public readonly BookSide Bids;
    public readonly BookSide Asks;
    public readonly BookSide BuyStops;
    public readonly BookSide SellStops;
    public SymbolStatus Status;
    /// <summary>The price of the symbol's last trade; 0 before its first. Stops trigger on it.</summary>
    public long LastPrice;
    /// <summary>When Day orders expire: nanoseconds after UTC midnight; 0: no session end (Day orders rejected).</summary>
    public long SessionEnd;

    public long LastBidPrice, LastBidQuantity, LastAskPrice, LastAskQuantity;

    public BookSide SideOf(Side side) => side == Side.Buy ? Bids : Asks;
    public BookSide Opposite(Side side) => side == Side.Buy ? Asks : Bids;
    public BookSide StopsOf(Side side) => side == Side.Buy ? BuyStops : SellStops;
    public bool HasStops => BuyStops.Count + SellStops.Count > 0;

    /// <summary>Whether a stop of <paramref name="side"/> at <paramref name="stopPrice"/> triggers at last trade price
    /// <paramref name="last"/> (none before the first trade).</summary>
    public static bool Triggers(Side side, long stopPrice, long last) => last > 0 && (side == Side.Buy ? last >= stopPrice : last <= stopPrice);

    /// <summary>Whether a price on <paramref name="side"/> would trade with a level at <paramref name="levelPrice"/>.</summary>
    public static bool Crosses(Side side, long price, long levelPrice) => side == Side.Buy ? levelPrice <= price : levelPrice >= price;
}
