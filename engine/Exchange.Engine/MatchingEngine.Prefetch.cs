// Lookahead: a caller that holds inputs ahead of the one it applies (`exchange-perf book --lookahead`) tells the engine
// about them, and the engine starts the cold loads they will need while it works on the current one. On a deep book a cancel's chain of dependent misses (the order index's
// line, then the order's record, then its neighbours') is what an operation waits on; started a few inputs early, those
// loads overlap other work. A hint changes no state: answers, events and the state hash are the same without it.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    /// <summary>How far ahead the hints reach: a caller hints the input <c>i + a</c> for each <c>a</c> of
    /// <see cref="LookaheadDistances"/> before it applies input <c>i</c>.</summary>
    public const int LookaheadWindow = 8;

    /// <summary>The distances at which a hint does something: the order index's line (8 inputs ahead), the order's
    /// record (3 ahead, through the index by then in cache), the records it links to (1 ahead).</summary>
    public static ReadOnlySpan<int> LookaheadDistances => [1, 3, LookaheadWindow];

    /// <summary>Hint for an order input of account <paramref name="account"/> that names client order id
    /// <paramref name="clientOrderId"/> (a new order's own, a cancel's, a replace's original), applied
    /// <paramref name="ahead"/> inputs from now.</summary>
    public void Prefetch(long account, long clientOrderId, int ahead)
    {
        if (!Sse.IsSupported) return;
        int a = AccountSlot(account);
        if (a == None) return;
        if (ahead == LookaheadWindow)
        {
            _orderIndex.Prefetch(a, clientOrderId);
            return;
        }
        if (ahead is not (1 or 3)) return;
        int slot = _orderIndex.Find(a, clientOrderId);
        if (slot == None) return;
        if (ahead == 3)
        {
            PrefetchOrder(slot);
            return;
        }
        // One ahead: the record is in cache by now; what unlinking it writes: its neighbours in the level and in the
        // account's list.
        ref Order o = ref _orders[slot];
        if (o.Prev != None) PrefetchOrder(o.Prev);
        if (o.Next != None) PrefetchOrder(o.Next);
        if (o.AccountPrev != None) PrefetchOrder(o.AccountPrev);
        if (o.AccountNext != None) PrefetchOrder(o.AccountNext);
    }

    /// <summary>The three cache lines an order's record can span (it is 128 bytes; an array's elements start 16 bytes into
    /// a line).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe void PrefetchOrder(int slot)
    {
        byte* at = (byte*)Unsafe.AsPointer(ref _orders[slot]);
        Sse.Prefetch0(at);
        Sse.Prefetch0(at + 64);
        Sse.Prefetch0(at + Unsafe.SizeOf<Order>() - 1);
    }
}
