// What the engine remembers for queries, and the read-only queries themselves. Each account's last sequenced client
// order id and a ring of recently finished orders are part of the state (snapshots, state hash), so a standby and a
// rebuilt engine answer exactly as the primary would. The queries fill the caller's spans and allocate nothing.
using System.Runtime.CompilerServices;

namespace Exchange.Engine;

/// <summary>An order that finished (filled, cancelled) or was rejected, as the ring of recent orders holds it.</summary>
public readonly record struct FinishedOrder(
    long Account, long ClientOrderId, long OrderId, int Symbol, Side Side, long Price, long Quantity, long Filled, long Sequence,
    OrderState State, RejectReason RejectReason, CancelReason CancelReason);

/// <summary>What an order-status query finds: an open order (with its leaves), a finished or rejected one still in the
/// ring of recent orders, or nothing (<see cref="OrderState.Unknown"/>).</summary>
public readonly record struct OrderStatusView(
    OrderState State, long OrderId, int Symbol, Side Side, long Price, long Quantity, long Filled, long Leaves, long Sequence,
    RejectReason RejectReason, CancelReason CancelReason)
{
    /// <summary>An open iceberg's display quantity; 0 otherwise.</summary>
    public long DisplayQuantity { get; init; }
}

/// <summary>A slot of the ring of recent orders: <see cref="FinishedOrder"/>'s fields, written one by one where an order
/// finishes (constructing a FinishedOrder and storing it copied its 72 bytes twice through memmove, 8–15 % of a book
/// replay's time in the profile of 2026-12-06).</summary>
internal struct FinishedSlot
{
    public long Account, ClientOrderId, OrderId;
    public int Symbol;
    public Side Side;
    public long Price, Quantity, Filled, Sequence;
    public OrderState State;
    public RejectReason RejectReason;
    public CancelReason CancelReason;

    public readonly FinishedOrder ToFinishedOrder() =>
        new(Account, ClientOrderId, OrderId, Symbol, Side, Price, Quantity, Filled, Sequence, State, RejectReason, CancelReason);
}

public sealed partial class MatchingEngine<TOutput>
{
    private readonly FinishedSlot[] _finished;
    /// <summary>Where the next finished order goes; the oldest is there too once the ring is full.</summary>
    private int _finishedNext;
    private int _finishedCount;

    private void NoteClientOrder(int accountSlot, long clientOrderId)
    {
        ref AccountState a = ref _accounts[accountSlot];
        a.LastClientOrderId = clientOrderId;
        a.LastClientOrderSequence = _lastSequence;
    }

    /// <summary>The ring's next slot (the oldest entry's once it is full), taken: the caller fills every field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref FinishedSlot NextFinished()
    {
        ref FinishedSlot slot = ref _finished[_finishedNext];
        if (++_finishedNext == _finished.Length) _finishedNext = 0;
        if (_finishedCount < _finished.Length) _finishedCount++;
        return ref slot;
    }

    /// <summary>A finished order from a snapshot, into the ring.</summary>
    private void Remember(in FinishedOrder order)
    {
        ref FinishedSlot f = ref NextFinished();
        f.Account = order.Account; f.ClientOrderId = order.ClientOrderId; f.OrderId = order.OrderId; f.Symbol = order.Symbol; f.Side = order.Side;
        f.Price = order.Price; f.Quantity = order.Quantity; f.Filled = order.Filled; f.Sequence = order.Sequence; f.State = order.State;
        f.RejectReason = order.RejectReason; f.CancelReason = order.CancelReason;
    }

    private void RecordRejected(long account, long clientOrderId, int symbol, Side side, long price, long quantity, RejectReason reason)
    {
        ref FinishedSlot f = ref NextFinished();
        f.Account = account; f.ClientOrderId = clientOrderId; f.OrderId = 0; f.Symbol = symbol; f.Side = side;
        f.Price = price; f.Quantity = quantity; f.Filled = 0; f.Sequence = _lastSequence; f.State = OrderState.Rejected;
        f.RejectReason = reason; f.CancelReason = 0;
    }

    /// <summary>An order leaving the engine: cancelled if something cancelled it, else filled.</summary>
    private void RecordFinished(ref Order o)
    {
        ref FinishedSlot f = ref NextFinished();
        f.Account = o.Account; f.ClientOrderId = o.ClientOrderId; f.OrderId = o.OrderId; f.Symbol = o.Symbol; f.Side = o.Side;
        f.Price = o.IsMarket ? 0 : o.Price; f.Quantity = o.Quantity; f.Filled = o.Filled; f.Sequence = _lastSequence;
        f.State = o.Ended != 0 ? OrderState.Cancelled : OrderState.Filled; f.RejectReason = RejectReason.None; f.CancelReason = o.Ended;
    }

    /// <summary>The <paramref name="i"/>th newest finished order (0 = newest).</summary>
    private ref FinishedSlot Recent(int i)
    {
        int at = _finishedNext - 1 - i;
        if (at < 0) at += _finished.Length;
        return ref _finished[at];
    }

    /// <summary>The account's last sequenced NewOrder or ReplaceOrder (accepted or rejected): its client order id and
    /// sequence, 0 and 0 if none. False for an unknown account.</summary>
    public bool TryGetLastClientOrder(long account, out long clientOrderId, out long sequence)
    {
        int slot = AccountSlot(account);
        clientOrderId = slot == None ? 0 : _accounts[slot].LastClientOrderId;
        sequence = slot == None ? 0 : _accounts[slot].LastClientOrderSequence;
        return slot != None;
    }

    /// <summary>Where the account's order <paramref name="clientOrderId"/> stands: open (found in O(1)), else the newest
    /// entry of the ring of recent orders with that id (a scan of at most <see cref="EngineConfig.RecentOrders"/>), else
    /// <see cref="OrderState.Unknown"/>.</summary>
    public OrderStatusView OrderStatus(long account, long clientOrderId)
    {
        int accountSlot = AccountSlot(account);
        int slot = accountSlot == None ? None : _orderIndex.Find(accountSlot, clientOrderId);
        if (slot != None)
        {
            ref Order o = ref _orders[slot];
            return new OrderStatusView(OrderState.Open, o.OrderId, o.Symbol, o.Side, o.IsMarket ? 0 : o.Price, o.Quantity, o.Filled, o.Leaves, 0, RejectReason.None, 0)
                { DisplayQuantity = o.Display };
        }
        for (int i = 0; i < _finishedCount; i++)
        {
            ref FinishedSlot f = ref Recent(i);
            if (f.ClientOrderId != clientOrderId || f.Account != account) continue;
            return new OrderStatusView(f.State, f.OrderId, f.Symbol, f.Side, f.Price, f.Quantity, f.Filled, 0, f.Sequence, f.RejectReason, f.CancelReason);
        }
        return new OrderStatusView(OrderState.Unknown, 0, -1, Side.None, 0, 0, 0, 0, 0, RejectReason.None, 0);
    }

    /// <summary>The account's open orders with an order id above <paramref name="afterOrderId"/>, ascending order id, into
    /// <paramref name="into"/> (as many as fit). Returns how many were written; <paramref name="more"/> says whether
    /// others follow the last one written. Walks the account's list once: O(its open orders).</summary>
    public int OpenOrders(long account, long afterOrderId, Span<OrderView> into, out bool more)
    {
        more = false;
        int accountSlot = AccountSlot(account);
        if (accountSlot == None) return 0;
        int n = 0;
        for (int slot = _accounts[accountSlot].FirstOrder; slot != None; slot = _orders[slot].AccountNext)
        {
            if (_orders[slot].OrderId <= afterOrderId) continue;
            if (n == into.Length) { more = true; break; }
            into[n++] = View(slot);
        }
        return n;
    }

    /// <summary>Price levels of one side, best first, from the <paramref name="from"/>th best on, into <paramref name="into"/>
    /// (as many as fit); returns how many were written and, in <paramref name="total"/>, how many the side has.</summary>
    public int Levels(int symbol, Side side, int from, Span<LevelView> into, out int total)
    {
        total = 0;
        var book = BookOf(symbol);
        if (book == null || side is not (Side.Buy or Side.Sell)) return 0;
        BookSide levels = book.SideOf(side);
        total = levels.Count;
        int n = Math.Max(0, Math.Min(total - Math.Max(0, from), into.Length));
        int skip = from, i = 0;
        foreach (int levelSlot in levels)
        {
            if (i == n) break;
            if (skip > 0) { skip--; continue; }
            ref PriceLevel level = ref _levels[levelSlot];
            into[i++] = new LevelView(level.Price, level.Quantity, level.Count);
        }
        return n;
    }

    /// <summary>The finished orders the engine remembers, oldest first (for snapshots and tools).</summary>
    public FinishedOrder[] RecentOrders()
    {
        var result = new FinishedOrder[_finishedCount];
        for (int i = 0; i < _finishedCount; i++) result[i] = Recent(_finishedCount - 1 - i).ToFinishedOrder();
        return result;
    }

    private void AddHistory(ref StateHasher h)
    {
        // Like the rest of the hash, it leaves out sequence numbers (LastClientOrderSequence, FinishedOrder.Sequence): the
        // same inputs under other sequence numbers give the same hash.
        for (int a = 0; a < _accountCount; a++) h.Add(_accounts[a].LastClientOrderId);
        h.Add(_finishedCount);
        for (int i = _finishedCount - 1; i >= 0; i--)
        {
            ref FinishedSlot f = ref Recent(i);
            h.Add(f.Account); h.Add(f.ClientOrderId); h.Add(f.OrderId); h.Add(f.Symbol); h.Add((long)f.Side); h.Add(f.Price);
            h.Add(f.Quantity); h.Add(f.Filled); h.Add((long)f.State); h.Add((long)f.RejectReason); h.Add((long)f.CancelReason);
        }
    }
}
