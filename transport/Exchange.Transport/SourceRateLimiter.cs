// Token buckets per source host, in a fixed table: how many of something (new images, say) one address may cause
// per second. Sources whose hashes collide share a bucket, which only makes the limit stricter for them; the table
// never grows, so a flood of spoofed addresses costs nothing but its own entries.
namespace Exchange.Transport;

public sealed class SourceRateLimiter
{
    private const int Slots = 256;
    private readonly int[] _hosts = new int[Slots];
    private readonly long[] _tokens = new long[Slots];
    private readonly long[] _refilled = new long[Slots];
    private readonly int _perSecond;

    public SourceRateLimiter(int perSecond) => _perSecond = perSecond;

    /// <summary>Takes one token from <paramref name="source"/>'s bucket; false if it is empty.</summary>
    public bool TryTake(in PeerAddress source, long now)
    {
        int host = source.HostHash();
        int slot = host & (Slots - 1);
        if (_hosts[slot] != host || _refilled[slot] == 0)
        {
            _hosts[slot] = host;
            _tokens[slot] = _perSecond;
            _refilled[slot] = now;
        }
        else
        {
            long elapsed = now - _refilled[slot];
            long earned = elapsed * _perSecond / NanoClock.Second;
            if (earned > 0)
            {
                _tokens[slot] = Math.Min(_perSecond, _tokens[slot] + earned);
                _refilled[slot] = now;
            }
        }
        if (_tokens[slot] <= 0) return false;
        _tokens[slot]--;
        return true;
    }
}

/// <summary>One token bucket: at most so many per second, and so many in a burst.</summary>
public struct RateLimit(int perSecond)
{
    private long _tokens = perSecond;
    private long _refilled;

    public bool TryTake(long now)
    {
        if (_refilled == 0) _refilled = now;
        long earned = (now - _refilled) * perSecond / NanoClock.Second;
        if (earned > 0)
        {
            _tokens = Math.Min(perSecond, _tokens + earned);
            _refilled = now;
        }
        if (_tokens <= 0) return false;
        _tokens--;
        return true;
    }
}
