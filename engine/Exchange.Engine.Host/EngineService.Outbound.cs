// Everything the engine sends: the events of each command routed to account sessions and market data, and the
// one preallocated queue that holds what may not go yet, in order:
// - an event may leave only once the journal says its command is durable (under Batch: after the group commit
//   in DoWork; under None and Always, and without a journal, at once);
// - a send the transport refuses (back-pressure) is kept and retried on the next DoWork, and everything later
//   for that connection waits behind it, so each connection sees its messages in order.
// Queue entries are [size int32][connection int32, -1 = market data][session id uint64][sequence int64]
// [length int32][pad int32][message], 8-byte aligned; entries are dropped once their session is gone.
using System.Buffers.Binary;
using Exchange.Contract;

namespace Exchange.Engine.Host;

public sealed partial class EngineService
{
    private const int EntryHeader = 32;
    private const int MarketData = -1;

    private byte[] _outbound;
    private int _outboundLength;
    private int _queuedMessages;
    private int _queuedMarketData;
    private int _pass;
    private readonly byte[] _trade = new byte[MessageHeaderEncoder.EncodedLength + TradeEncoder.BlockLength];

    /// <summary>Messages waiting in the outbound queue (for durability or for a back-pressured connection).</summary>
    public int QueuedMessages => _queuedMessages;

    private long Durable => _journal?.DurableSequence ?? long.MaxValue;

    // ---- routing ----

    /// <summary>A session-level message (LogonAck, Heartbeat, Logout, a reject of an unsequenced input): needs no
    /// durability, but still goes behind anything queued for the connection.</summary>
    private void Send(int connection, ReadOnlySpan<byte> message) => Route(connection, 0, message);

    /// <summary>An answer to an input: through the session if the connection has one, else offered once to the
    /// transport (a connection that never logged on has no response path the engine opened).</summary>
    private void Reply(int connection, ReadOnlySpan<byte> message)
    {
        if ((uint)connection < (uint)_sessions.Length && _sessions[connection].State != SessionState.Free) Send(connection, message);
        else _links.SendToConnection(connection, message);
    }

    private void Route(int connection, long sequence, ReadOnlySpan<byte> message)
    {
        ref Session s = ref _sessions[connection];
        if (s.Pending == 0 && sequence <= Durable && TrySend(connection, ref s, message)) return;
        Enqueue(connection, s.Id, sequence, message);
        _sessions[connection].Pending++;
    }

    private void RouteMarketData(long sequence, ReadOnlySpan<byte> message)
    {
        if (_queuedMarketData == 0 && sequence <= Durable)
        {
            _links.SendMarketData(message);
            return;
        }
        Enqueue(MarketData, 0, sequence, message);
        _queuedMarketData++;
    }

    private bool TrySend(int connection, ref Session s, ReadOnlySpan<byte> message)
    {
        if (_links.SendToConnection(connection, message))
        {
            s.LastOutbound = Stamp();
            s.BlockedSince = NotBlocked;
            return true;
        }
        if (s.BlockedSince == NotBlocked) s.BlockedSince = Stamp();
        return false;
    }

    private void Enqueue(int connection, ulong sessionId, long sequence, ReadOnlySpan<byte> message)
    {
        int size = (EntryHeader + message.Length + 7) & ~7;
        if (_outboundLength + size > _outbound.Length) MakeRoom(size);
        Span<byte> entry = _outbound.AsSpan(_outboundLength, size);
        BinaryPrimitives.WriteInt32LittleEndian(entry, size);
        BinaryPrimitives.WriteInt32LittleEndian(entry[4..], connection);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], sessionId);
        BinaryPrimitives.WriteInt64LittleEndian(entry[16..], sequence);
        BinaryPrimitives.WriteInt32LittleEndian(entry[24..], message.Length);
        message.CopyTo(entry[EntryHeader..]);
        _outboundLength += size;
        _queuedMessages++;
    }

    /// <summary>The queue is full: make what is buffered durable now (one early group commit) and send it; only if
    /// back-pressured connections still fill it does the queue grow (an allocation, once per new high-water mark).</summary>
    private void MakeRoom(int size)
    {
        _journal?.Flush();
        Release();
        if (_outboundLength + size > _outbound.Length)
            Array.Resize(ref _outbound, Math.Max(_outbound.Length * 2, _outboundLength + size));
    }

    /// <summary>Sends every queued message whose command is durable, oldest first, skipping (and keeping) those of a
    /// connection that refused a send in this pass. Returns the number of messages sent.</summary>
    private int Release()
    {
        if (_outboundLength == 0) return 0;
        long durable = Durable;
        int pass = ++_pass;
        int read = 0, write = 0, end = _outboundLength, sent = 0;
        while (read < end)
        {
            Span<byte> entry = _outbound.AsSpan(read);
            int size = BinaryPrimitives.ReadInt32LittleEndian(entry);
            if (BinaryPrimitives.ReadInt64LittleEndian(entry[16..]) > durable) break;
            int connection = BinaryPrimitives.ReadInt32LittleEndian(entry[4..]);
            ReadOnlySpan<byte> message = entry.Slice(EntryHeader, BinaryPrimitives.ReadInt32LittleEndian(entry[24..]));
            bool keep = false;
            if (connection == MarketData)
            {
                _links.SendMarketData(message);
                _queuedMarketData--;
                sent++;
            }
            else
            {
                ref Session s = ref _sessions[connection];
                if (s.State == SessionState.Free || s.Id != BinaryPrimitives.ReadUInt64LittleEndian(entry[8..])) { }
                else if (s.BlockedPass == pass) keep = true;
                else if (TrySend(connection, ref s, message)) { s.Pending--; sent++; }
                else { s.BlockedPass = pass; keep = true; }
            }
            if (keep)
            {
                if (write != read) _outbound.AsSpan(read, size).CopyTo(_outbound.AsSpan(write));
                write += size;
            }
            else
            {
                _queuedMessages--;
            }
            read += size;
        }
        if (read != write && read < end) _outbound.AsSpan(read, end - read).CopyTo(_outbound.AsSpan(write));
        _outboundLength = write + (end - read);
        return sent;
    }

    // ---- the engine's events ----

    private bool SessionOf(long account, out int connection)
    {
        connection = 0;
        return !_muted && _sessionByAccount.TryGetValue(account, out connection);
    }

    private ReadOnlySpan<byte> LastEvent => _events.Written[SbeEventWriter.LengthPrefix..];

    internal void OnAccepted(in OrderAccepted e)
    {
        if (!SessionOf(e.Account, out int c)) return;
        _events.Clear();
        _events.OnAccepted(e);
        Route(c, _events.Sequence, LastEvent);
    }

    internal void OnRejected(in CommandRejected e)
    {
        // Rejects of symbol admin carry no account; the others go to the account they name.
        if (e.Command is CommandKind.AddSymbol or CommandKind.HaltSymbol or CommandKind.ResumeSymbol || !SessionOf(e.Account, out int c)) return;
        _events.Clear();
        _events.OnRejected(e);
        Route(c, _events.Sequence, LastEvent);
    }

    internal void OnFill(in Fill e)
    {
        if (_muted) return;
        if (SessionOf(e.Account, out int c))
        {
            _events.Clear();
            _events.OnFill(e);
            Route(c, _events.Sequence, LastEvent);
        }
        // Each trade gives the maker's fill, then the taker's: the taker's publishes the trade, aggressor = taker side.
        if (e.Liquidity == Liquidity.Taker)
        {
            var t = TradeEncoder.WrapAndApplyHeader(_trade, 0);
            t.Sequence = _events.Sequence;
            t.Timestamp = _events.Timestamp;
            t.Symbol = e.Symbol;
            t.TradeId = e.TradeId;
            t.Price = e.Price;
            t.Quantity = e.Quantity;
            t.AggressorSide = (Side)e.Side;
            RouteMarketData(_events.Sequence, _trade.AsSpan(0, HeaderLength + t.EncodedLength));
        }
    }

    internal void OnCancelled(in OrderCancelled e)
    {
        if (!SessionOf(e.Account, out int c)) return;
        _events.Clear();
        _events.OnCancelled(e);
        Route(c, _events.Sequence, LastEvent);
    }

    internal void OnReplaced(in OrderReplaced e)
    {
        if (!SessionOf(e.Account, out int c)) return;
        _events.Clear();
        _events.OnReplaced(e);
        Route(c, _events.Sequence, LastEvent);
    }

    internal void OnReduced(in OrderReduced e)
    {
        if (!SessionOf(e.Account, out int c)) return;
        _events.Clear();
        _events.OnReduced(e);
        Route(c, _events.Sequence, LastEvent);
    }

    internal void OnBalance(in BalanceChanged e)
    {
        if (!SessionOf(e.Account, out int c)) return;
        _events.Clear();
        _events.OnBalance(e);
        Route(c, _events.Sequence, LastEvent);
    }

    internal void OnMassCancelled(in MassCancelled e)
    {
        if (!SessionOf(e.Account, out int c)) return;
        _events.Clear();
        _events.OnMassCancelled(e);
        Route(c, _events.Sequence, LastEvent);
    }

    internal void OnAccountAdded(in AccountAdded e)
    {
        if (!SessionOf(e.Account, out int c)) return;
        _events.Clear();
        _events.OnAccountAdded(e);
        Route(c, _events.Sequence, LastEvent);
    }

    internal void OnLevel(in LevelChanged e)
    {
        if (_muted) return;
        _events.Clear();
        _events.OnLevel(e);
        RouteMarketData(_events.Sequence, LastEvent);
    }

    internal void OnBestBidOffer(in BestBidOffer e)
    {
        if (_muted) return;
        _events.Clear();
        _events.OnBestBidOffer(e);
        RouteMarketData(_events.Sequence, LastEvent);
    }

    internal void OnSymbolStatus(in SymbolStatusChanged e)
    {
        if (_muted) return;
        _events.Clear();
        _events.OnSymbolStatus(e);
        RouteMarketData(_events.Sequence, LastEvent);
    }
}

/// <summary>The matching engine's output: a struct, so the engine's event calls are direct, forwarding to the service.</summary>
internal readonly struct EngineEvents : IEngineOutput
{
    private readonly EngineService _service;

    public EngineEvents(EngineService service) => _service = service;

    public void OnAccepted(in OrderAccepted e) => _service.OnAccepted(e);
    public void OnRejected(in CommandRejected e) => _service.OnRejected(e);
    public void OnFill(in Fill e) => _service.OnFill(e);
    public void OnTrade(in Trade e) { }
    public void OnCancelled(in OrderCancelled e) => _service.OnCancelled(e);
    public void OnReplaced(in OrderReplaced e) => _service.OnReplaced(e);
    public void OnReduced(in OrderReduced e) => _service.OnReduced(e);
    public void OnLevel(in LevelChanged e) => _service.OnLevel(e);
    public void OnBestBidOffer(in BestBidOffer e) => _service.OnBestBidOffer(e);
    public void OnBalance(in BalanceChanged e) => _service.OnBalance(e);
    public void OnMassCancelled(in MassCancelled e) => _service.OnMassCancelled(e);
    public void OnSymbolStatus(in SymbolStatusChanged e) => _service.OnSymbolStatus(e);
    public void OnAccountAdded(in AccountAdded e) => _service.OnAccountAdded(e);
}
