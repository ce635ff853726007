// SBE (our generated flyweights) against Google.Protobuf for the same messages, in one run: a new order
// as a client sends it and a fill as the engine reports it.
using Exchange.Contract;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Exchange.Sbe;
using Proto = Exchange.Benchmarks.Proto;

namespace Exchange.Benchmarks;

[Config(typeof(InProcessConfig))]
public class CodecBenchmarks
{
    private readonly byte[] _buffer = new byte[256];
    private readonly byte[] _sbeNewOrder = new byte[256];
    private readonly byte[] _sbeFill = new byte[256];
    private byte[] _protoNewOrder = [];
    private byte[] _protoFill = [];
    private readonly Proto.NewOrder _protoOrder = new();
    private readonly Proto.Fill _protoFillMessage = new();
    private long _i;

    [GlobalSetup]
    public void Setup()
    {
        EncodeNewOrder(_sbeNewOrder, 12345);
        EncodeFill(_sbeFill, 12345);
        _protoNewOrder = ProtoNewOrder(12345).ToByteArray();
        _protoFill = ProtoFill(12345).ToByteArray();
    }

    [Benchmark(Description = "SBE encode NewOrder")]
    public int SbeEncodeNewOrder() => EncodeNewOrder(_buffer, ++_i);

    [Benchmark(Description = "Protobuf encode NewOrder")]
    public int ProtoEncodeNewOrder()
    {
        var m = _protoOrder;
        FillProtoNewOrder(m, ++_i);
        m.WriteTo(_buffer.AsSpan(0, m.CalculateSize()));
        return m.CalculateSize();
    }

    [Benchmark(Description = "SBE decode NewOrder")]
    public long SbeDecodeNewOrder()
    {
        if (NewOrderDecoder.TryWrapWithHeader(_sbeNewOrder, 0, out var d) != SbeError.None) return -1;
        return d.Account + d.ClientOrderId + d.Symbol + (long)d.Side + (long)d.OrderType + (long)d.TimeInForce
            + (long)d.SelfTradePrevention + d.Price + d.Quantity + d.QuoteBudget + (long)d.Flags;
    }

    [Benchmark(Description = "Protobuf decode NewOrder (ParseFrom)")]
    public long ProtoDecodeNewOrder() => Sum(Proto.NewOrder.Parser.ParseFrom(_protoNewOrder));

    [Benchmark(Description = "Protobuf decode NewOrder (MergeFrom, reused)")]
    public long ProtoMergeNewOrder()
    {
        _protoOrder.MergeFrom(_protoNewOrder);
        return Sum(_protoOrder);
    }

    [Benchmark(Description = "SBE encode Fill")]
    public int SbeEncodeFill() => EncodeFill(_buffer, ++_i);

    [Benchmark(Description = "Protobuf encode Fill")]
    public int ProtoEncodeFill()
    {
        var m = _protoFillMessage;
        FillProtoFill(m, ++_i);
        m.WriteTo(_buffer.AsSpan(0, m.CalculateSize()));
        return m.CalculateSize();
    }

    [Benchmark(Description = "SBE decode Fill")]
    public long SbeDecodeFill()
    {
        if (FillDecoder.TryWrapWithHeader(_sbeFill, 0, out var d) != SbeError.None) return -1;
        return d.Sequence + d.Timestamp + d.TradeId + d.Account + d.ClientOrderId + d.OrderId + d.Symbol + (long)d.Side
            + (long)d.Liquidity + d.Price + d.Quantity + d.Fee + d.FilledQuantity + d.LeavesQuantity;
    }

    [Benchmark(Description = "Protobuf decode Fill (ParseFrom)")]
    public long ProtoDecodeFill()
    {
        var d = Proto.Fill.Parser.ParseFrom(_protoFill);
        return d.Sequence + d.Timestamp + d.TradeId + d.Account + d.ClientOrderId + d.OrderId + d.Symbol + d.Side
            + d.Liquidity + d.Price + d.Quantity + d.Fee + d.FilledQuantity + d.LeavesQuantity;
    }

    /// <summary>Reads every field, so a decode cannot skip one that nothing uses.</summary>
    private static long Sum(Proto.NewOrder d) =>
        d.Account + d.ClientOrderId + d.Symbol + d.Side + d.OrderType + d.TimeInForce + d.SelfTradePrevention
        + d.Price + d.Quantity + d.QuoteBudget + d.Flags;

    private static int EncodeNewOrder(byte[] buffer, long i)
    {
        var e = NewOrderEncoder.WrapAndApplyHeader(buffer, 0);
        e.Account = 1001;
        e.ClientOrderId = i;
        e.Symbol = 1;
        e.Side = Side.Buy;
        e.OrderType = OrderType.Limit;
        e.TimeInForce = TimeInForce.GoodTillCancel;
        e.SelfTradePrevention = SelfTradePrevention.CancelNewest;
        e.Price = 60_010 + (i & 7);
        e.Quantity = 1_000_000;
        e.QuoteBudget = 0;
        e.Flags = OrderFlags.None;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    private static int EncodeFill(byte[] buffer, long i)
    {
        var e = FillEncoder.WrapAndApplyHeader(buffer, 0);
        e.Sequence = i;
        e.Timestamp = 1_763_700_000_000_000_000 + i;
        e.TradeId = i;
        e.Account = 1001;
        e.ClientOrderId = i;
        e.OrderId = i + 7;
        e.Symbol = 1;
        e.Side = Side.Sell;
        e.Liquidity = Liquidity.Maker;
        e.Price = 60_010;
        e.Quantity = 1_000_000;
        e.Fee = 12;
        e.FilledQuantity = 1_000_000;
        e.LeavesQuantity = 0;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    private static Proto.NewOrder ProtoNewOrder(long i)
    {
        var m = new Proto.NewOrder();
        FillProtoNewOrder(m, i);
        return m;
    }

    private static void FillProtoNewOrder(Proto.NewOrder m, long i)
    {
        m.Account = 1001;
        m.ClientOrderId = i;
        m.Symbol = 1;
        m.Side = 1;
        m.OrderType = 1;
        m.TimeInForce = 1;
        m.SelfTradePrevention = 1;
        m.Price = 60_010 + (i & 7);
        m.Quantity = 1_000_000;
        m.QuoteBudget = 0;
        m.Flags = 0;
    }

    private static Proto.Fill ProtoFill(long i)
    {
        var m = new Proto.Fill();
        FillProtoFill(m, i);
        return m;
    }

    private static void FillProtoFill(Proto.Fill m, long i)
    {
        m.Sequence = i;
        m.Timestamp = 1_763_700_000_000_000_000 + i;
        m.TradeId = i;
        m.Account = 1001;
        m.ClientOrderId = i;
        m.OrderId = i + 7;
        m.Symbol = 1;
        m.Side = 2;
        m.Liquidity = 1;
        m.Price = 60_010;
        m.Quantity = 1_000_000;
        m.Fee = 12;
        m.FilledQuantity = 1_000_000;
        m.LeavesQuantity = 0;
    }
}
