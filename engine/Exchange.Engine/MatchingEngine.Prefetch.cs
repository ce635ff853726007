// Lookahead: a caller that holds inputs ahead of the one it applies (`exchange-perf book --lookahead`) tells the engine
// about them, and the engine starts the cold loads they will need while it works on the current one. On a deep book a
// cancel's chain of dependent misses (the order index's line, then the order's record, then its neighbours') is what an
// operation waits on; started a few inputs early, those loads overlap other work. A hint changes no state: answers,
// events and the state hash are the same without it, and a stale one (the order gone meanwhile) only loads a line.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    /// <summary>How far ahead the hints reach. A caller applying input <c>i</c> first hints: input <c>i + 8</c> with
    /// <see cref="PrefetchKey"/>; <c>i + 3</c> with <see cref="PrefetchOrder"/> and <c>i + 1</c> with
    /// <see cref="PrefetchLinks"/> when those name an open order (a cancel, a replace).</summary>
    public const int LookaheadKey = 8, LookaheadOrder = 3, LookaheadLinks = 1;

    /// <summary>Most clients number their orders one by one. A new order's duplicate check then reads the index entry of
    /// an id no order used before. An account's consecutive ids sit side by side in the index, four entries to a cache
    /// line, so every fourth new order of such a client found its line cold: a miss to memory on its path, the largest
    /// single cost in the shallow book's profile (`KeyIndex.Find`, 17 % of the replay). When
    /// <paramref name="clientOrderId"/> follows the account's last, this starts loading the entry of the id four on,
    /// on the line that client reaches next; a client numbering otherwise gets no hint and pays nothing for it. It needs
    /// no caller's help, so the live engine has it without lookahead. Changes nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PrefetchNextClientOrder(int account, long clientOrderId)
    {
        if (clientOrderId == _accounts[account].LastClientOrderId + 1)
            _orderIndex.Prefetch(account, clientOrderId + KeyIndex.RunLength);
    }

    /// <summary>The order index's line for the key an order input names (a new order's duplicate check, a cancel's
    /// lookup).</summary>
    public void PrefetchKey(long account, long clientOrderId)
    {
        if (!Sse.IsSupported) return;
        int a = AccountSlot(account);
        if (a != None) _orderIndex.Prefetch(a, clientOrderId);
    }

    /// <summary>The open order's record, found through the index (its line cached by <see cref="PrefetchKey"/>): its
    /// slot for <see cref="PrefetchLinks"/>, or -1.</summary>
    public int PrefetchOrder(long account, long clientOrderId)
    {
        if (!Sse.IsSupported) return None;
        int a = AccountSlot(account);
        int slot = a == None ? None : _orderIndex.Find(a, clientOrderId);
        if (slot != None) PrefetchRecord(slot);
        return slot;
    }

    /// <summary>What unlinking the order in <paramref name="slot"/> writes: its neighbours in its level and in its
    /// account's list (the record itself cached by <see cref="PrefetchOrder"/>).</summary>
    public void PrefetchLinks(int slot)
    {
        if (!Sse.IsSupported || (uint)slot >= (uint)_orders.Length) return;
        ref Order o = ref _orders[slot];
        // The very fields written, one line each rather than the records' three.
        if (o.Prev != None) PrefetchField(ref _orders[o.Prev].Next);
        if (o.Next != None) PrefetchField(ref _orders[o.Next].Prev);
        if (o.AccountPrev != None) PrefetchField(ref _orders[o.AccountPrev].AccountNext);
        if (o.AccountNext != None) PrefetchField(ref _orders[o.AccountNext].AccountPrev);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchField(ref int field) => Sse.Prefetch0(Unsafe.AsPointer(ref field));

    /// <summary>The three cache lines an order's record can span (it is 128 bytes; an array's elements start 16 bytes into
    /// a line).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe void PrefetchRecord(int slot)
    {
        byte* at = (byte*)Unsafe.AsPointer(ref _orders[slot]);
        Sse.Prefetch0(at);
        Sse.Prefetch0(at + 64);
        Sse.Prefetch0(at + Unsafe.SizeOf<Order>() - 1);
    }
}
