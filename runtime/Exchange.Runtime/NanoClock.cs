// The one clock timers read: monotonic nanoseconds. Components take an IClock (the system's by default) so a test can
// hand them a ManualClock and move time on by itself, instead of sleeping for timers to fire.
using System.Diagnostics;

namespace Exchange.Runtime;

public interface IClock
{
    /// <summary>Monotonic nanoseconds (an arbitrary origin; only differences mean anything).</summary>
    long NanoTime();
}

/// <summary>The machine's monotonic clock.</summary>
public sealed class SystemClock : IClock
{
    public static readonly SystemClock Instance = new();

    private SystemClock() { }

    public long NanoTime() => NanoClock.Now();
}

/// <summary>A clock that moves only when told: for tests of timers.</summary>
public sealed class ManualClock(long start = 1_000_000_000) : IClock
{
    private long _now = start;

    public long NanoTime() => Volatile.Read(ref _now);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks * 100);

    public void Advance(long nanos) => Interlocked.Add(ref _now, nanos);
}

public static class NanoClock
{
    private static readonly bool s_nanosecondTicks = Stopwatch.Frequency == 1_000_000_000;
    private static readonly double s_nanosPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>The system's monotonic clock read directly (what <see cref="SystemClock"/> returns).</summary>
    public static long Now() => s_nanosecondTicks ? Stopwatch.GetTimestamp() : (long)(Stopwatch.GetTimestamp() * s_nanosPerTick);

    public const long Microsecond = 1_000;
    public const long Millisecond = 1_000_000;
    public const long Second = 1_000_000_000;
}

/// <summary>The time between two passes of a periodic duty (session timers), to tell a stall of the loop itself (a long
/// fsync, a stopped process or machine) from its peers' silence: time the loop did not run is no evidence that a peer
/// went quiet. One per loop; not thread-safe.</summary>
public struct PassGap
{
    /// <summary>A gap longer than this is a stall: duty cycles take microseconds, heartbeat intervals at least 100 ms.</summary>
    public const long StallNanos = 250 * NanoClock.Millisecond;

    private long _last;

    /// <summary>Records this pass and returns the time since the previous one (0 on the first).</summary>
    public long Next(long now)
    {
        long gap = _last != 0 ? now - _last : 0;
        _last = now;
        return gap;
    }
}
