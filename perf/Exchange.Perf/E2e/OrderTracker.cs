// One client session's view of its orders during an e2e run: which command each order is waiting on, since when
// (the intended send time), and which orders rest and may be cancelled or replaced. Every acknowledgement is
// matched to the command it answers, so a lost one stays pending and a duplicated one matches nothing.
using Exchange.Contract;

namespace Exchange.Perf.E2e;

/// <summary>What a command asked for, and the latency class it is recorded under.</summary>
public enum CommandType : byte
{
    None = 0,
    /// <summary>A limit order priced away from the middle, which rests.</summary>
    New = 1,
    /// <summary>An immediate-or-cancel order priced through the other side, which trades.</summary>
    Cross = 2,
    Cancel = 3,
    Replace = 4,
}

internal enum OrderState : byte { Free, Pending, Live, Done }

/// <summary>Counts for one session or, summed, a run.</summary>
public struct AckCounts
{
    public long Sent, Acked, Rejected, Duplicated, Unexpected, Fills;
    /// <summary>Resting orders cancelled without a cancel of ours (an IOC's remainder is one; with passive orders only,
    /// a cancel-on-disconnect nobody wanted).</summary>
    public long CancelledUnasked;
    /// <summary>Orders reported cancelled without a cancel in flight that had been asked to be cancelled earlier (a
    /// cancel answered with a reject when the gateway lost its engine session, which had reached the book after all).</summary>
    public long CancelledLate;

    public void Add(in AckCounts o)
    {
        Sent += o.Sent; Acked += o.Acked; Rejected += o.Rejected; Duplicated += o.Duplicated; Unexpected += o.Unexpected; Fills += o.Fills;
        CancelledUnasked += o.CancelledUnasked; CancelledLate += o.CancelledLate;
    }
}

/// <summary>The latency sink: called once per acknowledged command with its type, intended send time and ack time.</summary>
public interface ILatencySink
{
    void Record(CommandType type, long intendedTicks, long ackTicks);

    /// <summary>Called after <see cref="Record"/> when the command did what it asked (accepted, cancelled, replaced),
    /// not refused: where a failover's recovery shows.</summary>
    void Succeeded(CommandType type, long ackTicks) { }
}

/// <summary>
/// Orders are slots in preallocated arrays: client order id = <see cref="IdBase"/> + slot, so a response finds its
/// order without hashing. A slot has at most one command in flight. Nothing here allocates after construction.
/// </summary>
public sealed class OrderTracker
{
    private readonly OrderState[] _state;
    private readonly CommandType[] _pending;
    private readonly long[] _intended;
    private readonly Side[] _side;
    private readonly int[] _symbol;
    private readonly int[] _replacement;
    private readonly bool[] _cancelAsked;
    // Resting orders with nothing in flight are candidates for cancel/replace: a dense list with each slot's index.
    private readonly int[] _live;
    private readonly int[] _livePosition;
    private int _liveCount;
    private int _next;
    private readonly ILatencySink _sink;
    public AckCounts Counts;

    public OrderTracker(long idBase, int capacity, ILatencySink sink)
    {
        IdBase = idBase;
        Capacity = capacity;
        _sink = sink;
        _state = new OrderState[capacity];
        _pending = new CommandType[capacity];
        _intended = new long[capacity];
        _side = new Side[capacity];
        _symbol = new int[capacity];
        _replacement = new int[capacity];
        _cancelAsked = new bool[capacity];
        _live = new int[capacity];
        _livePosition = new int[capacity];
    }

    public long IdBase { get; }
    public int Capacity { get; }
    /// <summary>Commands sent and not yet acknowledged.</summary>
    public long InFlight => Counts.Sent - Counts.Acked;
    public int LiveCount => _liveCount;
    /// <summary>Whether a new order (or a replace, which takes a new id) has a slot left.</summary>
    public bool HasRoom => _next < Capacity;
    public long NextClientOrderId => IdBase + _next;

    // ---- sending: the generator asks, sends, and commits only what was sent ----

    /// <summary>A resting order with nothing in flight, or -1; <paramref name="random"/> picks which.</summary>
    public int PickLive(ulong random) => _liveCount == 0 ? -1 : _live[(int)(random % (uint)_liveCount)];

    public long ClientOrderIdOf(int slot) => IdBase + slot;

    /// <summary>Whether a replace of this order is in flight (a FIX cancel report naming it then ends the replace).</summary>
    public bool IsReplacePending(long clientOrderId)
    {
        int slot = SlotOf(clientOrderId);
        return slot >= 0 && _pending[slot] == CommandType.Replace;
    }
    public Side SideOf(int slot) => _side[slot];
    public int SymbolOf(int slot) => _symbol[slot];

    /// <summary>Records a new order (passive or crossing) just sent with the next client order id.</summary>
    public void SentNew(CommandType type, int symbol, Side side, long intendedTicks)
    {
        int slot = _next++;
        _state[slot] = OrderState.Pending;
        _pending[slot] = type;
        _intended[slot] = intendedTicks;
        _symbol[slot] = symbol;
        _side[slot] = side;
        Counts.Sent++;
    }

    public void SentCancel(int slot, long intendedTicks)
    {
        RemoveLive(slot);
        _cancelAsked[slot] = true;
        _pending[slot] = CommandType.Cancel;
        _intended[slot] = intendedTicks;
        Counts.Sent++;
    }

    /// <summary>Records a replace of <paramref name="slot"/> just sent; the replacement took the next client order id.</summary>
    public void SentReplace(int slot, long intendedTicks)
    {
        int replacement = _next++;
        RemoveLive(slot);
        _pending[slot] = CommandType.Replace;
        _intended[slot] = intendedTicks;
        _replacement[slot] = replacement;
        _state[replacement] = OrderState.Pending;
        _symbol[replacement] = _symbol[slot];
        _side[replacement] = _side[slot];
        Counts.Sent++;
    }

    // ---- acknowledgements ----

    private int SlotOf(long clientOrderId)
    {
        long slot = clientOrderId - IdBase;
        return (ulong)slot < (ulong)_next ? (int)slot : -1;
    }

    private void Resolve(int slot, long now)
    {
        var type = _pending[slot];
        _pending[slot] = CommandType.None;
        Counts.Acked++;
        _sink.Record(type, _intended[slot], now);
    }

    public void OnAccepted(long clientOrderId, long now)
    {
        int slot = SlotOf(clientOrderId);
        if (slot < 0 || _state[slot] != OrderState.Pending || _pending[slot] is not (CommandType.New or CommandType.Cross))
        {
            Counts.Duplicated++;
            return;
        }
        var type = _pending[slot];
        bool rests = type == CommandType.New;
        Resolve(slot, now);
        _sink.Succeeded(type, now);
        _state[slot] = OrderState.Live;
        if (rests) AddLive(slot);
    }

    public void OnRejected(long clientOrderId, long now)
    {
        int slot = SlotOf(clientOrderId);
        if (slot < 0 || _pending[slot] == CommandType.None)
        {
            Counts.Duplicated++;
            return;
        }
        var type = _pending[slot];
        Resolve(slot, now);
        Counts.Rejected++;
        switch (type)
        {
            case CommandType.New or CommandType.Cross:
                _state[slot] = OrderState.Done;
                break;
            case CommandType.Replace:
                _state[_replacement[slot]] = OrderState.Done;
                if (_state[slot] == OrderState.Live) AddLive(slot); // refused, so the original rests on unchanged
                break;
            case CommandType.Cancel:
                if (_state[slot] == OrderState.Live) AddLive(slot);
                break;
        }
    }

    public void OnCancelled(long clientOrderId, CancelReason reason, long now)
    {
        int slot = SlotOf(clientOrderId);
        if (slot < 0) { Counts.Unexpected++; return; }
        var expected = reason switch
        {
            CancelReason.ByClient => CommandType.Cancel,
            CancelReason.ReplacedBelowFilled => CommandType.Replace,
            _ => CommandType.None,
        };
        if (expected != CommandType.None)
        {
            if (_pending[slot] != expected) { Counts.Duplicated++; return; }
            if (expected == CommandType.Replace) _state[_replacement[slot]] = OrderState.Done;
            Resolve(slot, now);
            _sink.Succeeded(expected, now);
        }
        else if (_state[slot] != OrderState.Live) { Counts.Unexpected++; return; }
        else if (_cancelAsked[slot]) Counts.CancelledLate++;
        else Counts.CancelledUnasked++;
        RemoveLive(slot);
        _state[slot] = OrderState.Done;
    }

    public void OnReplaced(long origClientOrderId, long clientOrderId, long now)
    {
        int slot = SlotOf(origClientOrderId), replacement = SlotOf(clientOrderId);
        if (slot < 0 || _pending[slot] != CommandType.Replace || replacement != _replacement[slot])
        {
            Counts.Duplicated++;
            return;
        }
        Resolve(slot, now);
        _sink.Succeeded(CommandType.Replace, now);
        _state[slot] = OrderState.Done;
        _state[replacement] = OrderState.Live;
        AddLive(replacement);
    }

    public void OnFill(long clientOrderId, long leavesQuantity)
    {
        Counts.Fills++;
        int slot = SlotOf(clientOrderId);
        if (slot < 0 || _state[slot] != OrderState.Live) { Counts.Unexpected++; return; }
        if (leavesQuantity != 0) return;
        RemoveLive(slot);
        _state[slot] = OrderState.Done;
    }

    /// <summary>Commands still waiting for an acknowledgement (after the drain: lost).</summary>
    public long CountPending()
    {
        long n = 0;
        for (int i = 0; i < _next; i++) if (_pending[i] != CommandType.None) n++;
        return n;
    }

    private void AddLive(int slot)
    {
        _livePosition[slot] = _liveCount;
        _live[_liveCount++] = slot;
    }

    private void RemoveLive(int slot)
    {
        if (_pending[slot] != CommandType.None || _state[slot] != OrderState.Live) return; // not in the list
        int position = _livePosition[slot];
        if (position >= _liveCount || _live[position] != slot) return;
        int last = _live[--_liveCount];
        _live[position] = last;
        _livePosition[last] = position;
    }
}
