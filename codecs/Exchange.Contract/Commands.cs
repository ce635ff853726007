// The engine's inputs. Each is applied with the sequence number and timestamp the sequencer gave it;
// the engine never reads a clock of its own.
namespace Exchange.Contract;

/// <summary>A new account. <paramref name="OrdersPerSecond"/> and <paramref name="OrderBurst"/> are its order-entry rate
/// limit (new orders and replaces; 0: the engine's configured default for accounts).</summary>
public readonly record struct AddAccount(long Account, int OrdersPerSecond = 0, int OrderBurst = 0);

/// <summary>A new symbol with its trading rules, and the name the gateways and people know it by (empty is allowed by
/// the engine; the engine process's config and exchange-admin always give one).</summary>
public readonly record struct AddSymbol(SymbolSpec Spec, SymbolName Name = default);

public readonly record struct HaltSymbol(int Symbol);

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
/// shows that much of it at a time, replenished from the hidden rest; 0 shows the whole order.</summary>
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
    long DisplayQuantity = 0);

public readonly record struct CancelOrder(long Account, long ClientOrderId);

/// <summary>Changes a resting order's price and total quantity (filled quantity included, as in FIX).
/// A pure quantity decrease keeps time priority; anything else re-enters the book at the back.</summary>
public readonly record struct ReplaceOrder(long Account, long OrigClientOrderId, long ClientOrderId, long Price, long Quantity);

/// <summary>Cancels the account's resting orders, optionally only on one symbol (<c>-1</c> for all)
/// and one side (<see cref="Side.None"/> for both).</summary>
public readonly record struct MassCancel(long Account, int Symbol = -1, Side Side = Side.None);
