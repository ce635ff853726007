// The state hash is what primaries, standbys and replays compare: it must see every part of the state
// and nothing else (not the sequence numbers, not the history of slot reuse).
namespace Exchange.Engine.Tests;

public sealed class StateHashTests
{
    private static EngineFixture WithRestingOrders()
    {
        var f = new EngineFixture();
        f.Buy(EngineFixture.Alice, 1, 9_900, 100);
        f.Sell(EngineFixture.Bob, 2, 10_100, 50);
        return f;
    }

    [Fact]
    public void Same_commands_give_the_same_hash_whatever_the_sequence_numbers()
    {
        var a = WithRestingOrders();
        var b = new EngineFixture();
        // Different sequence numbers and timestamps, same commands.
        long seq = 1_000;
        b.Engine.Apply(seq += 7, 42, new NewOrder(EngineFixture.Alice, 1, EngineFixture.Sym, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 9_900, 100));
        b.Engine.Apply(seq += 7, 43, new NewOrder(EngineFixture.Bob, 2, EngineFixture.Sym, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 10_100, 50));
        Assert.Equal(a.Hash, b.Hash);
    }

    [Fact]
    public void A_balance_difference_changes_the_hash()
    {
        var a = WithRestingOrders();
        var b = WithRestingOrders();
        b.Deposit(EngineFixture.Carol, EngineFixture.QuoteAsset, 1);
        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void A_resting_order_difference_changes_the_hash()
    {
        var a = WithRestingOrders();
        var b = WithRestingOrders();
        a.Buy(EngineFixture.Carol, 3, 9_800, 10);
        b.Buy(EngineFixture.Carol, 4, 9_800, 10); // only the client order id differs
        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void Time_priority_is_part_of_the_hash()
    {
        var a = new EngineFixture();
        var b = new EngineFixture();
        a.Buy(EngineFixture.Alice, 1, 9_900, 10);
        a.Buy(EngineFixture.Bob, 1, 9_900, 10);
        b.Buy(EngineFixture.Bob, 1, 9_900, 10);
        b.Buy(EngineFixture.Alice, 1, 9_900, 10);
        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void A_halt_changes_the_hash_and_a_resume_restores_it()
    {
        var f = WithRestingOrders();
        long open = f.Hash;
        f.Halt();
        Assert.NotEqual(open, f.Hash);
        f.Resume();
        Assert.Equal(open, f.Hash);
    }

    [Fact]
    public void Reusing_freed_slots_does_not_change_the_hash()
    {
        // Engine a churns through many orders first, so its pools hand out different slots than b's.
        var a = new EngineFixture();
        var b = new EngineFixture();
        for (int i = 0; i < 50; i++)
        {
            a.Buy(EngineFixture.Carol, 100 + i, 9_000 + i % 5 * 100, 10);
            a.Cancel(EngineFixture.Carol, 100 + i);
            b.Buy(EngineFixture.Carol, 100 + i, 9_000 + (i + 3) % 5 * 100, 10);
            b.Cancel(EngineFixture.Carol, 100 + i);
        }
        a.Buy(EngineFixture.Alice, 1, 9_900, 100);
        a.Sell(EngineFixture.Bob, 2, 10_100, 50);
        b.Buy(EngineFixture.Alice, 1, 9_900, 100);
        b.Sell(EngineFixture.Bob, 2, 10_100, 50);
        Assert.Equal(a.Hash, b.Hash);
    }
}
