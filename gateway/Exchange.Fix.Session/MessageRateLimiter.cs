// At most N application messages in any one-second window: the times of the last N accepted messages are kept in a
// ring, and a message is allowed when the oldest of them is more than a second old.
namespace Exchange.Fix.Session;

internal sealed class MessageRateLimiter(int maxPerSecond)
{
    private const long WindowNanos = 1_000_000_000L;

    private readonly long[] _acceptedAt = new long[maxPerSecond];
    private int _next;
    private int _count;

    public bool TryAcquire(long now)
    {
        if (_count == _acceptedAt.Length)
        {
            // _next is the oldest of a full ring.
            if (now - _acceptedAt[_next] < WindowNanos) return false;
        }
        else
        {
            _count++;
        }
        _acceptedAt[_next] = now;
        _next = _next + 1 == _acceptedAt.Length ? 0 : _next + 1;
        return true;
    }

    public void Clear()
    {
        _count = 0;
        _next = 0;
    }
}
