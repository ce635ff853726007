// Integer arithmetic of notionals, fees and holds. Fees round down and holds round up, which is what makes
// a buy's hold always cover its fills:
//   release on filling q of a limit buy = Required(L, x) − Required(L, x − q)
//     = N(L, q) + ceil(a + b) − ceil(a)            with a = N(L, x−q)·f, b = N(L, q)·f (f = max fee rate)
//     ≥ N(L, q) + floor(b)                          since ceil(a + b) − ceil(a) > b − 1
//     ≥ N(p, q) + fee(N(p, q))                      for any execution price p ≤ L and fee rate ≤ f.
using System.Runtime.CompilerServices;

namespace Exchange.Engine;

public static class Risk
{
    private const long BpsDenominator = 10_000;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Notional(long price, long quantity, long lotSize) => price * (quantity / lotSize);

    /// <summary>floor(n × bps / 10000) without overflow for n ≤ 2^60.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Fee(long notional, int bps)
    {
        long whole = notional / BpsDenominator, part = notional % BpsDenominator;
        return whole * bps + part * bps / BpsDenominator;
    }

    /// <summary>ceil(n × bps / 10000) without overflow for n ≤ 2^60.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long MaxFee(long notional, int bps)
    {
        long whole = notional / BpsDenominator, part = notional % BpsDenominator;
        return whole * bps + (part * bps + BpsDenominator - 1) / BpsDenominator;
    }

    /// <summary>Quote a buy limit order of <paramref name="leaves"/> at <paramref name="price"/> must hold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long BuyHold(long price, long leaves, long lotSize, int maxFeeBps)
    {
        long n = Notional(price, leaves, lotSize);
        return n + MaxFee(n, maxFeeBps);
    }

    /// <summary>The budget of a market buy that names none: <paramref name="quantity"/> at the band's high price plus
    /// the taker fee on that, so it can fill completely anywhere in the band.</summary>
    public static long MarketBuyBudget(long bandHigh, long quantity, long lotSize, int takerFeeBps)
    {
        long n = Notional(bandHigh, quantity, lotSize);
        return n + Fee(n, takerFeeBps);
    }

    /// <summary>Largest quantity (a multiple of the lot, at most <paramref name="maxQuantity"/>) whose notional at
    /// <paramref name="price"/> plus taker fee fits in <paramref name="budget"/>.</summary>
    public static long Affordable(long price, long maxQuantity, long lotSize, long budget, int feeBps)
    {
        long maxLots = maxQuantity / lotSize;
        long lots = Math.Min(budget / price, maxLots);
        if (lots == 0 || price * lots + Fee(price * lots, feeBps) <= budget) return lots * lotSize;
        // Budget binds: start from a lower bound that ignores fee rounding, then step up while it still fits.
        lots = (long)((Int128)budget * BpsDenominator / ((Int128)price * (BpsDenominator + feeBps)));
        while (lots < maxLots && price * (lots + 1) + Fee(price * (lots + 1), feeBps) <= budget) lots++;
        return lots * lotSize;
    }
}
