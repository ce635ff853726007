// What waits to be sent to one WebSocket connection. The engine thread only ever adds, never waits: a full queue means
// the browser is slow, and it is that browser's problem, not the gateway's or the other subscribers'.
//  - Public frames (market data) go in a bounded queue. Past ConflateAbove the engine thread stops adding increments of
//    conflatable channels (it marks them dirty and sends a snapshot once the queue has drained); at QueueFrames the
//    connection is behind: its public queue is dropped, it is told (a "lagged" frame) and every subscription is
//    resynchronised from a snapshot.
//  - Answers, errors and private events are never dropped; a connection that lets PrivateQueueFrames of them pile up
//    is closed as too slow.
// One writer task per connection drains it, private frames first.
namespace Exchange.Web;

public sealed class Outbox(int queueFrames, int conflateAbove, int privateFrames)
{
    private readonly object _lock = new();
    private readonly Queue<byte[]> _public = new();
    private readonly Queue<byte[]> _private = new();
    private readonly SemaphoreSlim _signal = new(0);
    private bool _lagged;
    private long _dropped;
    private bool _closed;

    public int QueueFrames { get; } = queueFrames;
    public int ConflateAbove { get; } = conflateAbove;

    /// <summary>Public frames waiting.</summary>
    public int PublicCount { get { lock (_lock) return _public.Count; } }
    /// <summary>Frames not sent because the connection was behind.</summary>
    public long Dropped { get { lock (_lock) return _dropped; } }
    /// <summary>The connection fell behind and has not yet been told so.</summary>
    public bool IsLagged { get { lock (_lock) return _lagged; } }
    /// <summary>Too many private frames piled up: the connection is to be closed.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Whether a conflatable increment should be queued now (the queue is short).</summary>
    public bool Accepts { get { lock (_lock) return !_lagged && _public.Count < ConflateAbove; } }

    /// <summary>Queues a public frame; false when the connection is (now) behind.</summary>
    public bool TryPublic(byte[] frame)
    {
        lock (_lock)
        {
            if (_closed) return false;
            if (_lagged) { _dropped++; return false; }
            if (_public.Count >= QueueFrames)
            {
                _dropped += _public.Count + 1;
                _public.Clear();
                _lagged = true;
            }
            else _public.Enqueue(frame);
        }
        _signal.Release();
        return !IsLagged;
    }

    public void Private(byte[] frame)
    {
        lock (_lock)
        {
            if (_closed) return;
            if (_private.Count >= privateFrames) { Overflowed = true; _closed = true; }
            else _private.Enqueue(frame);
        }
        _signal.Release();
    }

    /// <summary>The next frame to send, private first; null when none is queued. <paramref name="lagged"/> is true once
    /// when the connection fell behind (its public frames were dropped); the caller then asks for a resynchronisation.</summary>
    public byte[]? Next(out bool lagged)
    {
        lock (_lock)
        {
            lagged = false;
            if (_private.Count > 0) return _private.Dequeue();
            if (_lagged)
            {
                _lagged = false;
                lagged = true;
                return null;
            }
            return _public.Count > 0 ? _public.Dequeue() : null;
        }
    }

    public Task WaitAsync(CancellationToken cancel) => _signal.WaitAsync(cancel);

    /// <summary>Wakes the writer with nothing queued, so it looks again at what it checks once drained (the connection's
    /// dirty subscriptions).</summary>
    public void Wake() => _signal.Release();

    public void Close()
    {
        lock (_lock) _closed = true;
        _signal.Release();
    }

    public bool IsClosed { get { lock (_lock) return _closed; } }
}
