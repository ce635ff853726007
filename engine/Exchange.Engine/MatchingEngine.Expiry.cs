// Day and GoodTillDate orders: each open one sits in a preallocated binary min-heap ordered by (expiry, order id) and
// leaves it when it ends for any reason (its heap position is kept in the order, so leaving costs O(log n) and nothing
// is allocated). Orders expire only when an ExpireOrders input (the timer input the leader's sequencer injects) is
// applied: every order whose expiry is at or before that input's timestamp, earliest expiry first, then lowest order id.
using System.Runtime.CompilerServices;

namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    /// <summary>Slots of the orders with an expiry, a binary min-heap by (expiry, order id); positions 1 .. _expiryCount.</summary>
    private int[]? _expiryHeap;
    private int _expiryCount;

    /// <summary>The earliest expiry of any open Day or GoodTillDate order (UTC nanoseconds), or <see cref="long.MaxValue"/>
    /// when there is none: the leader's sequencer injects an <see cref="ExpireOrders"/> input once its clock passes it.</summary>
    public long NextExpiry => _expiryCount == 0 ? long.MaxValue : _orders[_expiryHeap![1]].ExpireAt;

    /// <summary>Open orders that will expire (Day and GoodTillDate, resting or pending their trigger).</summary>
    public int ExpiringOrderCount => _expiryCount;

    /// <summary>The timer input: expires, in (expiry, order id) order, every open order whose expiry is at or before
    /// <paramref name="timestamp"/>. Each is cancelled with <see cref="CancelReason.Expired"/> as a client's cancel
    /// would be (event, hold released, level published, top of book if it changed). Nothing else changes; with nothing
    /// due it emits nothing.</summary>
    public void Apply(long sequence, long timestamp, in ExpireOrders c)
    {
        Sequence(sequence, timestamp);
        while (_expiryCount > 0)
        {
            int slot = _expiryHeap![1];
            if (_orders[slot].ExpireAt > timestamp) return;
            LeaveExpiries(slot);
            OrderBook book = _books[_orders[slot].Symbol]!;
            CancelResting(book, slot, CancelReason.Expired);
            EmitBestBidOfferIfChanged(book);
        }
    }

    /// <summary>Whether an order of this time in force rests in the book when it does not fill at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Rests(TimeInForce timeInForce) =>
        timeInForce is TimeInForce.GoodTillCancel or TimeInForce.Day or TimeInForce.GoodTillDate;

    /// <summary>Checks a NewOrder's expiry and works out when it expires (0: never). Day needs its symbol's session end;
    /// GoodTillDate an expire time after the input's timestamp.</summary>
    private RejectReason CheckExpiry(in NewOrder c, OrderBook book, out long expireAt)
    {
        expireAt = 0;
        if (c.TimeInForce == TimeInForce.Day)
        {
            if (book.SessionEnd == 0) return RejectReason.NoSessionEnd;
            expireAt = SessionEnds.Next(_timestamp, book.SessionEnd);
        }
        else if (c.TimeInForce == TimeInForce.GoodTillDate)
        {
            if (c.ExpireTime <= _timestamp) return RejectReason.InvalidExpireTime;
            expireAt = c.ExpireTime;
        }
        return RejectReason.None;
    }

    /// <summary>Adds an order with an expiry to the heap (the heap is made on first use, sized for every order slot).</summary>
    private void JoinExpiries(int slot)
    {
        _expiryHeap ??= new int[_orders.Length + 1];
        int position = ++_expiryCount;
        _expiryHeap[position] = slot;
        _orders[slot].ExpiryPosition = position;
        SiftUp(position);
    }

    /// <summary>Takes an order out of the heap (it may be anywhere in it).</summary>
    private void LeaveExpiries(int slot)
    {
        int[] heap = _expiryHeap!;
        int position = _orders[slot].ExpiryPosition;
        _orders[slot].ExpiryPosition = 0;
        int last = heap[_expiryCount--];
        if (position > _expiryCount) return;
        heap[position] = last;
        _orders[last].ExpiryPosition = position;
        SiftDown(SiftUp(position));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ExpiresBefore(int a, int b)
    {
        ref Order x = ref _orders[a];
        ref Order y = ref _orders[b];
        return x.ExpireAt < y.ExpireAt || (x.ExpireAt == y.ExpireAt && x.OrderId < y.OrderId);
    }

    private int SiftUp(int position)
    {
        int[] heap = _expiryHeap!;
        int slot = heap[position];
        while (position > 1)
        {
            int parent = position >> 1;
            if (!ExpiresBefore(slot, heap[parent])) break;
            heap[position] = heap[parent];
            _orders[heap[position]].ExpiryPosition = position;
            position = parent;
        }
        heap[position] = slot;
        _orders[slot].ExpiryPosition = position;
        return position;
    }

    private void SiftDown(int position)
    {
        int[] heap = _expiryHeap!;
        int slot = heap[position];
        while (true)
        {
            int child = position << 1;
            if (child > _expiryCount) break;
            if (child < _expiryCount && ExpiresBefore(heap[child + 1], heap[child])) child++;
            if (!ExpiresBefore(heap[child], slot)) break;
            heap[position] = heap[child];
            _orders[heap[position]].ExpiryPosition = position;
            position = child;
        }
        heap[position] = slot;
        _orders[slot].ExpiryPosition = position;
    }

    /// <summary>When an open order expires (0: never), by account and client order id; false for an unknown order.</summary>
    public bool TryGetExpiry(long account, long clientOrderId, out long expireAt)
    {
        int accountSlot = AccountSlot(account);
        int slot = accountSlot == None ? None : _orderIndex.Find(accountSlot, clientOrderId);
        expireAt = slot == None ? 0 : _orders[slot].ExpireAt;
        return slot != None;
    }

    /// <summary>The symbol's session end (nanoseconds after UTC midnight; 0: none).</summary>
    public long SessionEndOf(int symbol) => BookOf(symbol)?.SessionEnd ?? 0;

    /// <summary>Open orders with an expiry, in the order a timer input expires them: (expiry, order id, account, client
    /// order id).</summary>
    public IReadOnlyList<(long ExpireAt, long OrderId, long Account, long ClientOrderId)> Expiries()
    {
        var result = new List<(long, long, long, long)>(_expiryCount);
        for (int i = 1; i <= _expiryCount; i++)
        {
            ref Order o = ref _orders[_expiryHeap![i]];
            result.Add((o.ExpireAt, o.OrderId, o.Account, o.ClientOrderId));
        }
        result.Sort();
        return result;
    }

    /// <summary>The state hash's part for expiries: every symbol's session end, the count of orders with an expiry and the
    /// sum of each one's digest of (expiry, order id), which depends neither on the heap's layout nor on an order of
    /// visit, so it needs no sorting and allocates nothing (the hash runs on the engine thread, e.g. for state checks).
    /// Folds nothing when no symbol has a session end and no order an expiry, so state without them hashes as before
    /// they existed.</summary>
    private void AddExpiries(ref StateHasher h)
    {
        bool any = _expiryCount > 0;
        foreach (var book in _books) any |= book != null && book.SessionEnd != 0;
        if (!any) return;
        foreach (var book in _books)
            if (book != null) { h.Add(book.Spec.Id); h.Add(book.SessionEnd); }
        long sum = 0;
        for (int i = 1; i <= _expiryCount; i++)
        {
            ref Order o = ref _orders[_expiryHeap![i]];
            var one = new StateHasher();
            one.Add(o.ExpireAt);
            one.Add(o.OrderId);
            sum += one.Value;
        }
        h.Add(_expiryCount);
        h.Add(sum);
    }

    /// <summary>Every open order's expiry for a snapshot, in (expiry, order id) order.</summary>
    private SnapshotExpiry[] SnapshotExpiries()
    {
        var result = new SnapshotExpiry[_expiryCount];
        for (int i = 1; i <= _expiryCount; i++)
        {
            ref Order o = ref _orders[_expiryHeap![i]];
            result[i - 1] = new SnapshotExpiry(o.OrderId, o.ExpireAt, o.TimeInForce);
        }
        Array.Sort(result, (a, b) => a.ExpireAt != b.ExpireAt ? a.ExpireAt.CompareTo(b.ExpireAt) : a.OrderId.CompareTo(b.OrderId));
        return result;
    }

    /// <summary>A snapshot's expiries back on its restored orders (<paramref name="orderIds"/> ascending, with their slots).</summary>
    private void RestoreExpiries(SnapshotExpiry[] expiries, long[] orderIds, int[] slots)
    {
        foreach (var e in expiries)
        {
            int i = Array.BinarySearch(orderIds, e.OrderId);
            if (i < 0 || e.ExpireAt <= 0 || _orders[slots[i]].ExpiryPosition != 0 || e.TimeInForce is not (TimeInForce.Day or TimeInForce.GoodTillDate))
                throw new InvalidDataException($"expiry of order {e.OrderId} is inconsistent");
            _orders[slots[i]].ExpireAt = e.ExpireAt;
            _orders[slots[i]].TimeInForce = e.TimeInForce;
            JoinExpiries(slots[i]);
        }
    }
}
