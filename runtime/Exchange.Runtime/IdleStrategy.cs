// What an agent does when a duty cycle found no work: spin (lowest latency, burns a core), yield, or back off
// from spinning to yielding to sleeping (for shared machines).
using System.Runtime.InteropServices;

namespace Exchange.Runtime;

public interface IIdleStrategy
{
    /// <summary>Called after every duty cycle with the work it did; idles only when that was zero.</summary>
    void Idle(int workCount);
    void Reset();
}

public sealed class BusySpinIdleStrategy : IIdleStrategy
{
    public void Idle(int workCount)
    {
        if (workCount > 0) return;
        Thread.SpinWait(1);
    }

    public void Reset() { }
}

public sealed class YieldingIdleStrategy : IIdleStrategy
{
    public void Idle(int workCount)
    {
        if (workCount > 0) return;
        Thread.Yield();
    }

    public void Reset() { }
}

/// <summary>Spins, then yields, then parks for a doubling interval up to a maximum; any work starts it over.</summary>
public sealed class BackoffIdleStrategy : IIdleStrategy
{
    private readonly long _maxSpins, _maxYields, _minParkNanos, _maxParkNanos;
    private long _spins, _yields, _parkNanos;

    public BackoffIdleStrategy(long maxSpins = 100, long maxYields = 100, long minParkNanos = 1_000, long maxParkNanos = 1_000_000)
    {
        _maxSpins = maxSpins;
        _maxYields = maxYields;
        _minParkNanos = _parkNanos = minParkNanos;
        _maxParkNanos = maxParkNanos;
    }

    public void Idle(int workCount)
    {
        if (workCount > 0) { Reset(); return; }
        if (_spins < _maxSpins) { _spins++; Thread.SpinWait(1); return; }
        if (_yields < _maxYields) { _yields++; Thread.Yield(); return; }
        Park(_parkNanos);
        _parkNanos = Math.Min(_parkNanos * 2, _maxParkNanos);
    }

    public void Reset()
    {
        _spins = 0;
        _yields = 0;
        _parkNanos = _minParkNanos;
    }

    // Thread.Sleep has millisecond granularity; nanosleep lets a parked agent wake within tens of microseconds.
    private static unsafe void Park(long nanos)
    {
        if (!OperatingSystem.IsLinux()) { Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, nanos / 100))); return; }
        var request = new TimeSpec { Seconds = nanos / NanoClock.Second, Nanoseconds = nanos % NanoClock.Second };
        Native.nanosleep(&request, null);
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

internal static unsafe partial class Native
{
    [LibraryImport("libc")]
    public static partial int nanosleep(BackoffIdleStrategy.TimeSpec* request, BackoffIdleStrategy.TimeSpec* remaining);
}

public static class IdleStrategies
{
    public const string Names = "busy-spin, yield, backoff";

    /// <summary>Parses an idle strategy name from configuration; null when the name is not one of <see cref="Names"/>.</summary>
    public static IIdleStrategy? Parse(string name) => name switch
    {
        "busy-spin" or "spin" => new BusySpinIdleStrategy(),
        "yield" => new YieldingIdleStrategy(),
        "backoff" => new BackoffIdleStrategy(),
        _ => null,
    };
}
