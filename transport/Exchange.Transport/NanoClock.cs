// The transport's only clock: monotonic nanoseconds for timers (setup, status messages, heartbeats, liveness, NAKs).
using System.Diagnostics;

namespace Exchange.Transport;

public static class NanoClock
{
    private static readonly bool s_nanosecondTicks = Stopwatch.Frequency == 1_000_000_000;
    private static readonly double s_nanosPerTick = 1e9 / Stopwatch.Frequency;

    public static long Now() => s_nanosecondTicks ? Stopwatch.GetTimestamp() : (long)(Stopwatch.GetTimestamp() * s_nanosPerTick);

    public const long Microsecond = 1_000;
    public const long Millisecond = 1_000_000;
    public const long Second = 1_000_000_000;
}
