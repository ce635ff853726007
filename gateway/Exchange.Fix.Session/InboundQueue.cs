// Messages received ahead of a sequence gap, kept (as bytes) until the gap fills and they are processed in order.
// Fixed capacity, allocated once: when full, later messages are dropped and come again with the peer's resend.
namespace Exchange.Fix.Session;

internal sealed class InboundQueue(int capacity, int maxMessageLength)
{
    private readonly Entry[] _entries = new Entry[capacity];
    private readonly byte[] _bytes = new byte[Math.Max(capacity, 1) * 512 + maxMessageLength];
    private int _count;
    private int _used;

    private struct Entry
    {
        public int SeqNum;
        public int Offset;
        public int Length;
        public bool Handled;
    }

    public int Count => _count;

    /// <summary>Keeps a message; <paramref name="handled"/> marks one already acted on (a ResendRequest or Logon
    /// answered on arrival) that only has to be counted when its turn comes. False when it is already queued or
    /// there is no room.</summary>
    public bool TryAdd(int seqNum, ReadOnlySpan<byte> message, bool handled)
    {
        for (int i = 0; i < _count; i++)
            if (_entries[i].SeqNum == seqNum) return false;
        if (_count == _entries.Length) return false;
        if (_bytes.Length - _used < message.Length) Compact();
        if (_bytes.Length - _used < message.Length) return false;
        message.CopyTo(_bytes.AsSpan(_used));
        _entries[_count++] = new Entry { SeqNum = seqNum, Offset = _used, Length = message.Length, Handled = handled };
        _used += message.Length;
        return true;
    }

    /// <summary>Takes the message numbered <paramref name="seqNum"/>, copying it into <paramref name="destination"/>
    /// (the queue may change while it is processed).</summary>
    public bool TryTake(int seqNum, Span<byte> destination, out int length, out bool handled)
    {
        for (int i = 0; i < _count; i++)
        {
            var entry = _entries[i];
            if (entry.SeqNum != seqNum) continue;
            _bytes.AsSpan(entry.Offset, entry.Length).CopyTo(destination);
            length = entry.Length;
            handled = entry.Handled;
            RemoveAt(i);
            return true;
        }
        length = 0;
        handled = false;
        return false;
    }

    /// <summary>Drops messages the expected number has moved past (a gap fill or reset skipped them).</summary>
    public void RemoveBelow(int seqNum)
    {
        for (int i = _count - 1; i >= 0; i--)
            if (_entries[i].SeqNum < seqNum) RemoveAt(i);
    }

    public void Clear()
    {
        _count = 0;
        _used = 0;
    }

    // Entries stay in arrival order, which is byte order, so compaction can move them down in place.
    private void RemoveAt(int i)
    {
        Array.Copy(_entries, i + 1, _entries, i, _count - i - 1);
        if (--_count == 0) _used = 0;
    }

    private void Compact()
    {
        int used = 0;
        for (int i = 0; i < _count; i++)
        {
            ref var entry = ref _entries[i];
            _bytes.AsSpan(entry.Offset, entry.Length).CopyTo(_bytes.AsSpan(used));
            entry.Offset = used;
            used += entry.Length;
        }
        _used = used;
    }
}
