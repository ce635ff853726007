using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

/// <summary>One test per reject reason a command can produce: the exact CommandRejected, and no state change.
/// Every test starts from a book with a resting ask (Bob, 10,500 × 100) and bid (Carol, 9,500 × 100).</summary>
public class RejectTests : EngineFixture
{
    private const TimeInForce Gtc = TimeInForce.GoodTillCancel;
    private const TimeInForce Ioc = TimeInForce.ImmediateOrCancel;

    public RejectTests()
    {
        Sell(Bob, 900, 10_500, 100);
        Buy(Carol, 901, 9_500, 100);
    }

    private List<object> Order(long account = Alice, long cid = 11, int symbol = Sym, Side side = Side.Buy,
        OrderType type = OrderType.Limit, TimeInForce tif = Gtc, long price = 10_000, long qty = 100,
        long budget = 0, SelfTradePrevention stp = SelfTradePrevention.None, bool postOnly = false)
        => Run(new NewOrder(account, cid, symbol, side, type, tif, price, qty, budget, stp, postOnly));

    private void AssertOrderRejected(RejectReason reason, Func<List<object>> command, long account = Alice, long cid = 11, int symbol = Sym)
        => AssertRejectedWithoutChange(OrderRejected(account, cid, reason, symbol), command);

    /// <summary>For commands whose unused fields the README does not pin down: check kind, reason and the named fields.</summary>
    private void AssertAdminRejected(CommandKind kind, RejectReason reason, Func<List<object>> command, long? account = null, int? symbol = null)
    {
        var r = AssertRejectedWithoutChange(command);
        Assert.Equal((kind, reason), (r.Command, r.Reason));
        if (account is { } a) Assert.Equal(a, r.Account);
        if (symbol is { } s) Assert.Equal(s, r.Symbol);
    }

    // ---- one test per reason -----------------------------------------------------------------------

    [Fact]
    public void UnknownSymbol_new_order_on_a_symbol_never_added()
        => AssertOrderRejected(RejectReason.UnknownSymbol, () => Order(symbol: 7), symbol: 7);

    [Fact]
    public void UnknownAccount_new_order_from_an_account_never_added()
        => AssertOrderRejected(RejectReason.UnknownAccount, () => Order(account: 99), account: 99);

    [Fact]
    public void UnknownAsset_deposit_of_an_asset_beyond_asset_count()
        => AssertAdminRejected(CommandKind.Deposit, RejectReason.UnknownAsset, () => Deposit(Alice, 4, 100), Alice, 4);

    [Fact]
    public void UnknownOrder_cancel_of_an_order_that_does_not_exist()
        => AssertRejectedWithoutChange(Rejected(CommandKind.CancelOrder, Alice, 12_345, -1, RejectReason.UnknownOrder), () => Cancel(Alice, 12_345));

    [Fact]
    public void SymbolHalted_new_order_on_a_halted_symbol()
    {
        Halt(Sym);
        AssertOrderRejected(RejectReason.SymbolHalted, () => Order());
    }

    [Fact]
    public void InvalidSide_new_order_with_side_none()
        => AssertOrderRejected(RejectReason.InvalidSide, () => Order(side: Side.None));

    [Fact]
    public void InvalidSide_new_order_with_an_undefined_side()
        => AssertOrderRejected(RejectReason.InvalidSide, () => Order(side: (Side)3));

    [Fact]
    public void InvalidOrderType_new_order_with_an_undefined_type()
        => AssertOrderRejected(RejectReason.InvalidOrderType, () => Order(type: (OrderType)0));

    [Fact]
    public void InvalidOrderType_market_order_that_is_post_only()
        => AssertOrderRejected(RejectReason.InvalidOrderType, () => Order(type: OrderType.Market, tif: Ioc, budget: 200_000, postOnly: true));

    [Fact]
    public void InvalidTimeInForce_new_order_with_an_undefined_time_in_force()
        => AssertOrderRejected(RejectReason.InvalidTimeInForce, () => Order(tif: (TimeInForce)0));

    [Fact]
    public void InvalidTimeInForce_market_order_that_is_not_ioc()
        => AssertOrderRejected(RejectReason.InvalidTimeInForce, () => Order(type: OrderType.Market, tif: Gtc, budget: 200_000));

    [Fact]
    public void InvalidTimeInForce_market_order_that_is_fok()
        => AssertOrderRejected(RejectReason.InvalidTimeInForce, () => Order(type: OrderType.Market, tif: TimeInForce.FillOrKill, budget: 200_000));

    [Fact]
    public void InvalidTimeInForce_post_only_order_that_is_not_gtc()
        => AssertOrderRejected(RejectReason.InvalidTimeInForce, () => Order(tif: TimeInForce.FillOrKill, postOnly: true));

    [Fact]
    public void InvalidSelfTradePrevention_new_order_with_an_undefined_mode()
        => AssertOrderRejected(RejectReason.InvalidSelfTradePrevention, () => Order(stp: (SelfTradePrevention)5));

    [Fact]
    public void InvalidPrice_limit_order_with_price_zero()
        => AssertOrderRejected(RejectReason.InvalidPrice, () => Order(price: 0));

    [Fact]
    public void InvalidPrice_limit_order_with_a_negative_price()
        => AssertOrderRejected(RejectReason.InvalidPrice, () => Order(price: -10_000));

    [Fact]
    public void PriceOffTick_limit_price_not_a_multiple_of_the_tick()
        => AssertOrderRejected(RejectReason.PriceOffTick, () => Order(price: 10_050));

    [Fact]
    public void PriceOutsideBand_limit_price_above_band_high()
        => AssertOrderRejected(RejectReason.PriceOutsideBand, () => Order(price: 11_100));

    [Fact]
    public void PriceOutsideBand_limit_price_below_band_low()
        => AssertOrderRejected(RejectReason.PriceOutsideBand, () => Order(side: Side.Sell, price: 8_900));

    [Fact]
    public void InvalidQuantity_quantity_zero()
        => AssertOrderRejected(RejectReason.InvalidQuantity, () => Order(qty: 0));

    [Fact]
    public void InvalidQuantity_negative_quantity()
        => AssertOrderRejected(RejectReason.InvalidQuantity, () => Order(qty: -10));

    [Fact]
    public void QuantityOffLot_quantity_not_a_multiple_of_the_lot()
        => AssertOrderRejected(RejectReason.QuantityOffLot, () => Order(qty: 15));

    [Fact]
    public void QuantityBelowMinimum_quantity_under_the_symbols_minimum()
        => AssertOrderRejected(RejectReason.QuantityBelowMinimum, () => Order(symbol: Sym2, price: 1_000, qty: 4), symbol: Sym2);

    [Fact]
    public void QuantityAboveMaximum_quantity_over_the_symbols_maximum()
        => AssertOrderRejected(RejectReason.QuantityAboveMaximum, () => Order(qty: 1_000_010));

    [Fact]
    public void InvalidQuoteBudget_market_buy_with_negative_budget()
        => AssertOrderRejected(RejectReason.InvalidQuoteBudget, () => Order(type: OrderType.Market, tif: Ioc, budget: -1));

    [Fact]
    public void InvalidQuoteBudget_market_buy_with_budget_above_two_to_the_sixty()
        => AssertOrderRejected(RejectReason.InvalidQuoteBudget, () => Order(type: OrderType.Market, tif: Ioc, budget: Limits.MaxAmount + 1));

    [Fact]
    public void NotionalAboveLimit_limit_order_whose_notional_exceeds_max_notional()
        => AssertOrderRejected(RejectReason.NotionalAboveLimit, () => Order(symbol: Sym2, price: 1_000, qty: 501), symbol: Sym2);

    [Fact]
    public void NotionalAboveLimit_market_buy_without_a_budget_whose_band_high_cost_exceeds_max_notional()
        => AssertOrderRejected(RejectReason.NotionalAboveLimit, // 400 at band high 1,500 = 600,000 > 500,000
            () => Order(symbol: Sym2, type: OrderType.Market, tif: Ioc, qty: 400), symbol: Sym2);

    [Fact]
    public void DuplicateClientOrderId_new_order_reusing_an_open_orders_client_id()
        => AssertOrderRejected(RejectReason.DuplicateClientOrderId, () => Order(account: Carol, cid: 901, price: 9_400), account: Carol, cid: 901);

    [Fact]
    public void InsufficientFunds_buy_whose_hold_exceeds_available_quote()
        => AssertOrderRejected(RejectReason.InsufficientFunds, () => Order(price: 10_000, qty: 10_000));

    [Fact]
    public void InsufficientFunds_market_buy_without_a_budget_whose_band_high_cost_exceeds_available_quote()
        => AssertOrderRejected(RejectReason.InsufficientFunds, () => Order(type: OrderType.Market, tif: Ioc, qty: 10_000)); // 11,022,000 > 10,000,000

    [Fact]
    public void InsufficientFunds_withdrawal_above_available()
        => AssertAdminRejected(CommandKind.Withdraw, RejectReason.InsufficientFunds, () => Withdraw(Bob, BaseAsset, InitialBase - 90), Bob, BaseAsset);

    [Fact]
    public void TooManyOpenOrders_gtc_order_beyond_the_accounts_open_order_limit()
    {
        var f = new EngineFixture(SmallConfig() with { MaxOpenOrdersPerAccount = 1 });
        f.Buy(Alice, 1, 9_900, 10);

        f.AssertRejectedWithoutChange(OrderRejected(Alice, 2, RejectReason.TooManyOpenOrders), () => f.Buy(Alice, 2, 9_800, 10));
    }

    [Fact]
    public void PostOnlyWouldTake_post_only_buy_at_the_best_ask()
        => AssertOrderRejected(RejectReason.PostOnlyWouldTake, () => Order(price: 10_500, postOnly: true));

    [Fact]
    public void FillOrKillNotFillable_fok_larger_than_the_book_within_its_limit()
        => AssertOrderRejected(RejectReason.FillOrKillNotFillable, () => Order(tif: TimeInForce.FillOrKill, price: 10_500, qty: 110));

    [Fact]
    public void OrderCapacityExhausted_gtc_order_when_every_order_slot_is_used()
    {
        var f = new EngineFixture(SmallConfig() with { MaxOrders = 2 });
        f.Buy(Alice, 1, 9_900, 10);
        f.Buy(Bob, 2, 9_900, 10);

        f.AssertRejectedWithoutChange(OrderRejected(Carol, 3, RejectReason.OrderCapacityExhausted), () => f.Buy(Carol, 3, 9_900, 10));
    }

    [Fact]
    public void PriceLevelCapacityExhausted_gtc_order_at_a_new_price_when_every_level_is_used()
    {
        var f = new EngineFixture(SmallConfig() with { MaxPriceLevels = 2 });
        f.Buy(Alice, 1, 9_900, 10);
        f.Buy(Alice, 2, 9_800, 10);

        f.AssertRejectedWithoutChange(OrderRejected(Alice, 3, RejectReason.PriceLevelCapacityExhausted), () => f.Buy(Alice, 3, 9_700, 10));
    }

    [Fact]
    public void InvalidAmount_deposit_of_zero()
        => AssertAdminRejected(CommandKind.Deposit, RejectReason.InvalidAmount, () => Deposit(Alice, QuoteAsset, 0), Alice, QuoteAsset);

    [Fact]
    public void InvalidAmount_deposit_above_two_to_the_sixty()
        => AssertAdminRejected(CommandKind.Deposit, RejectReason.InvalidAmount, () => Deposit(Alice, 3, Limits.MaxAmount + 1), Alice, 3);

    [Fact]
    public void InvalidAmount_negative_withdrawal()
        => AssertAdminRejected(CommandKind.Withdraw, RejectReason.InvalidAmount, () => Withdraw(Alice, QuoteAsset, -1), Alice, QuoteAsset);

    [Fact]
    public void BalanceOverflow_deposit_that_would_take_the_balance_past_two_to_the_sixty()
        => AssertAdminRejected(CommandKind.Deposit, RejectReason.BalanceOverflow, () => Deposit(Alice, QuoteAsset, Limits.MaxAmount - InitialQuote + 1), Alice, QuoteAsset);

    [Fact]
    public void BalanceOverflow_counts_held_funds()
    {
        Buy(Alice, 11, 10_000, 100);
        // available + held = 10,000,000; one more than 2^60 − that overflows even though available is lower.
        AssertAdminRejected(CommandKind.Deposit, RejectReason.BalanceOverflow, () => Deposit(Alice, QuoteAsset, Limits.MaxAmount - InitialQuote + 1), Alice, QuoteAsset);
    }

    [Fact]
    public void DuplicateAccount_adding_an_existing_account()
        => AssertAdminRejected(CommandKind.AddAccount, RejectReason.DuplicateAccount, () => Run(new AddAccount(Alice)), account: Alice);

    [Fact]
    public void DuplicateAccount_adding_the_fee_account()
        => AssertAdminRejected(CommandKind.AddAccount, RejectReason.DuplicateAccount, () => Run(new AddAccount(FeeAccount)), account: FeeAccount);

    [Fact]
    public void AccountCapacityExhausted_adding_an_account_when_every_slot_is_used()
    {
        // The fee account and Alice, Bob and Carol use all four slots.
        var f = new EngineFixture(SmallConfig() with { MaxAccounts = 4 });
        var r = f.AssertRejectedWithoutChange(() => f.Run(new AddAccount(4)));
        Assert.Equal((CommandKind.AddAccount, 4L, RejectReason.AccountCapacityExhausted), (r.Command, r.Account, r.Reason));
    }

    [Fact]
    public void DuplicateSymbol_adding_an_existing_symbol()
        => AssertAdminRejected(CommandKind.AddSymbol, RejectReason.DuplicateSymbol, () => Run(new AddSymbol(Spec1)), symbol: Sym);

    [Fact]
    public void InvalidSymbolSpec_adding_a_symbol_with_zero_tick()
        => AssertAdminRejected(CommandKind.AddSymbol, RejectReason.InvalidSymbolSpec, () => Run(new AddSymbol(Spec1 with { Id = 3, TickSize = 0 })), symbol: 3);

    [Fact]
    public void InvalidSymbolSpec_adding_a_symbol_whose_notional_could_overflow()
        => AssertAdminRejected(CommandKind.AddSymbol, RejectReason.InvalidSymbolSpec,
            () => Run(new AddSymbol(Spec1 with { Id = 3, TickSize = 1, LotSize = 1, MinQuantity = 1, ReferencePrice = 1L << 30, MaxQuantity = 1L << 31, MaxNotional = 1L << 60 })),
            symbol: 3);

    [Fact]
    public void UnknownAsset_adding_a_symbol_with_an_asset_beyond_asset_count()
        => AssertAdminRejected(CommandKind.AddSymbol, RejectReason.UnknownAsset, () => Run(new AddSymbol(Spec1 with { Id = 3, BaseAsset = 9 })), symbol: 3);

    [Fact]
    public void SymbolAlreadyInStatus_resuming_an_open_symbol()
        => AssertAdminRejected(CommandKind.ResumeSymbol, RejectReason.SymbolAlreadyInStatus, () => Resume(Sym), symbol: Sym);

    // ---- the other commands' reasons ---------------------------------------------------------------

    [Fact]
    public void Halt_of_an_unknown_symbol_is_rejected()
        => AssertAdminRejected(CommandKind.HaltSymbol, RejectReason.UnknownSymbol, () => Halt(7), symbol: 7);

    [Fact]
    public void Deposit_to_an_unknown_account_is_rejected()
        => AssertAdminRejected(CommandKind.Deposit, RejectReason.UnknownAccount, () => Deposit(99, QuoteAsset, 5), 99, QuoteAsset);

    [Fact]
    public void Cancel_from_an_unknown_account_is_rejected()
        => AssertRejectedWithoutChange(Rejected(CommandKind.CancelOrder, 99, 900, -1, RejectReason.UnknownAccount), () => Cancel(99, 900));

    [Fact]
    public void Mass_cancel_from_an_unknown_account_is_rejected()
        => AssertAdminRejected(CommandKind.MassCancel, RejectReason.UnknownAccount, () => MassCancel(99), 99, -1);

    [Fact]
    public void Mass_cancel_of_an_unknown_symbol_is_rejected()
        => AssertAdminRejected(CommandKind.MassCancel, RejectReason.UnknownSymbol, () => MassCancel(Alice, 7), Alice, 7);

    [Fact]
    public void Mass_cancel_with_an_undefined_side_is_rejected()
        => AssertAdminRejected(CommandKind.MassCancel, RejectReason.InvalidSide, () => MassCancel(Bob, Sym, (Side)9), Bob, Sym);

    [Fact]
    public void Replace_with_quantity_off_lot_is_rejected()
        => AssertAdminRejected(CommandKind.ReplaceOrder, RejectReason.QuantityOffLot, () => Replace(Bob, 900, 900, 10_500, 55), Bob);

    [Fact]
    public void Replace_with_price_outside_band_is_rejected()
        => AssertAdminRejected(CommandKind.ReplaceOrder, RejectReason.PriceOutsideBand, () => Replace(Bob, 900, 900, 11_100, 100), Bob);

    [Fact]
    public void Replace_above_the_notional_limit_is_rejected()
    {
        Buy(Alice, 11, 1_000, 10, symbol: Sym2);
        AssertAdminRejected(CommandKind.ReplaceOrder, RejectReason.NotionalAboveLimit, () => Replace(Alice, 11, 11, 1_000, 501), Alice);
    }

    [Fact]
    public void Replace_from_an_unknown_account_is_rejected()
        => AssertAdminRejected(CommandKind.ReplaceOrder, RejectReason.UnknownAccount, () => Replace(99, 900, 900, 10_500, 50), 99);

    // ---- validation order --------------------------------------------------------------------------

    [Fact]
    public void Unknown_account_is_reported_before_unknown_symbol()
        => AssertOrderRejected(RejectReason.UnknownAccount, () => Order(account: 99, symbol: 7), account: 99, symbol: 7);

    [Fact]
    public void Halted_symbol_is_reported_before_an_invalid_side()
    {
        Halt(Sym);
        AssertOrderRejected(RejectReason.SymbolHalted, () => Order(side: Side.None));
    }

    [Fact]
    public void Quantity_is_checked_before_price()
        => AssertOrderRejected(RejectReason.QuantityOffLot, () => Order(qty: 15, price: 10_050));

    [Fact]
    public void Market_orders_skip_the_limit_price_checks()
    {
        var events = Order(type: OrderType.Market, tif: Ioc, price: -3, budget: 200_000);
        Assert.IsType<OrderAccepted>(events[0]);
    }

    [Fact]
    public void Duplicate_client_order_id_is_reported_before_insufficient_funds()
        => AssertOrderRejected(RejectReason.DuplicateClientOrderId, () => Order(account: Carol, cid: 901, qty: 100_000), account: Carol, cid: 901);

    [Fact]
    public void Insufficient_funds_is_reported_before_post_only_would_take()
        => AssertOrderRejected(RejectReason.InsufficientFunds, () => Order(price: 10_500, qty: 10_000, postOnly: true));

    [Fact]
    public void Open_order_limit_is_reported_before_insufficient_funds()
    {
        var f = new EngineFixture(SmallConfig() with { MaxOpenOrdersPerAccount = 1 });
        f.Buy(Alice, 1, 9_900, 10);

        f.AssertRejectedWithoutChange(OrderRejected(Alice, 2, RejectReason.TooManyOpenOrders), () => f.Buy(Alice, 2, 9_800, 100_000));
    }

    [Fact]
    public void Price_level_capacity_allows_a_new_order_at_an_existing_level()
    {
        var f = new EngineFixture(SmallConfig() with { MaxPriceLevels = 2 });
        f.Buy(Alice, 1, 9_900, 10);
        f.Buy(Alice, 2, 9_800, 10);

        Assert.IsType<OrderAccepted>(f.Buy(Bob, 3, 9_800, 10)[0]);
    }

    [Fact]
    public void Price_level_capacity_counts_levels_on_both_sides()
    {
        var f = new EngineFixture(SmallConfig() with { MaxPriceLevels = 2 });
        f.Buy(Alice, 1, 9_900, 10);
        f.Buy(Alice, 2, 9_800, 10);

        f.AssertRejectedWithoutChange(OrderRejected(Bob, 3, RejectReason.PriceLevelCapacityExhausted), () => f.Sell(Bob, 3, 10_100, 10));
    }

    [Fact]
    public void Price_level_capacity_is_freed_when_a_level_empties()
    {
        var f = new EngineFixture(SmallConfig() with { MaxPriceLevels = 2 });
        f.Buy(Alice, 1, 9_900, 10);
        f.Buy(Alice, 2, 9_800, 10);
        f.Cancel(Alice, 1);

        Assert.IsType<OrderAccepted>(f.Buy(Alice, 3, 9_700, 10)[0]);
    }

    [Fact]
    public void Price_level_capacity_does_not_apply_to_ioc_orders()
    {
        var f = new EngineFixture(SmallConfig() with { MaxPriceLevels = 2 });
        f.Buy(Alice, 1, 9_900, 10);
        f.Buy(Alice, 2, 9_800, 10);

        Assert.IsType<OrderAccepted>(f.Sell(Bob, 3, 10_100, 10, TimeInForce.ImmediateOrCancel)[0]);
    }

    [Fact]
    public void Withdraw_of_an_unknown_asset_is_rejected()
        => AssertAdminRejected(CommandKind.Withdraw, RejectReason.UnknownAsset, () => Withdraw(Alice, 4, 1), Alice, 4);

    [Fact]
    public void Order_capacity_is_freed_by_a_cancel()
    {
        var f = new EngineFixture(SmallConfig() with { MaxOrders = 2 });
        f.Buy(Alice, 1, 9_900, 10);
        f.Buy(Bob, 2, 9_900, 10);
        f.Cancel(Alice, 1);

        Assert.IsType<OrderAccepted>(f.Buy(Carol, 3, 9_900, 10)[0]);
    }

    // ---- the property: bad input leaves the state hash unchanged ------------------------------------

    [Fact]
    public void Every_kind_of_bad_input_leaves_the_state_hash_unchanged()
    {
        Buy(Alice, 11, 9_900, 30);
        Sell(Alice, 12, 10_400, 30);
        long hash = Hash;
        var openOrders = Engine.OpenOrderCount;
        var bad = new List<Func<List<object>>>
        {
            () => Run(new AddAccount(Alice)),
            () => Run(new AddSymbol(Spec1)),
            () => Run(new AddSymbol(Spec1 with { Id = 100 })),
            () => Halt(7),
            () => Resume(Sym),
            () => Deposit(99, 0, 1),
            () => Deposit(Alice, 4, 1),
            () => Deposit(Alice, 0, 0),
            () => Deposit(Alice, 0, Limits.MaxAmount),
            () => Withdraw(Alice, 0, InitialQuote),
            () => Withdraw(Alice, 0, -5),
            () => Order(symbol: 7),
            () => Order(side: Side.None),
            () => Order(type: (OrderType)9),
            () => Order(tif: (TimeInForce)9),
            () => Order(stp: (SelfTradePrevention)9),
            () => Order(qty: 15),
            () => Order(qty: 2_000_000),
            () => Order(price: 10_001),
            () => Order(price: 20_000),
            () => Order(type: OrderType.Market, tif: Ioc, budget: -1),
            () => Order(cid: 11),
            () => Order(qty: 100_000),
            () => Order(price: 10_500, postOnly: true),
            () => Order(tif: TimeInForce.FillOrKill, price: 10_500, qty: 200),
            () => Order(tif: TimeInForce.FillOrKill, side: Side.Sell, price: 9_000, qty: 200),
            () => Order(symbol: Sym2, price: 1_000, qty: 2),
            () => Order(symbol: Sym2, price: 1_000, qty: 600),
            () => Cancel(Alice, 999),
            () => Cancel(Bob, 11),
            () => Replace(Alice, 999, 999, 9_900, 30),
            () => Replace(Alice, 11, 12, 9_900, 30),
            () => Replace(Alice, 11, 11, 9_950, 30),
            () => Replace(Alice, 11, 11, 9_900, 1_000_000),
            () => Replace(Alice, 12, 12, 8_900, 30),
            () => MassCancel(99),
            () => MassCancel(Alice, 7),
            () => MassCancel(Alice, Sym, (Side)4),
        };

        for (int i = 0; i < bad.Count; i++)
        {
            var events = bad[i]();
            Assert.True(events.Count == 1 && events[0] is CommandRejected, $"bad command #{i} produced: {string.Join(", ", events)}");
            Assert.True(hash == Hash, $"bad command #{i} changed the state hash");
        }
        Assert.Equal(openOrders, Engine.OpenOrderCount);
    }
}
