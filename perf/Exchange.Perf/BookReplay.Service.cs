// `exchange-perf book --service`: the same flow through the engine as the live process runs it, in process. A
// logged-on session sends each input as SBE to EngineService.OnMessage in polls of 64, as the engine loop delivers
// them (BeginPoll, the messages, EndPoll, DoWork), and the service does what it does live: session checks, sequencing,
// journaling (a journal in a temporary directory under durability none: appended into the mapped segment, no fsync),
// applying, encoding and routing the events, releasing the responses, to links that only count them. What it adds to
// `book` is the live path but for the transport and the disk. The inputs are encoded before the clock starts, from a
// pass of the bare engine (a reduce's new total depends on the order's state).
using System.Diagnostics;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Engine.Host;
using Exchange.Journal;

namespace Exchange.Perf;

internal static partial class BookReplay
{
    private const int PollSize = 64;
    private const string ApiKey = "book-bench-key";

    /// <summary>Links that accept everything and only count (allocating nothing).</summary>
    private sealed class CountingLinks : IEngineLinks
    {
        public long Responses, MarketData;
        public bool OpenResponses(int connection, string responseChannel, ResponsePath purpose, out string? error) { error = null; return true; }
        public bool SendToConnection(int connection, ReadOnlySpan<byte> message) { Responses++; return true; }
        public void SendMarketData(ReadOnlySpan<byte> message) => MarketData++;
        public void CloseResponses(int connection) { }
        public bool HasUnread(int connection) => false;
    }

    public static BookResult RunService(string source, FlowOp[] ops, int runs, bool lookahead, bool journalThread = false)
    {
        var setup = Setup.For(ops);
        var reference = setup.NewEngine();
        var (bytes, offsets) = Encode(reference, ops);
        var config = new ShardConfig
        {
            Engine = setup.Config,
            Assets = [new(0, "QUOTE"), new(1, "BASE")],
            Symbols = [new SymbolConfig("BOOK", setup.Spec)],
            Accounts = [new AccountConfig(Account, new() { ["QUOTE"] = 1L << 59, ["BASE"] = 1L << 50 }, ApiKey)],
            Operators = [],
        };
        var latencies = new long[ops.Length];
        var all = new long[(long)ops.Length * runs];
        var throughput = new double[runs];
        int gcs = 0;
        long stateHash = 0, rejects = 0, trades = 0;
        int resting = 0;
        for (int pass = -1; pass < 2 * runs; pass++)
        {
            // Pass -1 warms up; then an untimed and a timed pass per run, each on a fresh service and journal.
            bool timed = pass >= 0 && pass % 2 == 1;
            string directory = Path.Combine(Path.GetTempPath(), $"exchange-perf-service-{Environment.ProcessId}-{pass + 1}");
            var links = new CountingLinks();
            var options = new EngineServiceOptions
            {
                JournalDirectory = directory, Durability = Durability.None, AcceptClearKeyLogon = true, Lookahead = lookahead, JournalSyncThread = journalThread,
                StageSampleEvery = 0, SnapshotOnShutdown = false, MaxConnections = 4, DefaultHeartbeatIntervalMs = 60_000,
            };
            try
            {
                using var service = EngineService.Open(config, links, options);
                service.DoWork(NanoClock.Now());
                service.OnMessage(0, Logon());
                if (!service.TryGetSession(0, out _, out _)) throw new InvalidOperationException("the benchmark's session did not log on");
                int gcBefore = GC.CollectionCount(0);
                long start = Stopwatch.GetTimestamp();
                Feed(service, bytes, offsets, timed ? latencies : null);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (pass >= 0) gcs += GC.CollectionCount(0) - gcBefore;
                if (pass < 0)
                {
                    stateHash = service.StateHash();
                    resting = service.OpenOrderCount;
                    trades = reference.Output.Fills / 2;
                    rejects = reference.Output.Rejects;
                    if (resting != reference.OpenOrderCount)
                        throw new InvalidOperationException($"through the service {resting} orders rest, through the bare engine {reference.OpenOrderCount}");
                }
                else if (service.StateHash() != stateHash) throw new InvalidOperationException($"pass {pass} ended in a different state hash: the engine is not deterministic");
                if (timed) latencies.CopyTo(all, (long)(pass / 2) * ops.Length);
                else if (pass >= 0) throughput[pass / 2] = ops.Length / seconds;
            }
            finally
            {
                try { Directory.Delete(directory, recursive: true); }
                catch (DirectoryNotFoundException) { }
            }
        }
        Array.Sort(all);
        Array.Sort(throughput);
        double ticksToNs = 1e9 / Stopwatch.Frequency;
        long At(double q) => (long)(all[Math.Min(all.Length - 1, (long)Math.Ceiling(q * all.Length) - 1)] * ticksToNs);
        return new BookResult(source, ops.Length, runs, lookahead, throughput[runs / 2], throughput[0], throughput[^1],
            At(0.5), At(0.9), At(0.99), At(0.999), (long)(all[^1] * ticksToNs), trades, resting, rejects, stateHash, gcs) { Service = true, JournalThread = journalThread };
    }

    /// <summary>Each input as the session sends it, in one buffer; applied to <paramref name="engine"/> in turn.</summary>
    private static (byte[] Bytes, int[] Offsets) Encode(MatchingEngine<CountingOutput> engine, FlowOp[] ops)
    {
        var buffer = new byte[256];
        var bytes = new MemoryStream();
        var offsets = new int[ops.Length + 1];
        long seq = engine.LastSequence;
        for (int i = 0; i < ops.Length; i++)
        {
            var encoder = new EncodingHandler(buffer);
            Route(engine, in ops[i], ref encoder);
            var message = buffer.AsSpan(0, encoder.Length);
            bytes.Write(message);
            offsets[i + 1] = checked((int)bytes.Length);
            engine.Apply(++seq, seq, message);
        }
        return (bytes.ToArray(), offsets);
    }

    /// <summary>The inputs in polls of <see cref="PollSize"/>, the service's duties after each; with
    /// <paramref name="latencies"/>, each OnMessage call timed (with lookahead, a call that fills the window also
    /// sequences the oldest command held, and the poll's end the rest: the calls' times, not the commands').</summary>
    private static void Feed(EngineService service, byte[] bytes, int[] offsets, long[]? latencies)
    {
        int count = offsets.Length - 1;
        for (int at = 0; at < count; at += PollSize)
        {
            int end = Math.Min(count, at + PollSize);
            service.BeginPoll();
            for (int i = at; i < end; i++)
            {
                long start = latencies != null ? Stopwatch.GetTimestamp() : 0;
                service.OnMessage(0, bytes.AsSpan(offsets[i], offsets[i + 1] - offsets[i]));
                if (latencies != null) latencies[i] = Stopwatch.GetTimestamp() - start;
            }
            long before = latencies != null ? Stopwatch.GetTimestamp() : 0;
            service.EndPoll();
            if (latencies != null) latencies[end - 1] += Stopwatch.GetTimestamp() - before;
            service.DoWork(NanoClock.Now());
        }
    }

    private static byte[] Logon()
    {
        var buffer = new byte[512];
        var e = LogonEncoder.WrapAndApplyHeader(buffer, 0);
        e.Account = Account;
        e.HeartbeatIntervalMs = 60_000;
        e.WriteApiKey(System.Text.Encoding.ASCII.GetBytes(ApiKey));
        e.WriteResponseChannel(System.Text.Encoding.ASCII.GetBytes("aeron:udp?endpoint=127.0.0.1:40500"));
        return buffer[..(MessageHeaderEncoder.EncodedLength + e.EncodedLength)];
    }
}
