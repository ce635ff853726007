// A resting (or matching) order: a slot in the engine's preallocated order pool, linked into its price
// level's FIFO and its account's list of open orders by slot indices.
namespace Exchange.Engine;

internal struct Order
{
    public long OrderId;
    public long Account;
    public long ClientOrderId;
    /// <summary>Limit price; for a market order, the band edge it may trade up (or down) to.</summary>
    public long Price;
    /// <summary>Total quantity, filled part included. Self-trade decrement shrinks it.</summary>
    public long Quantity;
    public long Filled;
    /// <summary>What this order holds: quote for a buy (a market buy's remaining budget), base for a sell.</summary>
    public long Held;
    public int AccountSlot;
    public int Symbol;
    public int Level;
    public int Prev;
    /// <summary>Next order in the level, or in the free list while the slot is free.</summary>
    public int Next;
    public int AccountPrev;
    public int AccountNext;
    public Side Side;
    public SelfTradePrevention SelfTrade;
    public bool PostOnly;
    public bool IsMarket;
    /// <summary>Known to its account: in the client-order-id index and the account's list of open orders.</summary>
    public bool IsOpen;
    /// <summary>Why the order was cancelled, once it was; 0 while it is not.</summary>
    public CancelReason Ended;
    /// <summary>A stop or stop-limit order waiting for its trigger: linked into its symbol's pending stops at its stop
    /// price (its Level is that stop level, whose price is the stop price), not into the book.</summary>
    public bool Pending;
    /// <summary>What a stop-limit order does once triggered: rest (GTC) or cancel its remainder (IOC).</summary>
    public TimeInForce TimeInForce;
    /// <summary>An iceberg's display quantity: how much of it the book shows at a time; 0 for an order shown whole.</summary>
    public long Display;
    /// <summary>An iceberg's displayed slice still unfilled (what its level counts of it); unused while Display is 0.</summary>
    public long Shown;
    /// <summary>When a Day or GoodTillDate order expires (UTC nanoseconds); 0: never.</summary>
    public long ExpireAt;
    /// <summary>Position in the engine's expiry heap (1-based); 0 while not in it.</summary>
    public int ExpiryPosition;

    public readonly long Leaves => Quantity - Filled;

    /// <summary>What the book shows of the order: an iceberg's slice, any other order's leaves.</summary>
    public readonly long Visible => Display == 0 ? Leaves : Shown;
}

/// <summary>All orders at one price on one side, oldest first.</summary>
internal struct PriceLevel
{
    public long Price;
    public long Quantity;
    public int Count;
    public int Head;
    /// <summary>Newest order, or the next free level while the slot is free.</summary>
    public int Tail;
}

internal struct AccountState
{
    public long Id;
    public int OpenOrders;
    public int FirstOrder;
    public int LastOrder;
    /// <summary>The client order id of the account's last sequenced NewOrder or ReplaceOrder (accepted or not), and
    /// the sequence of that input; 0 and 0 before the first.</summary>
    public long LastClientOrderId;
    public long LastClientOrderSequence;
    /// <summary>The order-entry rate limit as a generic cell rate: nanoseconds of sequencer time per order (0: no limit),
    /// how far ahead of the clock the account may run (burst − 1 intervals), and the theoretical arrival time of its
    /// next order.</summary>
    public long RateInterval;
    public long RateTolerance;
    public long RateDue;
    /// <summary>What the account may do (Trade, the default, is 0).</summary>
    public AccountPermission Permission;
}
