// The Kafka sink's messages: Protobuf, one message type per topic (proto/exchange_export.proto), each opening with seq
// (the input that caused it), idx (its place among that input's messages of the same topic) and ts, and data messages
// with count (how many that input caused in the topic). (seq, idx) orders a partition's messages and tells the exporter
// where a partition's tail stands; count lets a reader of every partition see that it has all of an input's messages.
using Google.Protobuf;

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
    public static Proto.Trade Trade(in TradeRow t, int index, int count) => new()
    {
        Seq = t.Sequence, Idx = index, Ts = t.Timestamp, Count = count,
        TradeId = t.TradeId, Symbol = t.Symbol, Price = t.Price, Quantity = t.Quantity, Notional = t.Notional, TakerSide = Of(t.TakerSide),
        MakerAccount = t.MakerAccount, MakerOrderId = t.MakerOrderId, MakerClientOrderId = t.MakerClientOrderId, MakerFee = t.MakerFee,
        TakerAccount = t.TakerAccount, TakerOrderId = t.TakerOrderId, TakerClientOrderId = t.TakerClientOrderId, TakerFee = t.TakerFee,
    };

    public static Proto.OrderEvent Order(in OrderRow o, int count) => new()
    {
        Seq = o.Sequence, Idx = o.Index, Ts = o.Timestamp, Count = count,
        Event = (Proto.OrderEventKind)((int)o.Event + 1), Status = (Proto.OrderStatus)((int)o.Status + 1),
        OrderId = o.OrderId, Account = o.Account, ClientOrderId = o.ClientOrderId, Symbol = o.Symbol, Side = Of(o.Side),
        Type = o.Type switch
        {
            OrderType.Limit => Proto.OrderType.Limit, OrderType.Market => Proto.OrderType.Market, OrderType.Stop => Proto.OrderType.Stop,
            OrderType.StopLimit => Proto.OrderType.StopLimit, _ => Proto.OrderType.Unspecified,
        },
        TimeInForce = o.TimeInForce switch
        {
            TimeInForce.GoodTillCancel => Proto.TimeInForce.GoodTillCancel, TimeInForce.ImmediateOrCancel => Proto.TimeInForce.ImmediateOrCancel,
            TimeInForce.FillOrKill => Proto.TimeInForce.FillOrKill, TimeInForce.Day => Proto.TimeInForce.Day,
            TimeInForce.GoodTillDate => Proto.TimeInForce.GoodTillDate, _ => Proto.TimeInForce.Unspecified,
        },
        Price = o.Price, Quantity = o.Quantity, Filled = o.Filled, Leaves = o.Leaves,
        TradeId = o.TradeId, LastPrice = o.LastPrice, LastQuantity = o.LastQuantity, Reason = o.Reason ?? "", StopPrice = o.StopPrice,
    };

    public static Proto.LedgerMovement Ledger(in LedgerRow l, int count) => new()
    {
        Seq = l.Sequence, Idx = l.Index, Ts = l.Timestamp, Count = count,
        Account = l.Account, Asset = l.Asset, Kind = (Proto.LedgerKind)((int)l.Kind + 1),
        DeltaAvailable = l.DeltaAvailable, DeltaHeld = l.DeltaHeld, Available = l.Available, Held = l.Held,
        OrderId = l.OrderId, TradeId = l.TradeId,
    };

    public static Proto.BookLevelChange Level(in LevelRow l, int count) => new()
    {
        Seq = l.Sequence, Idx = l.Index, Ts = l.Timestamp, Count = count,
        Symbol = l.Symbol, Side = Of(l.Side), Price = l.Price, Quantity = l.Quantity, Orders = l.OrderCount,
    };

    public static byte[] Position(long sequence, long timestamp) => new Proto.ExportPosition { Seq = sequence, Ts = timestamp }.ToByteArray();

    public static Proto.Side Of(Side side) => side switch { Side.Buy => Proto.Side.Buy, Side.Sell => Proto.Side.Sell, _ => Proto.Side.Unspecified };

    public static Side Of(Proto.Side side) => side switch { Proto.Side.Buy => Side.Buy, Proto.Side.Sell => Side.Sell, _ => Side.None };

    public static byte[] Key(long id) => System.Text.Encoding.ASCII.GetBytes(id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A message of the topic whose <paramref name="parser"/> is given; throws InvalidDataException on anything
    /// that is not one of the exporter's (not Protobuf, or no input sequence).</summary>
    public static T Parse<T>(MessageParser<T> parser, byte[]? value) where T : IMessage<T>
    {
        T message;
        try { message = parser.ParseFrom(value ?? []); }
        catch (InvalidProtocolBufferException e) { throw new InvalidDataException($"not a message of the exporter's: {e.Message}"); }
        return message;
    }

    /// <summary>The (seq, idx) of a message of any of the exporter's topics.</summary>
    public static MessageOrder OrderOf(byte[]? value)
    {
        var header = Parse(Proto.Header.Parser, value);
        if (header.Seq <= 0 || header.Idx < 0) throw new InvalidDataException("not a message of the exporter's: no input sequence");
        return new MessageOrder(header.Seq, header.Idx);
    }
}
