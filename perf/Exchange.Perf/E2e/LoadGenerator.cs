// The open-loop load generator: command i is due at start + i/rate whatever the engine does, and its latency is
// measured from that intended time to its acknowledgement. A stalled engine (or a stalled generator) therefore shows
// every command that waited behind the stall, not just the one that met it: no coordinated omission.
using System.Diagnostics;
using Exchange.Client;
using Exchange.Contract;
using Exchange.Latency;
using HdrHistogram;

namespace Exchange.Perf.E2e;

/// <summary>
/// The latencies of one run, in HdrHistogram histograms of nanoseconds. The open-loop schedule already corrects for
/// coordinated omission (latency runs from the intended send time), so values are recorded as measured:
/// RecordValueWithExpectedInterval on top would count every stall twice.
/// </summary>
public sealed class E2eLatency(IntervalLog? overTime = null) : ILatencySink
{
    private readonly double _nanosPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>Acknowledgements of commands intended before this are warm-up and not recorded.</summary>
    public long MeasureFromTicks { get; set; } = long.MaxValue;
    public LongHistogram All { get; } = LatencyHistograms.New();
    /// <summary>By <see cref="CommandType"/> (index 0 unused).</summary>
    public LongHistogram[] ByType { get; } =
        [LatencyHistograms.New(), LatencyHistograms.New(), LatencyHistograms.New(), LatencyHistograms.New(), LatencyHistograms.New()];
    /// <summary>Every latency again by when it was acknowledged, one interval per second (latency.hlog).</summary>
    public IntervalLog? OverTime { get; } = overTime;

    public void Record(CommandType type, long intendedTicks, long ackTicks)
    {
        if (intendedTicks < MeasureFromTicks) return;
        long nanos = LatencyHistograms.Clamp((long)((ackTicks - intendedTicks) * _nanosPerTick));
        All.RecordValue(nanos);
        ByType[(int)type].RecordValue(nanos);
        OverTime?.Record(nanos);
    }
}

/// <summary>One run's outcome: counts, rates and the recorded latencies.</summary>
public sealed record E2eRun(
    int Index, long Commands, long MeasuredCommands, double MeasuredSeconds, double AchievedRate, AckCounts Counts,
    long Lost, long SendErrors, long BackPressured, double MaxScheduleLagMicros, E2eLatency Latency, string? EngineStopped, string? Failure,
    ReplicationOutcome? Replication = null, string? EngineStages = null, IReadOnlyList<ProcessCpu>? Cpu = null,
    string? EngineErrors = null);

/// <summary>One process's CPU over a run (warm-up and drain included), in per cent of one core.</summary>
public sealed record ProcessCpu(string Process, double Percent);

public static class LoadGenerator
{
    public static E2eRun Run(E2eOptions options, EngineUnderTest engine, int index, IntervalLog? overTime = null)
    {
        var latency = new E2eLatency(overTime);
        var markets = engine.Markets;
        var symbols = markets.Select(m => m.Id).ToArray();
        long total = options.TotalCommands;
        int perSession = (int)(total / options.Sessions + 2);
        // Ids unique across runs against a long-lived engine: the run's start time in ms above 64 sessions x 2^27 slots.
        // The WebSocket protocol takes client order ids below 2^53 (what a browser's number holds), so web runs, each on an
        // engine of its own, keep the time part small.
        long idBase = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % (options.Client == "ws" ? 1L << 18 : 1L << 28)) << 34;
        var clients = new ILoadClient[options.Sessions];
        try
        {
            for (int s = 0; s < clients.Length; s++)
            {
                var tracker = new OrderTracker(idBase + ((long)s << 27), perSession, latency);
                clients[s] = options.Client switch
                {
                    "fix" => new FixLoadClient(engine.GatewayPort, $"PERF{s + 1}", "EXCH", engine.FixSymbols, tracker, engine.FixTlsAuthority),
                    "ws" => new WsLoadClient(engine.GatewayPort, WsLoadClient.Token($"perf{s + 1}", engine.WebSecret), engine.FixSymbols, tracker),
                    _ => new BinaryLoadClient(engine.Channel, engine.ApiKeys[s], symbols, tracker, clearKeyLogon: options.Auth == "clear"),
                };
            }
            LogOn(clients);
            return Drive(options, clients, markets, latency, index);
        }
        finally
        {
            foreach (var c in clients)
            {
                if (c == null) continue;
                c.Close();
                c.Dispose();
            }
        }
    }

    /// <summary>The binary sessions log on together, every one polled until all are settled: one logged on and left
    /// unpolled while the next logged on sent no heartbeat, and an engine ends a session after three intervals of
    /// silence (a CI run's first session was logged out so while the second's logon took over 3 s on a loaded machine,
    /// and the run measured nothing).</summary>
    public static void LogOn(ILoadClient[] clients)
    {
        long deadline = Stopwatch.GetTimestamp() + LogonSeconds * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            bool settled = true;
            foreach (var c in clients)
            {
                c.Poll();
                settled &= c.Settled;
            }
            if (settled) break;
            Thread.Sleep(1);
        }
        foreach (var c in clients) c.FinishLogon(TimeSpan.FromMilliseconds(1));
    }

    private const int LogonSeconds = 10;

    private static E2eRun Drive(E2eOptions options, ILoadClient[] clients, SymbolMarket[] markets, E2eLatency latency, int index)
    {
        long total = options.TotalCommands;
        double ticksPerCommand = (double)Stopwatch.Frequency / options.Rate;
        long warmupCommands = (long)Math.Round(options.WarmupSeconds * options.Rate);
        var mix = options.Mix;
        int cancelBelow = mix.New + mix.Cancel, replaceBelow = cancelBelow + mix.Replace, newBelow = mix.New;
        ulong random = options.Seed * 0x9E3779B97F4A7C15UL + (ulong)index + 1;
        long sendErrors = 0, backPressured = 0, maxLag = 0, lastMeasuredSend = 0;
        string? failure = null;
        // A backing-off generator parks on its session's sockets (a response wakes it, so its arrival time is not
        // the park's end) and never past its next send.
        // It spins and yields a while before parking, unlike the engines: it is the instrument, and a wake-up from a
        // park would be added to every figure it measures.
        string idleName = options.Idle ?? IdlePlan.Shared;
        var idle = idleName == "backoff" ? new Exchange.Runtime.BackoffIdleStrategy(parker: clients.Length == 1 ? clients[0].Parker : null)
            : Exchange.Runtime.IdleStrategies.Parse(idleName)!;
        var backoff = idle as Exchange.Runtime.BackoffIdleStrategy;

        long start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        long measureFrom = start + (long)(warmupCommands * ticksPerCommand);
        latency.MeasureFromTicks = measureFrom;
        latency.OverTime?.Start(measureFrom);
        long i = 0;
        while (i < total)
        {
            long now = Stopwatch.GetTimestamp();
            long intended = start + (long)(i * ticksPerCommand);
            int work = 0;
            while (intended <= now)
            {
                var client = clients[i % clients.Length];
                var tracker = client.Tracker;
                random = Next(random);
                int roll = (int)((random >> 33) % 100);
                random = Next(random);
                var market = markets[(int)((random >> 33) % (uint)markets.Length)];
                random = Next(random);
                long result;
                int slot = roll >= newBelow && roll < replaceBelow ? tracker.PickLive(random >> 20) : -1;
                if (slot >= 0 && roll < cancelBelow)
                {
                    result = client.Cancel(MarketOf(markets, tracker.SymbolOf(slot)), tracker.ClientOrderIdOf(slot));
                    if (result > 0) tracker.SentCancel(slot, intended);
                }
                else if (slot >= 0 && tracker.HasRoom)
                {
                    var m = MarketOf(markets, tracker.SymbolOf(slot));
                    var side = tracker.SideOf(slot);
                    result = client.Replace(m, tracker.ClientOrderIdOf(slot), tracker.NextClientOrderId,
                        PassivePrice(m, side, random, options.Depth), Lots(m, random >> 8, options.MaxLots));
                    if (result > 0) tracker.SentReplace(slot, intended);
                }
                else if (tracker.HasRoom)
                {
                    bool cross = roll >= replaceBelow;
                    var side = (random & 1) == 0 ? Side.Buy : Side.Sell;
                    long ticks = options.Depth * market.TickSize;
                    long price = cross ? (side == Side.Buy ? market.MidPrice + ticks : market.MidPrice - ticks) : PassivePrice(market, side, random, options.Depth);
                    result = client.NewOrder(market, tracker.NextClientOrderId, side,
                        cross ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel, price, Lots(market, random >> 8, options.MaxLots));
                    if (result > 0) tracker.SentNew(cross ? CommandType.Cross : CommandType.New, market.Id, side, intended);
                }
                else
                {
                    failure = "a session ran out of order slots";
                    break;
                }
                if (result == SendResult.BackPressured || result == SendResult.NotConnected)
                {
                    backPressured++;
                    break; // let the transport drain; the command stays due and its latency keeps growing
                }
                if (result <= 0) sendErrors++;
                work++;
                long sent = Stopwatch.GetTimestamp();
                if (i >= warmupCommands)
                {
                    // The warm-up's lag (a cold start) is not the measured run's.
                    if (sent - intended > maxLag) maxLag = sent - intended;
                    lastMeasuredSend = sent;
                }
                if (++i == total) break;
                intended = start + (long)(i * ticksPerCommand);
            }
            if (failure != null) break;
            for (int s = 0; s < clients.Length; s++)
            {
                work += clients[s].Poll();
                if (clients[s].Disconnected) failure ??= $"session {s} was disconnected";
            }
            if (failure != null) break;
            if (backoff == null) idle.Idle(work);
            else
            {
                long untilNext = start + (long)(i * ticksPerCommand) - Stopwatch.GetTimestamp();
                backoff.Idle(work, (long)(untilNext * (1e9 / Stopwatch.Frequency)));
            }
        }

        // Drain: every command gets until the deadline to be acknowledged; what is still pending then is lost.
        long drainUntil = Stopwatch.GetTimestamp() + (long)(options.DrainSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < drainUntil)
        {
            long inFlight = 0;
            int work = 0;
            foreach (var c in clients) { work += c.Poll(); inFlight += c.Tracker.InFlight; }
            if (inFlight == 0) break;
            idle.Idle(work);
        }
        latency.OverTime?.End(Stopwatch.GetTimestamp());
        var counts = new AckCounts();
        long lost = 0;
        foreach (var c in clients)
        {
            counts.Add(c.Tracker.Counts);
            if (c is FixLoadClient fix) counts.Unexpected += fix.Errors;
            if (c is WsLoadClient ws) counts.Unexpected += ws.Errors;
            lost += c.Tracker.CountPending();
        }
        long measured = Math.Max(0, i - warmupCommands);
        double seconds = lastMeasuredSend > measureFrom ? (lastMeasuredSend - measureFrom) / (double)Stopwatch.Frequency : 0;
        return new E2eRun(index, i, measured, seconds, seconds > 0 ? measured / seconds : 0, counts, lost, sendErrors, backPressured,
            maxLag * 1e6 / Stopwatch.Frequency, latency, null, failure);
    }

    private static ulong Next(ulong x)
    {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    }

    private static SymbolMarket MarketOf(SymbolMarket[] markets, int id)
    {
        foreach (var m in markets) if (m.Id == id) return m;
        return markets[0];
    }

    /// <summary>1..depth ticks away from the middle on the order's own side, so resting orders never cross each other.</summary>
    private static long PassivePrice(in SymbolMarket m, Side side, ulong random, int depth)
    {
        long away = (1 + (long)((random >> 40) % (uint)depth)) * m.TickSize;
        return side == Side.Buy ? m.MidPrice - away : m.MidPrice + away;
    }

    private static long Lots(in SymbolMarket m, ulong random, int maxLots) => m.LotSize * (1 + (long)(random % (uint)maxLots));
}
