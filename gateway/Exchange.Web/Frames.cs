// The JSON frames exchange-web sends (PROTOCOL.md has each with an example). A public frame is written once and its
// bytes shared by every subscriber; REST answers are the same frames as the channels' snapshots, so both agree.
// Written with Utf8JsonWriter: no reflection, nothing the AOT compiler cannot see.
using System.Buffers;
using System.Text.Json;
using Exchange.Contract;

namespace Exchange.Web;

public static class Frames
{
    public const int ProtocolVersion = 1;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>Writes one frame with <paramref name="body"/> between its braces and returns its bytes.</summary>
    public static byte[] Write(string type, Action<Utf8JsonWriter> body)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static void RequestId(Utf8JsonWriter w, JsonElement? requestId)
    {
        if (requestId is { } id)
        {
            w.WritePropertyName("requestId");
            id.WriteTo(w);
        }
    }

    public static byte[] Error(JsonElement? requestId, string code, string reason) => Write("error", w =>
    {
        RequestId(w, requestId);
        w.WriteString("code", code);
        w.WriteString("reason", reason);
    });

    public static byte[] Hello(IEnumerable<WebSymbol> symbols, string version) => Write("hello", w =>
    {
        w.WriteNumber("protocol", ProtocolVersion);
        w.WriteString("server", $"exchange-web {version}");
        w.WritePropertyName("symbols");
        SymbolsArray(w, symbols);
    });

    public static void SymbolsArray(Utf8JsonWriter w, IEnumerable<WebSymbol> symbols)
    {
        w.WriteStartArray();
        foreach (var s in symbols)
        {
            w.WriteStartObject();
            w.WriteString("symbol", s.Name);
            w.WriteNumber("id", s.Id);
            w.WriteString("base", s.BaseAsset);
            w.WriteString("quote", s.QuoteAsset);
            w.WriteNumber("priceDecimals", s.PriceDecimals);
            w.WriteNumber("quantityDecimals", s.QuantityDecimals);
            w.WriteString("tickSize", s.Price(s.Reference.Spec.TickSize));
            w.WriteString("lotSize", s.Quantity(s.Reference.Spec.LotSize));
            w.WriteString("minQuantity", s.Quantity(s.Reference.Spec.MinQuantity));
            w.WriteString("maxQuantity", s.Quantity(s.Reference.Spec.MaxQuantity));
            w.WriteString("status", s.Reference.Status == SymbolStatus.Open ? "open" : "halted");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static byte[] Book(SymbolMarket m, int depth, bool snapshot, string? reason = null) => Write("book", w =>
    {
        w.WriteString("symbol", m.Symbol.Name);
        w.WriteNumber("depth", depth);
        w.WriteBoolean("snapshot", snapshot);
        if (reason != null) w.WriteString("reason", reason);
        w.WriteNumber("version", m.Version);
        w.WriteNumber("seq", m.Sequence);
        w.WriteNumber("time", m.Timestamp);
        w.WriteString("status", m.Status == SymbolStatus.Open ? "open" : "halted");
        if (snapshot)
        {
            Levels(w, "bids", m.Bids(depth), m.Symbol);
            Levels(w, "asks", m.Asks(depth), m.Symbol);
        }
        else
        {
            Levels(w, "bids", m.Pending.Where(p => p.Side == Side.Buy).Select(p => p.Level), m.Symbol);
            Levels(w, "asks", m.Pending.Where(p => p.Side == Side.Sell).Select(p => p.Level), m.Symbol);
        }
    });

    private static void Levels(Utf8JsonWriter w, string name, IEnumerable<Level> levels, WebSymbol s)
    {
        w.WriteStartArray(name);
        foreach (var l in levels)
        {
            w.WriteStartArray();
            w.WriteStringValue(s.Price(l.Price));
            w.WriteStringValue(s.Quantity(l.Quantity));
            w.WriteNumberValue(l.Orders);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    public static byte[] Trade(WebSymbol s, TradePrint t) => Write("trade", w =>
    {
        w.WriteString("symbol", s.Name);
        TradeFields(w, s, t);
    });

    private static void TradeFields(Utf8JsonWriter w, WebSymbol s, in TradePrint t)
    {
        w.WriteNumber("tradeId", t.TradeId);
        w.WriteString("price", s.Price(t.Price));
        w.WriteString("quantity", s.Quantity(t.Quantity));
        w.WriteString("side", SideName(t.Aggressor));
        w.WriteNumber("time", t.Timestamp);
        w.WriteNumber("seq", t.Sequence);
    }

    public static byte[] Trades(SymbolMarket m, int limit) => Write("trades", w =>
    {
        w.WriteString("symbol", m.Symbol.Name);
        w.WriteStartArray("trades");
        foreach (var t in m.RecentTrades(limit))
        {
            w.WriteStartObject();
            TradeFields(w, m.Symbol, t);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    public static byte[] Ticker(SymbolMarket m) => Write("ticker", w =>
    {
        var s = m.Symbol;
        w.WriteString("symbol", s.Name);
        w.WriteNumber("seq", m.Sequence);
        w.WriteNumber("time", m.Timestamp);
        NullablePrice(w, "bid", m.Top.BidQuantity == 0 ? null : m.Top.BidPrice, s);
        w.WriteString("bidQuantity", s.Quantity(m.Top.BidQuantity));
        NullablePrice(w, "ask", m.Top.AskQuantity == 0 ? null : m.Top.AskPrice, s);
        w.WriteString("askQuantity", s.Quantity(m.Top.AskQuantity));
        NullablePrice(w, "last", m.LastTrade?.Price, s);
        w.WriteString("status", m.Status == SymbolStatus.Open ? "open" : "halted");
    });

    private static void NullablePrice(Utf8JsonWriter w, string name, long? price, WebSymbol s)
    {
        if (price is { } p) w.WriteString(name, s.Price(p));
        else w.WriteNull(name);
    }

    public static byte[] Candle(WebSymbol s, string interval, Candle c) => Write("candle", w =>
    {
        w.WriteString("symbol", s.Name);
        w.WriteString("interval", interval);
        w.WritePropertyName("candle");
        CandleObject(w, s, c);
    });

    public static byte[] Candles(SymbolMarket m, CandleSeries series, int limit) => Candles(m.Symbol, series.Name, series.Newest(limit));

    public static byte[] Candles(WebSymbol symbol, string interval, IEnumerable<Candle> candles) => Write("candles", w =>
    {
        w.WriteString("symbol", symbol.Name);
        w.WriteString("interval", interval);
        w.WriteStartArray("candles");
        foreach (var c in candles) CandleObject(w, symbol, c);
        w.WriteEndArray();
    });

    private static void CandleObject(Utf8JsonWriter w, WebSymbol s, in Candle c)
    {
        w.WriteStartObject();
        w.WriteNumber("start", c.Start / 1_000_000_000L);
        w.WriteString("open", s.Price(c.Open));
        w.WriteString("high", s.Price(c.High));
        w.WriteString("low", s.Price(c.Low));
        w.WriteString("close", s.Price(c.Close));
        w.WriteString("volume", s.Quantity(c.Volume));
        w.WriteNumber("trades", c.Trades);
        w.WriteEndObject();
    }

    public static string SideName(Side side) => side switch { Side.Buy => "buy", Side.Sell => "sell", _ => "none" };
}
