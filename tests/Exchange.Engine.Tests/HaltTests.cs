using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class HaltTests : EngineFixture
{
    [Fact]
    public void Halting_a_symbol_emits_its_new_status()
    {
        var events = Halt(Sym);

        AssertEvents(events, new SymbolStatusChanged(Sym, SymbolStatus.Halted));
        Assert.True(Engine.TryGetSymbol(Sym, out var spec, out var status));
        Assert.Equal((Spec1, SymbolStatus.Halted), (spec, status));
    }

    [Fact]
    public void Halted_symbol_rejects_new_orders()
    {
        Halt(Sym);

        AssertRejectedWithoutChange(
            OrderRejected(Alice, 11, RejectReason.SymbolHalted),
            () => Buy(Alice, 11, 9_900, 100));
    }

    [Fact]
    public void Halted_symbol_rejects_replaces()
    {
        Buy(Alice, 11, 9_900, 100);
        Halt(Sym);

        var rejected = AssertRejectedWithoutChange(() => Replace(Alice, 11, 11, 9_900, 50));

        Assert.Equal((CommandKind.ReplaceOrder, Alice, RejectReason.SymbolHalted), (rejected.Command, rejected.Account, rejected.Reason));
    }

    [Fact]
    public void Halted_symbol_accepts_cancels()
    {
        Buy(Alice, 11, 9_900, 100);
        Halt(Sym);

        var events = Cancel(Alice, 11);

        AssertEvents(events,
            Cancelled(Alice, 11, 1, Side.Buy, CancelReason.ByClient, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0),
            Level(Side.Buy, 9_900, 0, 0),
            Bbo(0, 0, 0, 0));
    }

    [Fact]
    public void Halted_symbol_accepts_mass_cancels()
    {
        Buy(Alice, 11, 9_900, 100);
        Sell(Alice, 12, 10_100, 100);
        Halt(Sym);

        var events = MassCancel(Alice, Sym);

        Assert.Equal(new MassCancelled(Alice, Sym, Side.None, 2), events[^1]);
        Assert.Equal(0, Engine.OpenOrderCount);
    }

    [Fact]
    public void Halting_keeps_resting_orders_on_the_book()
    {
        Buy(Alice, 11, 9_900, 100);

        Halt(Sym);

        Assert.Equal(new[] { new LevelView(9_900, 100, 1) }, Engine.Levels(Sym, Side.Buy));
        Assert.True(HasOrder(Alice, 11));
    }

    [Fact]
    public void Halt_affects_only_its_symbol()
    {
        Halt(Sym);

        var events = Buy(Alice, 11, 900, 10, symbol: Sym2);

        Assert.IsType<OrderAccepted>(events[0]);
    }

    [Fact]
    public void Resuming_a_halted_symbol_emits_open_and_accepts_orders_again()
    {
        Halt(Sym);

        var resumed = Resume(Sym);
        var events = Buy(Alice, 11, 9_900, 100);

        AssertEvents(resumed, new SymbolStatusChanged(Sym, SymbolStatus.Open));
        Assert.Equal(Accepted(Alice, 11, 1, Side.Buy, 9_900, 100), events[0]);
    }

    [Fact]
    public void Halting_a_halted_symbol_is_rejected()
    {
        Halt(Sym);

        var rejected = AssertRejectedWithoutChange(() => Halt(Sym));

        Assert.Equal((CommandKind.HaltSymbol, Sym, RejectReason.SymbolAlreadyInStatus), (rejected.Command, rejected.Symbol, rejected.Reason));
    }

    [Fact]
    public void Halting_changes_the_state_hash()
    {
        long before = Hash;

        Halt(Sym);

        Assert.NotEqual(before, Hash);
    }
}
