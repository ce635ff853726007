// Proves the steady state of the engine allocates nothing: over a million mixed commands after warm-up,
// the thread's allocated-bytes counter does not move.
namespace Exchange.Engine.Tests;

public sealed class AllocationTests
{
    /// <summary>A struct sink: the engine calls it through a constrained generic, so nothing boxes.</summary>
    private struct CountingOutput : IEngineOutput
    {
        public long Events, Fills, Rejects, Triggered, Icebergs, Expired;
        public void OnAccepted(in OrderAccepted e) { Events++; if (e.DisplayQuantity != 0) Icebergs++; }
        public void OnRejected(in CommandRejected e) { Events++; Rejects++; }
        public void OnFill(in Fill e) { Events++; Fills++; }
        public void OnTrade(in Trade e) => Events++;
        public void OnCancelled(in OrderCancelled e) { Events++; if (e.Reason == CancelReason.Expired) Expired++; }
        public void OnReplaced(in OrderReplaced e) => Events++;
        public void OnReduced(in OrderReduced e) => Events++;
        public void OnLevel(in LevelChanged e) => Events++;
        public void OnBestBidOffer(in BestBidOffer e) => Events++;
        public void OnBalance(in BalanceChanged e) => Events++;
        public void OnMassCancelled(in MassCancelled e) => Events++;
        public void OnSymbolStatus(in SymbolStatusChanged e) => Events++;
        public void OnAccountAdded(in AccountAdded e) => Events++;
        public void OnPermissionChanged(in AccountPermissionChanged e) => Events++;
        public void OnStopTriggered(in StopTriggered e) { Events++; Triggered++; }
    }

    private enum Kind : byte { New, Cancel, Replace, MassCancel, Deposit, Halt, Resume, Expire }

    private readonly record struct Step(Kind Kind, NewOrder New, CancelOrder Cancel, ReplaceOrder Replace, MassCancel Mass, Deposit Deposit);

    private const int Accounts = 8;
    private const long Mid = 100_000, Tick = 100, Lot = 10;

    [Fact]
    public void A_million_mixed_commands_allocate_nothing_after_warm_up()
    {
        var engine = NewEngine(out long seq);
        Step[] warmUp = Workload(seed: 1, count: 300_000, firstClientId: 1, firstSequence: seq + 1);
        Step[] measured = Workload(seed: 2, count: 1_200_000, firstClientId: 10_000_000, firstSequence: seq + 1 + 300_000);
        Run(engine, warmUp, ref seq);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(engine, measured, ref seq);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        // The workload must really have exercised matching, not just been rejected.
        Assert.True(engine.Output.Fills > 100_000, $"only {engine.Output.Fills} fills");
        Assert.True(engine.Output.Triggered > 10_000, $"only {engine.Output.Triggered} stops triggered");
        Assert.True(engine.Output.Icebergs > 10_000, $"only {engine.Output.Icebergs} icebergs accepted");
        Assert.True(engine.Output.Expired > 2_000, $"only {engine.Output.Expired} orders expired");
        Assert.True(engine.Output.Rejects < engine.Output.Events / 4, $"{engine.Output.Rejects} rejects of {engine.Output.Events} events");
    }

    /// <summary>Lookahead (<see cref="MatchingEngine{TOutput}.LookaheadKey"/>): the same workload with every input hinted
    /// at each distance the engine names before it is applied, unknown accounts' and orders' hints and stale slots among
    /// them, gives the same events and state as without, and allocates nothing.</summary>
    [Fact]
    public void Hints_for_the_inputs_ahead_change_nothing_and_allocate_nothing()
    {
        var plain = NewEngine(out long plainSeq);
        var hinted = NewEngine(out long hintedSeq);
        Step[] warmUp = Workload(seed: 3, count: 100_000, firstClientId: 1, firstSequence: plainSeq + 1);
        Step[] measured = Workload(seed: 4, count: 400_000, firstClientId: 10_000_000, firstSequence: plainSeq + 1 + 100_000);
        Run(plain, warmUp, ref plainSeq);
        Run(plain, measured, ref plainSeq);
        RunHinted(hinted, warmUp, ref hintedSeq);

        long before = GC.GetAllocatedBytesForCurrentThread();
        RunHinted(hinted, measured, ref hintedSeq);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(plain.Output, hinted.Output);
        Assert.Equal(plain.StateHash(), hinted.StateHash());
        Assert.Equal(plain.OpenOrderCount, hinted.OpenOrderCount);
        // Most inputs did something: the hints ran ahead of orders that rested, traded and were cancelled.
        Assert.True(hinted.Output.Fills > 10_000, $"only {hinted.Output.Fills} fills");
        Assert.True(hinted.Output.Rejects < hinted.Output.Events / 4, $"{hinted.Output.Rejects} rejects of {hinted.Output.Events} events");
    }

    private static void RunHinted(MatchingEngine<CountingOutput> engine, Step[] steps, ref long seq)
    {
        const int key = MatchingEngine<CountingOutput>.LookaheadKey, order = MatchingEngine<CountingOutput>.LookaheadOrder,
            links = MatchingEngine<CountingOutput>.LookaheadLinks;
        Span<int> slots = stackalloc int[4];
        slots.Fill(-1);
        for (int i = 0; i < steps.Length; i++)
        {
            if (i + key < steps.Length)
            {
                var (account, id) = KeyOf(in steps[i + key]);
                engine.PrefetchKey(account, id);
            }
            if (i + order < steps.Length)
            {
                // Every kind, new orders and unknown keys included: a hint that finds nothing does nothing.
                var (account, id) = KeyOf(in steps[i + order]);
                slots[(i + order) & 3] = engine.PrefetchOrder(account, id);
            }
            // A slot whose order has gone since its hint (filled, cancelled, reused) is only a stale hint.
            if (i + links < steps.Length) engine.PrefetchLinks(slots[(i + links) & 3]);
            Run(engine, steps.AsSpan(i, 1), ref seq);
        }
    }

    /// <summary>The account and client order id an input names (a replace's original); for any other input an account
    /// the engine does not know.</summary>
    private static (long Account, long ClientOrderId) KeyOf(in Step step) => step.Kind switch
    {
        Kind.New => (step.New.Account, step.New.ClientOrderId),
        Kind.Cancel => (step.Cancel.Account, step.Cancel.ClientOrderId),
        Kind.Replace => (step.Replace.Account, step.Replace.OrigClientOrderId),
        _ => (Accounts + 1, 1),
    };

    private static MatchingEngine<CountingOutput> NewEngine(out long seq)
    {
        var engine = new MatchingEngine<CountingOutput>(new EngineConfig { MaxOrders = 1 << 16, MaxPriceLevels = 1 << 12 }, default);
        seq = 0;
        // Day orders end 700 µs after midnight: the timestamps below (the sequence, in nanoseconds) pass it once.
        engine.Apply(++seq, 0, new AddSymbol(new SymbolSpec(1, 1, 0, Tick, Lot, Lot, 1_000_000, Mid, 5_000, 10, 20, 1L << 50), default, 700_000));
        for (int a = 1; a <= Accounts; a++)
        {
            // Account 1 with a rate limit it runs into now and then (inputs are 1 ns apart, a tenth of them its own).
            engine.Apply(++seq, 0, a == 1 ? new AddAccount(a, OrdersPerSecond: 100_000_000, OrderBurst: 2) : new AddAccount(a));
            engine.Apply(++seq, 0, new Deposit(a, 0, 1L << 50));
            engine.Apply(++seq, 0, new Deposit(a, 1, 1L << 45));
        }
        return engine;
    }

    private static void Run(MatchingEngine<CountingOutput> engine, ReadOnlySpan<Step> steps, ref long seq)
    {
        foreach (ref readonly Step s in steps)
        {
            seq++;
            switch (s.Kind)
            {
                case Kind.New: engine.Apply(seq, seq, s.New); break;
                case Kind.Cancel: engine.Apply(seq, seq, s.Cancel); break;
                case Kind.Replace: engine.Apply(seq, seq, s.Replace); break;
                case Kind.MassCancel: engine.Apply(seq, seq, s.Mass); break;
                case Kind.Deposit: engine.Apply(seq, seq, s.Deposit); break;
                case Kind.Halt: engine.Apply(seq, seq, new HaltSymbol(1)); break;
                case Kind.Resume: engine.Apply(seq, seq, new ResumeSymbol(1)); break;
                case Kind.Expire: engine.Apply(seq, seq, new ExpireOrders(engine.NextExpiry)); break;
            }
        }
    }

    /// <summary>New orders of every type (stops and stop-limits, icebergs, Day and GTD included), cancels and replaces of
    /// recent orders, mass cancels, deposits, timer inputs.</summary>
    /// <param name="firstSequence">The sequence (and timestamp) the first step is applied with.</param>
    private static Step[] Workload(int seed, int count, long firstClientId, long firstSequence)
    {
        var random = new Random(seed);
        var steps = new Step[count];
        var recent = new (long Account, long Id)[256];
        long nextId = firstClientId;
        for (int i = 0; i < count; i++)
        {
            int roll = random.Next(100);
            var (account, id) = recent[random.Next(recent.Length)];
            if (roll < 55 || account == 0)
            {
                long a = random.Next(1, Accounts + 1);
                var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                long price = Mid + random.Next(-40, 41) * Tick;
                long qty = random.Next(1, 50) * Lot;
                int kind = random.Next(28);
                long stopPrice = Mid + random.Next(-40, 41) * Tick;
                var order = kind switch
                {
                    < 13 => new NewOrder(a, nextId, 1, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, qty),
                    < 15 => new NewOrder(a, nextId, 1, side, OrderType.Limit, TimeInForce.ImmediateOrCancel, price, qty),
                    < 16 => new NewOrder(a, nextId, 1, side, OrderType.Limit, TimeInForce.FillOrKill, price, qty),
                    < 17 => new NewOrder(a, nextId, 1, side, OrderType.Market, TimeInForce.ImmediateOrCancel, 0, qty, QuoteBudget: 5_000_000),
                    < 18 => new NewOrder(a, nextId, 1, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, qty, PostOnly: true),
                    < 20 => new NewOrder(a, nextId, 1, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, qty,
                        SelfTrade: (SelfTradePrevention)random.Next(1, 5)),
                    < 21 => new NewOrder(a, nextId, 1, side, OrderType.Stop, TimeInForce.ImmediateOrCancel, 0, qty, QuoteBudget: 5_000_000,
                        StopPrice: stopPrice),
                    < 23 => new NewOrder(a, nextId, 1, side, OrderType.StopLimit,
                        (TimeInForce)random.Next(1, 3) is var tif && random.Next(4) == 0 ? TimeInForce.Day : tif, price, qty, StopPrice: stopPrice),
                    // Icebergs of 2 to 50 lots showing 1 to 3 lots at a time: most are swept through a few replenishes.
                    < 25 => new NewOrder(a, nextId, 1, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, qty + Lot,
                        SelfTrade: (SelfTradePrevention)random.Next(0, 5), DisplayQuantity: Math.Min(qty, random.Next(1, 4) * Lot)),
                    // Good till a few hundred inputs ahead (timestamps are sequences), or Day.
                    < 27 => new NewOrder(a, nextId, 1, side, OrderType.Limit, TimeInForce.GoodTillDate, price, qty,
                        ExpireTime: firstSequence + i + random.Next(1, 300)),
                    _ => new NewOrder(a, nextId, 1, side, OrderType.Limit, TimeInForce.Day, price, qty),
                };
                recent[random.Next(recent.Length)] = (a, nextId);
                nextId++;
                steps[i] = new Step(Kind.New, order, default, default, default, default);
            }
            else if (roll < 80)
                steps[i] = new Step(Kind.Cancel, default, new CancelOrder(account, id), default, default, default);
            else if (roll < 95)
            {
                long newId = random.Next(2) == 0 ? id : nextId++;
                recent[random.Next(recent.Length)] = (account, newId);
                steps[i] = new Step(Kind.Replace, default, default,
                    new ReplaceOrder(account, id, newId, Mid + random.Next(-40, 41) * Tick, random.Next(1, 60) * Lot), default, default);
            }
            else if (roll < 97)
                steps[i] = new Step(Kind.MassCancel, default, default, default,
                    new MassCancel(account, random.Next(2) == 0 ? 1 : -1, (Side)random.Next(3)), default);
            else if (roll < 98)
                steps[i] = new Step(Kind.Expire, default, default, default, default, default);
            else if (roll < 99)
                steps[i] = new Step(Kind.Deposit, default, default, default, default, new Deposit(random.Next(1, Accounts + 1), random.Next(2), 1_000_000));
            else
                steps[i] = new Step(random.Next(2) == 0 ? Kind.Halt : Kind.Resume, default, default, default, default, default);
        }
        return steps;
    }
}
