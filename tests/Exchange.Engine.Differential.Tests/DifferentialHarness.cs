// Feeds the same commands to the reference model and the fast engine, compares their event streams
// command by command, and checks the README's invariants on the fast engine through its query API.
using System.Diagnostics;
using System.Text;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Engine.Tests;

namespace Exchange.Engine.Differential.Tests;

public sealed class DifferentialHarness
{
    private const int MaxEventsShown = 40;

    public EngineConfig Config { get; }
    public ReferenceEngine Reference { get; }
    public RecordingOutput ReferenceOutput { get; } = new();
    public MatchingEngine<RecordingOutput> Fast { get; }
    public RecordingOutput FastOutput { get; } = new();

    private readonly long[] netDeposits;
    private long fastHash;

    /// <summary>A short fingerprint of the last failure (kind and the first differing events' types), so the
    /// minimiser keeps chasing the same fault instead of drifting to another.</summary>
    public string LastSignature { get; private set; } = "";

    public DifferentialHarness(EngineConfig config)
    {
        Config = config;
        Reference = new ReferenceEngine(config, ReferenceOutput);
        Fast = new MatchingEngine<RecordingOutput>(config, FastOutput);
        netDeposits = new long[config.AssetCount];
        fastHash = Fast.StateHash(history: false);
    }

    public static void ApplyTo(ReferenceEngine e, long sequence, long timestamp, object command)
    {
        switch (command)
        {
            case AddAccount c: e.Apply(sequence, timestamp, in c); break;
            case AddSymbol c: e.Apply(sequence, timestamp, in c); break;
            case HaltSymbol c: e.Apply(sequence, timestamp, in c); break;
            case ResumeSymbol c: e.Apply(sequence, timestamp, in c); break;
            case Deposit c: e.Apply(sequence, timestamp, in c); break;
            case Withdraw c: e.Apply(sequence, timestamp, in c); break;
            case SetAccountPermission c: e.Apply(sequence, timestamp, in c); break;
            case NewOrder c: e.Apply(sequence, timestamp, in c); break;
            case CancelOrder c: e.Apply(sequence, timestamp, in c); break;
            case ReplaceOrder c: e.Apply(sequence, timestamp, in c); break;
            case MassCancel c: e.Apply(sequence, timestamp, in c); break;
            case ExpireOrders c: e.Apply(sequence, timestamp, in c); break;
            default: throw new ArgumentException($"not a command: {command}");
        }
    }

    public static void ApplyTo<TOutput>(MatchingEngine<TOutput> e, long sequence, long timestamp, object command)
        where TOutput : IEngineOutput
    {
        switch (command)
        {
            case AddAccount c: e.Apply(sequence, timestamp, in c); break;
            case AddSymbol c: e.Apply(sequence, timestamp, in c); break;
            case HaltSymbol c: e.Apply(sequence, timestamp, in c); break;
            case ResumeSymbol c: e.Apply(sequence, timestamp, in c); break;
            case Deposit c: e.Apply(sequence, timestamp, in c); break;
            case Withdraw c: e.Apply(sequence, timestamp, in c); break;
            case SetAccountPermission c: e.Apply(sequence, timestamp, in c); break;
            case NewOrder c: e.Apply(sequence, timestamp, in c); break;
            case CancelOrder c: e.Apply(sequence, timestamp, in c); break;
            case ReplaceOrder c: e.Apply(sequence, timestamp, in c); break;
            case MassCancel c: e.Apply(sequence, timestamp, in c); break;
            case ExpireOrders c: e.Apply(sequence, timestamp, in c); break;
            default: throw new ArgumentException($"not a command: {command}");
        }
    }

    /// <summary>Applies one command to both engines. Returns null when both emitted the same events,
    /// otherwise a bounded description of the difference.</summary>
    public string? Step(long sequence, long timestamp, object command)
    {
        ReferenceOutput.Clear();
        FastOutput.Clear();
        try
        {
            ApplyTo(Reference, sequence, timestamp, command);
        }
        catch (Exception ex)
        {
            return $"REFERENCE threw on {Describe(command)}: {ex.GetType().Name}: {ex.Message}";
        }
        try
        {
            ApplyTo(Fast, sequence, timestamp, command);
        }
        catch (Exception ex)
        {
            LastSignature = $"{command.GetType().Name}:threw:{ex.GetType().Name}";
            return $"fast engine threw on {Describe(command)}: {ex.GetType().Name}: {ex.Message}\n{Truncate(ex.StackTrace, 1500)}\n"
                + $"expected (reference):\n{Format(ReferenceOutput.Events, -1)}";
        }

        if ((command is Deposit or Withdraw) && ReferenceOutput.Events.Count == 1 && ReferenceOutput.Events[0] is BalanceChanged)
        {
            if (command is Deposit d) netDeposits[d.Asset] += d.Amount;
            else if (command is Withdraw w) netDeposits[w.Asset] -= w.Amount;
        }

        var diff = Compare(ReferenceOutput.Events, FastOutput.Events);
        if (diff is not null)
        {
            LastSignature = $"{command.GetType().Name}:{Signature(ReferenceOutput.Events, FastOutput.Events)}";
            return $"command: {Describe(command)}\n{diff}";
        }

        // A rejected command must leave the books, balances and id counters unchanged (README "State hash"): only what the
        // engine remembers for queries (the account's last client order id, the rejected order in the ring) may move.
        long hash = Fast.StateHash(history: false);
        if (FastOutput.Events.Count == 1 && FastOutput.Events[0] is CommandRejected && hash != fastHash)
            return $"command: {Describe(command)}\nrejected, but StateHash changed from {fastHash:X} to {hash:X}";
        fastHash = hash;
        return null;
    }

    private static string Signature(IReadOnlyList<object> expected, IReadOnlyList<object> actual)
    {
        int i = 0;
        while (i < expected.Count && i < actual.Count && Equals(expected[i], actual[i])) i++;
        string Name(IReadOnlyList<object> l) => i < l.Count ? l[i].GetType().Name : "end";
        return $"{Name(expected)}/{Name(actual)}";
    }

    /// <summary>Null when the lists are equal element by element, else both lists and where they part.</summary>
    public static string? Compare(IReadOnlyList<object> expected, IReadOnlyList<object> actual)
    {
        int first = -1;
        for (int i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            if (i >= expected.Count || i >= actual.Count || !Equals(expected[i], actual[i])) { first = i; break; }
        }
        if (first < 0) return null;
        return $"events differ at index {first} (reference has {expected.Count}, fast engine {actual.Count})\n"
            + $"expected (reference):\n{Format(expected, first)}actual (fast engine):\n{Format(actual, first)}";
    }

    public static string Format(IReadOnlyList<object> events, int mark)
    {
        var sb = new StringBuilder();
        int start = mark > MaxEventsShown / 2 ? mark - MaxEventsShown / 2 : 0;
        if (start > 0) sb.Append("  ... ").Append(start).Append(" earlier events\n");
        for (int i = start; i < events.Count && i < start + MaxEventsShown; i++)
            sb.Append(i == mark ? "> " : "  ").Append(i).Append(": ").Append(events[i]).Append('\n');
        if (events.Count > start + MaxEventsShown) sb.Append("  ... ").Append(events.Count - start - MaxEventsShown).Append(" more\n");
        return sb.ToString();
    }

    /// <summary>ToString of a command that cannot throw: SymbolSpec's generated ToString evaluates BandLow,
    /// which divides by TickSize and throws for a spec with TickSize 0.</summary>
    public static string Describe(object command) => command switch
    {
        AddSymbol { Spec: var s } => $"AddSymbol {{ Id = {s.Id}, BaseAsset = {s.BaseAsset}, QuoteAsset = {s.QuoteAsset}, TickSize = {s.TickSize}, "
            + $"LotSize = {s.LotSize}, MinQuantity = {s.MinQuantity}, MaxQuantity = {s.MaxQuantity}, ReferencePrice = {s.ReferencePrice}, "
            + $"BandBps = {s.BandBps}, MakerFeeBps = {s.MakerFeeBps}, TakerFeeBps = {s.TakerFeeBps}, MaxNotional = {s.MaxNotional} }}"
            + (command is AddSymbol { SessionEnd: var end and not 0 } ? $" SessionEnd = {end}" : ""),
        _ => command.ToString() ?? "",
    };

    private static string Truncate(string? s, int n) => s is null ? "" : s.Length <= n ? s : s[..n] + "...";

    /// <summary>README invariants, checked on the fast engine through its query API only (plus the
    /// reference's list of symbols and the deposits tracked here). Returns null when they hold.</summary>
    public string? CheckInvariants()
    {
        var required = new Dictionary<(long, int), long>();
        int totalOrders = 0;
        foreach (int symbol in Reference.SymbolIds())
        {
            if (!Fast.TryGetSymbol(symbol, out var spec, out _)) return $"fast engine does not know symbol {symbol}";
            var bestOf = new Dictionary<Side, long>();
            foreach (var side in new[] { Side.Buy, Side.Sell })
            {
                var orders = Fast.Orders(symbol, side);
                var levels = Fast.Levels(symbol, side);
                totalOrders += orders.Count;
                // (d) levels agree with orders; prices strictly worsen level by level.
                var grouped = new List<LevelView>();
                foreach (var o in orders)
                {
                    if (o.Symbol != symbol || o.Side != side) return $"Orders({symbol},{side}) holds {o}";
                    if (o.Leaves <= 0 || o.Filled < 0) return $"resting order without leaves: {o}";
                    // An iceberg shows a slice of at least one unit, at most its display quantity and its leaves.
                    if (o.DisplayQuantity != 0 && (o.Shown <= 0 || o.Shown > Math.Min(o.DisplayQuantity, o.Leaves)))
                        return $"iceberg's slice out of range: {o}";
                    long shown = o.DisplayQuantity == 0 ? o.Leaves : o.Shown;
                    long req = ReferenceEngine.Required(spec, side, OrderType.Limit, o.Price, o.Leaves, 0);
                    if (o.Held != req) return $"(c) order holds {o.Held}, requires {req}: {o}";
                    int asset = side == Side.Buy ? spec.QuoteAsset : spec.BaseAsset;
                    required[(o.Account, asset)] = required.GetValueOrDefault((o.Account, asset)) + req;
                    if (!Fast.TryGetOrder(o.Account, o.ClientOrderId, out var found) || found != o)
                        return $"TryGetOrder({o.Account},{o.ClientOrderId}) gave {found}, Orders() has {o}";
                    if (grouped.Count > 0 && grouped[^1].Price == o.Price)
                        grouped[^1] = grouped[^1] with { Quantity = grouped[^1].Quantity + shown, OrderCount = grouped[^1].OrderCount + 1 };
                    else
                    {
                        if (grouped.Count > 0 && (side == Side.Buy ? o.Price > grouped[^1].Price : o.Price < grouped[^1].Price))
                            return $"(d) Orders({symbol},{side}) not best price first at {o}";
                        grouped.Add(new LevelView(o.Price, shown, 1));
                    }
                }
                if (!grouped.SequenceEqual(levels))
                    return $"(d) Levels({symbol},{side}) = [{string.Join(", ", levels)}] but Orders() gives [{string.Join(", ", grouped)}]";
                if (levels.Count > 0) bestOf[side] = levels[0].Price;
            }
            // Pending stops hold what their orders will need (README "Holds") and count as open orders.
            foreach (var side in new[] { Side.Buy, Side.Sell })
            {
                var pending = Fast.PendingStops(symbol, side);
                totalOrders += pending.Count;
                long previous = 0;
                foreach (var stop in pending)
                {
                    var o = stop.Order;
                    if (previous != 0 && (side == Side.Buy ? stop.StopPrice < previous : stop.StopPrice > previous))
                        return $"PendingStops({symbol},{side}) not nearest stop price first at {stop}";
                    previous = stop.StopPrice;
                    if (OrderBookTriggers(side, stop.StopPrice, Fast.LastTradePrice(symbol))) return $"pending stop whose condition holds: {stop}";
                    int asset = side == Side.Buy ? spec.QuoteAsset : spec.BaseAsset;
                    required[(o.Account, asset)] = required.GetValueOrDefault((o.Account, asset)) + o.Held;
                    long expect = side == Side.Sell ? o.Leaves
                        : stop.Type == OrderType.StopLimit ? ReferenceEngine.Required(spec, side, OrderType.Limit, o.Price, o.Leaves, 0) : o.Held;
                    if (o.Held != expect) return $"(c) pending stop holds {o.Held}, requires {expect}: {stop}";
                }
            }
            // (a) not crossed
            if (bestOf.TryGetValue(Side.Buy, out long bid) && bestOf.TryGetValue(Side.Sell, out long ask) && bid >= ask)
                return $"(a) book {symbol} crossed: bid {bid} >= ask {ask}";
        }
        if (Fast.OpenOrderCount != totalOrders) return $"OpenOrderCount {Fast.OpenOrderCount} but books hold {totalOrders}";

        // (b) conservation and (c) account holds.
        var totals = new long[Config.AssetCount];
        var accounts = Fast.AccountIds();
        foreach (long account in accounts)
        {
            for (int asset = 0; asset < Config.AssetCount; asset++)
            {
                if (!Fast.TryGetBalance(account, asset, out var b)) return $"TryGetBalance({account},{asset}) false";
                if (b.Available < 0 || b.Held < 0) return $"negative balance {account}/{asset}: {b}";
                long expectHeld = required.GetValueOrDefault((account, asset));
                if (b.Held != expectHeld) return $"(c) account {account} asset {asset} holds {b.Held}, its open orders require {expectHeld}";
                totals[asset] += b.Available + b.Held;
            }
        }
        for (int asset = 0; asset < Config.AssetCount; asset++)
            if (totals[asset] != netDeposits[asset])
                return $"(b) asset {asset}: accounts hold {totals[asset]}, deposits less withdrawals are {netDeposits[asset]}";
        return null;
    }

    private static bool OrderBookTriggers(Side side, long stopPrice, long last) => last != 0 && (side == Side.Buy ? last >= stopPrice : last <= stopPrice);

    /// <summary>Full state comparison against the reference: accounts, balances, symbols, books in priority order.</summary>
    public string? CompareState()
    {
        var ra = Reference.AccountIds();
        var fa = Fast.AccountIds();
        if (!ra.SequenceEqual(fa)) return $"AccountIds: reference [{string.Join(",", ra)}], fast [{string.Join(",", fa)}]";
        foreach (long account in ra)
            for (int asset = 0; asset < Config.AssetCount; asset++)
            {
                Reference.TryGetBalance(account, asset, out var rb);
                Fast.TryGetBalance(account, asset, out var fb);
                if (rb != fb) return $"balance {account}/{asset}: reference {rb}, fast {fb}";
            }
        for (int symbol = -1; symbol <= Config.MaxSymbols; symbol++)
        {
            bool rk = Reference.TryGetSymbol(symbol, out var rs, out var rst);
            bool fk = Fast.TryGetSymbol(symbol, out var fs, out var fst);
            if (rk != fk || (rk && (rs != fs || rst != fst))) return $"symbol {symbol}: reference {rk} {rs} {rst}, fast {fk} {fs} {fst}";
            if (!rk) continue;
            foreach (var side in new[] { Side.Buy, Side.Sell })
            {
                var ro = Reference.Orders(symbol, side);
                var fo = Fast.Orders(symbol, side);
                if (!ro.SequenceEqual(fo))
                    return $"Orders({symbol},{side}) differ:\nreference:\n  {string.Join("\n  ", ro.Take(30))}\nfast:\n  {string.Join("\n  ", fo.Take(30))}";
                var rp = Reference.Stops(symbol, side);
                var fp = Fast.PendingStops(symbol, side);
                if (!rp.SequenceEqual(fp))
                    return $"PendingStops({symbol},{side}) differ:\nreference:\n  {string.Join("\n  ", rp.Take(30))}\nfast:\n  {string.Join("\n  ", fp.Take(30))}";
                if (Reference.SessionEndOf(symbol) != Fast.SessionEndOf(symbol))
                    return $"session end of {symbol}: reference {Reference.SessionEndOf(symbol)}, fast {Fast.SessionEndOf(symbol)}";
                if (Reference.LastPrice(symbol) != Fast.LastTradePrice(symbol))
                    return $"last trade price of {symbol}: reference {Reference.LastPrice(symbol)}, fast {Fast.LastTradePrice(symbol)}";
                var rl = Reference.Levels(symbol, side);
                var fl = Fast.Levels(symbol, side);
                if (!rl.SequenceEqual(fl)) return $"Levels({symbol},{side}) differ: reference [{string.Join(", ", rl)}], fast [{string.Join(", ", fl)}]";
            }
        }
        if (Reference.OpenOrderCount != Fast.OpenOrderCount) return $"OpenOrderCount: reference {Reference.OpenOrderCount}, fast {Fast.OpenOrderCount}";
        var re = Reference.Expiries();
        var fe = Fast.Expiries();
        if (!re.SequenceEqual(fe)) return $"Expiries differ:\nreference:\n  {string.Join("\n  ", re.Take(30))}\nfast:\n  {string.Join("\n  ", fe.Take(30))}";
        if (Reference.NextExpiry != Fast.NextExpiry) return $"NextExpiry: reference {Reference.NextExpiry}, fast {Fast.NextExpiry}";
        return null;
    }

    /// <summary>Replays <paramref name="commands"/> through a fresh harness and returns the signature of the
    /// first failure (event difference, fast-engine exception or broken invariant), or null.</summary>
    public static string? FailureSignature(EngineConfig config, IReadOnlyList<(long Seq, object Command)> commands)
    {
        var h = new DifferentialHarness(config);
        for (int i = 0; i < commands.Count; i++)
        {
            var (seq, command) = commands[i];
            var diff = h.Step(seq, seq * 10, command);
            if (diff is not null)
                return diff.StartsWith("REFERENCE", StringComparison.Ordinal) ? "reference" : $"{i == commands.Count - 1}:{h.LastSignature}";
            var broken = h.CheckInvariants();
            if (broken is not null) return $"{i == commands.Count - 1}:invariant:{broken.Split(' ')[0]}";
        }
        return null;
    }

    /// <summary>Greedy delta debugging: drops chunks of commands while the failure persists.</summary>
    public static List<(long Seq, object Command)> Minimize(EngineConfig config, List<(long Seq, object Command)> commands, TimeSpan budget)
    {
        var sw = Stopwatch.StartNew();
        var current = commands;
        string? target = FailureSignature(config, commands);
        if (target is null) return current;
        bool Fails(EngineConfig c, List<(long, object)> candidate) => FailureSignature(c, candidate) == target;
        // Always keep the last command (where it failed) and try to drop everything else.
        for (int chunk = Math.Max(1, current.Count / 2); chunk >= 1 && sw.Elapsed < budget; chunk /= 2)
        {
            bool progress = true;
            while (progress && sw.Elapsed < budget)
            {
                progress = false;
                for (int start = 0; start < current.Count - 1 && sw.Elapsed < budget; )
                {
                    int n = Math.Min(chunk, current.Count - 1 - start);
                    var candidate = new List<(long, object)>(current.Count - n);
                    candidate.AddRange(current.Take(start));
                    candidate.AddRange(current.Skip(start + n));
                    if (Fails(config, candidate)) { current = candidate; progress = true; }
                    else start += n;
                }
            }
            if (chunk == 1) break;
        }
        return current;
    }
}
