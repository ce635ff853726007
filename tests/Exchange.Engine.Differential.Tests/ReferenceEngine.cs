// A deliberately simple, slow model of the matching engine, written from engine/Exchange.Engine/README.md
// alone. Every resting order lives in one List; books, levels and best prices are recomputed with LINQ
// whenever they are needed. Clarity over speed: nothing here is shared with the fast engine except the
// contract types (commands, events, SymbolSpec, EngineConfig, views).
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Differential.Tests;

public sealed class ReferenceEngine
{
    public sealed class Order
    {
        public long Id;
        public long Account;
        public long ClientOrderId;
        public int Symbol;
        public Side Side;
        public OrderType Type;
        public TimeInForce TimeInForce;
        public long Price;          // 0 for market orders
        public long Quantity;
        public long Filled;
        public long Budget;         // market buy only: what is left of its QuoteBudget
        public SelfTradePrevention SelfTrade;
        public bool PostOnly;
        public long RestSequence;   // time priority: set every time the order (re)enters the back of a level
        public OrderType EnteredAs; // Stop or StopLimit for a stop order (Type is then Market or Limit); else Type
        public long StopPrice;      // stop orders only
        public long Display;        // README "Iceberg orders": its display quantity, 0 for an order shown whole
        public long Shown;          // an iceberg's slice while it rests
        public long ExpireAt;       // Day and GTD orders: when the timer input expires them; else 0

        public long Leaves => Quantity - Filled;
        /// <summary>What market data sees of it: an iceberg's slice, any other order's leaves.</summary>
        public long Visible => Display == 0 ? Leaves : Shown;
    }

    private sealed class Balance
    {
        public long Available;
        public long Held;
    }

    private sealed class SymbolState
    {
        public SymbolState(SymbolSpec spec)
        {
            Spec = spec;
            Status = SymbolStatus.Open;
            LastBbo = new BestBidOffer(spec.Id, 0, 0, 0, 0);
        }

        public SymbolSpec Spec;
        public SymbolStatus Status;
        public BestBidOffer LastBbo;
        public long LastPrice;      // README "Stop and stop-limit orders": the last trade's price, 0 before the first
        public long SessionEnd;     // README "Day and GoodTillDate orders": ns after UTC midnight; 0 none
    }

    private readonly EngineConfig config;
    private readonly IEngineOutput output;
    private readonly List<long> accounts = new();
    /// <summary>Accounts whose permission is not Trade.</summary>
    private readonly Dictionary<long, AccountPermission> permissions = new();
    private AccountPermission PermissionOf(long account) => permissions.GetValueOrDefault(account, AccountPermission.Trade);
    private bool MayPlace(long account) => PermissionOf(account) is AccountPermission.Trade or AccountPermission.Admin;
    private bool MayCancel(long account) => PermissionOf(account) != AccountPermission.ReadOnly;
    private readonly Dictionary<(long Account, int Asset), Balance> balances = new();
    private readonly Dictionary<int, SymbolState> symbols = new();
    private readonly List<Order> book = new(); // every resting order of every symbol, in no particular order
    private readonly List<Order> stops = new(); // every pending stop of every symbol, in no particular order
    private long nextOrderId = 1;
    private long nextTradeId = 1;
    private long restCounter;
    private long lastSequence = long.MinValue;


    public ReferenceEngine(EngineConfig config, IEngineOutput output)
    {
        this.config = config;
        this.output = output;
        accounts.Add(config.FeeAccount);
    }

    // ------------------------------------------------------------------ queries

    public EngineConfig Config => config;
    public IReadOnlyList<long> AccountIds() => accounts.ToList();
    public bool HasAccount(long account) => accounts.Contains(account);
    public IReadOnlyList<int> SymbolIds() => symbols.Keys.OrderBy(s => s).ToList();
    public bool TryGetSymbol(int symbol, out SymbolSpec spec, out SymbolStatus status)
    {
        if (symbols.TryGetValue(symbol, out var st)) { spec = st.Spec; status = st.Status; return true; }
        spec = default; status = default; return false;
    }
    public int OpenOrderCount => book.Count + stops.Count;
    /// <summary>Price levels in use: the books' and the pending stops' (one per symbol, side and stop price).</summary>
    public int LevelCount => book.Select(o => (o.Symbol, o.Side, o.Price)).Distinct().Count()
        + stops.Select(o => (o.Symbol, o.Side, o.StopPrice)).Distinct().Count();
    public bool HasLevel(int symbol, Side side, long price) => book.Any(o => o.Symbol == symbol && o.Side == side && o.Price == price);
    public bool HasStopLevel(int symbol, Side side, long stopPrice) => stops.Any(o => o.Symbol == symbol && o.Side == side && o.StopPrice == stopPrice);
    public IReadOnlyList<Order> OpenOrders => book;
    public IReadOnlyList<Order> PendingStops => stops;
    public long LastPrice(int symbol) => symbols.TryGetValue(symbol, out var st) ? st.LastPrice : 0;
    public long SessionEndOf(int symbol) => symbols.TryGetValue(symbol, out var st) ? st.SessionEnd : 0;
    public IEnumerable<Order> OpenOrdersOf(long account) => book.Concat(stops).Where(o => o.Account == account).OrderBy(o => o.Id);

    /// <summary>Pending stops of one side in trigger order: nearest stop price first (buy: lowest, sell: highest), then arrival.</summary>
    public IReadOnlyList<StopView> Stops(int symbol, Side side)
    {
        var q = stops.Where(o => o.Symbol == symbol && o.Side == side);
        return (side == Side.Buy ? q.OrderBy(o => o.StopPrice) : q.OrderByDescending(o => o.StopPrice)).ThenBy(o => o.Id)
            .Select(o => new StopView(View(o), o.EnteredAs, o.TimeInForce, o.StopPrice)).ToList();
    }

    public bool TryGetBalance(long account, int asset, out BalanceView view)
    {
        if (!accounts.Contains(account) || (uint)asset >= (uint)config.AssetCount) { view = default; return false; }
        var b = Bal(account, asset);
        view = new BalanceView(b.Available, b.Held);
        return true;
    }

    public IReadOnlyList<OrderView> Orders(int symbol, Side side) => BookOrders(symbol, side).Select(View).ToList();

    public IReadOnlyList<LevelView> Levels(int symbol, Side side) =>
        BookOrders(symbol, side)
            .GroupBy(o => o.Price) // GroupBy keeps the order of first appearance, i.e. best price first
            .Select(g => new LevelView(g.Key, g.Sum(o => o.Visible), g.Count()))
            .ToList();

    /// <summary>An open order as the engine shows it; a pending stop with its type, stop price and time in force.</summary>
    public OrderView View(Order o)
    {
        var view = new OrderView(o.Id, o.Account, o.ClientOrderId, o.Symbol, o.Side, o.Price, o.Quantity,
            o.Filled, Required(o), o.SelfTrade, o.PostOnly) { DisplayQuantity = o.Display, Shown = o.Display == 0 ? 0 : o.Shown };
        if (stops.Contains(o)) return view with { Type = o.EnteredAs, StopPrice = o.StopPrice, TimeInForce = o.TimeInForce };
        return o.TimeInForce is TimeInForce.Day or TimeInForce.GoodTillDate ? view with { TimeInForce = o.TimeInForce } : view;
    }

    // ------------------------------------------------------------------ arithmetic (README "Units")

    public static long Notional(SymbolSpec s, long price, long quantity) => checked((long)((Int128)price * quantity / s.LotSize));
    public static long Fee(long notional, int bps) => checked((long)((Int128)notional * bps / 10_000));
    public static long MaxFee(long notional, int maxFeeBps) => checked((long)(((Int128)notional * maxFeeBps + 9_999) / 10_000));

    /// <summary>README "Holds": what an open order holds.</summary>
    public static long Required(SymbolSpec s, Side side, OrderType type, long price, long leaves, long budget)
    {
        if (side == Side.Sell) return leaves;
        if (type == OrderType.Market) return budget;
        long n = Notional(s, price, leaves);
        return checked(n + MaxFee(n, s.MaxFeeBps));
    }

    /// <summary>README "NewOrder": a market buy's budget is its QuoteBudget, or when that is 0 what its whole quantity
    /// costs at band high plus the taker fee.</summary>
    public static long MarketBuyBudget(SymbolSpec s, in NewOrder c)
    {
        if (c.QuoteBudget != 0) return c.QuoteBudget;
        long n = Notional(s, s.BandHigh, c.Quantity);
        return checked(n + Fee(n, s.TakerFeeBps));
    }

    private long Required(Order o) => Required(symbols[o.Symbol].Spec, o.Side, o.Type, o.Price, o.Leaves, o.Budget);

    private int HoldAsset(Order o) => o.Side == Side.Buy ? symbols[o.Symbol].Spec.QuoteAsset : symbols[o.Symbol].Spec.BaseAsset;

    /// <summary>Largest multiple of the lot, at most <paramref name="cap"/>, with N(p,q) + fee(N(p,q), taker) ≤ budget.</summary>
    public static long AffordableQuantity(SymbolSpec s, long price, long budget, long cap)
    {
        // Cost of k lots: p·k + floor(p·k·f / 10000). Closed form: p·k·(10000+f) ≤ 10000·(budget+1) − 1,
        // then nudged and checked by brute force so the closed form need not be trusted.
        Int128 Cost(Int128 lots) => (Int128)price * lots + (Int128)price * lots * s.TakerFeeBps / 10_000;
        Int128 capLots = cap / s.LotSize;
        Int128 k = (10_000 * ((Int128)budget + 1) - 1) / ((Int128)price * (10_000 + s.TakerFeeBps));
        if (k > capLots) k = capLots;
        while (k > 0 && Cost(k) > budget) k--;
        while (k < capLots && Cost(k + 1) <= budget) k++;
        if (k < 0) k = 0;
        return (long)(k * s.LotSize);
    }

    // ------------------------------------------------------------------ helpers

    private Balance Bal(long account, int asset)
    {
        if (!balances.TryGetValue((account, asset), out var b))
        {
            b = new Balance();
            balances[(account, asset)] = b;
        }
        return b;
    }

    private void EmitBalance(long account, int asset)
    {
        var b = Bal(account, asset);
        if (b.Available < 0 || b.Held < 0)
            throw new InvalidOperationException($"reference: negative balance {account}/{asset}: {b.Available}/{b.Held}");
        output.OnBalance(new BalanceChanged(account, asset, b.Available, b.Held));
    }

    private void MoveToHeld(long account, int asset, long amount)
    {
        var b = Bal(account, asset);
        b.Available -= amount;
        b.Held += amount;
    }

    private static bool IsBetterOrEqualForTaker(Side takerSide, long makerPrice, long limit) =>
        takerSide == Side.Buy ? makerPrice <= limit : makerPrice >= limit;

    private static Side Opposite(Side s) => s == Side.Buy ? Side.Sell : Side.Buy;

    /// <summary>Resting orders of one book side in priority order: best price first, then oldest first.</summary>
    private List<Order> BookOrders(int symbol, Side side)
    {
        var q = book.Where(o => o.Symbol == symbol && o.Side == side);
        return (side == Side.Buy ? q.OrderByDescending(o => o.Price) : q.OrderBy(o => o.Price))
            .ThenBy(o => o.RestSequence)
            .ToList();
    }

    private long? BestPrice(int symbol, Side side)
    {
        var prices = book.Where(o => o.Symbol == symbol && o.Side == side).Select(o => o.Price).ToList();
        if (prices.Count == 0) return null;
        return side == Side.Buy ? prices.Max() : prices.Min();
    }

    private void EmitLevel(int symbol, Side side, long price)
    {
        var at = book.Where(o => o.Symbol == symbol && o.Side == side && o.Price == price).ToList();
        output.OnLevel(new LevelChanged(symbol, side, price, at.Sum(o => o.Visible), at.Count));
    }

    /// <summary>README step 6.</summary>
    private void EmitBboIfChanged(int symbol)
    {
        var st = symbols[symbol];
        long bid = BestPrice(symbol, Side.Buy) ?? 0;
        long ask = BestPrice(symbol, Side.Sell) ?? 0;
        long bidQty = book.Where(o => o.Symbol == symbol && o.Side == Side.Buy && o.Price == bid).Sum(o => o.Visible);
        long askQty = book.Where(o => o.Symbol == symbol && o.Side == Side.Sell && o.Price == ask).Sum(o => o.Visible);
        var bbo = new BestBidOffer(symbol, bid, bidQty, ask, askQty);
        if (bbo != st.LastBbo)
        {
            st.LastBbo = bbo;
            output.OnBestBidOffer(bbo);
        }
    }

    private void Reject(CommandKind kind, long account, long clientOrderId, int symbol, RejectReason reason) =>
        output.OnRejected(new CommandRejected(kind, account, clientOrderId, symbol, reason));

    private void CheckSequence(long sequence)
    {
        if (sequence <= lastSequence) throw new ArgumentException($"sequence {sequence} not after {lastSequence}");
        lastSequence = sequence;
    }

    // ------------------------------------------------------------------ admin commands

    public void Apply(long sequence, long timestamp, in AddAccount c)
    {
        CheckSequence(sequence);
        if (accounts.Contains(c.Account)) { Reject(CommandKind.AddAccount, c.Account, 0, -1, RejectReason.DuplicateAccount); return; }
        if (accounts.Count >= config.MaxAccounts) { Reject(CommandKind.AddAccount, c.Account, 0, -1, RejectReason.AccountCapacityExhausted); return; }
        if (c.Permission is not (AccountPermission.Trade or AccountPermission.CancelOnly or AccountPermission.ReadOnly or AccountPermission.Admin))
        {
            Reject(CommandKind.AddAccount, c.Account, 0, -1, RejectReason.InvalidPermission);
            return;
        }
        accounts.Add(c.Account);
        if (c.Permission != AccountPermission.Trade) permissions[c.Account] = c.Permission;
        output.OnAccountAdded(new AccountAdded(c.Account));
    }

    public void Apply(long sequence, long timestamp, in SetAccountPermission c)
    {
        CheckSequence(sequence);
        RejectReason reason = !accounts.Contains(c.Account) ? RejectReason.UnknownAccount
            : c.Permission is not (AccountPermission.Trade or AccountPermission.CancelOnly or AccountPermission.ReadOnly or AccountPermission.Admin) ? RejectReason.InvalidPermission
            : RejectReason.None;
        if (reason != RejectReason.None) { Reject(CommandKind.SetAccountPermission, c.Account, 0, -1, reason); return; }
        if (c.Permission == AccountPermission.Trade) permissions.Remove(c.Account);
        else permissions[c.Account] = c.Permission;
        output.OnPermissionChanged(new AccountPermissionChanged(c.Account, c.Permission));
    }

    public void Apply(long sequence, long timestamp, in AddSymbol c)
    {
        CheckSequence(sequence);
        var reason = c.Spec.Validate(config.AssetCount, config.MaxSymbols);
        if (reason == RejectReason.None && symbols.ContainsKey(c.Spec.Id)) reason = RejectReason.DuplicateSymbol;
        if (reason == RejectReason.None && c.SessionEnd != 0 && (c.SessionEnd < 1 || c.SessionEnd > NanosPerDay)) reason = RejectReason.InvalidSymbolSpec;
        if (reason != RejectReason.None) { Reject(CommandKind.AddSymbol, 0, 0, c.Spec.Id, reason); return; }
        symbols[c.Spec.Id] = new SymbolState(c.Spec) { SessionEnd = c.SessionEnd };
        output.OnSymbolStatus(new SymbolStatusChanged(c.Spec.Id, SymbolStatus.Open));
    }

    public void Apply(long sequence, long timestamp, in HaltSymbol c)
    {
        CheckSequence(sequence);
        SetStatus(CommandKind.HaltSymbol, c.Symbol, SymbolStatus.Halted);
    }

    public void Apply(long sequence, long timestamp, in ResumeSymbol c)
    {
        CheckSequence(sequence);
        SetStatus(CommandKind.ResumeSymbol, c.Symbol, SymbolStatus.Open);
    }

    private void SetStatus(CommandKind kind, int symbol, SymbolStatus status)
    {
        if (!symbols.TryGetValue(symbol, out var st)) { Reject(kind, 0, 0, symbol, RejectReason.UnknownSymbol); return; }
        if (st.Status == status) { Reject(kind, 0, 0, symbol, RejectReason.SymbolAlreadyInStatus); return; }
        st.Status = status;
        output.OnSymbolStatus(new SymbolStatusChanged(symbol, status));
    }

    public void Apply(long sequence, long timestamp, in Deposit c)
    {
        CheckSequence(sequence);
        RejectReason reason = RejectReason.None;
        if (!accounts.Contains(c.Account)) reason = RejectReason.UnknownAccount;
        else if ((uint)c.Asset >= (uint)config.AssetCount) reason = RejectReason.UnknownAsset;
        else if (c.Amount <= 0 || c.Amount > Limits.MaxAmount) reason = RejectReason.InvalidAmount;
        else
        {
            var b = Bal(c.Account, c.Asset);
            if ((Int128)b.Available + b.Held + c.Amount > Limits.MaxAmount) reason = RejectReason.BalanceOverflow;
        }
        if (reason != RejectReason.None) { Reject(CommandKind.Deposit, c.Account, 0, c.Asset, reason); return; }
        Bal(c.Account, c.Asset).Available += c.Amount;
        EmitBalance(c.Account, c.Asset);
    }

    public void Apply(long sequence, long timestamp, in Withdraw c)
    {
        CheckSequence(sequence);
        RejectReason reason = RejectReason.None;
        if (!accounts.Contains(c.Account)) reason = RejectReason.UnknownAccount;
        else if ((uint)c.Asset >= (uint)config.AssetCount) reason = RejectReason.UnknownAsset;
        else if (c.Amount <= 0 || c.Amount > Limits.MaxAmount) reason = RejectReason.InvalidAmount;
        else if (Bal(c.Account, c.Asset).Available < c.Amount) reason = RejectReason.InsufficientFunds;
        if (reason != RejectReason.None) { Reject(CommandKind.Withdraw, c.Account, 0, c.Asset, reason); return; }
        Bal(c.Account, c.Asset).Available -= c.Amount;
        EmitBalance(c.Account, c.Asset);
    }

    // ------------------------------------------------------------------ NewOrder

    private RejectReason CheckQuantity(SymbolSpec s, long quantity)
    {
        if (quantity <= 0) return RejectReason.InvalidQuantity;
        if (quantity % s.LotSize != 0) return RejectReason.QuantityOffLot;
        if (quantity < s.MinQuantity) return RejectReason.QuantityBelowMinimum;
        if (quantity > s.MaxQuantity) return RejectReason.QuantityAboveMaximum;
        return RejectReason.None;
    }

    private static RejectReason CheckPrice(SymbolSpec s, long price)
    {
        if (price <= 0) return RejectReason.InvalidPrice;
        if (price % s.TickSize != 0) return RejectReason.PriceOffTick;
        if (price < s.BandLow || price > s.BandHigh) return RejectReason.PriceOutsideBand;
        return RejectReason.None;
    }

    private bool PostOnlyWouldTake(int symbol, Side side, long price)
    {
        var best = BestPrice(symbol, Opposite(side));
        return best is long b && IsBetterOrEqualForTaker(side, b, price);
    }

    private RejectReason ValidateNewOrder(in NewOrder c)
    {
        if (!accounts.Contains(c.Account)) return RejectReason.UnknownAccount;
        if (!MayPlace(c.Account)) return RejectReason.NotPermitted;
        if (!symbols.TryGetValue(c.Symbol, out var st)) return RejectReason.UnknownSymbol;
        if (st.Status == SymbolStatus.Halted) return RejectReason.SymbolHalted;
        var s = st.Spec;
        if (c.Side is not (Side.Buy or Side.Sell)) return RejectReason.InvalidSide;
        if (c.Type is not (OrderType.Limit or OrderType.Market or OrderType.Stop or OrderType.StopLimit)) return RejectReason.InvalidOrderType;
        bool isStop = c.Type is OrderType.Stop or OrderType.StopLimit;
        var type = EffectiveType(c.Type); // "market" includes Stop, "limit" StopLimit
        if ((type == OrderType.Market || isStop) && c.PostOnly) return RejectReason.InvalidOrderType;
        if (c.TimeInForce is not (TimeInForce.GoodTillCancel or TimeInForce.ImmediateOrCancel or TimeInForce.FillOrKill
            or TimeInForce.Day or TimeInForce.GoodTillDate))
            return RejectReason.InvalidTimeInForce;
        if (type == OrderType.Market && c.TimeInForce != TimeInForce.ImmediateOrCancel) return RejectReason.InvalidTimeInForce;
        if (c.Type == OrderType.StopLimit && c.TimeInForce == TimeInForce.FillOrKill) return RejectReason.InvalidTimeInForce;
        if (c.PostOnly && !Rests(c.TimeInForce)) return RejectReason.InvalidTimeInForce;
        if (c.SelfTrade is not (SelfTradePrevention.None or SelfTradePrevention.CancelNewest or SelfTradePrevention.CancelOldest
            or SelfTradePrevention.CancelBoth or SelfTradePrevention.Decrement)) return RejectReason.InvalidSelfTradePrevention;
        var r = CheckQuantity(s, c.Quantity);
        if (r != RejectReason.None) return r;
        if (c.DisplayQuantity != 0)
        {
            // README "Iceberg orders": a GTC limit order only, display in (0, quantity), on the lot, at least the minimum.
            if (c.DisplayQuantity < 0) return RejectReason.InvalidDisplayQuantity;
            if (c.Type != OrderType.Limit) return RejectReason.InvalidOrderType;
            if (c.TimeInForce != TimeInForce.GoodTillCancel) return RejectReason.InvalidTimeInForce;
            if (c.DisplayQuantity >= c.Quantity || c.DisplayQuantity % s.LotSize != 0 || c.DisplayQuantity < s.MinQuantity)
                return RejectReason.InvalidDisplayQuantity;
        }
        if (isStop && CheckPrice(s, c.StopPrice) != RejectReason.None) return RejectReason.InvalidStopPrice;
        if (type == OrderType.Limit)
        {
            r = CheckPrice(s, c.Price);
            if (r != RejectReason.None) return r;
        }
        bool marketBuy = type == OrderType.Market && c.Side == Side.Buy;
        long budget = marketBuy ? MarketBuyBudget(s, c) : 0;
        if (marketBuy && (budget <= 0 || budget > Limits.MaxAmount)) return RejectReason.InvalidQuoteBudget;
        long notional = type == OrderType.Limit ? Notional(s, c.Price, c.Quantity)
            : marketBuy ? budget
            : Notional(s, s.ReferencePrice, c.Quantity);
        if (notional > s.MaxNotional) return RejectReason.NotionalAboveLimit;
        long account = c.Account, clientOrderId = c.ClientOrderId;
        if (FindOpen(account, clientOrderId) is not null) return RejectReason.DuplicateClientOrderId;
        if (Rests(c.TimeInForce) || isStop)
        {
            if (OpenOrdersOf(account).Count() >= config.MaxOpenOrdersPerAccount) return RejectReason.TooManyOpenOrders;
            if (OpenOrderCount >= config.MaxOrders) return RejectReason.OrderCapacityExhausted;
            if (LevelCount >= config.MaxPriceLevels && !(isStop ? HasStopLevel(c.Symbol, c.Side, c.StopPrice) : HasLevel(c.Symbol, c.Side, c.Price)))
                return RejectReason.PriceLevelCapacityExhausted;
        }
        long hold = Required(s, c.Side, type, c.Price, c.Quantity, budget);
        int holdAsset = c.Side == Side.Buy ? s.QuoteAsset : s.BaseAsset;
        if (Bal(c.Account, holdAsset).Available < hold) return RejectReason.InsufficientFunds;
        if (c.PostOnly && PostOnlyWouldTake(c.Symbol, c.Side, c.Price)) return RejectReason.PostOnlyWouldTake;
        if (c.TimeInForce == TimeInForce.FillOrKill && !FillOrKillFillable(c)) return RejectReason.FillOrKillNotFillable;
        if (isStop && Holds(c.Side, c.StopPrice, st.LastPrice)) return RejectReason.StopWouldTrigger;
        return RejectReason.None;
    }

    private static OrderType EffectiveType(OrderType t) => t switch { OrderType.Stop => OrderType.Market, OrderType.StopLimit => OrderType.Limit, _ => t };

    /// <summary>README: a buy stop's condition holds when last ≥ stop, a sell stop's when last ≤ stop; none before the first trade.</summary>
    private static bool Holds(Side side, long stopPrice, long last) => last != 0 && (side == Side.Buy ? last >= stopPrice : last <= stopPrice);

    /// <summary>Walks the book exactly as matching would, changing nothing (README "FOK"): per level, each order's
    /// displayed part in turn, then the icebergs' hidden parts, which matching reaches after the level's last order.</summary>
    private bool FillOrKillFillable(in NewOrder c)
    {
        long remaining = c.Quantity;
        foreach (var level in BookOrders(c.Symbol, Opposite(c.Side)).GroupBy(o => o.Price))
        {
            if (!IsBetterOrEqualForTaker(c.Side, level.Key, c.Price)) break;
            long hidden = 0;
            foreach (var m in level)
            {
                if (m.Account == c.Account && c.SelfTrade != SelfTradePrevention.None)
                {
                    if (c.SelfTrade is SelfTradePrevention.CancelNewest or SelfTradePrevention.CancelBoth) return false;
                    if (c.SelfTrade == SelfTradePrevention.CancelOldest) continue;
                    remaining -= Math.Min(remaining, m.Visible); // Decrement counts
                }
                else
                {
                    remaining -= Math.Min(remaining, m.Visible);
                }
                if (remaining == 0) return true;
                hidden += m.Leaves - m.Visible;
            }
            remaining -= Math.Min(remaining, hidden);
            if (remaining == 0) return true;
        }
        return false;
    }

    public void Apply(long sequence, long timestamp, in NewOrder c)
    {
        CheckSequence(sequence);
        var reason = ValidateNewOrder(c);
        // README: after every other check, Day needs its symbol's session end, GTD an expire time after the input's timestamp.
        long expireAt = 0;
        if (reason == RejectReason.None && c.TimeInForce == TimeInForce.Day)
        {
            long end = symbols[c.Symbol].SessionEnd;
            if (end == 0) reason = RejectReason.NoSessionEnd;
            else
            {
                long midnight = timestamp - (((timestamp % NanosPerDay) + NanosPerDay) % NanosPerDay);
                expireAt = midnight + end > timestamp ? midnight + end : midnight + end + NanosPerDay;
            }
        }
        else if (reason == RejectReason.None && c.TimeInForce == TimeInForce.GoodTillDate)
        {
            if (c.ExpireTime <= timestamp) reason = RejectReason.InvalidExpireTime;
            else expireAt = c.ExpireTime;
        }
        if (reason != RejectReason.None) { Reject(CommandKind.NewOrder, c.Account, c.ClientOrderId, c.Symbol, reason); return; }

        var st = symbols[c.Symbol];
        var type = EffectiveType(c.Type);
        bool isStop = type != c.Type;
        var o = new Order
        {
            Id = nextOrderId++,
            Account = c.Account,
            ClientOrderId = c.ClientOrderId,
            Symbol = c.Symbol,
            Side = c.Side,
            Type = type,
            EnteredAs = c.Type,
            StopPrice = isStop ? c.StopPrice : 0,
            TimeInForce = c.TimeInForce,
            ExpireAt = expireAt,
            Price = type == OrderType.Market ? 0 : c.Price,
            Quantity = c.Quantity,
            Budget = type == OrderType.Market && c.Side == Side.Buy ? MarketBuyBudget(st.Spec, c) : 0,
            SelfTrade = c.SelfTrade,
            PostOnly = c.PostOnly,
            Display = c.DisplayQuantity,
        };
        // 1. accepted
        output.OnAccepted(new OrderAccepted(o.Account, o.ClientOrderId, o.Id, o.Symbol, o.Side, c.Type, o.TimeInForce, o.Price, o.Quantity, o.StopPrice,
            o.Display));
        // 2. hold
        MoveToHeld(o.Account, HoldAsset(o), Required(o));
        EmitBalance(o.Account, HoldAsset(o));
        if (isStop)
        {
            stops.Add(o); // pending: its condition does not hold (checked)
            return;
        }
        // 3-5
        RunTaker(o);
        // 6
        EmitBboIfChanged(o.Symbol);
        TriggerStops(o.Symbol);
    }

    /// <summary>README "Stop and stop-limit orders": while some pending stop of the symbol holds at its last price, trigger
    /// the next: per side nearest stop price then earliest; across sides the lower order id.</summary>
    private void TriggerStops(int symbol)
    {
        var st = symbols[symbol];
        while (true)
        {
            long last = st.LastPrice;
            var next = stops.Where(o => o.Symbol == symbol && Holds(o.Side, o.StopPrice, last))
                .OrderBy(o => o.Side == Side.Buy ? o.StopPrice : -o.StopPrice).ThenBy(o => o.Id)
                .GroupBy(o => o.Side).Select(g => g.First()).OrderBy(o => o.Id).FirstOrDefault();
            if (next is null) return;
            stops.Remove(next);
            output.OnStopTriggered(new StopTriggered(next.Account, next.ClientOrderId, next.Id, symbol, next.Side, next.EnteredAs, next.StopPrice, last));
            RunTaker(next, triggered: true);
            EmitBboIfChanged(symbol);
        }
    }

    /// <summary>README steps 3 to 5 for an order that is not (or no longer) in the book.</summary>
    private void RunTaker(Order t, bool triggered = false)
    {
        bool cancelled = !t.PostOnly && Match(t);
        if (cancelled) return;
        if (t.Leaves > 0)
        {
            if (triggered && t.Type == OrderType.Limit && Rests(t.TimeInForce)
                && LevelCount >= config.MaxPriceLevels && !HasLevel(t.Symbol, t.Side, t.Price))
            {
                CancelOutOfBook(t, CancelReason.NoPriceLevel);
            }
            else if (t.Type == OrderType.Limit && Rests(t.TimeInForce))
            {
                t.Shown = Math.Min(t.Display, t.Leaves); // an iceberg rests with a full slice (0 for other orders)
                t.RestSequence = ++restCounter;
                book.Add(t);
                EmitLevel(t.Symbol, t.Side, t.Price);
            }
            else if (t.Type == OrderType.Limit && t.TimeInForce == TimeInForce.ImmediateOrCancel)
            {
                CancelOutOfBook(t, CancelReason.ImmediateOrCancelRemainder);
            }
            else if (t.Type == OrderType.Market)
            {
                CancelOutOfBook(t, CancelReason.MarketRemainder);
            }
            else
            {
                throw new InvalidOperationException($"reference: fillable FOK order {t.Id} has {t.Leaves} left after matching");
            }
        }
        else if (t.Type == OrderType.Market && t.Side == Side.Buy)
        {
            // A market buy that filled completely releases its leftover budget.
            var b = Bal(t.Account, HoldAsset(t));
            b.Held -= t.Budget;
            b.Available += t.Budget;
            t.Budget = 0;
            EmitBalance(t.Account, HoldAsset(t));
        }
    }

    /// <summary>Cancels the taker (not in the book): OrderCancelled, then Balance releasing its whole hold.</summary>
    private void CancelOutOfBook(Order t, CancelReason reason)
    {
        long hold = Required(t);
        int asset = HoldAsset(t);
        var b = Bal(t.Account, asset);
        b.Held -= hold;
        b.Available += hold;
        output.OnCancelled(new OrderCancelled(t.Account, t.ClientOrderId, t.Id, t.Symbol, t.Side, reason, t.Leaves, t.Filled));
        t.Budget = 0;
        EmitBalance(t.Account, asset);
    }

    /// <summary>Cancels a resting order: it leaves the book, OrderCancelled, Balance releasing its hold.</summary>
    private void CancelResting(Order m, CancelReason reason)
    {
        long hold = Required(m);
        int asset = HoldAsset(m);
        var b = Bal(m.Account, asset);
        b.Held -= hold;
        b.Available += hold;
        book.Remove(m);
        stops.Remove(m);
        output.OnCancelled(new OrderCancelled(m.Account, m.ClientOrderId, m.Id, m.Symbol, m.Side, reason, m.Leaves, m.Filled));
        EmitBalance(m.Account, asset);
    }

    /// <summary>STP Decrement of one order by d: OrderCancelled if nothing is left, else OrderReduced; then Balance.</summary>
    private void Decrement(Order o, long d, bool resting)
    {
        long before = Required(o);
        int asset = HoldAsset(o);
        o.Quantity -= d;
        bool gone = o.Leaves == 0;
        long after;
        if (gone)
        {
            after = 0; // nothing left: its whole hold goes back (a market buy's budget too)
            o.Budget = 0;
            if (resting) book.Remove(o);
        }
        else
        {
            after = Required(o); // a market buy keeps its budget hold
        }
        var b = Bal(o.Account, asset);
        b.Held -= before - after;
        b.Available += before - after;
        if (gone)
            output.OnCancelled(new OrderCancelled(o.Account, o.ClientOrderId, o.Id, o.Symbol, o.Side, CancelReason.SelfTradePrevention, d, o.Filled));
        else
            output.OnReduced(new OrderReduced(o.Account, o.ClientOrderId, o.Id, o.Symbol, o.Side, d, o.Leaves));
        EmitBalance(o.Account, asset);
    }

    /// <summary>README step 3 (and 4). Returns true when the taker was cancelled by self-trade prevention.</summary>
    private bool Match(Order t)
    {
        var s = symbols[t.Symbol].Spec;
        var makerSide = Opposite(t.Side);
        long limit = t.Type == OrderType.Market ? (t.Side == Side.Buy ? s.BandHigh : s.BandLow) : t.Price;
        bool marketBuy = t.Type == OrderType.Market && t.Side == Side.Buy;

        while (t.Leaves > 0)
        {
            var best = BestPrice(t.Symbol, makerSide);
            if (best is not long levelPrice || !IsBetterOrEqualForTaker(t.Side, levelPrice, limit)) return false;

            bool changed = false, stop = false, cancelled = false;
            while (true)
            {
                var m = book.Where(o => o.Symbol == t.Symbol && o.Side == makerSide && o.Price == levelPrice)
                    .OrderBy(o => o.RestSequence).FirstOrDefault();
                if (m is null) break; // level used up

                if (m.Account == t.Account && t.SelfTrade != SelfTradePrevention.None)
                {
                    switch (t.SelfTrade)
                    {
                        case SelfTradePrevention.CancelNewest:
                            CancelOutOfBook(t, CancelReason.SelfTradePrevention);
                            stop = cancelled = true;
                            break;
                        case SelfTradePrevention.CancelOldest:
                            CancelResting(m, CancelReason.SelfTradePrevention);
                            changed = true;
                            break;
                        case SelfTradePrevention.CancelBoth:
                            CancelResting(m, CancelReason.SelfTradePrevention);
                            changed = true;
                            CancelOutOfBook(t, CancelReason.SelfTradePrevention);
                            stop = cancelled = true;
                            break;
                        case SelfTradePrevention.Decrement:
                            long d = Math.Min(t.Leaves, m.Visible);
                            Decrement(m, d, resting: true);
                            UseSlice(m, d);
                            changed = true;
                            Decrement(t, d, resting: false);
                            if (t.Leaves == 0) stop = cancelled = true;
                            break;
                    }
                }
                else
                {
                    long q = Math.Min(t.Leaves, m.Visible);
                    if (marketBuy)
                    {
                        q = AffordableQuantity(s, m.Price, t.Budget, q);
                        if (q == 0) stop = true;
                    }
                    if (!stop)
                    {
                        Trade(t, m, q, s);
                        UseSlice(m, q);
                        changed = true;
                    }
                }
                if (stop || t.Leaves == 0) break;
            }
            if (changed) EmitLevel(t.Symbol, makerSide, levelPrice);
            if (stop) return cancelled;
        }
        return false;
    }

    /// <summary>README "Iceberg orders": a maker iceberg traded or decremented <paramref name="q"/> of its slice; a slice used
    /// up with leaves left is replenished (min(display, leaves)) at the back of its level.</summary>
    private void UseSlice(Order m, long q)
    {
        if (m.Display == 0 || m.Leaves == 0) return;
        m.Shown -= q;
        if (m.Shown > 0) return;
        m.Shown = Math.Min(m.Display, m.Leaves);
        m.RestSequence = ++restCounter;
    }

    private void Trade(Order t, Order m, long q, SymbolSpec s)
    {
        long p = m.Price;
        long n = Notional(s, p, q);
        long makerFee = Fee(n, s.MakerFeeBps);
        long takerFee = Fee(n, s.TakerFeeBps);
        var buyer = t.Side == Side.Buy ? t : m;
        var seller = t.Side == Side.Buy ? m : t;
        long buyerFee = buyer == t ? takerFee : makerFee;
        long sellerFee = seller == t ? takerFee : makerFee;

        // Buyer pays N + fee from its hold and gains q base.
        var buyerQuote = Bal(buyer.Account, s.QuoteAsset);
        if (buyer.Type == OrderType.Market)
        {
            if (n + buyerFee > buyer.Budget) throw new InvalidOperationException("reference: market buy over budget");
            buyer.Budget -= n + buyerFee;
            buyerQuote.Held -= n + buyerFee;
            buyer.Filled += q;
        }
        else
        {
            long before = Required(buyer);
            buyer.Filled += q;
            long after = Required(buyer);
            if (before - after < n + buyerFee) throw new InvalidOperationException("reference: buy hold does not cover fill");
            buyerQuote.Held -= before - after;
            buyerQuote.Available += before - after - (n + buyerFee);
        }
        Bal(buyer.Account, s.BaseAsset).Available += q;

        // Seller's held base drops by q; it gains N - fee quote.
        Bal(seller.Account, s.BaseAsset).Held -= q;
        seller.Filled += q;
        Bal(seller.Account, s.QuoteAsset).Available += n - sellerFee;

        Bal(config.FeeAccount, s.QuoteAsset).Available += makerFee + takerFee;

        long tradeId = nextTradeId++;
        symbols[t.Symbol].LastPrice = p;
        output.OnFill(new Fill(tradeId, m.Account, m.ClientOrderId, m.Id, m.Symbol, m.Side, Liquidity.Maker, p, q, makerFee, m.Filled, m.Leaves));
        output.OnFill(new Fill(tradeId, t.Account, t.ClientOrderId, t.Id, t.Symbol, t.Side, Liquidity.Taker, p, q, takerFee, t.Filled, t.Leaves));
        output.OnTrade(new Trade(t.Symbol, tradeId, p, q, t.Side));
        if (m.Leaves == 0) book.Remove(m);
        EmitBalance(m.Account, s.BaseAsset);
        EmitBalance(m.Account, s.QuoteAsset);
        EmitBalance(t.Account, s.BaseAsset);
        EmitBalance(t.Account, s.QuoteAsset);
        if (makerFee + takerFee > 0) EmitBalance(config.FeeAccount, s.QuoteAsset);
    }

    // ------------------------------------------------------------------ CancelOrder, ReplaceOrder, MassCancel

    private Order? FindOpen(long account, long clientOrderId) =>
        book.Concat(stops).FirstOrDefault(o => o.Account == account && o.ClientOrderId == clientOrderId);

    public void Apply(long sequence, long timestamp, in CancelOrder c)
    {
        CheckSequence(sequence);
        if (!accounts.Contains(c.Account)) { Reject(CommandKind.CancelOrder, c.Account, c.ClientOrderId, -1, RejectReason.UnknownAccount); return; }
        if (!MayCancel(c.Account)) { Reject(CommandKind.CancelOrder, c.Account, c.ClientOrderId, -1, RejectReason.NotPermitted); return; }
        var o = FindOpen(c.Account, c.ClientOrderId);
        if (o is null) { Reject(CommandKind.CancelOrder, c.Account, c.ClientOrderId, -1, RejectReason.UnknownOrder); return; }
        bool pending = stops.Contains(o);
        CancelResting(o, CancelReason.ByClient);
        if (pending) return; // not in the book: no market data
        EmitLevel(o.Symbol, o.Side, o.Price);
        EmitBboIfChanged(o.Symbol);
    }

    private RejectReason ValidateReplace(in ReplaceOrder c, out Order? order)
    {
        order = null;
        if (!accounts.Contains(c.Account)) return RejectReason.UnknownAccount;
        if (!MayPlace(c.Account)) return RejectReason.NotPermitted;
        var o = FindOpen(c.Account, c.OrigClientOrderId);
        if (o is null) return RejectReason.UnknownOrder;
        order = o;
        if (stops.Contains(o)) return RejectReason.PendingStopNotReplaceable;
        var st = symbols[o.Symbol];
        if (st.Status == SymbolStatus.Halted) return RejectReason.SymbolHalted;
        var s = st.Spec;
        var r = CheckQuantity(s, c.Quantity);
        if (r != RejectReason.None) return r;
        r = CheckPrice(s, c.Price);
        if (r != RejectReason.None) return r;
        if (Notional(s, c.Price, c.Quantity) > s.MaxNotional) return RejectReason.NotionalAboveLimit;
        long account = c.Account, newId = c.ClientOrderId;
        if (c.ClientOrderId != c.OrigClientOrderId && FindOpen(account, newId) is not null)
            return RejectReason.DuplicateClientOrderId;
        if (c.Quantity <= o.Filled) return RejectReason.None; // cancelled below; the remaining checks do not apply
        long newHold = Required(s, o.Side, o.Type, c.Price, c.Quantity - o.Filled, 0);
        if (newHold - Required(o) > Bal(o.Account, HoldAsset(o)).Available) return RejectReason.InsufficientFunds;
        if (o.PostOnly && c.Price != o.Price && PostOnlyWouldTake(o.Symbol, o.Side, c.Price)) return RejectReason.PostOnlyWouldTake;
        return RejectReason.None;
    }

    public void Apply(long sequence, long timestamp, in ReplaceOrder c)
    {
        CheckSequence(sequence);
        var reason = ValidateReplace(c, out var o);
        if (reason != RejectReason.None) { Reject(CommandKind.ReplaceOrder, c.Account, c.OrigClientOrderId, -1, reason); return; }
        if (o is null) throw new InvalidOperationException("unreachable");

        if (c.Quantity <= o.Filled)
        {
            CancelResting(o, CancelReason.ReplacedBelowFilled);
            EmitLevel(o.Symbol, o.Side, o.Price);
            EmitBboIfChanged(o.Symbol);
            return;
        }

        bool kept = c.Price == o.Price && c.Quantity <= o.Quantity;
        long oldPrice = o.Price;
        long oldHold = Required(o);
        o.ClientOrderId = c.ClientOrderId;
        o.Price = c.Price;
        o.Quantity = c.Quantity;
        MoveToHeld(o.Account, HoldAsset(o), Required(o) - oldHold);
        output.OnReplaced(new OrderReplaced(o.Account, c.OrigClientOrderId, c.ClientOrderId, o.Id, o.Symbol, o.Side,
            o.Price, o.Quantity, o.Leaves, kept));
        EmitBalance(o.Account, HoldAsset(o));
        if (kept)
        {
            if (o.Display != 0) o.Shown = Math.Min(o.Shown, o.Leaves); // the slice stays, cut to fewer leaves
            EmitLevel(o.Symbol, o.Side, o.Price);
        }
        else
        {
            book.Remove(o);
            EmitLevel(o.Symbol, o.Side, oldPrice);
            RunTaker(o); // a GTC limit order with its own self-trade mode; post-only skips matching
        }
        EmitBboIfChanged(o.Symbol);
        TriggerStops(o.Symbol);
    }

    public void Apply(long sequence, long timestamp, in MassCancel c)
    {
        CheckSequence(sequence);
        RejectReason reason = RejectReason.None;
        if (!accounts.Contains(c.Account)) reason = RejectReason.UnknownAccount;
        else if (!MayCancel(c.Account)) reason = RejectReason.NotPermitted;
        else if (c.Symbol != -1 && !symbols.ContainsKey(c.Symbol)) reason = RejectReason.UnknownSymbol;
        else if (c.Side is not (Side.None or Side.Buy or Side.Sell)) reason = RejectReason.InvalidSide;
        if (reason != RejectReason.None) { Reject(CommandKind.MassCancel, c.Account, 0, c.Symbol, reason); return; }

        long account = c.Account;
        int symbol = c.Symbol;
        Side side = c.Side;
        var victims = book.Concat(stops).Where(o => o.Account == account && (symbol == -1 || o.Symbol == symbol) && (side == Side.None || o.Side == side))
            .OrderBy(o => o.Id).ToList();
        foreach (var o in victims)
        {
            bool pending = stops.Contains(o);
            CancelResting(o, CancelReason.MassCancel);
            if (pending) continue; // not in the book: no market data
            EmitLevel(o.Symbol, o.Side, o.Price);
            EmitBboIfChanged(o.Symbol);
        }
        output.OnMassCancelled(new MassCancelled(c.Account, c.Symbol, c.Side, victims.Count));
    }

    // ------------------------------------------------------------------ Day and GTD orders, the timer input

    private const long NanosPerDay = 86_400L * 1_000_000_000;

    /// <summary>README: Day and GTD orders rest like GTC ones.</summary>
    private static bool Rests(TimeInForce tif) => tif is TimeInForce.GoodTillCancel or TimeInForce.Day or TimeInForce.GoodTillDate;

    /// <summary>Open orders (resting or pending) that expire, by expiry then order id.</summary>
    public IReadOnlyList<(long ExpireAt, long OrderId, long Account, long ClientOrderId)> Expiries() =>
        book.Concat(stops).Where(o => o.ExpireAt != 0).OrderBy(o => o.ExpireAt).ThenBy(o => o.Id)
            .Select(o => (o.ExpireAt, o.Id, o.Account, o.ClientOrderId)).ToList();

    public long NextExpiry => book.Concat(stops).Where(o => o.ExpireAt != 0).Select(o => o.ExpireAt).DefaultIfEmpty(long.MaxValue).Min();

    /// <summary>README "Day and GoodTillDate orders": every open order with expiry ≤ the timestamp, by (expiry, order id),
    /// is cancelled as a client's cancel would be, with reason Expired.</summary>
    public void Apply(long sequence, long timestamp, in ExpireOrders c)
    {
        CheckSequence(sequence);
        var due = book.Concat(stops).Where(o => o.ExpireAt != 0 && o.ExpireAt <= timestamp).OrderBy(o => o.ExpireAt).ThenBy(o => o.Id).ToList();
        foreach (var o in due)
        {
            bool pending = stops.Contains(o);
            CancelResting(o, CancelReason.Expired);
            if (pending) continue; // not in the book: no market data
            EmitLevel(o.Symbol, o.Side, o.Price);
            EmitBboIfChanged(o.Symbol);
        }
    }
}
