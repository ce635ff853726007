// The engine's inputs. Each is applied with the sequence number and timestamp the sequencer gave it;
// the engine never reads a clock of its own.
namespace Exchange.Contract;

/// <summary>A new account. <paramref name="OrdersPerSecond"/> and <paramref name="OrderBurst"/> are its order-entry rate
/// limit (new orders and replaces; 0: the engine's configured default for accounts). <paramref name="Permission"/> is
/// what its sessions may do (see the engine's README, "Permissions").</summary>
public readonly record struct AddAccount(long Account, int OrdersPerSecond = 0, int OrderBurst = 0, AccountPermission Permission = AccountPermission.Trade);

/// <summary>A new symbol with its trading rules, and the name the gateways and people know it by (empty is allowed by
/// the engine; the engine process's config and exchange-admin always give one).
/// <paramref name="SessionEnd"/>: when the symbol's Day orders expire, in nanoseconds after UTC midnight
/// (1 .. <see cref="SessionEnds.Day"/>, the latter meaning midnight); 0: none, Day orders are rejected.</summary>
public readonly record struct AddSymbol(SymbolSpec Spec, SymbolName Name = default, long SessionEnd = 0);

/// <summary>The timer input (journaled by the leading engine itself, never sent by a client): expires every Day and
/// GoodTillDate order whose expiry is at or before the input's timestamp. <paramref name="DueAt"/> is the earliest
/// expiry the sequencer saw pending when it injected the input; it changes nothing (the timestamp decides).</summary>
public readonly record struct ExpireOrders(long DueAt);

/// <summary>What an account may do: Trade, CancelOnly, ReadOnly, Admin (the values above Admin are not permissions;
/// 255 is the schema's null value, read as Trade where a version before 4 has none).</summary>
public static class AccountPermissions
{
    public static bool IsValid(AccountPermission permission) => permission <= AccountPermission.Admin;
}

/// <summary>Session ends of Day orders: a time of day in nanoseconds after UTC midnight.</summary>
public static class SessionEnds
{
    /// <summary>Nanoseconds in a day: a session end of 24:00.</summary>
    public const long Day = 86_400_000_000_000;

    /// <summary>Whether <paramref name="sessionEnd"/> is a usable session end (0, none, is not).</summary>
    public static bool IsValid(long sessionEnd) => sessionEnd is > 0 and <= Day;

    /// <summary>The first instant after <paramref name="timestamp"/> (UTC nanoseconds) that is <paramref name="sessionEnd"/>
    /// after a UTC midnight: when a Day order accepted at <paramref name="timestamp"/> expires.</summary>
    public static long Next(long timestamp, long sessionEnd)
    {
        long midnight = timestamp - ((timestamp % Day) + Day) % Day;
        long end = midnight + sessionEnd;
        return end > timestamp ? end : end + Day;
    }
}

public readonly record struct HaltSymbol(int Symbol);

/// <summary>Changes what <paramref name="Account"/> may do from this input on; its open orders stay (a CancelOnly account
/// can still cancel them).</summary>
public readonly record struct SetAccountPermission(long Account, AccountPermission Permission);

public readonly record struct ResumeSymbol(int Symbol);

public readonly record struct Deposit(long Account, int Asset, long Amount);

public readonly record struct Withdraw(long Account, int Asset, long Amount);

/// <summary>The first input of a leadership in a cluster (journaled by the engine itself, never sent by a client): every
/// input after it, until the next one, was sequenced under <paramref name="Term"/>. It changes no state.</summary>
public readonly record struct LeaderTerm(long Term);

/// <summary>A new order. <paramref name="Price"/> is ignored for market orders, whose limit is the edge of
/// the symbol's price band. A market buy spends at most <paramref name="QuoteBudget"/> (quote units, fees
/// included), which is held while it matches; 0 lets the engine set it to what the quantity costs at the top of
/// the band, taker fee included. A <see cref="OrderType.Stop"/> or <see cref="OrderType.StopLimit"/> order waits,
/// holding what it needs, until the symbol's last trade price reaches <paramref name="StopPrice"/> (a buy: at or above it;
/// a sell: at or below it); it then enters the book as a market or limit order (ignored for other types).
/// A GTC limit order with a <paramref name="DisplayQuantity"/> (above 0, below its quantity) is an iceberg: the book
/// shows that much of it at a time, replenished from the hidden rest; 0 shows the whole order. A
/// <see cref="TimeInForce.GoodTillDate"/> order expires at <paramref name="ExpireTime"/> (UTC nanoseconds, after the
/// input's timestamp; ignored for other times in force).</summary>
public readonly record struct NewOrder(
    long Account,
    long ClientOrderId,
    int Symbol,
    Side Side,
    OrderType Type,
    TimeInForce TimeInForce,
    long Price,
    long Quantity,
    long QuoteBudget = 0,
    SelfTradePrevention SelfTrade = SelfTradePrevention.None,
    bool PostOnly = false,
    long StopPrice = 0,
    long DisplayQuantity = 0,
    long ExpireTime = 0);

public readonly record struct CancelOrder(long Account, long ClientOrderId);

/// <summary>Changes a resting order's price and total quantity (filled quantity included, as in FIX).
/// A pure quantity decrease keeps time priority; anything else re-enters the book at the back.</summary>
public readonly record struct ReplaceOrder(long Account, long OrigClientOrderId, long ClientOrderId, long Price, long Quantity);

/// <summary>Cancels the account's resting orders, optionally only on one symbol (<c>-1</c> for all)
/// and one side (<see cref="Side.None"/> for both).</summary>
public readonly record struct MassCancel(long Account, int Symbol = -1, Side Side = Side.None);
