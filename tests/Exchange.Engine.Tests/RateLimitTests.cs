// Per-account order-entry rate limits (engine README "Rate limits"): new orders and replaces beyond an account's rate
// and burst, in sequencer time, are rejected RateLimited and change nothing else; cancels never are; the limit comes
// from AddAccount or the engine's default; it is state (snapshots, state hash), so replay rejects the same inputs.
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public sealed class RateLimitTests
{
    private const int Sym = EngineFixture.Sym;
    private const long Second = 1_000_000_000L;
    private const long Alice = 1, Bob = 2;

    private sealed class Limited
    {
        public readonly RecordingOutput Out = new();
        public readonly MatchingEngine<RecordingOutput> Engine;
        private long _sequence;

        public long Sequence { get => _sequence; set => _sequence = value; }

        public Limited(EngineConfig? config = null, int aliceRate = 10, int aliceBurst = 3, bool setup = true)
        {
            Engine = new MatchingEngine<RecordingOutput>(config ?? EngineFixture.SmallConfig(), Out);
            if (!setup) return;
            At(0, new AddSymbol(EngineFixture.Spec1));
            At(0, new AddAccount(Alice, aliceRate, aliceBurst));
            At(0, new AddAccount(Bob));
            foreach (long a in new[] { Alice, Bob })
            {
                At(0, new Deposit(a, EngineFixture.QuoteAsset, EngineFixture.InitialQuote));
                At(0, new Deposit(a, EngineFixture.BaseAsset, EngineFixture.InitialBase));
            }
        }

        public List<object> At(long time, in NewOrder c) { Out.Clear(); Engine.Apply(++_sequence, time, c); return [.. Out.Events]; }
        public List<object> At(long time, in ReplaceOrder c) { Out.Clear(); Engine.Apply(++_sequence, time, c); return [.. Out.Events]; }
        public List<object> At(long time, in CancelOrder c) { Out.Clear(); Engine.Apply(++_sequence, time, c); return [.. Out.Events]; }
        public List<object> At(long time, in AddAccount c) { Out.Clear(); Engine.Apply(++_sequence, time, c); return [.. Out.Events]; }
        public List<object> At(long time, in AddSymbol c) { Out.Clear(); Engine.Apply(++_sequence, time, c); return [.. Out.Events]; }
        public List<object> At(long time, in Deposit c) { Out.Clear(); Engine.Apply(++_sequence, time, c); return [.. Out.Events]; }

        public List<object> Buy(long time, long account, long cid, long price = 9_500) =>
            At(time, new NewOrder(account, cid, Sym, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, price, 10));
    }

    private static bool Accepted(List<object> events) => events.Exists(e => e is OrderAccepted);

    private static RejectReason? RejectOf(List<object> events) => events.OfType<CommandRejected>().Select(r => (RejectReason?)r.Reason).FirstOrDefault();

    [Fact]
    public void Beyond_its_burst_an_accounts_new_orders_are_rejected_until_its_rate_lets_the_next_one_in()
    {
        var x = new Limited(aliceRate: 10, aliceBurst: 3); // one every 100 ms, three at once
        long t = 5 * Second;
        for (int i = 1; i <= 3; i++) Assert.True(Accepted(x.Buy(t, Alice, i)), $"order {i} of the burst");
        long hash = x.Engine.StateHash(history: false);
        var refused = x.Buy(t, Alice, 4);
        Assert.Equal([new CommandRejected(CommandKind.NewOrder, Alice, 4, Sym, RejectReason.RateLimited)], refused);
        // Nothing else changed: no hold, no book change.
        Assert.Equal(hash, x.Engine.StateHash(history: false));
        // Another account is not held back by Alice's limit (Bob has none).
        for (int i = 1; i <= 10; i++) Assert.True(Accepted(x.Buy(t, Bob, i)));
        // 99.999999 ms later still too early; at 100 ms the next one conforms.
        Assert.Equal(RejectReason.RateLimited, RejectOf(x.Buy(t + 100_000_000 - 1, Alice, 5)));
        Assert.True(Accepted(x.Buy(t + 100_000_000, Alice, 6)));
        Assert.Equal(RejectReason.RateLimited, RejectOf(x.Buy(t + 100_000_000, Alice, 7)));
        // After a quiet second the whole burst is back, and no more.
        long later = t + 2 * Second;
        for (int i = 8; i <= 10; i++) Assert.True(Accepted(x.Buy(later, Alice, i)));
        Assert.Equal(RejectReason.RateLimited, RejectOf(x.Buy(later, Alice, 11)));
    }

    [Fact]
    public void Replaces_count_toward_the_limit_and_cancels_never_do()
    {
        var x = new Limited(aliceRate: 1, aliceBurst: 2);
        long t = Second;
        Assert.True(Accepted(x.Buy(t, Alice, 1)));
        Assert.Contains(x.At(t, new ReplaceOrder(Alice, 1, 2, 9_600, 10)), e => e is OrderReplaced);
        Assert.Equal([new CommandRejected(CommandKind.ReplaceOrder, Alice, 2, -1, RejectReason.RateLimited)],
            x.At(t, new ReplaceOrder(Alice, 2, 3, 9_700, 10)));
        Assert.Equal(RejectReason.RateLimited, RejectOf(x.Buy(t, Alice, 4)));
        // Out of allowance, Alice can still leave the market.
        Assert.Contains(x.At(t, new CancelOrder(Alice, 2)), e => e is OrderCancelled);
        Assert.Equal(0, x.Engine.OpenOrderCount);
    }

    [Fact]
    public void The_engines_default_limits_accounts_without_their_own_and_an_accounts_own_overrides_it()
    {
        var config = EngineFixture.SmallConfig() with { AccountOrdersPerSecond = 2, AccountOrderBurst = 1 };
        var x = new Limited(config, aliceRate: 100, aliceBurst: 5);
        long t = Second;
        // Bob (no limit of his own): the default, one at once, one every 500 ms.
        Assert.True(Accepted(x.Buy(t, Bob, 1)));
        Assert.Equal(RejectReason.RateLimited, RejectOf(x.Buy(t + 499_999_999, Bob, 2)));
        Assert.True(Accepted(x.Buy(t + 500_000_000, Bob, 3)));
        // Alice: her own, five at once.
        for (int i = 1; i <= 5; i++) Assert.True(Accepted(x.Buy(t, Alice, i)));
        Assert.Equal(RejectReason.RateLimited, RejectOf(x.Buy(t, Alice, 6)));
        Assert.Equal((10_000_000L, 40_000_000L), (x.Engine.RateLimit(Alice).IntervalNanos, x.Engine.RateLimit(Alice).ToleranceNanos));
        // A negative limit is refused with the account.
        Assert.Equal(RejectReason.InvalidQuantity, RejectOf(x.At(t, new AddAccount(9, -1, 0))));
    }

    [Fact]
    public void A_snapshot_keeps_where_each_account_stands_so_a_restored_engine_rejects_the_same_orders()
    {
        var x = new Limited(aliceRate: 10, aliceBurst: 3);
        long t = Second;
        x.Buy(t, Alice, 1);
        x.Buy(t, Alice, 2);
        var stream = new MemoryStream();
        x.Engine.Capture().WriteTo(stream);
        stream.Position = 0;
        var restored = new Limited(setup: false);
        restored.Engine.Restore(EngineSnapshot.ReadFrom(stream));
        restored.Sequence = x.Sequence;
        Assert.Equal(x.Engine.RateLimit(Alice), restored.Engine.RateLimit(Alice));
        Assert.Equal(x.Engine.StateHash(history: false), restored.Engine.StateHash(history: false));
        Assert.Equal(x.Engine.StateHash(), restored.Engine.StateHash());
        foreach (var e in new[] { x, restored })
        {
            Assert.True(Accepted(e.Buy(t, Alice, 3)));
            Assert.Equal(RejectReason.RateLimited, RejectOf(e.Buy(t, Alice, 4)));
        }
        Assert.Equal(x.Engine.StateHash(), restored.Engine.StateHash());
    }

    [Fact]
    public void Where_an_account_stands_against_its_limit_is_part_of_the_state_hash()
    {
        var a = new Limited();
        var b = new Limited();
        Assert.Equal(a.Engine.StateHash(), b.Engine.StateHash());
        // The same order, accepted and then cancelled in both; one a millisecond later: its limit stands elsewhere.
        a.Buy(Second, Alice, 1);
        b.Buy(Second + 1_000_000, Alice, 1);
        a.At(2 * Second, new CancelOrder(Alice, 1));
        b.At(2 * Second, new CancelOrder(Alice, 1));
        Assert.NotEqual(a.Engine.StateHash(history: false), b.Engine.StateHash(history: false));
    }
}
