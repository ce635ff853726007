// Everything the engine sends passes through here, in order, and nothing derived from a command leaves before the
// journal counts that command durable:
// - a message may leave once its sequence is at or below Durable (under Batch: after the group commit in DoWork;
//   under None and Always, and without a journal, at once); session messages (sequence 0) need no durability;
// - a send the transport refuses (back-pressure) is kept and retried on the next Release, and everything later for
//   that connection waits behind it, so each connection sees its messages in order.
// The queue is one preallocated buffer of entries [size int32][connection int32, -1 = market data][session id uint64]
// [sequence int64][length int32][pad int32][message], 8-byte aligned; entries of a session that has gone are dropped.
using System.Buffers.Binary;

namespace Exchange.Engine.Host;

internal sealed class Outbound(SessionTable sessions, IEngineLinks links, int initialBytes, Action makeDurable)
{
    private const int EntryHeader = 32;
    private const int MarketData = -1;

    private byte[] _queue = new byte[initialBytes];
    private int _length;
    private int _pass;

    /// <summary>The highest sequence whose messages may leave (the journal's durable sequence; everything without one).</summary>
    public long Durable { get; set; } = long.MaxValue;
    /// <summary>Messages waiting (for durability or for a back-pressured connection).</summary>
    public int QueuedMessages { get; private set; }
    private int _queuedMarketData;

    /// <summary>A session-level message (LogonAck, Heartbeat, Logout, a reject of an unsequenced input): needs no
    /// durability, but still goes behind anything queued for the connection.</summary>
    public void Send(int connection, ReadOnlySpan<byte> message) => Route(connection, 0, message);

    /// <summary>An answer to an input: through the session if the connection has one, else offered once to the
    /// transport (a connection that never logged on has no response path the engine opened).</summary>
    public void Reply(int connection, ReadOnlySpan<byte> message)
    {
        if (sessions.Exists(connection) && sessions[connection].State != SessionState.Free) Send(connection, message);
        else links.SendToConnection(connection, message);
    }

    /// <summary>A message derived from command <paramref name="sequence"/> for the session on <paramref name="connection"/>.</summary>
    public void Route(int connection, long sequence, ReadOnlySpan<byte> message)
    {
        ref Session s = ref sessions[connection];
        if (s.Pending == 0 && sequence <= Durable && TrySend(connection, ref s, message)) return;
        Enqueue(connection, s.Id, sequence, message);
        sessions[connection].Pending++;
    }

    public void RouteMarketData(long sequence, ReadOnlySpan<byte> message)
    {
        if (_queuedMarketData == 0 && sequence <= Durable)
        {
            links.SendMarketData(message);
            return;
        }
        Enqueue(MarketData, 0, sequence, message);
        _queuedMarketData++;
    }

    private bool TrySend(int connection, ref Session s, ReadOnlySpan<byte> message)
    {
        if (links.SendToConnection(connection, message))
        {
            s.LastOutbound = sessions.Stamp();
            s.BlockedSince = SessionTable.NotBlocked;
            return true;
        }
        if (s.BlockedSince == SessionTable.NotBlocked) s.BlockedSince = sessions.Stamp();
        return false;
    }

    private void Enqueue(int connection, ulong sessionId, long sequence, ReadOnlySpan<byte> message)
    {
        int size = (EntryHeader + message.Length + 7) & ~7;
        if (_length + size > _queue.Length) MakeRoom(size);
        Span<byte> entry = _queue.AsSpan(_length, size);
        BinaryPrimitives.WriteInt32LittleEndian(entry, size);
        BinaryPrimitives.WriteInt32LittleEndian(entry[4..], connection);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], sessionId);
        BinaryPrimitives.WriteInt64LittleEndian(entry[16..], sequence);
        BinaryPrimitives.WriteInt32LittleEndian(entry[24..], message.Length);
        message.CopyTo(entry[EntryHeader..]);
        _length += size;
        QueuedMessages++;
    }

    /// <summary>The queue is full: make what is buffered durable now (one early group commit) and send it; only if
    /// back-pressured connections still fill it does the queue grow (an allocation, once per new high-water mark).</summary>
    private void MakeRoom(int size)
    {
        makeDurable();
        Release();
        if (_length + size > _queue.Length) Array.Resize(ref _queue, Math.Max(_queue.Length * 2, _length + size));
    }

    /// <summary>Sends every queued message whose command is durable, oldest first, skipping (and keeping) those of a
    /// connection that refused a send in this pass. Returns the number of messages sent.</summary>
    public int Release()
    {
        if (_length == 0) return 0;
        long durable = Durable;
        int pass = ++_pass;
        int read = 0, write = 0, end = _length, sent = 0;
        while (read < end)
        {
            Span<byte> entry = _queue.AsSpan(read);
            int size = BinaryPrimitives.ReadInt32LittleEndian(entry);
            if (BinaryPrimitives.ReadInt64LittleEndian(entry[16..]) > durable) break;
            int connection = BinaryPrimitives.ReadInt32LittleEndian(entry[4..]);
            ReadOnlySpan<byte> message = entry.Slice(EntryHeader, BinaryPrimitives.ReadInt32LittleEndian(entry[24..]));
            bool keep = false;
            if (connection == MarketData)
            {
                links.SendMarketData(message);
                _queuedMarketData--;
                sent++;
            }
            else
            {
                ref Session s = ref sessions[connection];
                if (s.State == SessionState.Free || s.Id != BinaryPrimitives.ReadUInt64LittleEndian(entry[8..])) { }
                else if (s.BlockedPass == pass) keep = true;
                else if (TrySend(connection, ref s, message)) { s.Pending--; sent++; }
                else { s.BlockedPass = pass; keep = true; }
            }
            if (keep)
            {
                if (write != read) _queue.AsSpan(read, size).CopyTo(_queue.AsSpan(write));
                write += size;
            }
            else
            {
                QueuedMessages--;
            }
            read += size;
        }
        if (read != write && read < end) _queue.AsSpan(read, end - read).CopyTo(_queue.AsSpan(write));
        _length = write + (end - read);
        return sent;
    }
}
