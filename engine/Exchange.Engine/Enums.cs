// The small closed vocabularies of the engine. Values are stable: they go on the wire and into journals.
namespace Exchange.Engine;

public enum Side : byte { None = 0, Buy = 1, Sell = 2 }

public enum OrderType : byte { Limit = 1, Market = 2 }

public enum TimeInForce : byte
{
    /// <summary>Rests until filled or cancelled.</summary>
    GoodTillCancel = 1,
    /// <summary>Fills what it can at once; the remainder is cancelled.</summary>
    ImmediateOrCancel = 2,
    /// <summary>Fills completely at once or not at all.</summary>
    FillOrKill = 3,
}

/// <summary>What happens when an incoming order would trade with a resting order of the same account.
/// The incoming (taker) order's choice applies.</summary>
public enum SelfTradePrevention : byte
{
    None = 0,
    CancelNewest = 1,
    CancelOldest = 2,
    CancelBoth = 3,
    Decrement = 4,
}

public enum SymbolStatus : byte { Open = 1, Halted = 2 }

public enum Liquidity : byte { Maker = 1, Taker = 2 }

public enum CommandKind : byte
{
    AddAccount = 1,
    AddSymbol = 2,
    HaltSymbol = 3,
    ResumeSymbol = 4,
    Deposit = 5,
    Withdraw = 6,
    NewOrder = 7,
    CancelOrder = 8,
    ReplaceOrder = 9,
    MassCancel = 10,
}

public enum RejectReason : ushort
{
    None = 0,
    UnknownSymbol = 1,
    UnknownAccount = 2,
    UnknownAsset = 3,
    UnknownOrder = 4,
    SymbolHalted = 5,
    InvalidSide = 6,
    InvalidOrderType = 7,
    InvalidTimeInForce = 8,
    InvalidSelfTradePrevention = 9,
    InvalidPrice = 10,
    PriceOffTick = 11,
    PriceOutsideBand = 12,
    InvalidQuantity = 13,
    QuantityOffLot = 14,
    QuantityBelowMinimum = 15,
    QuantityAboveMaximum = 16,
    InvalidQuoteBudget = 17,
    NotionalAboveLimit = 18,
    DuplicateClientOrderId = 19,
    InsufficientFunds = 20,
    TooManyOpenOrders = 21,
    PostOnlyWouldTake = 22,
    FillOrKillNotFillable = 23,
    OrderCapacityExhausted = 24,
    PriceLevelCapacityExhausted = 25,
    InvalidAmount = 26,
    BalanceOverflow = 27,
    DuplicateAccount = 28,
    AccountCapacityExhausted = 29,
    DuplicateSymbol = 30,
    InvalidSymbolSpec = 31,
    SymbolAlreadyInStatus = 32,
}

public enum CancelReason : byte
{
    ByClient = 1,
    MassCancel = 2,
    SelfTradePrevention = 3,
    /// <summary>The unfilled remainder of an immediate-or-cancel order.</summary>
    ImmediateOrCancelRemainder = 4,
    /// <summary>The unfilled remainder of a market order: band reached, book empty, or budget spent.</summary>
    MarketRemainder = 5,
    /// <summary>A replace asked for a quantity at or below what had already filled.</summary>
    ReplacedBelowFilled = 6,
}
