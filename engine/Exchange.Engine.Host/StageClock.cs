// Where an order-entry command's time goes inside the engine process, sampled (one command in N on average, at
// intervals drawn from 1..2N-1 by a seeded generator, so the sample cannot fall in step with anything periodic in the
// commands: at a fixed interval it did with the transport's page boundaries, perf/results/2026-12-06-term-prefault;
// the generator is the process's, not the state machine's, and seeded, so a run samples the same commands): received (the
// transport handed it over), sequenced, journaled (appended, under durability none into the journal's mapped segment,
// that is the OS's page cache; and offered to standbys), matched (applied and its events routed), durable (the
// journal, and sync standbys where there are any, hold it: its responses may leave), sent (its responses went to the
// transport). Stopwatch ticks, the monotonic clock every process on the host shares. Preallocated: sampling never
// allocates; samples beyond the capacity are counted, not kept. The report (percentiles of each stage) is made at the
// end, off the hot path. A command may be held between receipt and sequencing (the engine's lookahead window, see
// EngineService.Lookahead), so several sampled commands can be in flight before the first is sequenced: each holds a
// place in the ring from receipt, in arrival order, which is also the order they are sequenced in.
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Exchange.Engine.Host;

internal sealed class StageClock
{
    public static readonly string[] Stages = ["sequenced", "journaled", "matched", "durable", "sent"];
    private const int Pending = 4096;

    private readonly int _every;
    private int _countdown;
    // In flight: received, sequenced, journaled, matched, durable ticks and the sequence, oldest first (a ring).
    private readonly long[] _sequence = new long[Pending];
    private readonly long[,] _ticks = new long[Pending, 5];
    // _count: matched samples, oldest at _head; _reserved: samples received and not yet matched or refused, after them.
    private int _head, _count, _reserved;
    private bool _sampling;
    /// <summary>The place of the sample being sequenced: the first received and not yet matched.</summary>
    private int Current => (_head + _count) % Pending;
    // Completed: each stage's duration in nanoseconds.
    private readonly long[][] _done;
    private int _completed;

    public StageClock(int every, int capacity = 1 << 16)
    {
        _every = every;
        _countdown = NextInterval();
        _done = new long[Stages.Length][];
        for (int i = 0; i < Stages.Length; i++) _done[i] = new long[every > 0 ? capacity : 0];
        _total = new long[every > 0 ? capacity : 0];
    }

    // Completed: each sample's whole time, received to sent (the median of the sums, which the sum of the stages'
    // medians is not when a stage is wide).
    private readonly long[] _total;

    public bool Enabled => _every > 0;
    public long Samples { get; private set; }
    public long Dropped { get; private set; }

    /// <summary>xorshift64's state: the intervals between sampled commands.</summary>
    private ulong _random = 0x9E3779B97F4A7C15;

    /// <summary>Commands until the next sample: uniform in 1..2N-1 (mean N); every one when N is 1, none when 0.</summary>
    private int NextInterval()
    {
        if (_every <= 1) return _every;
        _random ^= _random << 13;
        _random ^= _random >> 7;
        _random ^= _random << 17;
        return 1 + (int)(_random % (ulong)(2 * _every - 1));
    }

    /// <summary>An order-entry command was received: sample it if its interval has run out.</summary>
    public void Received()
    {
        _sampling = false;
        if (_every == 0 || --_countdown > 0) return;
        _countdown = NextInterval();
        if (_count + _reserved == Pending) { Dropped++; return; }
        _ticks[(_head + _count + _reserved) % Pending, 0] = Stopwatch.GetTimestamp();
        _reserved++;
        _sampling = true;
    }

    /// <summary>The command just received is held before sequencing: whether it is a sample, for <see cref="Resume"/>
    /// when it is sequenced. Until then no command is being followed.</summary>
    public bool Hold()
    {
        bool sampled = _sampling;
        _sampling = false;
        return sampled;
    }

    /// <summary>A held command (or the one received before a flush of those) is followed again: <paramref name="sampled"/>
    /// as <see cref="Hold"/> returned it.</summary>
    public void Resume(bool sampled) => _sampling = sampled;

    /// <summary>The journal's fsyncs (each one, whichever thread ran it), kept beside the stages so a report can set the
    /// durable stage against the disk's own time: the first <see cref="_fsyncs"/>.Length of them.</summary>
    private readonly long[] _fsyncs = new long[1 << 16];
    private int _fsyncCount;

    public void Fsync(long nanos)
    {
        if (_every > 0 && _fsyncCount < _fsyncs.Length) _fsyncs[_fsyncCount++] = nanos;
    }

    /// <summary>The sampled command was refused before sequencing: nothing to follow.</summary>
    public void Refused()
    {
        if (!_sampling) return;
        _reserved--;
        _sampling = false;
    }

    public void Sequenced(long sequence)
    {
        if (!_sampling) return;
        _sequence[Current] = sequence;
        _ticks[Current, 1] = Stopwatch.GetTimestamp();
    }

    public void Journaled()
    {
        if (_sampling) _ticks[Current, 2] = Stopwatch.GetTimestamp();
    }

    public void Matched()
    {
        if (!_sampling) return;
        int current = Current;
        _ticks[current, 3] = Stopwatch.GetTimestamp();
        _ticks[current, 4] = 0;
        _count++;
        _reserved--;
        _sampling = false;
    }

    /// <summary>Responses up to <paramref name="durable"/> may leave now.</summary>
    public void Durable(long durable)
    {
        if (_count == 0) return;
        long now = 0;
        for (int i = 0; i < _count; i++)
        {
            int slot = (_head + i) % Pending;
            if (_sequence[slot] > durable) break;
            if (_ticks[slot, 4] != 0) continue;
            if (now == 0) now = Stopwatch.GetTimestamp();
            _ticks[slot, 4] = now;
        }
    }

    /// <summary>A release pass has handed what was durable to the transport.</summary>
    public void Sent()
    {
        if (_count == 0 || _ticks[_head, 4] == 0) return;
        long now = Stopwatch.GetTimestamp();
        while (_count > 0 && _ticks[_head, 4] != 0)
        {
            if (_completed < _done[0].Length)
            {
                long previous = _ticks[_head, 0];
                long total = 0;
                for (int stage = 0; stage < Stages.Length; stage++)
                {
                    long at = stage < 4 ? _ticks[_head, stage + 1] : now;
                    _done[stage][_completed] = Math.Max(0, (long)((at - previous) * (1_000_000_000.0 / Stopwatch.Frequency)));
                    total += _done[stage][_completed];
                    previous = at;
                }
                _total[_completed] = total;
                _completed++;
            }
            else Dropped++;
            Samples++;
            _head = (_head + 1) % Pending;
            _count--;
        }
    }

    /// <summary>Each stage's p50, p90, p99 and max in nanoseconds over the samples kept.</summary>
    public IReadOnlyList<(string Stage, long P50, long P90, long P99, long Max)> Report()
    {
        var result = new List<(string, long, long, long, long)>();
        for (int stage = 0; stage < Stages.Length; stage++)
        {
            var (p50, p90, p99, max) = Percentiles(_done[stage].AsSpan(0, _completed));
            result.Add((Stages[stage], p50, p90, p99, max));
        }
        return result;
    }

    /// <summary>One line: <c>stages every=N samples=S dropped=D sequenced=p50/p90/p99/max ... total=p50/p90/p99/max</c>
    /// (nanoseconds; total: each sample's received to sent).</summary>
    public string Line()
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"stages every={_every} samples={Samples} dropped={Dropped}");
        foreach (var (stage, p50, p90, p99, max) in Report()) s.Append(CultureInfo.InvariantCulture, $" {stage}={p50}/{p90}/{p99}/{max}");
        if (_completed > 0)
        {
            var (p50, p90, p99, max) = Percentiles(_total.AsSpan(0, _completed));
            s.Append(CultureInfo.InvariantCulture, $" total={p50}/{p90}/{p99}/{max}");
        }
        if (_fsyncCount > 0)
        {
            var (p50, p90, p99, max) = Percentiles(_fsyncs.AsSpan(0, _fsyncCount));
            s.Append(CultureInfo.InvariantCulture, $" fsyncs={_fsyncCount} fsync={p50}/{p90}/{p99}/{max}");
        }
        return s.ToString();
    }

    /// <summary>p50, p90, p99 and max of <paramref name="values"/> (all 0 when there are none), sorting a copy.</summary>
    private static (long P50, long P90, long P99, long Max) Percentiles(ReadOnlySpan<long> values)
    {
        if (values.IsEmpty) return (0, 0, 0, 0);
        var sorted = values.ToArray();
        Array.Sort(sorted);
        long At(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        return (At(0.5), At(0.9), At(0.99), sorted[^1]);
    }
}
