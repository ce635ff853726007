// A symbol's trades folded into one-minute buckets of sequencer time, and the 24-hour figures a ticker shows: the
// window is the 1,440 minutes up to and including the minute of "now" (the sequencer time of the last input exported),
// so the figures depend on the journal only, never on the wall clock or on where batches happened to end.
namespace Exchange.Export;

public readonly record struct MinuteBucket(long Volume, long High, long Low, long Trades);

public readonly record struct DayFigures(long Volume, long High, long Low, long Trades);

public sealed class TradeWindow
{
    public const long NanosPerMinute = 60_000_000_000;
    public const int Minutes = 1_440;

    public SortedDictionary<long, MinuteBucket> Buckets { get; } = [];

    public static long MinuteOf(long nanos) => nanos >= 0 ? nanos / NanosPerMinute : (nanos - NanosPerMinute + 1) / NanosPerMinute;

    /// <summary>Adds a trade; returns the minute it went into.</summary>
    public long Add(long timestamp, long price, long quantity)
    {
        long minute = MinuteOf(timestamp);
        Buckets[minute] = Buckets.TryGetValue(minute, out var b)
            ? new MinuteBucket(b.Volume + quantity, Math.Max(b.High, price), Math.Min(b.Low, price), b.Trades + 1)
            : new MinuteBucket(quantity, price, price, 1);
        return minute;
    }

    /// <summary>Drops the buckets that have left the window ending at <paramref name="now"/>; returns their minutes.</summary>
    public List<long> Expire(long now)
    {
        long first = MinuteOf(now) - Minutes + 1;
        var gone = new List<long>();
        foreach (long minute in Buckets.Keys)
        {
            if (minute >= first) break;
            gone.Add(minute);
        }
        foreach (long minute in gone) Buckets.Remove(minute);
        return gone;
    }

    /// <summary>Volume, high, low and trade count of the 24 hours ending at <paramref name="now"/> (zeros when none).</summary>
    public DayFigures Figures(long now)
    {
        long first = MinuteOf(now) - Minutes + 1, last = MinuteOf(now);
        long volume = 0, high = 0, low = 0, trades = 0;
        foreach (var (minute, b) in Buckets)
        {
            if (minute < first) continue;
            if (minute > last) break;
            high = trades == 0 ? b.High : Math.Max(high, b.High);
            low = trades == 0 ? b.Low : Math.Min(low, b.Low);
            volume += b.Volume;
            trades += b.Trades;
        }
        return new DayFigures(volume, high, low, trades);
    }
}
