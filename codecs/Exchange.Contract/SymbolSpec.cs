// A tradable pair and its trading rules, all in integers.
namespace Exchange.Contract;

/// <summary>
/// Quantities are in base-asset units and must be multiples of <see cref="LotSize"/>; prices are quote-asset
/// units per lot and must be multiples of <see cref="TickSize"/>. The quote amount of a trade (its notional)
/// is <c>price × quantity / LotSize</c>, exact by construction.
/// </summary>
public readonly record struct SymbolSpec(
    int Id,
    int BaseAsset,
    int QuoteAsset,
    long TickSize,
    long LotSize,
    long MinQuantity,
    long MaxQuantity,
    long ReferencePrice,
    int BandBps,
    int MakerFeeBps,
    int TakerFeeBps,
    long MaxNotional)
{
    /// <summary>Lowest accepted price: the reference price less the band, rounded up to a tick.</summary>
    public long BandLow
    {
        get
        {
            if (TickSize <= 0) return 0;
            long raw = ReferencePrice - ReferencePrice * BandBps / 10_000;
            long low = (raw + TickSize - 1) / TickSize * TickSize;
            return Math.Max(low, TickSize);
        }
    }

    /// <summary>Highest accepted price: the reference price plus the band, rounded down to a tick.</summary>
    public long BandHigh => TickSize <= 0 ? 0 : (ReferencePrice + ReferencePrice * BandBps / 10_000) / TickSize * TickSize;

    public int MaxFeeBps => Math.Max(MakerFeeBps, TakerFeeBps);

    /// <summary>Why this spec cannot be traded, or <see cref="RejectReason.None"/>.</summary>
    public RejectReason Validate(int assetCount, int maxSymbols)
    {
        if ((uint)Id >= (uint)maxSymbols) return RejectReason.InvalidSymbolSpec;
        if ((uint)BaseAsset >= (uint)assetCount || (uint)QuoteAsset >= (uint)assetCount) return RejectReason.UnknownAsset;
        if (BaseAsset == QuoteAsset) return RejectReason.InvalidSymbolSpec;
        if (TickSize <= 0 || LotSize <= 0 || MinQuantity <= 0 || MaxQuantity < MinQuantity) return RejectReason.InvalidSymbolSpec;
        if (MinQuantity % LotSize != 0 || MaxQuantity % LotSize != 0) return RejectReason.InvalidSymbolSpec;
        if (ReferencePrice <= 0 || ReferencePrice % TickSize != 0 || ReferencePrice > Limits.MaxPrice) return RejectReason.InvalidSymbolSpec;
        if (BandBps is <= 0 or > 10_000) return RejectReason.InvalidSymbolSpec;
        if (MakerFeeBps is < 0 or > 10_000 || TakerFeeBps is < 0 or > 10_000) return RejectReason.InvalidSymbolSpec;
        if (MaxNotional <= 0 || MaxNotional > Limits.MaxAmount) return RejectReason.InvalidSymbolSpec;
        if (MaxQuantity > Limits.MaxQuantity) return RejectReason.InvalidSymbolSpec;
        if (BandLow > BandHigh) return RejectReason.InvalidSymbolSpec;
        // Every notional this symbol can produce must fit in 2^60, so settlement never overflows.
        if ((Int128)BandHigh * (MaxQuantity / LotSize) > Limits.MaxAmount) return RejectReason.InvalidSymbolSpec;
        return RejectReason.None;
    }
}

/// <summary>Bounds that keep every product of price, quantity and fee rate inside 64 bits.</summary>
public static class Limits
{
    /// <summary>Largest price: 2^40 quote units per lot.</summary>
    public const long MaxPrice = 1L << 40;
    /// <summary>Largest order quantity in base units.</summary>
    public const long MaxQuantity = 1L << 40;
    /// <summary>Largest notional, balance or deposit: 2^60 units, so fee arithmetic (× 10,000) needs 128 bits only briefly.</summary>
    public const long MaxAmount = 1L << 60;
}
