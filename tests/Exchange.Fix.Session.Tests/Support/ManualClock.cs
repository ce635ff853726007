// The tests' clock: Unix nanoseconds that move only when a test moves them, so timers run without sleeping.
namespace Exchange.Fix.Session.Tests;

internal sealed class ManualClock
{
    public static readonly long Start = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000L;

    public long Now { get; set; } = Start;

    public void Advance(TimeSpan by) => Now += (long)(by.TotalMilliseconds * 1_000_000);

    /// <summary>A FIX UTCTimestamp (milliseconds) of <see cref="Now"/> plus <paramref name="offset"/>.</summary>
    public string Timestamp(TimeSpan offset = default) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Now / 1_000_000 + (long)offset.TotalMilliseconds).UtcDateTime.ToString("yyyyMMdd-HH:mm:ss.fff");
}
