// A small engine with two symbols and three funded traders, plus helpers that apply one command with the
// next sequence number and return exactly the events that command produced.
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class EngineFixture
{
    // Symbol 1: base asset 1, quote asset 0; tick 100, lot 10, quantity 10..1,000,000; reference 10,000,
    // band ±10% → [9,000, 11,000]; maker 10 bps, taker 20 bps (so holds reserve 20 bps).
    public const int Sym = 1;
    // Symbol 2: base asset 2, quote asset 0; tick 1, lot 1, quantity 5..1,000; reference 1,000,
    // band ±50% → [500, 1,500]; no fees; notional at most 500,000.
    public const int Sym2 = 2;

    public const int QuoteAsset = 0;
    public const int BaseAsset = 1;
    public const int Base2Asset = 2;

    public const long FeeAccount = 0;
    public const long Alice = 1;
    public const long Bob = 2;
    public const long Carol = 3;

    public const long InitialQuote = 10_000_000;
    public const long InitialBase = 100_000;

    public static readonly SymbolSpec Spec1 = new(
        Id: Sym, BaseAsset: BaseAsset, QuoteAsset: QuoteAsset, TickSize: 100, LotSize: 10,
        MinQuantity: 10, MaxQuantity: 1_000_000, ReferencePrice: 10_000, BandBps: 1000,
        MakerFeeBps: 10, TakerFeeBps: 20, MaxNotional: 1L << 50);

    public static readonly SymbolSpec Spec2 = new(
        Id: Sym2, BaseAsset: Base2Asset, QuoteAsset: QuoteAsset, TickSize: 1, LotSize: 1,
        MinQuantity: 5, MaxQuantity: 1_000, ReferencePrice: 1_000, BandBps: 5000,
        MakerFeeBps: 0, TakerFeeBps: 0, MaxNotional: 500_000);

    /// <summary>Small capacities so every test engine is cheap to build.</summary>
    public static EngineConfig SmallConfig() => new()
    {
        AssetCount = 4,
        MaxSymbols = 8,
        MaxAccounts = 64,
        MaxOrders = 1024,
        MaxPriceLevels = 256,
        InitialLevelsPerSide = 16,
        MaxOpenOrdersPerAccount = 1024,
        FeeAccount = FeeAccount,
    };

    public RecordingOutput Out { get; }
    public MatchingEngine<RecordingOutput> Engine { get; }
    public long Sequence { get; set; }

    public EngineFixture() : this(null) { }

    /// <param name="config">Defaults to <see cref="SmallConfig"/>.</param>
    /// <param name="setup">Add both symbols and fund Alice, Bob and Carol.</param>
    public EngineFixture(EngineConfig? config, bool setup = true)
    {
        Out = new RecordingOutput();
        Engine = new MatchingEngine<RecordingOutput>(config ?? SmallConfig(), Out);
        if (!setup) return;
        Run(new AddSymbol(Spec1));
        Run(new AddSymbol(Spec2));
        foreach (long account in new[] { Alice, Bob, Carol })
        {
            Run(new AddAccount(account));
            Run(new Deposit(account, QuoteAsset, InitialQuote));
            Run(new Deposit(account, BaseAsset, InitialBase));
            Run(new Deposit(account, Base2Asset, InitialBase));
        }
        Out.Clear();
    }

    // ---- applying commands -------------------------------------------------------------------------

    private long Next() => ++Sequence;

    private List<object> Take()
    {
        var events = Out.Events.ToList();
        Out.Clear();
        return events;
    }

    public List<object> Run(AddAccount c) { Out.Clear(); long s = Next(); Engine.Apply(s, s * 1000, c); return Take(); }
    public List<object> Run(AddSymbol c) { Out.Clear(); long s = Next(); Engine.Apply(s, s * 1000, c); return Take(); }
    public List<object> Run(HaltSymbol c) { Out.Clear(); long s = Next(); Engine.Apply(s, s * 1000, c); return Take(); }
    public List<object> Run(ResumeSymbol c) { Out.Clear(); long s = Next(); Engine.Apply(s, s * 1000, c); return Take(); }
    public List<object> Run(Deposit c) { Out.Clear(); long s = Next(); Engine.Apply(s, s * 1000, c); return Take(); }
    public List<object> Run(Withdraw c) { Out.Clear(); long s = Next(); Engine.Apply(s, s * 1000, c); return Take(); }
    public List<object> Run(NewOrder c) { Out.Clear(); long s = Next(); Engine.Apply(s, s * 1000, c); return Take(); }
    public List<object> Run(CancelOrder c) { Out.Clear(); long s = Next(); Engine.Apply(s, s * 1000, c); return Take(); }
    public List<object> Run(ReplaceOrder c) { Out.Clear(); long s = Next(); Engine.Apply(s, s * 1000, c); return Take(); }
    public List<object> Run(MassCancel c) { Out.Clear(); long s = Next(); Engine.Apply(s, s * 1000, c); return Take(); }
    public List<object> Run(SetAccountPermission c) { Out.Clear(); long s = Next(); Engine.Apply(s, s * 1000, c); return Take(); }
    public List<object> Permit(long account, AccountPermission permission) => Run(new SetAccountPermission(account, permission));

    /// <summary>Applies a command stamped with <paramref name="timestamp"/> rather than the usual sequence × 1000.</summary>
    public List<object> RunAt(long timestamp, NewOrder c) { Out.Clear(); Engine.Apply(Next(), timestamp, c); return Take(); }
    public List<object> RunAt(long timestamp, AddSymbol c) { Out.Clear(); Engine.Apply(Next(), timestamp, c); return Take(); }
    public List<object> RunAt(long timestamp, CancelOrder c) { Out.Clear(); Engine.Apply(Next(), timestamp, c); return Take(); }
    public List<object> RunAt(long timestamp, ReplaceOrder c) { Out.Clear(); Engine.Apply(Next(), timestamp, c); return Take(); }

    /// <summary>The timer input, stamped <paramref name="timestamp"/>.</summary>
    public List<object> Expire(long timestamp) { Out.Clear(); Engine.Apply(Next(), timestamp, new ExpireOrders(Engine.NextExpiry)); return Take(); }

    public List<object> Limit(long account, long cid, Side side, long price, long qty,
        TimeInForce tif = TimeInForce.GoodTillCancel, SelfTradePrevention stp = SelfTradePrevention.None,
        bool postOnly = false, int symbol = Sym)
        => Run(new NewOrder(account, cid, symbol, side, OrderType.Limit, tif, price, qty, 0, stp, postOnly));

    public List<object> Buy(long account, long cid, long price, long qty,
        TimeInForce tif = TimeInForce.GoodTillCancel, SelfTradePrevention stp = SelfTradePrevention.None,
        bool postOnly = false, int symbol = Sym)
        => Limit(account, cid, Side.Buy, price, qty, tif, stp, postOnly, symbol);

    public List<object> Sell(long account, long cid, long price, long qty,
        TimeInForce tif = TimeInForce.GoodTillCancel, SelfTradePrevention stp = SelfTradePrevention.None,
        bool postOnly = false, int symbol = Sym)
        => Limit(account, cid, Side.Sell, price, qty, tif, stp, postOnly, symbol);

    public List<object> MarketBuy(long account, long cid, long qty, long budget,
        SelfTradePrevention stp = SelfTradePrevention.None, int symbol = Sym)
        => Run(new NewOrder(account, cid, symbol, Side.Buy, OrderType.Market, TimeInForce.ImmediateOrCancel, 0, qty, budget, stp));

    public List<object> MarketSell(long account, long cid, long qty,
        SelfTradePrevention stp = SelfTradePrevention.None, int symbol = Sym)
        => Run(new NewOrder(account, cid, symbol, Side.Sell, OrderType.Market, TimeInForce.ImmediateOrCancel, 0, qty, 0, stp));

    public List<object> Cancel(long account, long cid) => Run(new CancelOrder(account, cid));

    public List<object> Replace(long account, long cid, long newCid, long price, long qty)
        => Run(new ReplaceOrder(account, cid, newCid, price, qty));

    public List<object> MassCancel(long account, int symbol = -1, Side side = Side.None)
        => Run(new MassCancel(account, symbol, side));

    public List<object> Deposit(long account, int asset, long amount) => Run(new Deposit(account, asset, amount));
    public List<object> Withdraw(long account, int asset, long amount) => Run(new Withdraw(account, asset, amount));
    public List<object> Halt(int symbol = Sym) => Run(new HaltSymbol(symbol));
    public List<object> Resume(int symbol = Sym) => Run(new ResumeSymbol(symbol));

    // ---- reading state -----------------------------------------------------------------------------

    /// <summary>The hash of books, balances and id counters: what these tests compare. (The full state hash also covers
    /// what the engine remembers for queries, which every sequenced order changes; OrderStatusTests check that part.)</summary>
    public long Hash => Engine.StateHash(history: false);

    public BalanceView BalanceOf(long account, int asset)
    {
        Assert.True(Engine.TryGetBalance(account, asset, out var balance), $"no balance for account {account} asset {asset}");
        return balance;
    }

    public OrderView OrderOf(long account, long cid)
    {
        Assert.True(Engine.TryGetOrder(account, cid, out var order), $"no open order {cid} of account {account}");
        return order;
    }

    public bool HasOrder(long account, long cid) => Engine.TryGetOrder(account, cid, out _);

    /// <summary>Client order ids of one book side, in priority order.</summary>
    public long[] BookCids(Side side, int symbol = Sym) => Engine.Orders(symbol, side).Select(o => o.ClientOrderId).ToArray();

    /// <summary>Sum over every account (fee account included) of available + held in an asset.</summary>
    public long TotalOf(int asset)
    {
        long total = 0;
        foreach (long account in Engine.AccountIds())
            if (Engine.TryGetBalance(account, asset, out var b)) total += b.Available + b.Held;
        return total;
    }

    // ---- arithmetic of symbol 1 (lot 10, maker 10 bps, taker 20 bps) -------------------------------

    public static long N(long price, long qty) => price * qty / 10;
    public static long MakerFee(long notional) => notional * 10 / 10_000;
    public static long TakerFee(long notional) => notional * 20 / 10_000;
    public static long MaxFee(long notional) => (notional * 20 + 9_999) / 10_000;
    public static long BuyHold(long price, long qty) => N(price, qty) + MaxFee(N(price, qty));

    // ---- expected events ---------------------------------------------------------------------------

    public static OrderAccepted Accepted(long account, long cid, long orderId, Side side, long price, long qty,
        TimeInForce tif = TimeInForce.GoodTillCancel, OrderType type = OrderType.Limit, int symbol = Sym)
        => new(account, cid, orderId, symbol, side, type, tif, price, qty);

    public static BalanceChanged Balance(long account, int asset, long available, long held) => new(account, asset, available, held);

    public static LevelChanged Level(Side side, long price, long qty, int count, int symbol = Sym) => new(symbol, side, price, qty, count);

    public static BestBidOffer Bbo(long bid, long bidQty, long ask, long askQty, int symbol = Sym) => new(symbol, bid, bidQty, ask, askQty);

    public static Fill MakerFill(long tradeId, long account, long cid, long orderId, Side side, long price, long qty,
        long fee, long filled, long leaves, int symbol = Sym)
        => new(tradeId, account, cid, orderId, symbol, side, Liquidity.Maker, price, qty, fee, filled, leaves);

    public static Fill TakerFill(long tradeId, long account, long cid, long orderId, Side side, long price, long qty,
        long fee, long filled, long leaves, int symbol = Sym)
        => new(tradeId, account, cid, orderId, symbol, side, Liquidity.Taker, price, qty, fee, filled, leaves);

    /// <summary>The trade market data sees after a taker's fill: its side is the aggressor's.</summary>
    public static Trade Traded(long tradeId, Side aggressor, long price, long qty, int symbol = Sym) => new(symbol, tradeId, price, qty, aggressor);

    public static OrderCancelled Cancelled(long account, long cid, long orderId, Side side, CancelReason reason,
        long cancelled, long filled, int symbol = Sym)
        => new(account, cid, orderId, symbol, side, reason, cancelled, filled);

    public static CommandRejected Rejected(CommandKind kind, long account, long cid, int symbol, RejectReason reason)
        => new(kind, account, cid, symbol, reason);

    public static CommandRejected OrderRejected(long account, long cid, RejectReason reason, int symbol = Sym)
        => new(CommandKind.NewOrder, account, cid, symbol, reason);

    // ---- assertions --------------------------------------------------------------------------------

    public static void AssertEvents(IReadOnlyList<object> actual, params object[] expected)
        => Assert.Equal(expected, actual.ToArray());

    public static CommandRejected SingleReject(IReadOnlyList<object> events)
        => Assert.IsType<CommandRejected>(Assert.Single(events));

    /// <summary>Applies a command that must be rejected: exactly one CommandRejected, and no state change.</summary>
    public CommandRejected AssertRejectedWithoutChange(Func<List<object>> command)
    {
        long before = Hash;
        int openBefore = Engine.OpenOrderCount;
        var events = command();
        var rejected = SingleReject(events);
        Assert.Equal(before, Hash);
        Assert.Equal(openBefore, Engine.OpenOrderCount);
        return rejected;
    }

    /// <summary>Like <see cref="AssertRejectedWithoutChange"/>, also requiring the exact event.</summary>
    public void AssertRejectedWithoutChange(CommandRejected expected, Func<List<object>> command)
        => Assert.Equal(expected, AssertRejectedWithoutChange(command));
}
