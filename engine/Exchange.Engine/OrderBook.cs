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
        Bids = new BookSide(Side.Buy, initialLevelsPerSide);
        Asks = new BookSide(Side.Sell, initialLevelsPerSide);
    }

    public readonly SymbolSpec Spec;
    public readonly SymbolName Name;
    public readonly long BandLow;
    public readonly long BandHigh;
    public readonly int MaxFeeBps;
    public readonly BookSide Bids;
    public readonly BookSide Asks;
    public SymbolStatus Status;

    public long LastBidPrice, LastBidQuantity, LastAskPrice, LastAskQuantity;

    public BookSide SideOf(Side side) => side == Side.Buy ? Bids : Asks;
    public BookSide Opposite(Side side) => side == Side.Buy ? Asks : Bids;

    /// <summary>Whether a price on <paramref name="side"/> would trade with a level at <paramref name="levelPrice"/>.</summary>
    public static bool Crosses(Side side, long price, long levelPrice) => side == Side.Buy ? levelPrice <= price : levelPrice >= price;
}
