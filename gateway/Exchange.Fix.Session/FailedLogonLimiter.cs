// Failed logons counted per key (a source address, a session) in fixed windows: once a key has had the maximum in its
// window, it is blocked until the window ends. A bounded table, so a flood from many addresses cannot grow it without
// end: when it is full of live windows, new keys go uncounted (the per-session limit still holds for them).
namespace Exchange.Fix.Session;

internal sealed class FailedLogonLimiter<TKey>(int maxFailures, long windowNanos, int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, Window> _windows = [];

    private struct Window
    {
        public long Start;
        public int Failures;
    }

    public int MaxFailures => maxFailures;

    public bool IsBlocked(TKey key, long now) =>
        _windows.TryGetValue(key, out var window) && now - window.Start < windowNanos && window.Failures >= maxFailures;

    public void RecordFailure(TKey key, long now)
    {
        if (_windows.TryGetValue(key, out var window) && now - window.Start < windowNanos)
        {
            window.Failures++;
            _windows[key] = window;
            return;
        }
        if (!_windows.ContainsKey(key) && _windows.Count >= capacity)
        {
            foreach (var (k, w) in _windows)
                if (now - w.Start >= windowNanos) _windows.Remove(k);
            if (_windows.Count >= capacity) return;
        }
        _windows[key] = new Window { Start = now, Failures = 1 };
    }
}
