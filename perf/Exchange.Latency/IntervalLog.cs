// Latency over time: one interval per period (a second by default) into an HdrHistogram interval log (.hlog,
// written by its HistogramLogWriter), so a stall shows when it happened rather than only in the percentiles.
// The measuring thread records into HdrHistogram's Recorder (wait-free, no allocation); a background thread
// closes each interval, appends it to the log and keeps its percentiles for the over-time chart.
using System.Diagnostics;
using HdrHistogram;

namespace Exchange.Latency;

public sealed class IntervalLog : IDisposable
{
    private readonly Recorder _recorder = new(1, LatencyHistograms.HighestTrackableNanos, LatencyHistograms.SignificantDigits,
        (id, lowest, highest, digits) => new LongHistogram(id, lowest, highest, digits));
    private readonly Utf16ToUtf8Stream _output;
    private readonly HistogramLogWriter _writer;
    private readonly List<LatencyInterval> _intervals = [];
    private readonly Lock _gate = new();
    private readonly ManualResetEventSlim _stopping = new();
    private HistogramBase? _recycled;
    private Thread? _roller;
    private DateTime _startTime;
    private long _startTicks, _intervalStartTicks;
    private bool _begun, _ended;

    /// <param name="output">Where the log goes; left open.</param>
    /// <param name="period">The length of an interval (default one second).</param>
    public IntervalLog(Stream output, TimeSpan? period = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = new Utf16ToUtf8Stream(output);
        _writer = new HistogramLogWriter(_output);
        Period = period ?? TimeSpan.FromSeconds(1);
        if (Period <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(period), period, "must be positive");
    }

    public TimeSpan Period { get; }

    /// <summary>The intervals closed so far, oldest first.</summary>
    public IReadOnlyList<LatencyInterval> Intervals
    {
        get { lock (_gate) return _intervals.ToArray(); }
    }

    /// <summary>Records one latency in nanoseconds (clamped to the histogram's range); from any one thread at a time.</summary>
    public void Record(long nanos) => _recorder.RecordValue(LatencyHistograms.Clamp(nanos));

    /// <summary>Opens the log: intervals are timed from <paramref name="startTicks"/> (a Stopwatch timestamp), which
    /// was the wall-clock <paramref name="startTime"/>. Closing intervals is then up to <see cref="Roll"/>.</summary>
    public void Begin(long startTicks, DateTime startTime)
    {
        lock (_gate)
        {
            if (_begun) throw new InvalidOperationException("the interval log has already begun");
            _begun = true;
            _startTicks = _intervalStartTicks = startTicks;
            _startTime = startTime.ToUniversalTime();
            _writer.Write(_startTime);
            _recorder.Reset();
        }
    }

    /// <summary>Begins at <paramref name="startTicks"/> (now or later) and closes an interval every <see cref="Period"/>
    /// on a background thread until <see cref="End"/>.</summary>
    public void Start(long startTicks)
    {
        var wallStart = DateTime.UtcNow + TimeSpan.FromSeconds((startTicks - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
        Begin(startTicks, wallStart);
        _roller = new Thread(RollEveryPeriod) { IsBackground = true, Name = "latency-intervals" };
        _roller.Start();
    }

    /// <summary>Closes the interval running since the last roll at <paramref name="nowTicks"/>: appends it to the log
    /// and keeps its percentiles. What is recorded from here on belongs to the next interval.</summary>
    public void Roll(long nowTicks)
    {
        lock (_gate)
        {
            if (!_begun || _ended) throw new InvalidOperationException("the interval log is not open");
            if (nowTicks <= _intervalStartTicks) return;
            _recycled = _recorder.GetIntervalHistogram(_recycled);
            _recycled.StartTimeStamp = EpochMilliseconds(_intervalStartTicks);
            _recycled.EndTimeStamp = EpochMilliseconds(nowTicks);
            _writer.Append(_recycled);
            _intervals.Add(LatencyInterval.Of(_recycled, Seconds(_intervalStartTicks - _startTicks), Seconds(nowTicks - _intervalStartTicks)));
            _intervalStartTicks = nowTicks;
        }
    }

    /// <summary>Stops the background thread, if any, closes the last (partial) interval at <paramref name="nowTicks"/>
    /// and flushes the log.</summary>
    public void End(long nowTicks)
    {
        StopRolling();
        lock (_gate)
        {
            if (!_begun || _ended) return;
            Roll(nowTicks);
            _ended = true;
            _output.Flush();
        }
    }

    /// <summary>Stops the background thread and flushes what was logged; an interval still open (no <see cref="End"/>)
    /// is left out.</summary>
    public void Dispose()
    {
        StopRolling();
        lock (_gate) _ended = true;
        _writer.Dispose();
        _output.Flush();
        _stopping.Dispose();
    }

    private void StopRolling()
    {
        _stopping.Set();
        if (_roller != null && _roller != Thread.CurrentThread) _roller.Join();
    }

    private void RollEveryPeriod()
    {
        long periodTicks = (long)(Period.TotalSeconds * Stopwatch.Frequency);
        long next = _startTicks + periodTicks;
        while (true)
        {
            long wait = next - Stopwatch.GetTimestamp();
            if (wait > 0 && _stopping.Wait(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency))) return;
            if (_stopping.IsSet) return;
            // Closed at the actual time: a late wake-up makes this interval a little longer, never loses values.
            long now = Stopwatch.GetTimestamp();
            if (now < next) continue;
            Roll(now);
            next += periodTicks * Math.Max(1, (now - next) / periodTicks + 1);
        }
    }

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private long EpochMilliseconds(long ticks) =>
        (long)Math.Round((_startTime - DateTime.UnixEpoch).TotalMilliseconds + Seconds(ticks - _startTicks) * 1000);
}
