using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class AdminTests
{
    private static EngineFixture Empty() => new(null, setup: false);

    [Fact]
    public void Fee_account_exists_from_construction_without_an_event()
    {
        var f = Empty();

        Assert.Empty(f.Out.Events);
        Assert.Equal(new long[] { EngineFixture.FeeAccount }, f.Engine.AccountIds());
        Assert.Equal(new BalanceView(0, 0), f.BalanceOf(EngineFixture.FeeAccount, EngineFixture.QuoteAsset));
    }

    [Fact]
    public void Fee_account_can_be_configured()
    {
        var f = new EngineFixture(EngineFixture.SmallConfig() with { FeeAccount = 777 }, setup: false);

        Assert.Equal(new long[] { 777 }, f.Engine.AccountIds());
    }

    [Fact]
    public void Adding_an_account_emits_account_added()
    {
        var f = Empty();

        var events = f.Run(new AddAccount(42));

        EngineFixture.AssertEvents(events, new AccountAdded(42));
        Assert.Equal(new BalanceView(0, 0), f.BalanceOf(42, 3));
    }

    [Fact]
    public void Accounts_are_listed_in_creation_order_fee_account_first()
    {
        var f = Empty();

        f.Run(new AddAccount(9));
        f.Run(new AddAccount(3));
        f.Run(new AddAccount(5));

        Assert.Equal(new long[] { 0, 9, 3, 5 }, f.Engine.AccountIds());
    }

    [Fact]
    public void Unknown_account_has_no_balance()
    {
        var f = Empty();

        Assert.False(f.Engine.TryGetBalance(42, 0, out _));
    }

    [Fact]
    public void Adding_a_symbol_opens_it()
    {
        var f = Empty();

        var events = f.Run(new AddSymbol(EngineFixture.Spec1));

        EngineFixture.AssertEvents(events, new SymbolStatusChanged(EngineFixture.Sym, SymbolStatus.Open));
        Assert.True(f.Engine.TryGetSymbol(EngineFixture.Sym, out var spec, out var status));
        Assert.Equal((EngineFixture.Spec1, SymbolStatus.Open), (spec, status));
    }

    [Fact]
    public void Unknown_symbol_is_not_found()
    {
        var f = Empty();

        Assert.False(f.Engine.TryGetSymbol(EngineFixture.Sym, out _, out _));
    }

    [Fact]
    public void Deposit_credits_available_and_reports_the_balance()
    {
        var f = new EngineFixture();

        var events = f.Deposit(EngineFixture.Alice, EngineFixture.QuoteAsset, 500);

        EngineFixture.AssertEvents(events, EngineFixture.Balance(EngineFixture.Alice, EngineFixture.QuoteAsset, EngineFixture.InitialQuote + 500, 0));
    }

    [Fact]
    public void Deposit_to_the_fee_account_is_allowed()
    {
        var f = new EngineFixture();

        var events = f.Deposit(EngineFixture.FeeAccount, 3, 5);

        EngineFixture.AssertEvents(events, EngineFixture.Balance(EngineFixture.FeeAccount, 3, 5, 0));
    }

    [Fact]
    public void Withdraw_debits_available_and_reports_the_balance()
    {
        var f = new EngineFixture();

        var events = f.Withdraw(EngineFixture.Alice, EngineFixture.QuoteAsset, 500);

        EngineFixture.AssertEvents(events, EngineFixture.Balance(EngineFixture.Alice, EngineFixture.QuoteAsset, EngineFixture.InitialQuote - 500, 0));
    }

    [Fact]
    public void Withdrawing_everything_available_is_allowed()
    {
        var f = new EngineFixture();
        f.Buy(EngineFixture.Alice, 11, 10_000, 100);

        var events = f.Withdraw(EngineFixture.Alice, EngineFixture.QuoteAsset, EngineFixture.InitialQuote - 100_200);

        EngineFixture.AssertEvents(events, EngineFixture.Balance(EngineFixture.Alice, EngineFixture.QuoteAsset, 0, 100_200));
    }

    [Fact]
    public void Deposit_up_to_the_balance_limit_is_allowed()
    {
        var f = new EngineFixture();

        var events = f.Deposit(EngineFixture.Alice, 3, Limits.MaxAmount);

        EngineFixture.AssertEvents(events, EngineFixture.Balance(EngineFixture.Alice, 3, Limits.MaxAmount, 0));
    }

    [Fact]
    public void Sequence_numbers_must_strictly_increase()
    {
        var output = new RecordingOutput();
        var engine = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), output);
        engine.Apply(5, 0, new AddAccount(1));

        Assert.ThrowsAny<Exception>(() => engine.Apply(5, 0, new AddAccount(2)));
        Assert.ThrowsAny<Exception>(() => engine.Apply(4, 0, new AddAccount(3)));
    }

    [Fact]
    public void Sequence_numbers_may_have_gaps()
    {
        var output = new RecordingOutput();
        var engine = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), output);

        engine.Apply(5, 0, new AddAccount(1));
        engine.Apply(100, 0, new AddAccount(2));

        Assert.Equal(new object[] { new AccountAdded(1), new AccountAdded(2) }, output.Events.ToArray());
    }
}
