// Iceberg orders: GTC limit orders whose book shows only a slice of them (their display quantity) at a time. When a
// slice is used up and some of the order is left, a new slice is shown at the back of its price level.
namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    /// <summary>The checks of a NewOrder with a display quantity, after its quantity's: only a GTC limit order can be an
    /// iceberg, and its display quantity is above 0, below its quantity, a multiple of the lot and at least the minimum.</summary>
    private static RejectReason CheckIceberg(in NewOrder c, in SymbolSpec spec)
    {
        if (c.DisplayQuantity < 0) return RejectReason.InvalidDisplayQuantity;
        if (c.Type != OrderType.Limit) return RejectReason.InvalidOrderType;
        if (c.TimeInForce != TimeInForce.GoodTillCancel) return RejectReason.InvalidTimeInForce;
        if (c.DisplayQuantity >= c.Quantity || c.DisplayQuantity % spec.LotSize != 0 || c.DisplayQuantity < spec.MinQuantity)
            return RejectReason.InvalidDisplayQuantity;
        return RejectReason.None;
    }

    /// <summary>An iceberg in <paramref name="level"/> whose slice was used up, with leaves left: a new slice of
    /// min(display quantity, leaves) joins the level's count and the order goes to the back of the level (new time
    /// priority, same order id). Publishes nothing: the matching that used the slice up publishes the level.</summary>
    private void Replenish(ref PriceLevel level, int slot)
    {
        ref Order o = ref _orders[slot];
        o.Shown = Math.Min(o.Display, o.Leaves);
        level.Quantity += o.Shown;
        if (level.Tail == slot) return;
        int levelSlot = o.Level;
        Unlink(ref level, slot);
        o.Prev = level.Tail;
        o.Next = None;
        _orders[level.Tail].Next = slot;
        level.Tail = slot;
        level.Count++;
        o.Level = levelSlot;
    }
}
