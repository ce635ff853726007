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

/// <summary>What a backing-off agent parks on when something can end the park early: a transport parks on its sockets,
/// so a parked agent wakes when a datagram arrives instead of when the park's time is up.</summary>
public interface IParker
{
    /// <summary>Waits up to <paramref name="nanos"/>, less if work arrives; on the thread that does the agent's work.</summary>
    void Park(long nanos);
}

/// <summary>Spins, then yields, then parks for a doubling interval up to a maximum; any work starts it over. With a
/// <see cref="IParker"/> (the agent's transport) a park ends as soon as traffic arrives, so backing off costs the wake-up
/// of a blocked thread (tens of microseconds), not the rest of the park: what lets an agent that shares a core with others
/// still answer promptly.</summary>
public sealed class BackoffIdleStrategy : IIdleStrategy
{
    private readonly long _maxSpins, _maxYields, _minParkNanos, _maxParkNanos;
    private readonly IParker? _parker;
    private long _spins, _yields, _parkNanos;

    public BackoffIdleStrategy(long maxSpins = 100, long maxYields = 100, long minParkNanos = 1_000, long maxParkNanos = 1_000_000,
        IParker? parker = null)
    {
        _maxSpins = maxSpins;
        _maxYields = maxYields;
        _minParkNanos = _parkNanos = minParkNanos;
        _maxParkNanos = maxParkNanos;
        _parker = parker;
    }

    public void Idle(int workCount) => Idle(workCount, long.MaxValue);

    /// <summary>As <see cref="Idle(int)"/>, parking no longer than <paramref name="maxParkNanos"/> (an agent with work
    /// due at a known time, such as a load generator's next send).</summary>
    public void Idle(int workCount, long maxParkNanos)
    {
        if (workCount > 0) { Reset(); return; }
        if (_spins < _maxSpins) { _spins++; Thread.SpinWait(1); return; }
        if (_yields < _maxYields) { _yields++; Thread.Yield(); return; }
        long nanos = Math.Min(_parkNanos, maxParkNanos);
        if (nanos <= 0) { Thread.SpinWait(1); return; }
        if (_parker != null) _parker.Park(nanos);
        else Sleep(nanos);
        _parkNanos = Math.Min(_parkNanos * 2, _maxParkNanos);
    }

    public void Reset()
    {
        _spins = 0;
        _yields = 0;
        _parkNanos = _minParkNanos;
    }

    // Thread.Sleep has millisecond granularity; nanosleep lets a parked agent wake within tens of microseconds.
    public static unsafe void Sleep(long nanos)
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

    /// <summary>Parses an idle strategy name from configuration; null when the name is not one of <see cref="Names"/>.
    /// <paramref name="parker"/>: what a backoff parks on (the transport whose work the agent does).</summary>
    public static IIdleStrategy? Parse(string name, IParker? parker = null) => name switch
    {
        "busy-spin" or "spin" => new BusySpinIdleStrategy(),
        "yield" => new YieldingIdleStrategy(),
        // Parked on its sockets, an agent wakes when traffic arrives: it need not spin and yield long first, which on a
        // machine with fewer cores than busy agents only takes the core from the ones doing the work.
        "backoff" => parker == null ? new BackoffIdleStrategy() : new BackoffIdleStrategy(maxSpins: 10, maxYields: 0, parker: parker),
        _ => null,
    };

    /// <summary>A backoff that parks at once, for up to <paramref name="parkNanos"/>, without spinning or parking briefly
    /// first: for an agent all of whose work arrives on descriptors <paramref name="parker"/> waits on (a duty cycle that
    /// finds nothing costs a system call per socket, so short parks between such cycles only burn the core). Its timers
    /// are late by a park at most.</summary>
    public static BackoffIdleStrategy ParkAtOnce(IParker parker, long parkNanos = NanoClock.Millisecond) =>
        new(maxSpins: 0, maxYields: 0, minParkNanos: parkNanos, maxParkNanos: parkNanos, parker: parker);
}
