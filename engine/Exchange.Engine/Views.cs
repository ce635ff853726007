// Read-only views of engine state for tools, tests and snapshots; never used on the hot path.
namespace Exchange.Engine;

public readonly record struct BalanceView(long Available, long Held);

public readonly record struct LevelView(long Price, long Quantity, int OrderCount);

/// <summary>An open order. <paramref name="Type"/> is Stop or StopLimit for a stop waiting for its trigger (with its
/// <paramref name="StopPrice"/>, and in <paramref name="TimeInForce"/> what a stop-limit does once triggered), Limit for an
/// order in the book (its time in force GTC, Day or GoodTillDate).</summary>
public readonly record struct OrderView(
    long OrderId, long Account, long ClientOrderId, int Symbol, Side Side, long Price, long Quantity,
    long Filled, long Held, SelfTradePrevention SelfTrade, bool PostOnly, OrderType Type = OrderType.Limit, long StopPrice = 0,
    TimeInForce TimeInForce = TimeInForce.GoodTillCancel)
{
    public long Leaves => Quantity - Filled;
    /// <summary>An iceberg's display quantity; 0 for an order shown whole.</summary>
    public long DisplayQuantity { get; init; }
    /// <summary>An iceberg's slice the book shows now (the rest of its leaves is hidden); 0 for an order shown whole.</summary>
    public long Shown { get; init; }
}

/// <summary>A pending stop order: the order (price 0 for a stop, the limit for a stop-limit), its type, what a stop-limit
/// does once triggered (its time in force), and its stop price.</summary>
public readonly record struct StopView(OrderView Order, OrderType Type, TimeInForce TimeInForce, long StopPrice);
