// `exchange-perf book`: replays an order flow single-threaded through one book of the real engine, one
// account, self-trade prevention off. Throughput comes from untimed passes; latency from passes that
// stamp every operation; every pass starts from a fresh engine and must end in the same state hash.
using System.Diagnostics;
using Exchange.Engine.Recovery;
using Exchange.Engine;
using Exchange.Contract;
using Exchange.Hosting;
using Exchange.Journal;
using Exchange.Replay;

namespace Exchange.Perf;

internal struct CountingOutput : IEngineOutput
{
    public long Fills, Rejects;
    public readonly void OnAccepted(in OrderAccepted e) { }
    public void OnRejected(in CommandRejected e) => Rejects++;
    public void OnFill(in Fill e) => Fills++;
    public void OnTrade(in Trade e) { }
    public readonly void OnCancelled(in OrderCancelled e) { }
    public readonly void OnReplaced(in OrderReplaced e) { }
    public readonly void OnReduced(in OrderReduced e) { }
    public readonly void OnLevel(in LevelChanged e) { }
    public readonly void OnBestBidOffer(in BestBidOffer e) { }
    public readonly void OnBalance(in BalanceChanged e) { }
    public readonly void OnMassCancelled(in MassCancelled e) { }
    public readonly void OnSymbolStatus(in SymbolStatusChanged e) { }
    public readonly void OnAccountAdded(in AccountAdded e) { }
    public readonly void OnPermissionChanged(in AccountPermissionChanged e) { }
    public readonly void OnStopTriggered(in StopTriggered e) { }
}

internal sealed record BookResult(
    string Source, int Operations, int Runs, bool Lookahead, double OpsPerSec, double OpsPerSecMin, double OpsPerSecMax,
    long P50Ns, long P90Ns, long P99Ns, long P999Ns, long MaxNs, long Trades, int Resting, long Rejects,
    long StateHash, int GcCollections)
{
    /// <summary>The passes went through the engine service (<c>--service</c>).</summary>
    public bool Service { get; init; }
    /// <summary>With <see cref="Service"/>: the journal's pages were faulted in on its own thread (<c>--journal-thread</c>).</summary>
    public bool JournalThread { get; init; }
}

internal sealed record JournaledResult(string Directory, double OpsPerSec, long Fsyncs, long Bytes, long Records);

internal static partial class BookReplay
{
    private const long Account = 1;
    private const int Symbol = 0;

    public static BookResult Run(string source, FlowOp[] ops, int runs, bool lookahead = false)
    {
        var setup = Setup.For(ops);
        var latencies = new long[ops.Length];
        var all = new long[(long)ops.Length * runs];
        var throughput = new double[runs];

        var warmUp = setup.NewEngine();
        Replay(warmUp, ops, null, lookahead);
        long stateHash = warmUp.StateHash();
        long trades = warmUp.Output.Fills / 2, rejects = warmUp.Output.Rejects;
        int resting = warmUp.OpenOrderCount;

        // Collections are counted inside the replay loops only: building each fresh engine allocates its pools.
        int gcs = 0;
        for (int run = 0; run < runs; run++)
        {
            var engine = setup.NewEngine();
            int gcBefore = GC.CollectionCount(0);
            long start = Stopwatch.GetTimestamp();
            Replay(engine, ops, null, lookahead);
            throughput[run] = ops.Length / Stopwatch.GetElapsedTime(start).TotalSeconds;
            gcs += GC.CollectionCount(0) - gcBefore;
            Verify(engine, stateHash, "untimed", run);

            engine = setup.NewEngine();
            gcBefore = GC.CollectionCount(0);
            Replay(engine, ops, latencies, lookahead);
            gcs += GC.CollectionCount(0) - gcBefore;
            Verify(engine, stateHash, "timed", run);
            latencies.CopyTo(all, (long)run * ops.Length);
        }

        Array.Sort(all);
        Array.Sort(throughput);
        double ticksToNs = 1e9 / Stopwatch.Frequency;
        long At(double q) => (long)(all[Math.Min(all.Length - 1, (long)Math.Ceiling(q * all.Length) - 1)] * ticksToNs);
        return new BookResult(source, ops.Length, runs, lookahead, throughput[runs / 2], throughput[0], throughput[^1],
            At(0.5), At(0.9), At(0.99), At(0.999), (long)(all[^1] * ticksToNs), trades, resting, rejects, stateHash, gcs);
    }

    /// <summary>One more pass as the live engine runs: each input encoded as SBE, journaled, then applied; a commit
    /// (and, under batch, an fsync) every <paramref name="commitEvery"/> inputs. Leaves a journal that
    /// exchange-replay can rebuild to the same state hash.</summary>
    public static JournaledResult RunJournaled(FlowOp[] ops, string directory, Durability durability, int commitEvery, long expectedHash)
    {
        if (SegmentDirectory.List(directory).Count > 0) throw new UsageException($"{directory} already holds a journal; give an empty directory");
        var setup = Setup.For(ops);
        EngineConfigFile.Write(directory, setup.Config);
        var options = new JournalOptions { Directory = directory, Durability = durability, BatchMaxDelay = TimeSpan.Zero };
        using var journal = JournalWriter.Open(options, out _);
        var engine = new MatchingEngine<CountingOutput>(setup.Config, default);
        long seq = 0;
        foreach (var message in setup.OpeningMessages()) Sequence(engine, journal, ++seq, message);
        journal.Commit();

        var buffer = new byte[256];
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < ops.Length; i++)
        {
            var encoder = new EncodingHandler(buffer);
            Route(engine, in ops[i], ref encoder);
            Sequence(engine, journal, ++seq, buffer.AsSpan(0, encoder.Length));
            if ((i + 1) % commitEvery == 0) journal.Commit();
        }
        journal.Flush();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (engine.StateHash() != expectedHash)
            throw new InvalidOperationException("the journaled pass ended in a different state hash than the in-memory runs");
        return new JournaledResult(directory, ops.Length / seconds, journal.Fsyncs, journal.BytesAppended, seq);
    }

    private static void Sequence(MatchingEngine<CountingOutput> engine, JournalWriter journal, long seq, ReadOnlySpan<byte> message)
    {
        journal.Append(seq, seq, (ushort)CommandCodec.TemplateOf(message), 0, message);
        engine.Apply(seq, seq, message);
    }

    private static void Verify(MatchingEngine<CountingOutput> engine, long expected, string pass, int run)
    {
        if (engine.StateHash() != expected)
            throw new InvalidOperationException($"{pass} run {run} ended in a different state hash: the engine is not deterministic");
    }

    /// <summary>Applies the flow in order; with <paramref name="lookahead"/>, each input after the hints the engine
    /// describes (<see cref="MatchingEngine{TOutput}.LookaheadKey"/>), timed with the input they precede.</summary>
    private static void Replay(MatchingEngine<CountingOutput> engine, FlowOp[] ops, long[]? latencies, bool lookahead)
    {
        const int key = MatchingEngine<CountingOutput>.LookaheadKey, order = MatchingEngine<CountingOutput>.LookaheadOrder,
            links = MatchingEngine<CountingOutput>.LookaheadLinks;
        // The slots PrefetchOrder found, by input (a ring over the inputs between the order's hint and the links').
        Span<int> slots = stackalloc int[4];
        slots.Fill(-1);
        long seq = engine.LastSequence;
        for (int i = 0; i < ops.Length; i++)
        {
            long start = latencies != null ? Stopwatch.GetTimestamp() : 0;
            if (lookahead)
            {
                if (i + key < ops.Length) engine.PrefetchKey(Account, ops[i + key].Id);
                if (i + order < ops.Length)
                {
                    ref readonly FlowOp next = ref ops[i + order];
                    slots[(i + order) & 3] = next.Kind is FlowKind.Cancel or FlowKind.Reduce ? engine.PrefetchOrder(Account, next.Id) : -1;
                }
                if (i + links < ops.Length && slots[(i + links) & 3] >= 0) engine.PrefetchLinks(slots[(i + links) & 3]);
            }
            Apply(engine, in ops[i], ++seq);
            if (latencies != null) latencies[i] = Stopwatch.GetTimestamp() - start;
        }
    }

    private static void Apply(MatchingEngine<CountingOutput> engine, in FlowOp op, long seq)
    {
        var handler = new EngineCommandHandler<CountingOutput>(engine, seq, seq);
        Route(engine, in op, ref handler);
    }

    /// <summary>The one mapping of a flow operation to an engine command, for any handler: applied directly, or
    /// encoded for the journal.</summary>
    private static void Route<THandler>(MatchingEngine<CountingOutput> engine, in FlowOp op, ref THandler handler)
        where THandler : struct, ICommandHandler
    {
        switch (op.Kind)
        {
            case FlowKind.Add:
                handler.On(new NewOrder(Account, op.Id, Symbol, op.Buy ? Side.Buy : Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, op.Price, op.Quantity));
                break;
            case FlowKind.Take:
                handler.On(new NewOrder(Account, op.Id, Symbol, op.Buy ? Side.Buy : Side.Sell, OrderType.Limit, TimeInForce.ImmediateOrCancel, op.Price, op.Quantity));
                break;
            case FlowKind.Iceberg:
                handler.On(new NewOrder(Account, op.Id, Symbol, op.Buy ? Side.Buy : Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, op.Price, op.Quantity,
                    DisplayQuantity: op.Extra));
                break;
            case FlowKind.StopLimit:
                handler.On(new NewOrder(Account, op.Id, Symbol, op.Buy ? Side.Buy : Side.Sell, OrderType.StopLimit, TimeInForce.GoodTillCancel, op.Price, op.Quantity,
                    StopPrice: op.Extra));
                break;
            case FlowKind.Cancel:
                handler.On(new CancelOrder(Account, op.Id));
                break;
            case FlowKind.Reduce:
                // A partial cancel is a replace to a smaller total quantity, which keeps time priority.
                long total = engine.TryGetOrder(Account, op.Id, out var order) ? order.Quantity - op.Quantity : op.Quantity;
                handler.On(new ReplaceOrder(Account, op.Id, op.Id, order.Price, total));
                break;
        }
    }

    /// <summary>Encodes each command it is given as SBE into its buffer.</summary>
    private struct EncodingHandler(byte[] buffer) : ICommandHandler
    {
        public int Length { get; private set; }
        public void On(in AddAccount c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in AddSymbol c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in HaltSymbol c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in ResumeSymbol c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in Deposit c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in Withdraw c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in SetAccountPermission c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in NewOrder c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in CancelOrder c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in ReplaceOrder c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in MassCancel c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in LeaderTerm c) => Length = CommandCodec.Encode(c, buffer);
        public void On(in ExpireOrders c) => Length = CommandCodec.Encode(c, buffer);
    }

    /// <summary>One symbol and one funded account sized for the flow: tick is the prices' common divisor,
    /// the band covers every price, the pools hold every order the flow could leave resting.</summary>
    private sealed record Setup(EngineConfig Config, SymbolSpec Spec)
    {
        public static Setup For(FlowOp[] ops)
        {
            long min = long.MaxValue, max = 0, maxQuantity = 1, tick = 0;
            int adds = 0;
            var prices = new HashSet<long>();
            var stopPrices = new HashSet<long>();
            foreach (var op in ops)
            {
                if (op.Kind is not (FlowKind.Add or FlowKind.Take or FlowKind.Iceberg or FlowKind.StopLimit)) continue;
                if (op.Price <= 0 || op.Quantity <= 0) throw new UsageException($"order {op.Id} has a non-positive price or quantity");
                if (op.Kind != FlowKind.Take) adds++;
                if (op.Kind == FlowKind.StopLimit)
                {
                    // Its stop price must be on the tick and in the band too, and takes a level of the pending stops.
                    if (op.Extra <= 0) throw new UsageException($"stop order {op.Id} has a non-positive stop price");
                    min = Math.Min(min, op.Extra);
                    max = Math.Max(max, op.Extra);
                    tick = Gcd(tick, op.Extra);
                    stopPrices.Add(op.Extra);
                }
                min = Math.Min(min, op.Price);
                max = Math.Max(max, op.Price);
                maxQuantity = Math.Max(maxQuantity, op.Quantity);
                tick = Gcd(tick, op.Price);
                prices.Add(op.Price);
            }
            if (adds == 0) throw new UsageException("the flow has no orders to add");
            long reference = ((min + max) / 2 + tick - 1) / tick * tick;
            var spec = new SymbolSpec(Symbol, BaseAsset: 1, QuoteAsset: 0, TickSize: tick, LotSize: 1, MinQuantity: 1,
                MaxQuantity: maxQuantity, ReferencePrice: reference, BandBps: 10_000, MakerFeeBps: 1, TakerFeeBps: 2,
                MaxNotional: 2 * reference * maxQuantity);
            var config = new EngineConfig
            {
                AssetCount = 2, MaxSymbols = 1, MaxAccounts = 2, MaxOrders = adds, MaxOpenOrdersPerAccount = adds,
                MaxPriceLevels = 2 * prices.Count + 2 + (stopPrices.Count > 0 ? 2 * stopPrices.Count + 2 : 0), InitialLevelsPerSide = prices.Count + 1, FeeAccount = 0,
            };
            if (spec.Validate(config.AssetCount, config.MaxSymbols) is var reason and not RejectReason.None)
                throw new UsageException($"prices {min}..{max} and quantities up to {maxQuantity} do not fit one symbol: {reason}");
            return new Setup(config, spec);
        }

        public MatchingEngine<CountingOutput> NewEngine()
        {
            var engine = new MatchingEngine<CountingOutput>(Config, default);
            long seq = 0;
            foreach (var message in OpeningMessages()) engine.Apply(++seq, 0, message);
            return engine;
        }

        /// <summary>The symbol, the account and its funds, as SBE messages: applied before every pass and journaled first.</summary>
        public IEnumerable<byte[]> OpeningMessages()
        {
            var buffer = new byte[256];
            var encoder = new EncodingHandler(buffer);
            encoder.On(new AddSymbol(Spec));
            yield return buffer[..encoder.Length];
            encoder.On(new AddAccount(Account));
            yield return buffer[..encoder.Length];
            encoder.On(new Deposit(Account, 0, 1L << 59));
            yield return buffer[..encoder.Length];
            encoder.On(new Deposit(Account, 1, 1L << 50));
            yield return buffer[..encoder.Length];
        }

        private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
    }
}
