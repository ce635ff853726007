// Seeded generator of a realistic, adversarial command mix. It peeks at the reference engine's state to
// aim cancels and replaces at orders that exist and to keep books from growing without bound; the fast
// engine is never consulted, so the stream depends only on the seed and the reference's behaviour.
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Differential.Tests;

public sealed class CommandGenerator
{
    private const int AssetCount = 6;      // 0..5; asset 5 is only ever deposited into (overflow tests)
    private readonly Random rng;
    private readonly ReferenceEngine reference;
    private readonly EngineConfig config;
    private readonly Queue<object> pending = new();
    private readonly List<long> traders = new();
    private readonly Dictionary<long, long> nextClientId = new();
    private readonly Dictionary<int, SymbolSpec> specs;
    private readonly int lateSymbolAt;
    private long index;

    /// <summary>Symbols: different ticks, lots, fee levels (maker below, at zero and above taker), shared assets.</summary>
    public static readonly SymbolSpec[] Symbols =
    [
        new(Id: 0, BaseAsset: 1, QuoteAsset: 0, TickSize: 10, LotSize: 100, MinQuantity: 100, MaxQuantity: 100_000,
            ReferencePrice: 10_000, BandBps: 500, MakerFeeBps: 10, TakerFeeBps: 25, MaxNotional: 5_000_000),
        new(Id: 1, BaseAsset: 2, QuoteAsset: 0, TickSize: 1, LotSize: 1, MinQuantity: 1, MaxQuantity: 1_000,
            ReferencePrice: 250, BandBps: 2_000, MakerFeeBps: 0, TakerFeeBps: 7, MaxNotional: 200_000),
        new(Id: 3, BaseAsset: 1, QuoteAsset: 4, TickSize: 25, LotSize: 1_000, MinQuantity: 2_000, MaxQuantity: 1_000_000,
            ReferencePrice: 5_000, BandBps: 1_000, MakerFeeBps: 15, TakerFeeBps: 5, MaxNotional: 3_000_000),
        // Added half-way through the run: a symbol that starts empty while the others are busy.
        new(Id: 2, BaseAsset: 4, QuoteAsset: 0, TickSize: 3, LotSize: 7, MinQuantity: 7, MaxQuantity: 7_000,
            ReferencePrice: 999, BandBps: 300, MakerFeeBps: 33, TakerFeeBps: 21, MaxNotional: 400_000),
    ];

    /// <summary>Session ends (ns after UTC midnight) of the symbols that have one: the run's timestamps (the sequence × 10 ns,
    /// see <see cref="Now"/>) pass symbol 0's and 1's, after which their Day orders expire the next day (not in the run);
    /// symbol 3 has none (its Day orders are rejected).</summary>
    private static readonly Dictionary<int, long> SessionEnds = new() { [0] = 1_000_000, [1] = 600_000, [2] = 2_000_000 };

    private static AddSymbol Add(SymbolSpec s) => new(s, default, SessionEnds.GetValueOrDefault(s.Id));

    /// <summary>The timestamp the command being generated will be applied with: the tests apply command n (from 1) with
    /// sequence n and timestamp 10·n.</summary>
    private long Now => index * 10;

    /// <summary>Three capacity profiles; seed % 3 picks one.</summary>
    public static EngineConfig ConfigFor(int seed) => (seed % 3) switch
    {
        0 => new EngineConfig
        {
            AssetCount = AssetCount, MaxSymbols = 8, MaxAccounts = 64, MaxOrders = 1 << 14, MaxPriceLevels = 1 << 12,
            InitialLevelsPerSide = 64, MaxOpenOrdersPerAccount = 1 << 14, FeeAccount = 0,
        },
        1 => new EngineConfig
        {
            // Tight: capacity rejects are common, sides grow past their initial room, one AddAccount is refused.
            AssetCount = AssetCount, MaxSymbols = 8, MaxAccounts = 6, MaxOrders = 24, MaxPriceLevels = 18,
            InitialLevelsPerSide = 2, MaxOpenOrdersPerAccount = 12, FeeAccount = 0,
        },
        _ => new EngineConfig
        {
            AssetCount = AssetCount, MaxSymbols = 8, MaxAccounts = 16, MaxOrders = 200, MaxPriceLevels = 40,
            InitialLevelsPerSide = 4, MaxOpenOrdersPerAccount = 60, FeeAccount = 1_000,
        },
    };

    public CommandGenerator(int seed, ReferenceEngine reference, int totalCommands)
    {
        rng = new Random(seed);
        this.reference = reference;
        config = reference.Config;
        specs = Symbols.ToDictionary(s => s.Id);
        lateSymbolAt = totalCommands / 2;

        // Setup: accounts (one more than the tight profile allows), symbols (plus invalid and duplicate
        // ones), deposits. Trader 5 is poor so InsufficientFunds happens naturally. Traders 7, 8 and 9 are cancel-only,
        // read-only and admin (the tight profile has no room for them: their commands meet UnknownAccount there).
        foreach (long a in new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })
        {
            pending.Enqueue(new AddAccount(a, Permission: a switch { 7 => AccountPermission.CancelOnly, 8 => AccountPermission.ReadOnly, 9 => AccountPermission.Admin, _ => AccountPermission.Trade }));
            traders.Add(a);
            nextClientId[a] = 1;
        }
        pending.Enqueue(new AddAccount(config.FeeAccount)); // duplicate: the fee account exists from the start
        pending.Enqueue(new AddAccount(3));                 // duplicate
        foreach (var s in Symbols.Take(3)) pending.Enqueue(Add(s));
        pending.Enqueue(new AddSymbol(Symbols[0] with { Id = 5 }, default, 86_400_000_000_001)); // session end past 24:00
        pending.Enqueue(new AddSymbol(Symbols[0]));                                  // duplicate
        pending.Enqueue(new AddSymbol(Symbols[0] with { Id = 8 }));                  // id outside MaxSymbols
        pending.Enqueue(new AddSymbol(Symbols[0] with { Id = 5, QuoteAsset = 1 }));  // base == quote
        pending.Enqueue(new AddSymbol(Symbols[0] with { Id = 5, QuoteAsset = 6 }));  // unknown asset
        pending.Enqueue(new AddSymbol(Symbols[0] with { Id = 5, TickSize = 0 }));
        pending.Enqueue(new AddSymbol(Symbols[0] with { Id = 5, ReferencePrice = 10_005 })); // off tick
        foreach (long a in traders)
        {
            long scale = a == 5 ? 1 : 100;
            pending.Enqueue(new Deposit(a, 0, 2_000_000 * scale));
            pending.Enqueue(new Deposit(a, 1, 400_000 * scale));
            pending.Enqueue(new Deposit(a, 2, 20_000 * scale));
            pending.Enqueue(new Deposit(a, 4, 1_500_000 * scale));
        }
        // The fee account trades too (rarely), so it needs funds.
        pending.Enqueue(new Deposit(config.FeeAccount, 0, 10_000_000));
        pending.Enqueue(new Deposit(config.FeeAccount, 1, 1_000_000));
        // Overflow probes on asset 5, which no symbol uses.
        pending.Enqueue(new Deposit(6, 5, Limits.MaxAmount));
        pending.Enqueue(new Deposit(6, 5, 1));                    // BalanceOverflow
        pending.Enqueue(new Deposit(6, 5, Limits.MaxAmount + 1)); // InvalidAmount
        pending.Enqueue(new Withdraw(6, 5, Limits.MaxAmount - 10));
        pending.Enqueue(new Deposit(6, 5, Limits.MaxAmount - 10)); // exactly 2^60 again: allowed
        pending.Enqueue(new Deposit(6, 5, 1));                    // BalanceOverflow
    }

    private bool Chance(double p) => rng.NextDouble() < p;
    private T Pick<T>(IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    private long PickAccount()
    {
        if (Chance(0.01)) return 77;                 // unknown
        if (Chance(0.01)) return config.FeeAccount;  // the fee account trades as well
        // Trader 6 only trades occasionally; 1 and 2 most.
        return rng.Next(10) switch { 0 or 1 or 2 => 1, 3 or 4 or 5 => 2, 6 => 3, 7 => 4, 8 => 5, _ => Chance(0.5) ? 6 : 1 };
    }

    private long NewClientId(long account)
    {
        if (!nextClientId.TryGetValue(account, out long id)) id = 1;
        nextClientId[account] = id + 1;
        return id;
    }

    private int PickSymbol(bool allowUnknown = true)
    {
        if (allowUnknown && Chance(0.01)) return Chance(0.5) ? 5 : 63;
        var ids = reference.SymbolIds();
        return ids.Count == 0 ? 0 : Pick(ids);
    }

    private SymbolSpec SpecOf(int symbol) => specs.TryGetValue(symbol, out var s) ? s : Symbols[0];

    private long RandomPrice(SymbolSpec s, Side side)
    {
        double r = rng.NextDouble();
        if (r < 0.01) return rng.Next(3) - 1;                                   // 0 or negative (or 1)
        if (r < 0.02) return s.ReferencePrice + s.TickSize * rng.Next(-5, 6) + (s.TickSize > 1 ? 1 : 0); // off tick (where possible)
        if (r < 0.03) return Chance(0.5) ? s.BandHigh + s.TickSize * rng.Next(1, 4) : s.BandLow - s.TickSize * rng.Next(1, 4);
        if (r < 0.05) return Chance(0.5) ? s.BandHigh : s.BandLow;              // edges of the band
        // Clustered: buys a little below the reference, sells a little above, overlapping by several ticks.
        int k = side == Side.Buy ? rng.Next(-15, 4) : rng.Next(-3, 16);
        return s.ReferencePrice + s.TickSize * k;
    }

    private long RandomQuantity(SymbolSpec s)
    {
        double r = rng.NextDouble();
        if (r < 0.01) return -rng.Next(0, 2) * s.LotSize;                       // 0 or negative
        if (r < 0.02 && s.LotSize > 1) return s.LotSize * rng.Next(1, 5) + 1;   // off lot
        if (r < 0.03 && s.MinQuantity > s.LotSize) return s.LotSize;            // below minimum
        if (r < 0.04) return s.MaxQuantity + s.LotSize;                         // above maximum
        if (r < 0.05) return s.MaxQuantity;                                     // large: notional limit, funds
        long minLots = s.MinQuantity / s.LotSize;
        return s.LotSize * (minLots + (Chance(0.7) ? rng.Next(0, 8) : rng.Next(0, 40)));
    }

    public object Next()
    {
        index++;
        if (pending.Count > 0) return pending.Dequeue();
        if (index == lateSymbolAt) return Add(Symbols[3]);
        // The timer input: mostly soon after something is due (an order may trade past its expiry until then), sometimes
        // with nothing due.
        if ((reference.NextExpiry <= Now && Chance(0.3)) || Chance(0.002)) return new ExpireOrders(reference.NextExpiry);

        int open = reference.OpenOrderCount;
        int crowd = open > 150 ? 2 : open > 60 ? 1 : 0; // more cancelling when books get crowded
        // Halts are short: anything halted is resumed after ~200 commands on average.
        if (Chance(0.005))
            foreach (int s in reference.SymbolIds())
                if (reference.TryGetSymbol(s, out _, out var st) && st == SymbolStatus.Halted) return new ResumeSymbol(s);
        double r = rng.NextDouble();
        if (r < 0.001) return HaltOrResume();
        if (r < 0.005) return AdminNoise();
        if (r < 0.05) return DepositCommand();
        if (r < 0.07) return WithdrawCommand();
        if (r < 0.073 + 0.012 * crowd) return MassCancelCommand();
        if (r < 0.11 + 0.08 * crowd) return CancelCommand();
        if (r < 0.23 + 0.08 * crowd) return ReplaceCommand();
        return NewOrderCommand();
    }

    private object HaltOrResume()
    {
        int symbol = PickSymbol();
        if (Chance(0.1)) return Chance(0.5) ? new HaltSymbol(symbol) : new ResumeSymbol(symbol); // maybe already in status
        if (reference.TryGetSymbol(symbol, out _, out var status) && status == SymbolStatus.Halted) return new ResumeSymbol(symbol);
        return new HaltSymbol(symbol);
    }

    private object AdminNoise()
    {
        switch (rng.Next(5))
        {
            case 4:
                // A trader's permission changes while its orders rest; mostly back to Trade, so trading goes on.
                long who = Chance(0.1) ? 77 : Pick(traders);
                var permission = rng.Next(100) switch
                {
                    < 45 => AccountPermission.Trade, < 60 => AccountPermission.CancelOnly, < 72 => AccountPermission.ReadOnly,
                    < 85 => AccountPermission.Admin, _ => (AccountPermission)(4 + rng.Next(250)),
                };
                return new SetAccountPermission(who, permission);
            case 0: return Chance(0.2) ? new AddAccount(200 + rng.Next(3), Permission: (AccountPermission)(4 + rng.Next(250))) // invalid permission
                : new AddAccount(Chance(0.5) ? Pick(traders) : 100 + rng.Next(3)); // duplicate or new (capacity)
            case 1: return new AddSymbol(Symbols[rng.Next(3)]);                           // duplicate
            case 2: return Chance(0.5) ? new AddSymbol(Symbols[0] with { Id = 6, BandBps = 0 })  // invalid
                : new AddSymbol(Symbols[0] with { Id = 6 }, default, -1);                    // invalid session end
            default:
                // Symbols stay halted for a while at most: resume anything halted.
                foreach (int s in reference.SymbolIds())
                    if (reference.TryGetSymbol(s, out _, out var st) && st == SymbolStatus.Halted) return new ResumeSymbol(s);
                return new HaltSymbol(rng.Next(2) == 0 ? 9 : 1_000); // unknown symbol
        }
    }

    private object DepositCommand()
    {
        long account = Chance(0.02) ? 77 : Chance(0.03) ? config.FeeAccount : Pick(traders);
        int asset = Chance(0.02) ? (Chance(0.5) ? AssetCount : -1) : rng.Next(0, 5);
        long amount = rng.Next(100) switch
        {
            0 => 0,
            1 => -5,
            2 => Limits.MaxAmount + 1,
            < 60 => rng.Next(1, 1_000_000),
            _ => rng.Next(1, 100_000_000),
        };
        return new Deposit(account, asset, amount);
    }

    private object WithdrawCommand()
    {
        long account = Chance(0.02) ? 77 : Pick(traders);
        int asset = Chance(0.02) ? AssetCount + 3 : rng.Next(0, 5);
        long amount;
        if (Chance(0.03)) amount = Chance(0.5) ? 0 : -1;
        else if (reference.TryGetBalance(account, asset, out var b) && b.Available > 0)
            amount = Chance(0.1) ? b.Available + 1 : Chance(0.1) ? b.Available : 1 + (long)(rng.NextDouble() * b.Available * 0.3);
        else amount = 1 + rng.Next(1000);
        return new Withdraw(account, asset, amount);
    }

    private object MassCancelCommand()
    {
        long account = PickAccount();
        int symbol = rng.Next(10) switch { < 5 => -1, 9 => Chance(0.3) ? 5 : PickSymbol(), _ => PickSymbol() };
        Side side = rng.Next(20) switch { < 8 => Side.None, < 13 => Side.Buy, < 19 => Side.Sell, _ => (Side)7 };
        return new MassCancel(account, symbol, side);
    }

    /// <summary>Mostly an account that has open orders, so cancels and replaces usually hit something.</summary>
    private long PickAccountWithOrders()
    {
        var owners = reference.OpenOrders.Select(o => o.Account).Distinct().OrderBy(a => a).ToList();
        return owners.Count > 0 && Chance(0.9) ? Pick(owners) : PickAccount();
    }

    private ReferenceEngine.Order? PickOpenOrder(long account)
    {
        var mine = reference.OpenOrdersOf(account).ToList();
        return mine.Count == 0 ? null : Pick(mine);
    }

    private object CancelCommand()
    {
        long account = PickAccountWithOrders();
        var o = PickOpenOrder(account);
        if (o is null || Chance(0.08)) return new CancelOrder(account, Chance(0.5) ? 1_000_000 + rng.Next(100) : rng.Next(1, 50));
        return new CancelOrder(account, o.ClientOrderId);
    }

    private object ReplaceCommand()
    {
        long account = PickAccountWithOrders();
        var o = PickOpenOrder(account);
        if (o is null || Chance(0.05))
            return new ReplaceOrder(account, 2_000_000 + rng.Next(10), NewClientId(account), 10_000, 100);
        var s = SpecOf(o.Symbol);

        long newClientId = rng.Next(20) switch
        {
            < 9 => o.ClientOrderId,
            19 => reference.OpenOrdersOf(account).Select(x => x.ClientOrderId).Where(x => x != o.ClientOrderId).DefaultIfEmpty(o.ClientOrderId).First(), // duplicate (if any)
            _ => NewClientId(account),
        };

        long price = rng.Next(10) < 4 ? o.Price : RandomPrice(s, o.Side);
        long quantity;
        double r = rng.NextDouble();
        if (r < 0.25) quantity = o.Quantity;
        else if (r < 0.45) quantity = Math.Max(s.MinQuantity, o.Quantity - s.LotSize * rng.Next(1, 4)); // decrease
        else if (r < 0.52 && o.Filled >= s.MinQuantity) quantity = Math.Max(s.MinQuantity, o.Filled - s.LotSize * rng.Next(0, 2)); // at/below filled
        else if (r < 0.55) quantity = RandomQuantity(s); // may be invalid
        else quantity = o.Quantity + s.LotSize * rng.Next(1, 10);

        // README leaves open what happens when a replaced order must rest at a new price level while every
        // level is in use (there is no PriceLevelCapacityExhausted check for replaces). Don't go there.
        bool levelAlone = reference.OpenOrders.Count(x => x.Symbol == o.Symbol && x.Side == o.Side && x.Price == o.Price) == 1;
        if (price != o.Price && !levelAlone && reference.LevelCount >= config.MaxPriceLevels && !reference.HasLevel(o.Symbol, o.Side, price))
            price = o.Price;

        return new ReplaceOrder(account, o.ClientOrderId, newClientId, price, quantity);
    }

    private object NewOrderCommand()
    {
        long account = PickAccount();
        int symbol = PickSymbol();
        var s = SpecOf(symbol);
        Side side = Chance(0.005) ? (Chance(0.5) ? Side.None : (Side)3) : Chance(0.5) ? Side.Buy : Side.Sell;

        OrderType type = Chance(0.005) ? (OrderType)(Chance(0.5) ? 0 : 9)
            : rng.Next(100) switch { < 18 => OrderType.Market, < 24 => OrderType.Stop, < 32 => OrderType.StopLimit, _ => OrderType.Limit };
        TimeInForce tif;
        if (Chance(0.005)) tif = (TimeInForce)(Chance(0.5) ? 0 : 4);
        else if (type == OrderType.Stop) tif = Chance(0.97) ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel;
        else if (type == OrderType.StopLimit) tif = rng.Next(24) switch { < 13 => TimeInForce.GoodTillCancel, < 19 => TimeInForce.ImmediateOrCancel, < 20 => TimeInForce.FillOrKill,
            < 22 => TimeInForce.GoodTillDate, _ => TimeInForce.Day };
        else if (type == OrderType.Market) tif = Chance(0.97) ? TimeInForce.ImmediateOrCancel : Chance(0.4) ? TimeInForce.GoodTillCancel
            : Chance(0.5) ? TimeInForce.FillOrKill : TimeInForce.GoodTillDate;
        else tif = rng.Next(26) switch { < 11 => TimeInForce.GoodTillCancel, < 16 => TimeInForce.ImmediateOrCancel, < 20 => TimeInForce.FillOrKill,
            < 23 => TimeInForce.GoodTillDate, _ => TimeInForce.Day };

        bool postOnly = tif is (TimeInForce.GoodTillCancel or TimeInForce.GoodTillDate or TimeInForce.Day) && type == OrderType.Limit ? Chance(0.12) : Chance(0.005);

        // GTD: mostly an expiry a few hundred to a few thousand inputs ahead; sometimes none, now or in the past (rejected).
        // Other times in force sometimes carry one, which is ignored.
        long expireTime = tif == TimeInForce.GoodTillDate || Chance(0.01)
            ? rng.Next(100) switch { 0 => 0, 1 => Now, 2 => Now - 10, _ => Now + 10 * rng.Next(1, 3_000) }
            : 0;

        var stp = rng.Next(100) switch
        {
            < 40 => SelfTradePrevention.None,
            < 54 => SelfTradePrevention.CancelNewest,
            < 68 => SelfTradePrevention.CancelOldest,
            < 82 => SelfTradePrevention.CancelBoth,
            < 99 => SelfTradePrevention.Decrement,
            _ => (SelfTradePrevention)5,
        };

        long clientId;
        if (Chance(0.03) && reference.OpenOrdersOf(account).FirstOrDefault() is { } existing) clientId = existing.ClientOrderId;
        else clientId = NewClientId(account);

        long quantity = RandomQuantity(s);
        long price = RandomPrice(s, side);
        long budget = 0;
        long stopPrice = 0;
        if (type is OrderType.Stop or OrderType.StopLimit || Chance(0.01))
        {
            // Mostly a valid stop on the side of the last price that waits; sometimes one that would trigger, off
            // tick, outside the band or 0.
            long last = reference.LastPrice(symbol);
            long anchor = last != 0 ? last : s.ReferencePrice;
            long ticks = rng.Next(1, 30);
            stopPrice = rng.Next(100) switch
            {
                0 => 0,
                1 => anchor + 1,
                2 => s.BandHigh + s.TickSize,
                < 12 => side == Side.Buy ? anchor - ticks * s.TickSize : anchor + ticks * s.TickSize, // would trigger (once there is a last price)
                _ => side == Side.Buy ? anchor + ticks * s.TickSize : anchor - ticks * s.TickSize,
            };
            if (type == OrderType.StopLimit && Chance(0.5))
                price = Math.Clamp(stopPrice + (side == Side.Buy ? 1 : -1) * rng.Next(0, 10) * s.TickSize, s.BandLow, s.BandHigh);
        }
        if (type is OrderType.Market or OrderType.Stop)
        {
            if (Chance(0.3)) price = rng.Next(0, 3) * s.TickSize + 1; // ignored for market orders
            if (side == Side.Buy)
            {
                long lots = Math.Max(1, quantity / s.LotSize);
                long estimate = s.ReferencePrice * lots;
                budget = rng.Next(100) switch
                {
                    0 => 0,
                    1 => -estimate,
                    2 => Limits.MaxAmount + 1,
                    3 => s.MaxNotional + 1,
                    < 10 => rng.Next(1, (int)Math.Min(int.MaxValue, s.ReferencePrice * 2)), // less than a lot, or about one
                    _ => Math.Max(1, (long)(estimate * (0.2 + 1.4 * rng.NextDouble())) + rng.Next(0, 50)),
                };
            }
            else if (Chance(0.03)) budget = 12345; // ignored for sells
        }

        // Icebergs: a fifth of GTC limit orders, showing a few lots at a time; sometimes a display quantity that is refused
        // (negative, not below the quantity, off the lot, below the minimum) or given to another type or time in force.
        long display = 0;
        if ((type == OrderType.Limit && tif == TimeInForce.GoodTillCancel && Chance(0.2)) || Chance(0.01))
        {
            long lots = Math.Max(1, quantity / s.LotSize);
            display = rng.Next(100) switch
            {
                0 => -s.LotSize,
                1 => quantity,
                2 => quantity + s.LotSize,
                3 => s.LotSize > 1 ? s.LotSize + 1 : 0,
                4 => s.MinQuantity > s.LotSize ? s.MinQuantity - s.LotSize : 0,
                _ => rng.Next(1, (int)Math.Min(6, Math.Max(2, lots))) * s.LotSize,
            };
            if (display > 0 && display < s.MinQuantity && rng.Next(100) >= 5) display = s.MinQuantity;
        }

        return new NewOrder(account, clientId, symbol, side, type, tif, price, quantity, budget, stp, postOnly, stopPrice, display, expireTime);
    }
}
