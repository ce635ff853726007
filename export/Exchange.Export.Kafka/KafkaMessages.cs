// The Kafka sink's messages: compact JSON, one object per row, each opening with "seq" (the input that caused it) and
// "idx" (its place among that input's messages of the same topic), which together order a partition's messages and
// tell the exporter where a partition's tail stands.
using System.Buffers;
using System.Text.Json;

namespace Exchange.Export.Kafka;

public readonly record struct MessageOrder(long Sequence, int Index) : IComparable<MessageOrder>
{
    public int CompareTo(MessageOrder other) => Sequence != other.Sequence ? Sequence.CompareTo(other.Sequence) : Index.CompareTo(other.Index);
    public static bool operator >(MessageOrder a, MessageOrder b) => a.CompareTo(b) > 0;
    public static bool operator <(MessageOrder a, MessageOrder b) => a.CompareTo(b) < 0;
    public override string ToString() => $"{Sequence}/{Index}";
}

public static class KafkaMessages
{
    private static readonly ArrayBufferWriter<byte> Buffer = new(512);

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        Buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(Buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Buffer.WrittenSpan.ToArray();
    }

    public static byte[] Trade(in TradeRow t, int index)
    {
        var r = t;
        return Json(w =>
        {
            w.WriteNumber("seq", r.Sequence); w.WriteNumber("idx", index); w.WriteNumber("ts", r.Timestamp);
            w.WriteNumber("tradeId", r.TradeId); w.WriteNumber("symbol", r.Symbol); w.WriteNumber("price", r.Price);
            w.WriteNumber("quantity", r.Quantity); w.WriteNumber("notional", r.Notional); w.WriteString("takerSide", ExportBatch.Name(r.TakerSide));
            w.WriteNumber("makerAccount", r.MakerAccount); w.WriteNumber("makerOrderId", r.MakerOrderId);
            w.WriteNumber("makerClientOrderId", r.MakerClientOrderId); w.WriteNumber("makerFee", r.MakerFee);
            w.WriteNumber("takerAccount", r.TakerAccount); w.WriteNumber("takerOrderId", r.TakerOrderId);
            w.WriteNumber("takerClientOrderId", r.TakerClientOrderId); w.WriteNumber("takerFee", r.TakerFee);
        });
    }

    public static byte[] Order(in OrderRow o)
    {
        var r = o;
        return Json(w =>
        {
            w.WriteNumber("seq", r.Sequence); w.WriteNumber("idx", r.Index); w.WriteNumber("ts", r.Timestamp);
            w.WriteString("event", ExportBatch.Name(r.Event)); w.WriteString("status", ExportBatch.Name(r.Status));
            w.WriteNumber("orderId", r.OrderId); w.WriteNumber("account", r.Account); w.WriteNumber("clientOrderId", r.ClientOrderId);
            w.WriteNumber("symbol", r.Symbol); w.WriteString("side", ExportBatch.Name(r.Side)); w.WriteString("type", r.Type.ToString());
            w.WriteString("timeInForce", r.TimeInForce.ToString()); w.WriteNumber("price", r.Price); w.WriteNumber("quantity", r.Quantity);
            w.WriteNumber("filled", r.Filled); w.WriteNumber("leaves", r.Leaves);
            if (r.TradeId != 0)
            {
                w.WriteNumber("tradeId", r.TradeId); w.WriteNumber("lastPrice", r.LastPrice); w.WriteNumber("lastQuantity", r.LastQuantity);
            }
            if (r.Reason != null) w.WriteString("reason", r.Reason);
        });
    }

    public static byte[] Ledger(in LedgerRow l)
    {
        var r = l;
        return Json(w =>
        {
            w.WriteNumber("seq", r.Sequence); w.WriteNumber("idx", r.Index); w.WriteNumber("ts", r.Timestamp);
            w.WriteNumber("account", r.Account); w.WriteNumber("asset", r.Asset); w.WriteString("kind", ExportBatch.Name(r.Kind));
            w.WriteNumber("deltaAvailable", r.DeltaAvailable); w.WriteNumber("deltaHeld", r.DeltaHeld);
            w.WriteNumber("available", r.Available); w.WriteNumber("held", r.Held);
            if (r.OrderId != 0) w.WriteNumber("orderId", r.OrderId);
            if (r.TradeId != 0) w.WriteNumber("tradeId", r.TradeId);
        });
    }

    public static byte[] Level(in LevelRow l)
    {
        var r = l;
        return Json(w =>
        {
            w.WriteNumber("seq", r.Sequence); w.WriteNumber("idx", r.Index); w.WriteNumber("ts", r.Timestamp);
            w.WriteNumber("symbol", r.Symbol); w.WriteString("side", ExportBatch.Name(r.Side)); w.WriteNumber("price", r.Price);
            w.WriteNumber("quantity", r.Quantity); w.WriteNumber("orders", r.OrderCount);
        });
    }

    public static byte[] Position(long sequence, long timestamp) => Json(w =>
    {
        w.WriteNumber("seq", sequence); w.WriteNumber("idx", 0); w.WriteNumber("ts", timestamp);
    });

    public static byte[] Key(long id) => System.Text.Encoding.ASCII.GetBytes(id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A message's numeric fields by name (the readers need a handful); throws InvalidDataException on anything
    /// that is not one of ours.</summary>
    public static Dictionary<string, long> Numbers(ReadOnlySpan<byte> value)
    {
        var numbers = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(value);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new InvalidDataException("not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number) numbers[name] = reader.GetInt64();
            }
        }
        catch (JsonException e) { throw new InvalidDataException($"not a message of the exporter's: {e.Message}"); }
        if (!numbers.ContainsKey("seq") || !numbers.ContainsKey("idx")) throw new InvalidDataException("not a message of the exporter's: no seq and idx");
        return numbers;
    }

    public static MessageOrder OrderOf(ReadOnlySpan<byte> value)
    {
        var n = Numbers(value);
        return new MessageOrder(n["seq"], (int)n["idx"]);
    }
}
