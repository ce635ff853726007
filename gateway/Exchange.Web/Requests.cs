// What a browser may send, parsed and checked before anything reaches the engine thread: each message is one JSON
// object with a "type"; every problem becomes a RequestError naming the field and why (PROTOCOL.md lists the codes).
using System.Text.Json;
using Exchange.Contract;

namespace Exchange.Web;

public abstract record Request(JsonElement? RequestId)
{
    /// <summary>Order entry counts against the account's order rate.</summary>
    public virtual bool IsOrderEntry => false;
}

public sealed record AuthRequest(JsonElement? RequestId, string Token) : Request(RequestId);
public sealed record PingRequest(JsonElement? RequestId) : Request(RequestId);
public sealed record SubscribeRequest(JsonElement? RequestId, bool Subscribe, string Channel, string? Symbol, int Depth, string? Interval) : Request(RequestId)
{
    public bool IsPrivate => Channel is "orders" or "fills" or "balances";
    /// <summary>One subscription per channel, symbol and interval; a second subscribe to it changes the depth.</summary>
    public string Key => $"{Channel}/{Symbol}/{Interval}";
}
public sealed record NewOrderRequest(JsonElement? RequestId, string Symbol, Side Side, OrderType Type, TimeInForce TimeInForce, string? Price,
    string Quantity, string? QuoteBudget, bool PostOnly, SelfTradePrevention SelfTrade, long? ClientOrderId, string? StopPrice = null, string? DisplayQuantity = null, long ExpireTime = 0) : Request(RequestId)
{
    public override bool IsOrderEntry => true;
}
public sealed record CancelRequest(JsonElement? RequestId, string? Symbol, long ClientOrderId) : Request(RequestId)
{
    public override bool IsOrderEntry => true;
}
public sealed record ReplaceRequest(JsonElement? RequestId, string? Symbol, long OrigClientOrderId, long? ClientOrderId, string Price, string Quantity) : Request(RequestId)
{
    public override bool IsOrderEntry => true;
}
public sealed record MassCancelRequest(JsonElement? RequestId, string? Symbol, Side Side) : Request(RequestId)
{
    public override bool IsOrderEntry => true;
}

public sealed class RequestError(string code, string reason, JsonElement? requestId = null) : Exception(reason)
{
    public string Code { get; } = code;
    public JsonElement? RequestId { get; } = requestId;
}

public static class Requests
{
    /// <summary>Largest client order id: what a browser's number holds exactly (2^53 - 1).</summary>
    public const long MaxClientOrderId = (1L << 53) - 1;
    public const int MaxDepth = 1000;
    /// <summary>The book depths one may ask for (0: every level). A few fixed ones, so the engine thread writes at most
    /// this many book frames per input however many subscribers ask for however many depths.</summary>
    public static readonly int[] Depths = [0, 1, 5, 10, 20, 50, 100, 500, 1000];
    public static string DepthChoices => string.Join(", ", Depths);
    public static readonly string[] Channels = ["book", "trades", "ticker", "candles", "orders", "fills", "balances"];

    public static Request Parse(ReadOnlySpan<byte> utf8)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw new RequestError("invalid_json", $"not valid JSON: {e.Message}"); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new RequestError("invalid_json", "a message is one JSON object");
            JsonElement? id = null;
            if (root.TryGetProperty("requestId", out var rid))
            {
                if (!(rid.ValueKind == JsonValueKind.String && rid.GetString()!.Length <= 64 || rid.ValueKind == JsonValueKind.Number && rid.TryGetInt64(out _)))
                    throw new RequestError("invalid_field", "requestId must be a string of at most 64 characters or an integer");
                id = rid.Clone();
            }
            try { return Parse(root, id); }
            catch (RequestError e) when (e.RequestId == null) { throw new RequestError(e.Code, e.Message, id); }
        }
    }

    private static Request Parse(JsonElement m, JsonElement? id)
    {
        string type = RequiredString(m, "type", 32);
        switch (type)
        {
            case "auth": return new AuthRequest(id, RequiredString(m, "token", 8192));
            case "ping": return new PingRequest(id);
            case "subscribe":
            case "unsubscribe":
            {
                string channel = RequiredString(m, "channel", 16);
                if (Array.IndexOf(Channels, channel) < 0) throw new RequestError("unknown_channel", $"channel '{channel}' is not one of {string.Join(", ", Channels)}");
                bool isPrivate = channel is "orders" or "fills" or "balances";
                string? symbol = isPrivate ? null : RequiredString(m, "symbol", 16);
                int depth = channel == "book" ? (int)(OptionalInteger(m, "depth", 0, MaxDepth) ?? 20) : 0;
                if (Array.IndexOf(Depths, depth) < 0) throw new RequestError("out_of_range", $"depth must be one of {DepthChoices} (0: every level)");
                string? interval = channel == "candles" ? RequiredString(m, "interval", 4) : null;
                if (interval != null && !SymbolMarket.Intervals.Any(i => i.Name == interval))
                    throw new RequestError("invalid_field", $"interval '{interval}' is not one of 1m, 5m, 1h");
                return new SubscribeRequest(id, type == "subscribe", channel, symbol, depth, interval);
            }
            case "new":
            {
                string symbol = RequiredString(m, "symbol", 16);
                var side = ParseSide(RequiredString(m, "side", 8), allowNone: false);
                var orderType = RequiredString(m, "orderType", 16) switch
                {
                    "limit" => OrderType.Limit,
                    "market" => OrderType.Market,
                    "stop" => OrderType.Stop,
                    "stopLimit" => OrderType.StopLimit,
                    var other => throw new RequestError("invalid_field", $"orderType '{other}' is not limit, market, stop or stopLimit"),
                };
                var tif = OptionalString(m, "timeInForce", 8) switch
                {
                    null => orderType is OrderType.Market or OrderType.Stop ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel,
                    "gtc" => TimeInForce.GoodTillCancel,
                    "ioc" => TimeInForce.ImmediateOrCancel,
                    "fok" => TimeInForce.FillOrKill,
                    "day" => TimeInForce.Day,
                    "gtd" => TimeInForce.GoodTillDate,
                    var other => throw new RequestError("invalid_field", $"timeInForce '{other}' is not gtc, ioc, fok, day or gtd"),
                };
                // A GTD order's expiry: an ISO 8601 UTC time (the engine refuses one not after its own timestamp).
                long expireTime = 0;
                if (OptionalString(m, "expireTime", 40) is { } expire)
                {
                    if (tif != TimeInForce.GoodTillDate) throw new RequestError("invalid_field", "expireTime is for gtd orders only");
                    if (!DateTimeOffset.TryParse(expire, System.Globalization.CultureInfo.InvariantCulture,
                            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var at)
                        || at.Year > 2200)
                        throw new RequestError("invalid_field", $"expireTime '{expire}' is not an ISO 8601 time such as 2026-12-06T16:00:00Z");
                    expireTime = (at - DateTimeOffset.UnixEpoch).Ticks * 100;
                }
                else if (tif == TimeInForce.GoodTillDate) throw new RequestError("missing_field", "'expireTime' is required for a gtd order");
                string? price = orderType is OrderType.Limit or OrderType.StopLimit ? RequiredDecimal(m, "price") : OptionalDecimal(m, "price");
                string? stopPrice = orderType is OrderType.Stop or OrderType.StopLimit ? RequiredDecimal(m, "stopPrice") : null;
                if (stopPrice == null && m.TryGetProperty("stopPrice", out _))
                    throw new RequestError("invalid_field", "stopPrice is for stop and stopLimit orders only");
                string quantity = RequiredDecimal(m, "quantity");
                string? budget = OptionalDecimal(m, "quoteBudget");
                bool postOnly = OptionalBool(m, "postOnly") ?? false;
                var stp = OptionalString(m, "selfTrade", 16) switch
                {
                    null or "none" => SelfTradePrevention.None,
                    "cancelNewest" => SelfTradePrevention.CancelNewest,
                    "cancelOldest" => SelfTradePrevention.CancelOldest,
                    "cancelBoth" => SelfTradePrevention.CancelBoth,
                    "decrement" => SelfTradePrevention.Decrement,
                    var other => throw new RequestError("invalid_field", $"selfTrade '{other}' is not none, cancelNewest, cancelOldest, cancelBoth or decrement"),
                };
                long? clientOrderId = OptionalInteger(m, "clientOrderId", 1, MaxClientOrderId);
                string? display = OptionalDecimal(m, "displayQuantity"); // an iceberg: the engine checks it
                return new NewOrderRequest(id, symbol, side, orderType, tif, price, quantity, budget, postOnly, stp, clientOrderId, stopPrice, display, expireTime);
            }
            case "cancel":
                return new CancelRequest(id, OptionalString(m, "symbol", 16), RequiredInteger(m, "clientOrderId", 1, MaxClientOrderId));
            case "replace":
                return new ReplaceRequest(id, OptionalString(m, "symbol", 16), RequiredInteger(m, "origClientOrderId", 1, MaxClientOrderId),
                    OptionalInteger(m, "clientOrderId", 1, MaxClientOrderId), RequiredDecimal(m, "price"), RequiredDecimal(m, "quantity"));
            case "massCancel":
                return new MassCancelRequest(id, OptionalString(m, "symbol", 16),
                    OptionalString(m, "side", 8) is { } s ? ParseSide(s, allowNone: true) : Side.None);
            default:
                throw new RequestError("unknown_type", $"type '{type}' is not one of auth, ping, subscribe, unsubscribe, new, cancel, replace, massCancel");
        }
    }

    private static Side ParseSide(string text, bool allowNone) => text switch
    {
        "buy" => Side.Buy,
        "sell" => Side.Sell,
        "both" when allowNone => Side.None,
        _ => throw new RequestError("invalid_field", allowNone ? $"side '{text}' is not buy, sell or both" : $"side '{text}' is not buy or sell"),
    };

    public static string OrderTypeName(OrderType type) => type switch
    {
        OrderType.Market => "market",
        OrderType.Stop => "stop",
        OrderType.StopLimit => "stopLimit",
        _ => "limit",
    };

    public static string TimeInForceName(TimeInForce tif) => tif switch
    {
        TimeInForce.GoodTillCancel => "gtc",
        TimeInForce.ImmediateOrCancel => "ioc",
        TimeInForce.FillOrKill => "fok",
        TimeInForce.Day => "day",
        TimeInForce.GoodTillDate => "gtd",
        _ => "unknown",
    };

    private static string RequiredString(JsonElement m, string name, int maxLength) =>
        OptionalString(m, name, maxLength) ?? throw new RequestError("missing_field", $"'{name}' is required");

    private static string? OptionalString(JsonElement m, string name, int maxLength)
    {
        if (!m.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw new RequestError("invalid_field", $"'{name}' must be a string");
        string s = v.GetString()!;
        if (s.Length > maxLength) throw new RequestError("out_of_range", $"'{name}' is longer than {maxLength} characters");
        return s;
    }

    /// <summary>A decimal as a string ("0.01") or a JSON number (its text, as written: no floating point in between).</summary>
    private static string? OptionalDecimal(JsonElement m, string name)
    {
        if (!m.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        string text = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Number => v.GetRawText(),
            _ => throw new RequestError("invalid_field", $"'{name}' must be a decimal string such as \"0.01\""),
        };
        if (text.Length > 40) throw new RequestError("out_of_range", $"'{name}' is longer than 40 characters");
        return text;
    }

    private static string RequiredDecimal(JsonElement m, string name) =>
        OptionalDecimal(m, name) ?? throw new RequestError("missing_field", $"'{name}' is required");

    private static long? OptionalInteger(JsonElement m, string name, long min, long max)
    {
        if (!m.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number) throw new RequestError("invalid_field", $"'{name}' must be an integer");
        if (!v.TryGetInt64(out long n))
        {
            if (v.TryGetDouble(out double d) && Math.Floor(d) == d) throw new RequestError("out_of_range", $"'{name}' must be {min}..{max}");
            throw new RequestError("invalid_field", $"'{name}' must be an integer");
        }
        if (n < min || n > max) throw new RequestError("out_of_range", $"'{name}' must be {min}..{max}");
        return n;
    }

    private static long RequiredInteger(JsonElement m, string name, long min, long max) =>
        OptionalInteger(m, name, min, max) ?? throw new RequestError("missing_field", $"'{name}' is required");

    private static bool? OptionalBool(JsonElement m, string name)
    {
        if (!m.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new RequestError("invalid_field", $"'{name}' must be true or false"),
        };
    }
}
