// `exchange-perf fanout`: many browsers on one symbol while market makers trade. It starts an engine and exchange-web
// (its own, on loopback), connects N WebSocket subscribers to the book (depth 20), trades and ticker of one symbol,
// and drives two market makers through the binary client at a fixed rate (quotes moved by replace, a crossing order
// now and then). Each frame's latency is its receive time minus the engine sequencer's timestamp it carries (same
// host, same clock): engine, transport, exchange-web and the WebSocket together. exchange-web's CPU is read from
// /proc over the measured window.
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Exchange.Client;
using Exchange.Latency;
using HdrHistogram;

namespace Exchange.Perf.FanOut;

public sealed record FanOutOptions
{
    public int Subscribers { get; init; } = 1000;
    public double Seconds { get; init; } = 20;
    public double WarmupSeconds { get; init; } = 3;
    /// <summary>Market makers' commands per second (replaces, and a crossing IOC every tenth).</summary>
    public int Rate { get; init; } = 200;
    public int Runs { get; init; } = 1;
    public string? EngineExecutable { get; init; }
    public string? WebExecutable { get; init; }
    public string? OutputDirectory { get; init; }
}

public sealed record FanOutRun(int Subscribers, int Connected, long Frames, long Snapshots, long Lagged, double P50Millis, double P99Millis,
    double P999Millis, double MaxMillis, double WebCpuCores, double EngineCpuCores, double Seconds, long Commands);

public static class FanOutBench
{
    public static IReadOnlyList<FanOutRun> Run(FanOutOptions options, TextWriter progress)
    {
        var runs = new List<FanOutRun>();
        for (int r = 0; r < options.Runs; r++)
        {
            progress.WriteLine($"fanout run {r + 1}/{options.Runs}: {options.Subscribers} subscribers, market makers at {options.Rate} commands/s, {options.WarmupSeconds}+{options.Seconds} s");
            runs.Add(RunOnce(options, progress));
        }
        return runs;
    }

    private static (string File, string[] Prefix) Executable(string? given, string name)
    {
        if (given != null) return (given, []);
        string native = Path.Combine(AppContext.BaseDirectory, name);
        if (File.Exists(native)) return (native, []);
        string dll = Path.Combine(AppContext.BaseDirectory, name + ".dll");
        if (File.Exists(dll)) return (Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet", [dll]);
        throw new Hosting.UsageException($"no {name} next to {AppContext.BaseDirectory} (give its path with --{(name == "exchange-engine" ? "engine" : "web")}-exe)");
    }

    private static string WaitForListening(Process process, string what, Queue<string> said)
    {
        string? line;
        while ((line = process.StandardOutput.ReadLine()) != null && !line.StartsWith("listening ", StringComparison.Ordinal)) { }
        if (line == null) throw new IOException($"{what} did not start: {process.StandardError.ReadToEnd()}");
        var p = process;
        OutputReader.Start(p.StandardOutput, null);
        OutputReader.Start(p.StandardError, l =>
        {
            lock (said)
            {
                said.Enqueue($"{what}: {l}");
                while (said.Count > 40) said.Dequeue();
            }
        });
        return line.Split(' ').First(x => x.StartsWith("port=", StringComparison.Ordinal))[5..];
    }

    private static FanOutRun RunOnce(FanOutOptions options, TextWriter progress)
    {
        string scratch = Directory.CreateTempSubdirectory("exchange-perf-fanout-").FullName;
        Process? engine = null, web = null;
        var said = new Queue<string>(); // the children's last lines, for a run that fails
        try
        {
            var (engineFile, enginePrefix) = Executable(options.EngineExecutable, "exchange-engine");
            engine = ChildProcesses.Start(engineFile, [.. enginePrefix, "--listen", "aeron:udp?endpoint=127.0.0.1:0", "--in-memory", "--idle", "backoff"]);
            string channel = $"aeron:udp?endpoint=127.0.0.1:{WaitForListening(engine, "the engine", said)}";

            var config = new JsonObject
            {
                ["engines"] = new JsonArray((JsonNode)new JsonObject { ["channel"] = channel }),
                ["listen"] = "http://127.0.0.1:0",
                ["limits"] = new JsonObject
                {
                    ["maxConnections"] = options.Subscribers + 16, ["maxConnectionsPerAddress"] = options.Subscribers + 16, ["restPerSecond"] = 1_000_000,
                },
            };
            string configPath = Path.Combine(scratch, "web.json");
            File.WriteAllText(configPath, config.ToJsonString());
            var (webFile, webPrefix) = Executable(options.WebExecutable, "exchange-web");
            web = ChildProcesses.Start(webFile, [.. webPrefix, "--config", configPath]);
            int port = int.Parse(WaitForListening(web, "exchange-web", said), CultureInfo.InvariantCulture);

            var measure = new Measure();
            using var stop = new CancellationTokenSource();
            var subscribers = new List<Task>();
            int connected = 0;
            for (int i = 0; i < options.Subscribers; i++)
                subscribers.Add(Task.Run(async () =>
                {
                    using var ws = new ClientWebSocket();
                    try
                    {
                        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), stop.Token);
                        foreach (string sub in new[] {
                            """{"type":"subscribe","channel":"book","symbol":"BTC-USD","depth":20}""",
                            """{"type":"subscribe","channel":"trades","symbol":"BTC-USD"}""",
                            """{"type":"subscribe","channel":"ticker","symbol":"BTC-USD"}""" })
                            await ws.SendAsync(Encoding.UTF8.GetBytes(sub), WebSocketMessageType.Text, true, stop.Token);
                        Interlocked.Increment(ref connected);
                        await measure.Receive(ws, stop.Token);
                    }
                    catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
                }));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Volatile.Read(ref connected) < options.Subscribers && DateTime.UtcNow < deadline) Thread.Sleep(50);
            progress.WriteLine($"fanout: {connected} of {options.Subscribers} subscribers connected");

            long commands;
            double webCores, engineCores, measured;
            try { commands = Drive(channel, options, measure, engine, web, out webCores, out engineCores, out measured); }
            catch (Exception e) when (e is TimeoutException or IOException or LogonRejectedException)
            {
                string lines;
                lock (said) lines = string.Join('\n', said);
                throw new IOException($"{e.Message}{(lines.Length > 0 ? "\nwhat the engine and exchange-web said last:\n" + lines : "")}", e);
            }
            stop.Cancel();
            Task.WaitAll([.. subscribers], TimeSpan.FromSeconds(10));
            var h = measure.Histogram;
            double Ms(double percentile) => h.TotalCount == 0 ? double.NaN : h.GetValueAtPercentile(percentile) / 1e6;
            return new FanOutRun(options.Subscribers, connected, measure.Frames, measure.Snapshots, measure.Lagged, Ms(50), Ms(99), Ms(99.9),
                h.TotalCount == 0 ? double.NaN : h.GetMaxValue() / 1e6, webCores, engineCores, measured, commands);
        }
        finally
        {
            foreach (var p in new[] { web, engine })
            {
                if (p == null) continue;
                ChildProcesses.Terminate(p);
                if (!p.WaitForExit(10_000)) ChildProcesses.KillGroup(p);
                p.Dispose();
            }
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The market makers: mm 1001 keeps ten quotes a side and moves one by replace each tick; mm 1002 sends a
    /// crossing IOC every tenth tick, so trades print. Returns the commands sent in the measured window.</summary>
    private static long Drive(string channel, FanOutOptions options, Measure measure, Process engine, Process web,
        out double webCores, out double engineCores, out double measured)
    {
        var quotes = new Quotes();
        using var maker = ExchangeClient.Create(new ClientOptions { ApiKey = "mm-1001-key", Shards = [new ShardEndpoint(channel, [])] }, quotes);
        using var taker = ExchangeClient.Create(new ClientOptions { ApiKey = "mm-1002-key", Shards = [new ShardEndpoint(channel, [])] }, new Quiet());
        // Both log on together, each polled until both have settled: one logged on and left unpolled while the other
        // logs on sends no heartbeat, and the engine ends a session after three intervals of silence.
        maker.Reconnect();
        taker.Reconnect();
        var logonDeadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while ((maker.StateOf(0) == ShardState.LoggingOn || taker.StateOf(0) == ShardState.LoggingOn) && Stopwatch.GetTimestamp() < logonDeadline)
        {
            if (maker.Poll() + taker.Poll() == 0) Thread.Sleep(1);
        }
        maker.Connect(TimeSpan.FromMilliseconds(1)); // logged on, or why not
        taker.Connect(TimeSpan.FromMilliseconds(1));
        const int Levels = 10;
        long nextId = 1;
        var bids = new long[Levels];
        var asks = new long[Levels];
        for (int i = 0; i < Levels; i++)
        {
            bids[i] = nextId++;
            asks[i] = nextId++;
            Send(maker, () => maker.NewOrder(new NewOrder(0, bids[i], 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_990 - i, 1_000_000)));
            Send(maker, () => maker.NewOrder(new NewOrder(0, asks[i], 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 60_010 + i, 1_000_000)));
        }
        var random = new Random(1);
        long interval = Stopwatch.Frequency / options.Rate;
        long start = Stopwatch.GetTimestamp();
        long warmupEnd = start + (long)(options.WarmupSeconds * Stopwatch.Frequency);
        long end = warmupEnd + (long)(options.Seconds * Stopwatch.Frequency);
        long next = start, tick = 0, commands = 0;
        (double Web, double Engine) cpuAtStart = (0, 0);
        bool measuring = false;
        while (true)
        {
            long now = Stopwatch.GetTimestamp();
            if (!measuring && now >= warmupEnd)
            {
                measuring = true;
                // A backlog the warmup left (a loop starved on a loaded machine) is dropped: sent in the measured window to
                // catch up, it would count more commands there than the rate allows (364 in 3 s at 100/s, seen).
                next = Math.Max(next, now);
                measure.Reset();
                cpuAtStart = (CpuSeconds(web), CpuSeconds(engine));
            }
            if (now >= end) break;
            if (now >= next)
            {
                next += interval;
                tick++;
                if (tick % 10 == 0)
                {
                    bool buy = random.Next(2) == 0;
                    Send(taker, () => taker.NewOrder(new NewOrder(0, 1_000_000 + tick, 1, buy ? Side.Buy : Side.Sell, OrderType.Limit, TimeInForce.ImmediateOrCancel,
                        buy ? 60_010 : 59_990, 1_000_000)));
                }
                else
                {
                    // Move one quote: a replace to another price inside its side's band of ten ticks, fresh quantity; a
                    // quote the taker filled is placed anew.
                    int level = random.Next(Levels);
                    bool bid = random.Next(2) == 0;
                    var ids = bid ? bids : asks;
                    long id = nextId++;
                    long price = bid ? 59_990 - random.Next(Levels) : 60_010 + random.Next(Levels);
                    long quantity = 1_000_000 * (1 + random.Next(3));
                    long orig = ids[level];
                    ids[level] = id;
                    if (quotes.Live.Contains(orig)) Send(maker, () => maker.Replace(1, orig, id, price, quantity));
                    else Send(maker, () => maker.NewOrder(new NewOrder(0, id, 1, bid ? Side.Buy : Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, price, quantity)));
                }
                if (measuring) commands++;
            }
            maker.Poll();
            taker.Poll();
        }
        measured = options.Seconds;
        webCores = (CpuSeconds(web) - cpuAtStart.Web) / options.Seconds;
        engineCores = (CpuSeconds(engine) - cpuAtStart.Engine) / options.Seconds;
        return commands;
    }

    private static void Send<T>(ExchangeClient<T> client, Func<long> send) where T : IClientListener
    {
        while (send() < 0) client.Poll();
    }

    private sealed class Quiet : ClientListener;

    /// <summary>The market maker's quotes still resting (on its poll thread).</summary>
    private sealed class Quotes : ClientListener
    {
        public readonly HashSet<long> Live = [];
        public override void OnAccepted(in OrderAccepted e) => Live.Add(e.ClientOrderId);
        public override void OnReplaced(in OrderReplaced e) { Live.Remove(e.OrigClientOrderId); Live.Add(e.ClientOrderId); }
        public override void OnCancelled(in OrderCancelled e) => Live.Remove(e.ClientOrderId);
        public override void OnFill(in Fill e) { if (e.LeavesQuantity == 0) Live.Remove(e.ClientOrderId); }
    }

    /// <summary>User plus system CPU time of a process, in seconds (/proc/PID/stat, clock ticks of 100 Hz).</summary>
    private static double CpuSeconds(Process process)
    {
        string stat = File.ReadAllText($"/proc/{process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private sealed class Measure
    {
        private readonly object _lock = new();
        public LongHistogram Histogram { get; private set; } = LatencyHistograms.New();
        public long Frames, Snapshots, Lagged;

        public void Reset()
        {
            lock (_lock) Histogram = LatencyHistograms.New();
            Interlocked.Exchange(ref Frames, 0);
            Interlocked.Exchange(ref Snapshots, 0);
            Interlocked.Exchange(ref Lagged, 0);
        }

        public async Task Receive(ClientWebSocket ws, CancellationToken stop)
        {
            var buffer = new byte[1 << 16];
            while (!stop.IsCancellationRequested)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await ws.ReceiveAsync(buffer.AsMemory(length), stop);
                    length += result.Count;
                    if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) return;
                long received = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
                Record(buffer.AsSpan(0, length), received);
            }
        }

        private void Record(ReadOnlySpan<byte> frame, long receivedNanos)
        {
            var reader = new Utf8JsonReader(frame);
            string? type = null;
            long time = 0;
            bool resync = false;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
                if (reader.ValueTextEquals("type")) { reader.Read(); type = reader.GetString(); }
                else if (reader.ValueTextEquals("time")) { reader.Read(); time = reader.GetInt64(); }
                else if (reader.ValueTextEquals("reason")) { reader.Read(); resync = reader.ValueTextEquals("resync"); }
                else reader.Skip();
            }
            if (type == "lagged") Interlocked.Increment(ref Lagged);
            if (resync) Interlocked.Increment(ref Snapshots);
            if (type is not ("book" or "trade" or "ticker") || time == 0) return;
            Interlocked.Increment(ref Frames);
            long latency = Math.Max(1, receivedNanos - time);
            lock (_lock) Histogram.RecordValue(Math.Min(latency, LatencyHistograms.HighestTrackableNanos));
        }
    }
}
