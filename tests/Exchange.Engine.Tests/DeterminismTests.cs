using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class DeterminismTests
{
    /// <summary>A fixed mix of commands touching every kind of state.</summary>
    private static void Script(EngineFixture f)
    {
        const long A = EngineFixture.Alice, B = EngineFixture.Bob, C = EngineFixture.Carol;
        f.Sell(B, 21, 10_000, 130);
        f.Sell(C, 31, 10_100, 70);
        f.Buy(A, 11, 10_100, 170);
        f.Buy(C, 32, 9_900, 40, stp: SelfTradePrevention.CancelOldest);
        f.Sell(A, 12, 10_300, 60, postOnly: true);
        f.MarketBuy(B, 22, 20, 123_457);
        f.Replace(C, 32, 33, 9_800, 50);
        f.Buy(A, 13, 900, 10, symbol: EngineFixture.Sym2);
        f.Halt(EngineFixture.Sym2);
        f.Deposit(C, 3, 1_234);
    }

    [Fact]
    public void Same_commands_give_the_same_state_hash_and_events()
    {
        var a = new EngineFixture();
        var b = new EngineFixture();

        Script(a);
        Script(b);

        Assert.Equal(a.Hash, b.Hash);
    }

    [Fact]
    public void Same_commands_give_the_same_event_stream()
    {
        var a = new RecordingOutput();
        var b = new RecordingOutput();
        var ea = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), a);
        var eb = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), b);

        foreach (var (engine, _) in new[] { (ea, a), (eb, b) })
        {
            engine.Apply(1, 10, new AddSymbol(EngineFixture.Spec1));
            engine.Apply(2, 20, new AddAccount(1));
            engine.Apply(3, 30, new AddAccount(2));
            engine.Apply(4, 40, new Deposit(1, 0, 1_000_000));
            engine.Apply(5, 50, new Deposit(2, 1, 1_000));
            engine.Apply(6, 60, new NewOrder(2, 7, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 10_000, 500));
            engine.Apply(7, 70, new NewOrder(1, 8, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 10_100, 300));
        }

        Assert.Equal(a.Events, b.Events);
        Assert.Equal(ea.StateHash(), eb.StateHash());
    }

    [Fact]
    public void State_hash_ignores_sequence_numbers_and_timestamps()
    {
        var ea = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), new RecordingOutput());
        var eb = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), new RecordingOutput());

        ea.Apply(1, 1, new AddSymbol(EngineFixture.Spec1));
        ea.Apply(2, 2, new AddAccount(1));
        ea.Apply(3, 3, new Deposit(1, 0, 1_000_000));
        ea.Apply(4, 4, new NewOrder(1, 8, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 10_000, 300));

        eb.Apply(100, 9_999, new AddSymbol(EngineFixture.Spec1));
        eb.Apply(205, 12_345, new AddAccount(1));
        eb.Apply(999, 1, new Deposit(1, 0, 1_000_000));
        eb.Apply(5_000, 77, new NewOrder(1, 8, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 10_000, 300));

        Assert.Equal(ea.StateHash(), eb.StateHash());
    }

    [Fact]
    public void Different_resting_order_gives_a_different_state_hash()
    {
        var a = new EngineFixture();
        var b = new EngineFixture();

        a.Sell(EngineFixture.Bob, 21, 10_000, 100);
        a.Sell(EngineFixture.Carol, 31, 10_000, 100);
        b.Sell(EngineFixture.Carol, 31, 10_000, 100);
        b.Sell(EngineFixture.Bob, 21, 10_000, 100);

        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void Different_price_gives_a_different_state_hash()
    {
        var a = new EngineFixture();
        var b = new EngineFixture();

        a.Buy(EngineFixture.Alice, 11, 9_900, 100);
        b.Buy(EngineFixture.Alice, 11, 9_800, 100);

        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void Accepted_order_changes_the_state_hash()
    {
        var f = new EngineFixture();
        long before = f.Hash;

        f.Buy(EngineFixture.Alice, 11, 9_900, 100);

        Assert.NotEqual(before, f.Hash);
    }

    [Fact]
    public void Deposit_changes_the_state_hash()
    {
        var f = new EngineFixture();
        long before = f.Hash;

        f.Deposit(EngineFixture.Alice, 0, 1);

        Assert.NotEqual(before, f.Hash);
    }

    [Fact]
    public void State_hash_includes_the_next_order_id()
    {
        var f = new EngineFixture();
        long before = f.Hash;

        f.Buy(EngineFixture.Alice, 11, 9_900, 100);
        f.Cancel(EngineFixture.Alice, 11);

        Assert.NotEqual(before, f.Hash);
        Assert.Equal(new BalanceView(EngineFixture.InitialQuote, 0), f.BalanceOf(EngineFixture.Alice, 0));
    }

    [Fact]
    public void State_hash_is_stable_across_reads()
    {
        var f = new EngineFixture();
        Script(f);

        Assert.Equal(f.Hash, f.Hash);
    }
}
