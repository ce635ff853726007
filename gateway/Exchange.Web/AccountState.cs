// One web account as exchange-web knows it: its open orders and balances from the engine's account-state query (at
// each engine logon, at each subscription to orders or balances, at each REST request for them), kept up to date
// between queries by the execution reports; its recent fills (since exchange-web logged on); and the requests sent
// for it that the engine has not answered yet.
using System.Text.Json;
using Exchange.Contract;

namespace Exchange.Web;

public sealed class WebOrder
{
    public required WebSymbol Symbol { get; init; }
    public long ClientOrderId { get; set; }
    public long OrderId { get; set; }
    public Side Side { get; init; }
    /// <summary>Stop or StopLimit while a stop waits for its trigger; Market or Limit from its trigger on.</summary>
    public OrderType Type { get; set; }
    /// <summary>A stop's stop price (0 for other orders).</summary>
    public long StopPrice { get; init; }
    public TimeInForce TimeInForce { get; init; }
    public long Price { get; set; }
    public long Quantity { get; set; }
    public long Filled { get; set; }
    public long Leaves { get; set; }
    public string Status { get; set; } = "new";
}

public readonly record struct FillPrint(WebSymbol Symbol, long Sequence, long Timestamp, in Fill Fill);

/// <summary>A request waiting for the engine's answer: who asked, with which id. A mass cancel of every symbol waits
/// for one answer from each shard it went to.</summary>
public sealed record PendingRequest(WebConnection Connection, JsonElement? RequestId, string Op)
{
    public int Answers { get; set; } = 1;
    public int Cancelled { get; set; }
    public bool Reported { get; set; }
    public RejectReason? Refusal { get; set; }
}

public sealed class AccountState(WebAccount account, int recentFills)
{
    private readonly FillPrint[] _fills = new FillPrint[recentFills];
    private int _fillCount, _fillHead;

    public WebAccount Account { get; } = account;
    public Dictionary<long, WebOrder> Orders { get; } = [];
    public SortedDictionary<int, (long Available, long Held)> Balances { get; } = [];
    /// <summary>New orders, cancels and replaces by the client order id the engine's answer will carry.</summary>
    public Dictionary<long, PendingRequest> PendingNew { get; } = [];
    public Dictionary<long, PendingRequest> PendingCancel { get; } = [];
    public Dictionary<long, PendingRequest> PendingReplace { get; } = [];
    /// <summary>Mass cancels in the order they were sent: the engine answers one session's inputs in order.</summary>
    public Queue<PendingRequest> PendingMassCancel { get; } = new();
    public List<WebConnection> OrderSubscribers { get; } = [];
    public List<WebConnection> FillSubscribers { get; } = [];
    public List<WebConnection> BalanceSubscribers { get; } = [];
    /// <summary>The next client order id exchange-web gives an order that came without one.</summary>
    public long NextClientOrderId { get; set; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public void AddFill(in FillPrint fill)
    {
        if (_fillCount < _fills.Length) _fills[(_fillHead + _fillCount++) % _fills.Length] = fill;
        else
        {
            _fills[_fillHead] = fill;
            _fillHead = (_fillHead + 1) % _fills.Length;
        }
    }

    public IEnumerable<FillPrint> RecentFills()
    {
        for (int i = 0; i < _fillCount; i++) yield return _fills[(_fillHead + i) % _fills.Length];
    }

    /// <summary>Every pending request, removed: the engine session was lost, so none will be answered.</summary>
    public IEnumerable<PendingRequest> TakeAllPending()
    {
        var all = PendingNew.Values.Concat(PendingCancel.Values).Concat(PendingReplace.Values).Concat(PendingMassCancel).ToList();
        PendingNew.Clear();
        PendingCancel.Clear();
        PendingReplace.Clear();
        PendingMassCancel.Clear();
        return all;
    }
}

/// <summary>The frames of the private channels and of the answers to order entry.</summary>
public static class PrivateFrames
{
    public static byte[] Order(WebOrder o, string evt, string? reason = null) => Frames.Write("order", w =>
    {
        w.WriteString("event", evt);
        if (reason != null) w.WriteString("reason", reason);
        w.WritePropertyName("order");
        OrderObject(w, o);
    });

    public static byte[] Orders(AccountState a) => Frames.Write("orders", w =>
    {
        w.WriteStartArray("orders");
        foreach (var o in a.Orders.Values) OrderObject(w, o);
        w.WriteEndArray();
    });

    private static void OrderObject(Utf8JsonWriter w, WebOrder o)
    {
        var s = o.Symbol;
        w.WriteStartObject();
        w.WriteString("symbol", s.Name);
        w.WriteNumber("clientOrderId", o.ClientOrderId);
        w.WriteNumber("orderId", o.OrderId);
        w.WriteString("side", Frames.SideName(o.Side));
        w.WriteString("orderType", Requests.OrderTypeName(o.Type));
        w.WriteString("timeInForce", Requests.TimeInForceName(o.TimeInForce));
        w.WriteString("price", s.Price(o.Price));
        if (o.StopPrice != 0) w.WriteString("stopPrice", s.Price(o.StopPrice));
        w.WriteString("quantity", s.Quantity(o.Quantity));
        w.WriteString("filled", s.Quantity(o.Filled));
        w.WriteString("leaves", s.Quantity(o.Leaves));
        w.WriteString("status", o.Status);
        w.WriteEndObject();
    }

    public static byte[] Fill(FillPrint f) => Frames.Write("fill", w => FillFields(w, f));

    public static byte[] Fills(AccountState a) => Frames.Write("fills", w =>
    {
        w.WriteStartArray("fills");
        foreach (var f in a.RecentFills())
        {
            w.WriteStartObject();
            FillFields(w, f);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private static void FillFields(Utf8JsonWriter w, in FillPrint p)
    {
        var s = p.Symbol;
        var f = p.Fill;
        w.WriteString("symbol", s.Name);
        w.WriteNumber("tradeId", f.TradeId);
        w.WriteNumber("clientOrderId", f.ClientOrderId);
        w.WriteNumber("orderId", f.OrderId);
        w.WriteString("side", Frames.SideName(f.Side));
        w.WriteString("liquidity", f.Liquidity == Liquidity.Maker ? "maker" : "taker");
        w.WriteString("price", s.Price(f.Price));
        w.WriteString("quantity", s.Quantity(f.Quantity));
        w.WriteString("fee", Units.Format(f.Fee, s.QuoteDecimals));
        w.WriteString("feeAsset", s.QuoteAsset);
        w.WriteString("leaves", s.Quantity(f.LeavesQuantity));
        w.WriteNumber("time", p.Timestamp);
        w.WriteNumber("seq", p.Sequence);
    }

    public static byte[] Balance(string asset, int decimals, long available, long held) => Frames.Write("balance", w =>
    {
        w.WriteString("asset", asset);
        w.WriteString("available", Units.Format(available, decimals));
        w.WriteString("held", Units.Format(held, decimals));
    });

    public static byte[] Balances(AccountState a, Func<int, (string Name, int Decimals)> asset) => Frames.Write("balances", w =>
    {
        w.WriteStartArray("balances");
        foreach (var (id, (available, held)) in a.Balances)
        {
            var (name, decimals) = asset(id);
            w.WriteStartObject();
            w.WriteString("asset", name);
            w.WriteString("available", Units.Format(available, decimals));
            w.WriteString("held", Units.Format(held, decimals));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    public static byte[] Ack(PendingRequest p, Action<Utf8JsonWriter> fields) => Frames.Write("ack", w =>
    {
        Frames.RequestId(w, p.RequestId);
        w.WriteString("op", p.Op);
        fields(w);
    });

    public static byte[] Reject(JsonElement? requestId, string op, string reason, int code, long? clientOrderId = null) => Frames.Write("reject", w =>
    {
        Frames.RequestId(w, requestId);
        w.WriteString("op", op);
        w.WriteString("reason", reason);
        w.WriteNumber("code", code);
        if (clientOrderId is { } id) w.WriteNumber("clientOrderId", id);
    });
}
