// The engine's outputs, delivered synchronously to an IEngineOutput while a command is applied.
// Everything downstream (execution reports, market data, exports) is derived from these.
namespace Exchange.Contract;

public interface IEngineOutput
{
    void OnAccepted(in OrderAccepted e);
    void OnRejected(in CommandRejected e);
    void OnFill(in Fill e);
    /// <summary>A trade, for market data: after its two fills (maker's, then taker's); the aggressor is the taker.</summary>
    void OnTrade(in Trade e);
    void OnCancelled(in OrderCancelled e);
    void OnReplaced(in OrderReplaced e);
    void OnReduced(in OrderReduced e);
    void OnLevel(in LevelChanged e);
    void OnBestBidOffer(in BestBidOffer e);
    void OnBalance(in BalanceChanged e);
    void OnMassCancelled(in MassCancelled e);
    void OnSymbolStatus(in SymbolStatusChanged e);
    void OnAccountAdded(in AccountAdded e);
    /// <summary>An account's permission changed (SetAccountPermission): orders it enters from now on are checked against it.</summary>
    void OnPermissionChanged(in AccountPermissionChanged e);
    /// <summary>A pending stop order was triggered; the events of its matching as a market or limit order follow.</summary>
    void OnStopTriggered(in StopTriggered e);
}

/// <summary>An order the engine took. A stop order is accepted pending its trigger, with its
/// <paramref name="StopPrice"/> (0 for other types). An iceberg carries its <paramref name="DisplayQuantity"/> (0 for
/// other orders).</summary>
public readonly record struct OrderAccepted(
    long Account, long ClientOrderId, long OrderId, int Symbol, Side Side, OrderType Type,
    TimeInForce TimeInForce, long Price, long Quantity, long StopPrice = 0, long DisplayQuantity = 0);

/// <summary>A pending stop order's trigger was reached by <paramref name="LastPrice"/>, the symbol's last trade price:
/// it now matches as a market (<see cref="OrderType.Stop"/>) or limit (<see cref="OrderType.StopLimit"/>) order.</summary>
public readonly record struct StopTriggered(
    long Account, long ClientOrderId, long OrderId, int Symbol, Side Side, OrderType Type, long StopPrice, long LastPrice);

/// <summary>A command that changed nothing. <paramref name="Symbol"/> is -1 where the command has none
/// (deposits carry their asset there).</summary>
public readonly record struct CommandRejected(
    CommandKind Command, long Account, long ClientOrderId, int Symbol, RejectReason Reason);

/// <summary>One side of a trade; every trade produces the maker's fill, then the taker's.
/// <paramref name="Fee"/> is in the quote asset.</summary>
public readonly record struct Fill(
    long TradeId, long Account, long ClientOrderId, long OrderId, int Symbol, Side Side, Liquidity Liquidity,
    long Price, long Quantity, long Fee, long FilledQuantity, long LeavesQuantity);

/// <summary>A trade as the market sees it: no accounts, the taker's side as the aggressor's.</summary>
public readonly record struct Trade(int Symbol, long TradeId, long Price, long Quantity, Side AggressorSide);

public readonly record struct OrderCancelled(
    long Account, long ClientOrderId, long OrderId, int Symbol, Side Side, CancelReason Reason,
    long CancelledQuantity, long FilledQuantity);

public readonly record struct OrderReplaced(
    long Account, long OrigClientOrderId, long ClientOrderId, long OrderId, int Symbol, Side Side,
    long Price, long Quantity, long LeavesQuantity, bool KeptPriority);

/// <summary>Self-trade prevention in decrement mode took <paramref name="ReducedBy"/> off an order without a trade.</summary>
public readonly record struct OrderReduced(
    long Account, long ClientOrderId, long OrderId, int Symbol, Side Side, long ReducedBy, long LeavesQuantity);

/// <summary>A price level's new total; <paramref name="Quantity"/> 0 means the level is gone.</summary>
public readonly record struct LevelChanged(int Symbol, Side Side, long Price, long Quantity, int OrderCount);

/// <summary>Top of book after a command changed it; an empty side has price and quantity 0.</summary>
public readonly record struct BestBidOffer(int Symbol, long BidPrice, long BidQuantity, long AskPrice, long AskQuantity);

public readonly record struct BalanceChanged(long Account, int Asset, long Available, long Held);

public readonly record struct MassCancelled(long Account, int Symbol, Side Side, int Count);

public readonly record struct SymbolStatusChanged(int Symbol, SymbolStatus Status);

public readonly record struct AccountAdded(long Account);

/// <summary>What <paramref name="Account"/> may do from this input on.</summary>
public readonly record struct AccountPermissionChanged(long Account, AccountPermission Permission);
