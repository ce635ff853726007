// One order as its FIX session knows it: the broker's ClOrdID chain and the running totals an ExecutionReport
// carries (CumQty, LeavesQty, AvgPx), kept in engine units and turned into FIX decimals when reported.
using Exchange.Contract;

namespace Exchange.Gateway;

internal sealed class FixOrder
{
    public required string ClOrdId;
    public string? OrigClOrdId;
    public required GatewaySymbol Symbol;
    public Side Side;
    public OrderType Type;
    public char TimeInForce;        // as the broker sent it (0 day, 1 GTC, 3 IOC, 4 FOK)
    public long Price;              // engine units; 0 for market and stop orders
    public long StopPrice;          // engine units; stop and stop-limit orders only
    public long DisplayQuantity;    // engine units; an iceberg's MaxFloor (111), 0 for other orders
    public long ExpireTime;         // a good-till-date order's expiry, UTC nanoseconds; 0 otherwise
    public long Quantity;           // engine units, total including filled
    public long CumQty, Leaves;
    public Int128 Notional;         // sum of price x quantity over fills, for AvgPx
    public long EngineClientOrderId;
    public long OrderId;            // the engine's, once accepted
    public char Status = OrdStatus.PendingNew;
    public string? Account;
    /// <summary>The NewOrderSingle as sent, until the engine has answered it: what a reject of it echoes.</summary>
    public RequestEcho? Request;
    /// <summary>Where the order's reports go back through a hub: its NewOrderSingle's route, then its last replace's.</summary>
    public FixRoute? Route;

    /// <summary>Sent to the engine, then reported rejected because the engine session was lost before it answered: it
    /// may have reached the book, so it is cancelled there once the session is back, and its fills, if any, are still
    /// reported (they happened).</summary>
    public bool Doubtful;

    /// <summary>Its spans until the engine answers, when the order is one of those traced.</summary>
    public OrderTrace? Trace;

    /// <summary>The cancel or replace in flight, if any (one at a time, as FIX allows us to insist).</summary>
    public PendingChange? Pending;

    public bool IsOpen => Status is OrdStatus.New or OrdStatus.PartiallyFilled or OrdStatus.PendingNew;
}

/// <summary>A cancel (F) or replace (G) sent to the engine; <paramref name="Request"/> is what a reject of it echoes.</summary>
internal sealed record PendingChange(bool IsReplace, string ClOrdId, long NewEngineClientOrderId, long NewPrice, long NewQuantity, RequestEcho Request);

/// <summary>FIX 4.4 OrdStatus (39) values the gateway reports.</summary>
internal static class OrdStatus
{
    public const char New = '0', PartiallyFilled = '1', Filled = '2', Canceled = '4', PendingNew = 'A', Rejected = '8';
    /// <summary>A Day or good-till-date order reached its expiry.</summary>
    public const char Expired = 'C';
}

/// <summary>FIX 4.4 ExecType (150) values the gateway reports.</summary>
internal static class ExecType
{
    public const char New = '0', Canceled = '4', Replaced = '5', Rejected = '8', Trade = 'F', OrderStatus = 'I', Restated = 'D';
    /// <summary>A stop or stop-limit order was triggered (FIX 4.4: Triggered or Activated by System).</summary>
    public const char Triggered = 'L';
    /// <summary>A Day or good-till-date order reached its expiry (FIX 4.4: Expired).</summary>
    public const char Expired = 'C';
}
