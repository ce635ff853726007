// A line-oriented door into the engine for operators and demos: each line becomes one sequenced command,
// and the events it produced are printed under it. Symbols and assets by name, amounts as raw integers.
using System.Globalization;

namespace Exchange.Engine.Host;

internal sealed class OperatorConsole(ShardConfig config, MatchingEngine<EventPrinter> engine, Sequencer sequencer, TextWriter output)
{
    public const string Help = """
        commands (quantities in base units, prices in quote units per lot, amounts in asset units):
          buy|sell ACCOUNT SYMBOL QTY PRICE [ioc|fok|post] [stp=newest|oldest|both|decrement] [id=N]
          market buy ACCOUNT SYMBOL QTY BUDGET [id=N]      market sell ACCOUNT SYMBOL QTY [id=N]
          cancel ACCOUNT ID             replace ACCOUNT ID PRICE QTY [new=ID]
          mass-cancel ACCOUNT [SYMBOL|*] [buy|sell]
          deposit|withdraw ACCOUNT ASSET AMOUNT          add-account ACCOUNT [trade|cancel-only|read-only|admin]
          set-permission ACCOUNT trade|cancel-only|read-only|admin
          halt|resume SYMBOL            book SYMBOL      balances ACCOUNT      hash      help      quit
        """;

    private long _nextClientOrderId = 1;

    /// <summary>Runs one line; false when the operator asked to quit.</summary>
    public bool Execute(string line)
    {
        string[] w = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (w.Length == 0 || w[0].StartsWith('#')) return true;
        try
        {
            switch (w[0].ToLowerInvariant())
            {
                case "quit" or "exit": return false;
                case "help": output.WriteLine(Help); break;
                case "buy" or "sell": Limit(w); break;
                case "market": Market(w); break;
                case "cancel":
                    Need(w, 3);
                    Apply(new CancelOrder(Long(w[1]), Long(w[2])));
                    break;
                case "replace":
                    Need(w, 5);
                    long id = Long(w[2]);
                    Apply(new ReplaceOrder(Long(w[1]), id, Option(w, "new") is { } n ? Long(n) : id, Long(w[3]), Long(w[4])));
                    break;
                case "mass-cancel":
                    Need(w, 2);
                    int symbol = w.Length > 2 && w[2] != "*" ? SymbolId(w[2]) : -1;
                    Side side = w.Length > 3 ? ParseSide(w[3]) : Side.None;
                    Apply(new MassCancel(Long(w[1]), symbol, side));
                    break;
                case "deposit" or "withdraw":
                    Need(w, 4);
                    if (w[0] == "deposit") Apply(new Deposit(Long(w[1]), config.AssetId(w[2]), Long(w[3])));
                    else Apply(new Withdraw(Long(w[1]), config.AssetId(w[2]), Long(w[3])));
                    break;
                case "set-permission": Need(w, 3); Apply(new SetAccountPermission(Long(w[1]), Permission(w[2]))); break;
                case "add-account": Need(w, 2); Apply(new AddAccount(Long(w[1]), Permission: w.Length > 2 ? Permission(w[2]) : AccountPermission.Trade)); break;
                case "halt": Need(w, 2); Apply(new HaltSymbol(SymbolId(w[1]))); break;
                case "resume": Need(w, 2); Apply(new ResumeSymbol(SymbolId(w[1]))); break;
                case "book": Need(w, 2); PrintBook(SymbolId(w[1])); break;
                case "balances": Need(w, 2); PrintBalances(Long(w[1])); break;
                case "hash": output.WriteLine($"  stateHash {engine.StateHash():x16} at sequence {engine.LastSequence}"); break;
                default: throw new ConfigException($"unknown command '{w[0]}' (try help)");
            }
        }
        catch (ConfigException e)
        {
            output.WriteLine($"  error: {e.Message}");
        }
        return true;
    }

    private void Limit(string[] w)
    {
        Need(w, 5);
        var tif = TimeInForce.GoodTillCancel;
        bool postOnly = false;
        foreach (string flag in w.Skip(5))
        {
            if (flag == "ioc") tif = TimeInForce.ImmediateOrCancel;
            else if (flag == "fok") tif = TimeInForce.FillOrKill;
            else if (flag == "post") postOnly = true;
            else if (!flag.Contains('=')) throw new ConfigException($"unknown order flag '{flag}'");
        }
        Apply(new NewOrder(Long(w[1]), ClientOrderId(w), SymbolId(w[2]), ParseSide(w[0]), OrderType.Limit, tif, Long(w[4]), Long(w[3]),
            SelfTrade: SelfTrade(w), PostOnly: postOnly));
    }

    private void Market(string[] w)
    {
        Need(w, 5);
        Side side = ParseSide(w[1]);
        long budget = side == Side.Buy ? Long(w.Length > 5 && !w[5].Contains('=') ? w[5] : throw new ConfigException("a market buy needs a BUDGET")) : 0;
        Apply(new NewOrder(Long(w[2]), ClientOrderId(w), SymbolId(w[3]), side, OrderType.Market, TimeInForce.ImmediateOrCancel, 0, Long(w[4]),
            QuoteBudget: budget, SelfTrade: SelfTrade(w)));
    }

    private void Apply<T>(in T command) where T : struct
    {
        var (seq, ts) = sequencer.Next();
        output.WriteLine($"#{seq} {command}");
        switch (command)
        {
            case NewOrder c: engine.Apply(seq, ts, c); break;
            case CancelOrder c: engine.Apply(seq, ts, c); break;
            case ReplaceOrder c: engine.Apply(seq, ts, c); break;
            case MassCancel c: engine.Apply(seq, ts, c); break;
            case Deposit c: engine.Apply(seq, ts, c); break;
            case Withdraw c: engine.Apply(seq, ts, c); break;
            case AddAccount c: engine.Apply(seq, ts, c); break;
            case SetAccountPermission c: engine.Apply(seq, ts, c); break;
            case HaltSymbol c: engine.Apply(seq, ts, c); break;
            case ResumeSymbol c: engine.Apply(seq, ts, c); break;
            default: throw new InvalidOperationException($"no route for {typeof(T).Name}");
        }
    }

    private void PrintBook(int symbol)
    {
        var asks = engine.Levels(symbol, Side.Sell);
        for (int i = asks.Count - 1; i >= 0; i--) output.WriteLine($"  ask {asks[i].Price,12} {asks[i].Quantity,16} ({asks[i].OrderCount})");
        foreach (var bid in engine.Levels(symbol, Side.Buy)) output.WriteLine($"  bid {bid.Price,12} {bid.Quantity,16} ({bid.OrderCount})");
        if (asks.Count == 0 && engine.Levels(symbol, Side.Buy).Count == 0) output.WriteLine("  (empty)");
    }

    private void PrintBalances(long account)
    {
        foreach (var asset in config.Assets)
        {
            if (!engine.TryGetBalance(account, asset.Id, out var b)) throw new ConfigException($"unknown account {account}");
            output.WriteLine($"  {asset.Name,-6} available {b.Available,20}  held {b.Held,20}");
        }
    }

    private long ClientOrderId(string[] w) => Option(w, "id") is { } id ? Long(id) : _nextClientOrderId++;

    private static SelfTradePrevention SelfTrade(string[] w) => Option(w, "stp") switch
    {
        null => SelfTradePrevention.None,
        "newest" => SelfTradePrevention.CancelNewest,
        "oldest" => SelfTradePrevention.CancelOldest,
        "both" => SelfTradePrevention.CancelBoth,
        "decrement" => SelfTradePrevention.Decrement,
        var s => throw new ConfigException($"unknown self-trade prevention '{s}'"),
    };

    private static string? Option(string[] w, string name) =>
        w.FirstOrDefault(x => x.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    private int SymbolId(string name) => config.Symbol(name)?.Spec.Id ?? throw new ConfigException($"unknown symbol '{name}'");

    private static Side ParseSide(string s) => s.ToLowerInvariant() switch
    {
        "buy" => Side.Buy,
        "sell" => Side.Sell,
        _ => throw new ConfigException($"side must be buy or sell, not '{s}'"),
    };

    /// <summary>A permission by its name, dashes and case aside (cancel-only, CancelOnly, cancelOnly alike).</summary>
    private static AccountPermission Permission(string s)
    {
        foreach (var p in new[] { AccountPermission.Trade, AccountPermission.CancelOnly, AccountPermission.ReadOnly, AccountPermission.Admin })
            if (string.Equals(s.Replace("-", ""), p.ToString(), StringComparison.OrdinalIgnoreCase)) return p;
        throw new ConfigException($"permission must be trade, cancel-only, read-only or admin, not '{s}'");
    }

    private static long Long(string s) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out long v)
            ? v : throw new ConfigException($"'{s}' is not an integer");

    private static void Need(string[] w, int count)
    {
        if (w.Length < count) throw new ConfigException($"'{w[0]}' needs {count - 1} arguments (try help)");
    }
}
