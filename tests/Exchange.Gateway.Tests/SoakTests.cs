// A bounded soak: a market maker trades on the engine and a broker trades through the FIX gateway while a hostile
// script (exchange-hostile, a process of its own) sends the mix the hostile-input tests send one at a time, all at once,
// for twenty seconds after three of warm-up: new UDP sessions with data, gigabyte terms, garbage and bad logons at the
// engine; half-open connections from a hundred addresses at the gateway. The market maker's acknowledgements must never
// stop for more than 100 ms, every broker order must be answered, and both processes' memory must stay within the
// stated bounds. The summary says where any pause came from: the engine's longest duty cycle, the test
// loop's own longest gap, and how long the machine held up a thread that only sleeps (the hiccup meter).
using System.Diagnostics;
using Exchange.Client;
using Exchange.Testing;
using Xunit.Abstractions;

namespace Exchange.Gateway.Tests;

public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private const int Btc = 1;
    private const long BtcLot = 1_000_000;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(20);
    /// <summary>The first seconds of the attack are not measured: they are the first time the engine and gateway run
    /// their reject paths, which the JIT compiles then (the shipped executables are native AOT and have no JIT).</summary>
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);
    private readonly TempDirectory _dir = new("exchange-soak-");

    public void Dispose() => _dir.Dispose();

    private static long ResidentBytes(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("no VmRSS");
    }

    // The soak measures pauses, so build.sh runs it on its own, after the other suites (Category=Soak).
    [Fact, Trait("Category", "Soak")]
    public void Legitimate_clients_are_answered_without_pause_while_strangers_attack_the_engine_and_the_gateway()
    {
        // In memory: an acknowledgement waits for no fsync, whose time on a disk other suites share says nothing about
        // strangers. The engine, the gateway and the market maker run ahead of the rest of the machine (other test
        // suites, the attack), so a pause measured is theirs, not the scheduler's.
        using var engine = Processes.StartEngine(out int enginePort);
        string settings = _dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(_dir.Combine("store")));
        using var gateway = Processes.StartGateway(settings, enginePort, out int gatewayPort);
        Priority.SetProcess(engine.Id, -10);
        Priority.SetProcess(gateway.Id, -10);
        Priority.SetCurrentThread(-10);

        using var maker = new ExchangeClient<Acks>(new ClientOptions
        {
            ApiKey = "mm-1001-key", Shards = [new ShardEndpoint($"aeron:udp?endpoint=127.0.0.1:{enginePort}", [Btc, 2])], HeartbeatIntervalMs = 2000,
        }, new Acks());
        maker.Connect(Timeouts.Prompt);
        using var broker = new FixTestClient(gatewayPort, "BROKER1");
        broker.Logon();
        long engineBefore = ResidentBytes(engine.Id), gatewayBefore = ResidentBytes(gateway.Id);

        using var stop = new CancellationTokenSource();
        // The attacker runs on this machine only because a test has one machine: under SCHED_IDLE it gets the cores
        // the exchange leaves, as if it had its own, so what the exchange shows is the cost of its traffic, not of
        // its CPU. (The attack's volume is reported and has a floor below.)
        using var hostile = ChildProcess.Start("chrt", ["--idle", "0", ChildProcess.DotnetHost, Path.Combine(AppContext.BaseDirectory, "exchange-hostile.dll"),
            enginePort.ToString(), gatewayPort.ToString(), ((int)(Warmup + Duration).TotalSeconds).ToString()], name: "exchange-hostile");
        var brokerResult = new BrokerOrders(broker, stop.Token);
        var brokerThread = new Thread(brokerResult.Run) { Name = "broker", IsBackground = true };
        brokerThread.Start();

        var hiccups = new HiccupMeter();
        // The client waits as a market maker on a shared machine would: spin, yield, then park (a spinning thread at
        // the exchange's priority would take the core the engine or gateway needs).
        var idle = new BackoffIdleStrategy(maxParkNanos: 100_000);
        var gcPausedBefore = GC.GetTotalPauseDuration();
        int gcBefore = GC.CollectionCount(0);
        var clock = Stopwatch.StartNew();
        long lastAck = 0, longestSilence = 0, sent = 0, nextSend = 0, longestAck = 0, lastLoop = 0, longestLoopGap = 0, measuredSent = 0;
        long warmupTicks = (long)(Warmup.TotalSeconds * Stopwatch.Frequency);
        bool measuring = false;
        var outstanding = new Queue<long>();
        try
        {
            while (clock.Elapsed < Warmup + Duration)
            {
                long now = clock.ElapsedTicks;
                if (!measuring && now >= warmupTicks)
                {
                    measuring = true;
                    lastAck = now;
                    hiccups.Reset();
                    gcPausedBefore = GC.GetTotalPauseDuration();
                    gcBefore = GC.CollectionCount(0);
                }
                if (measuring && lastLoop != 0) longestLoopGap = Math.Max(longestLoopGap, now - lastLoop);
                lastLoop = now;
                if (now >= nextSend)
                {
                    // Every 5 ms a new order that rests, or the cancel of the last one.
                    long id = ++sent;
                    long result = id % 2 == 1
                        ? maker.NewOrder(new NewOrder(0, id, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 50_000 + id % 100, BtcLot))
                        : maker.Cancel(Btc, id - 1);
                    Assert.True(result > 0, $"send refused: {result}");
                    outstanding.Enqueue(now);
                    if (measuring) measuredSent++;
                    if (lastAck == 0) lastAck = now;
                    nextSend = now + Stopwatch.Frequency / 200;
                }
                long before = maker.Listener.Count;
                idle.Idle(maker.Poll());
                now = clock.ElapsedTicks;
                for (long i = before; i < maker.Listener.Count; i++)
                {
                    long sentAt = outstanding.Dequeue();
                    if (measuring)
                    {
                        longestAck = Math.Max(longestAck, now - Math.Max(sentAt, warmupTicks));
                        longestSilence = Math.Max(longestSilence, now - lastAck);
                    }
                    lastAck = now;
                }
                if (measuring && outstanding.Count > 0) longestSilence = Math.Max(longestSilence, now - Math.Max(lastAck, outstanding.Peek()));
            }
        }
        finally
        {
            stop.Cancel();
            brokerThread.Join();
            hiccups.Dispose();
        }
        string attacks = hostile.WaitForLine("hostile");

        long engineGrew = ResidentBytes(engine.Id) - engineBefore, gatewayGrew = ResidentBytes(gateway.Id) - gatewayBefore;
        maker.Logout();
        engine.Terminate();
        string engineCycle = engine.Stderr.Split('\n').LastOrDefault(l => l.Contains("longest duty cycle")) ?? "";
        double silenceMs = longestSilence * 1000.0 / Stopwatch.Frequency;
        string summary = $"market maker: {maker.Listener.Count} of {sent} acknowledged, longest silence {silenceMs:0.0} ms, slowest ack " +
            $"{longestAck * 1000.0 / Stopwatch.Frequency:0.0} ms; broker: {brokerResult}; engine grew {engineGrew >> 20} MiB, gateway " +
            $"{gatewayGrew >> 20} MiB; {attacks}; {engineCycle}; test loop's longest gap {longestLoopGap * 1000.0 / Stopwatch.Frequency:0.0} ms; " +
            $"test host: gc {GC.CollectionCount(0) - gcBefore} paused {(GC.GetTotalPauseDuration() - gcPausedBefore).TotalMilliseconds:0.0} ms, {hiccups}; " +
            $"client naks sent={maker.Transport.Counters.NaksSent} received={maker.Transport.Counters.NaksReceived} retransmits={maker.Transport.Counters.Retransmits}";
        output.WriteLine(summary);
        Assert.Equal(0, maker.Listener.Rejected);
        Assert.True(maker.Listener.Count >= sent - 1, summary);
        Assert.True(silenceMs <= 100, summary);
        // The attack was the attack: thousands of stranger datagrams and connections a second, whatever CPU it got.
        Assert.True(Count(attacks, "datagrams") >= 40_000 && Count(attacks, "connections") >= 2_000 && Count(attacks, "badLogons") >= 1_000, summary);
        Assert.True(brokerResult.Sent >= 20 && brokerResult.Answered == brokerResult.Sent, summary);
        Assert.True(engineGrew < 256L << 20, summary);
        Assert.True(gatewayGrew < 128L << 20, summary);
        Assert.Contains("refused in the last second", engine.Stderr);
    }

    private static long Count(string line, string name) =>
        long.Parse(System.Text.RegularExpressions.Regex.Match(line, $@"\b{name}=(\d+)").Groups[1].Value);

    /// <summary>How long the machine itself held a thread of the test host up: a thread at the client's priority that
    /// asks to sleep 1 ms over and over and records how much longer it took (what no code of the exchange can cause).</summary>
    private sealed class HiccupMeter : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private double _longestMs;

        public HiccupMeter()
        {
            _thread = new Thread(() =>
            {
                Priority.SetCurrentThread(-10);
                var watch = Stopwatch.StartNew();
                while (!_stop)
                {
                    long before = watch.ElapsedTicks;
                    Thread.Sleep(1);
                    double overMs = (watch.ElapsedTicks - before) * 1000.0 / Stopwatch.Frequency - 1;
                    if (overMs > _longestMs) _longestMs = overMs;
                }
            }) { IsBackground = true, Name = "hiccup-meter" };
            _thread.Start();
        }

        public double LongestMs => _longestMs;
        public void Reset() => _longestMs = 0;

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }

        public override string ToString() => $"longest hiccup {_longestMs:0.0} ms";
    }

    private sealed class Acks : ClientListener
    {
        public long Count;
        public long Rejected;
        public override void OnAccepted(in OrderAccepted e) => Count++;
        public override void OnCancelled(in OrderCancelled e) => Count++;
        public override void OnRejected(in CommandRejected e) { Count++; Rejected++; }
    }

    /// <summary>The broker sends a limit order every 100 ms and waits for its ExecutionReport each time.</summary>
    private sealed class BrokerOrders(FixTestClient broker, CancellationToken stop)
    {
        public int Sent, Answered;
        public double SlowestMs;

        public void Run()
        {
            Priority.SetCurrentThread(-10);
            while (!stop.IsCancellationRequested)
            {
                string id = $"SOAK{++Sent}";
                var watch = Stopwatch.StartNew();
                broker.Send("D", $"11={id}|55=BTC-USD|54=1|38=0.01|40=2|44=50000|59=1|60={FixTestClient.Timestamp()}|");
                broker.WaitFor("8", m => m.Get(11) == id, timeoutMs: 10_000);
                SlowestMs = Math.Max(SlowestMs, watch.Elapsed.TotalMilliseconds);
                Answered++;
                stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100));
            }
        }

        public override string ToString() => $"{Answered} of {Sent} orders answered, slowest {SlowestMs:0.0} ms";
    }
}
