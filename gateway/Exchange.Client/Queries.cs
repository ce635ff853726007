// The answers to the engine's read-only queries (templates 70-78), as the client delivers them to its listener.
using Exchange.Contract;

namespace Exchange.Client;

/// <summary>The answer to <see cref="ExchangeClient{TListener}.RequestOrderStatus"/>: the order's state as of
/// <paramref name="Sequence"/>, and the account's last sequenced client order id (a NewOrder's or a ReplaceOrder's,
/// accepted or rejected) with its sequence. A client following a failover learns from it whether a command it had in
/// flight was sequenced. <paramref name="OrderSequence"/> is the input that finished (or rejected) the order; 0 while open.</summary>
public readonly record struct OrderStatusAnswer(
    ulong RequestId, long Sequence, long Account, long ClientOrderId, OrderState State, long OrderId, int Symbol, Side Side,
    long Price, long Quantity, long Filled, long Leaves, long OrderSequence, RejectReason RejectReason, CancelReason CancelReason,
    long LastClientOrderId, long LastClientOrderSequence)
{
    /// <summary>Whether the shard sequenced the command that carried <see cref="ClientOrderId"/>: it knows the order,
    /// or the id is at or below the account's last sequenced one. Holds for a client whose client order ids only grow
    /// (an order long finished may have left the shard's memory of recent orders); false means it was never sequenced
    /// and may be sent again with the same id.</summary>
    public bool Sequenced => State != OrderState.Unknown || ClientOrderId <= LastClientOrderId;

    /// <summary>An open iceberg's display quantity (its <see cref="Quantity"/> and <see cref="Leaves"/> are the whole
    /// order's); 0 for other orders, and from a shard of a schema before version 4.</summary>
    public long DisplayQuantity { get; init; }
}

/// <summary>One open order in the answer to <see cref="ExchangeClient{TListener}.RequestAccountState"/>: an order in the
/// book (<paramref name="Type"/> Limit), or a stop waiting for its trigger (Stop or StopLimit, with its
/// <paramref name="StopPrice"/>; an engine of schema version 3 or older says Limit and 0), and its time in force (a
/// pending stop-limit's: what it does once triggered).</summary>
public readonly record struct OpenOrderEntry(
    long OrderId, long ClientOrderId, int Symbol, Side Side, bool PostOnly, long Price, long Quantity, long Filled, long Leaves,
    OrderType Type = OrderType.Limit, long StopPrice = 0, TimeInForce TimeInForce = TimeInForce.GoodTillCancel);
