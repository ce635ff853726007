// Lookahead on the live path. Within one poll of the transport (the loop brackets it with BeginPoll and EndPoll), an
// order-entry command that passed the session's checks is held in a window of up to Window commands instead of being
// sequenced at once; the oldest is sequenced when the window is full, and the engine is told about those behind it
// (MatchingEngine.PrefetchKey, PrefetchOrder, PrefetchLinks) so that a deep book's chain of cache misses overlaps other
// work, as `exchange-perf book --lookahead` measures. Held commands are sequenced in arrival order before anything else
// is handled: any other message, a reject, a lost connection and the end of the poll sequence them first. So the
// journal, every response and its order are what they are without the window; a command only waits for the next few
// commands of its own poll, which were already received, and its responses leave at the poll's end as before. On a
// book small enough to stay in the caches there are no misses to overlap, and the window is not used.
using Exchange.Contract;
using Exchange.Sbe;

namespace Exchange.Engine.Host;

public sealed partial class EngineService
{
    /// <summary>The most commands held: the farthest hint reaches this far ahead.</summary>
    internal const int Window = MatchingEngine<SbeEventWriter>.LookaheadKey;

    /// <summary>The largest order-entry command held (a longer one, from a newer schema, is sequenced at once).</summary>
    private static readonly int HeldBytes = HeaderLength + Math.Max(Math.Max(NewOrderEncoder.BlockLength, CancelOrderEncoder.BlockLength),
        Math.Max(ReplaceOrderEncoder.BlockLength, MassCancelEncoder.BlockLength));

    private struct HeldCommand
    {
        public int Length;
        public long Account;
        /// <summary>The client order id its order is indexed by: a new order's own, a cancel's, a replace's original.</summary>
        public long Key;
        /// <summary>A cancel or replace: it finds an open order, so its record and neighbours are worth loading.</summary>
        public bool FindsOrder;
        /// <summary>The order's slot as PrefetchOrder found it (-1: none, or not looked up yet).</summary>
        public int Slot;
        /// <summary>Whether the stage clock follows it.</summary>
        public bool Sampled;
    }

    private readonly HeldCommand[] _held = new HeldCommand[Window + 1];
    private readonly byte[] _heldBytes = new byte[(Window + 1) * HeldBytes];
    private int _heldFirst, _heldCount;
    private bool _inPoll;

    /// <summary>A poll of client messages begins: order entry may be held until <see cref="EndPoll"/> (with
    /// <see cref="EngineServiceOptions.Lookahead"/> on, and a book deeper than
    /// <see cref="EngineServiceOptions.LookaheadFromOpenOrders"/>).</summary>
    public void BeginPoll() => _inPoll = _options.Lookahead && _engine.OpenOrderCount >= _options.LookaheadFromOpenOrders;

    /// <summary>The poll is over: every held command is sequenced now.</summary>
    public void EndPoll()
    {
        _inPoll = false;
        if (_heldCount > 0) SequenceHeld();
    }

    /// <summary>Commands held for lookahead and not sequenced yet.</summary>
    internal int HeldCommands => _heldCount;

    /// <summary>Holds an order-entry command that passed every check before sequencing; false if it cannot be held (then
    /// the caller sequences it at once, after what is held).</summary>
    private bool TryHold(ReadOnlySpan<byte> block, in CommandSummary command)
    {
        if (!_inPoll) return false;
        if (block.Length > HeldBytes)
        {
            if (_heldCount > 0) SequenceHeld();
            return false;
        }
        int at = (_heldFirst + _heldCount) % _held.Length;
        block.CopyTo(_heldBytes.AsSpan(at * HeldBytes, HeldBytes));
        _held[at] = new HeldCommand
        {
            Length = block.Length,
            Account = command.Account,
            Key = command.ClientOrderId,
            FindsOrder = command.Kind is CommandKind.CancelOrder or CommandKind.ReplaceOrder,
            Slot = -1,
            Sampled = Stages.Hold(),
        };
        _heldCount++;
        if (command.Kind != CommandKind.MassCancel) _engine.PrefetchKey(command.Account, command.ClientOrderId);
        if (_heldCount > Window) SequenceOldest();
        return true;
    }

    /// <summary>Sequences everything held, oldest first; the stage clock goes on following the command received last.</summary>
    private void SequenceHeld()
    {
        bool current = Stages.Hold();
        while (_heldCount > 0) SequenceOldest();
        Stages.Resume(current);
    }

    private void SequenceOldest()
    {
        const int order = MatchingEngine<SbeEventWriter>.LookaheadOrder, links = MatchingEngine<SbeEventWriter>.LookaheadLinks;
        if (_heldCount > order)
        {
            ref HeldCommand ahead = ref _held[(_heldFirst + order) % _held.Length];
            if (ahead.FindsOrder) ahead.Slot = _engine.PrefetchOrder(ahead.Account, ahead.Key);
        }
        if (_heldCount > links)
        {
            ref HeldCommand next = ref _held[(_heldFirst + links) % _held.Length];
            if (next.Slot >= 0) _engine.PrefetchLinks(next.Slot);
        }
        int first = _heldFirst;
        _heldFirst = (_heldFirst + 1) % _held.Length;
        _heldCount--;
        Stages.Resume(_held[first].Sampled);
        Submit(_heldBytes.AsSpan(first * HeldBytes, _held[first].Length));
    }
}
