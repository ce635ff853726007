// Lines about what strangers cause (refused logons, refused channels) are throttled: a flood of bad logons must not
// become a flood of log lines written from the engine thread. Up to a few lines a second; what is held back is
// reported as one count when the second is over.
namespace Exchange.Engine.Host;

internal sealed class LogThrottle(int linesPerSecond)
{
    private long _windowStartMs = long.MinValue;
    private int _inWindow;

    /// <summary>Lines held back since the last summary.</summary>
    public long Suppressed { get; private set; }

    /// <summary>Whether a line may be written at <paramref name="nowMs"/>; counts it as suppressed if not.</summary>
    public bool Allow(long nowMs)
    {
        if (nowMs - _windowStartMs >= 1000)
        {
            _windowStartMs = nowMs;
            _inWindow = 0;
        }
        if (_inWindow < linesPerSecond)
        {
            _inWindow++;
            return true;
        }
        Suppressed++;
        return false;
    }

    /// <summary>The count of suppressed lines once their second is over (and resets it), else 0.</summary>
    public long TakeSummary(long nowMs)
    {
        if (Suppressed == 0 || nowMs - _windowStartMs < 1000) return 0;
        long count = Suppressed;
        Suppressed = 0;
        return count;
    }
}
