// Schemas/ilink3-style.xml: our own order-entry schema built like CME iLink 3 (see the schema's comment for the
// constructs). Every message round-trips through the generated codecs, decoders cope with newer and older
// senders, and the runtime decoder agrees with the generated one value by value.
using System.Buffers.Binary;
using System.Text;
using Exchange.Sbe;
using Ilink.Style;

namespace Exchange.Codecs.Tests.VendorStyle;

public sealed class ILinkStyleTests
{
    private const string Schema = "ilink3-style.xml";
    private const int Header = 12;

    internal sealed record Price9(long Mantissa, sbyte Exponent = -9);

    internal sealed record PriceNull9(long? Mantissa, sbyte Exponent = -9);

    internal sealed record Decimal64Null(long? Mantissa, sbyte? Exponent);

    internal sealed record Timestamp(ulong Time, TimeUnit Unit = TimeUnit.Nanosecond);

    internal sealed record Negotiate(
        string Protocol, string ClientFlow, string HMACSignature, string AccessKeyID, ulong UUID, ulong RequestTimestamp,
        string Session, string Firm, string Credentials);

    internal sealed record NegotiationResponse(
        string ServerFlow, ulong UUID, ulong RequestTimestamp, ushort? SecretKeySecureIDExpiration, FTI FaultToleranceIndicator,
        SplitMsg SplitMsg, uint PreviousSeqNo, ulong PreviousUUID, string Credentials);

    internal sealed record NewOrder(
        PriceNull9 Price, uint OrderQty, int SecurityID, SideReq Side, uint SeqNum, string SenderID, string ClOrdID,
        ulong PartyDetailsListReqID, ulong OrderRequestID, ulong SendingTimeEpoch, PriceNull9 StopPx, string Location,
        uint? MinQty, uint? DisplayQty, ushort? ExpireDate, OrderType OrdType, TimeInForce TimeInForce,
        BooleanFlag ManualOrderIndicator, ExecInst ExecInst, HandlingInstruction CustOrderHandlingInst, BooleanNULL LiquidityFlag,
        Decimal64Null DiscretionPrice, ulong? SelfMatchPreventionID, int? CrossID, byte NoPartyUpdates, string? Reserved);

    internal sealed record Fill(Price9 FillPx, uint FillQty, string FillExecID);

    internal sealed record OrderEvent(Price9 OrderEventPx, string OrderEventText, uint OrderEventExecID, uint OrderEventQty, byte OrderEventReason, int? ContraGrossTradeID);

    internal sealed record ExecutionReportTrade(
        uint SeqNum, ulong UUID, string ExecID, string SenderID, Price9 LastPx, ulong OrderID, Timestamp TransactTime,
        uint LastQty, uint CumQty, uint LeavesQty, int SecurityID, ulong? CrossID, SideReq Side, BooleanFlag PossRetransFlag,
        ExecType ExecType, char OrdStatus, SplitMsg SplitMsg, string? OwnerTraderID, Seq<Fill> NoFills, Seq<OrderEvent> NoOrderEvents);

    private static readonly Negotiate Negotiation = new(
        "SBE", "IDEMPOTENT", "0123456789abcdef0123456789ABCDEF", "KEY-ID-20-CHARACTERS", ulong.MaxValue, 1_700_000_000_000_000_001,
        "S1", "FIRM5", "user\0with-a-nul");

    private static readonly NegotiationResponse Response = new(
        "RECOVERABLE", 42, 43, null, FTI.Primary, SplitMsg.NULL_VALUE, uint.MaxValue, 0, "");

    private static NewOrder Order(bool nulls) => new(
        new PriceNull9(nulls ? null : -1_250_000_000), 10, int.MinValue, SideReq.Sell, 7, "TRADER-1", "CL-ORD-ID-MAX-LENGTH",
        ulong.MaxValue, 99, 1_700_000_000_987_654_321, new PriceNull9(nulls ? null : long.MaxValue - 1), "US,IL",
        nulls ? null : 1, nulls ? null : uint.MaxValue - 1, nulls ? null : (ushort)19_700, OrderType.StopLimit,
        nulls ? TimeInForce.NULL_VALUE : TimeInForce.GoodTillDate, nulls ? BooleanFlag.False : BooleanFlag.True,
        nulls ? ExecInst.None : ExecInst.AON | ExecInst.NotHeld,
        nulls ? HandlingInstruction.NULL_VALUE : HandlingInstruction.AlgoEngine, nulls ? BooleanNULL.NULL_VALUE : BooleanNULL.False,
        nulls ? new Decimal64Null(null, null) : new Decimal64Null(long.MinValue, sbyte.MinValue),
        nulls ? null : 0, nulls ? null : int.MinValue, 1, nulls ? "" : "reserved for later");

    private static ExecutionReportTrade Trade(int fills, int events, int seed)
    {
        var random = new Random(seed);
        return new ExecutionReportTrade(
            (uint)random.Next(), (ulong)random.NextInt64(), "EXEC-1", "SENDER", new Price9(random.NextInt64(long.MinValue, long.MaxValue)),
            ulong.MaxValue, new Timestamp((ulong)random.NextInt64()), 1, 2, 0, random.Next(), seed % 2 == 0 ? null : 12,
            SideReq.Buy, BooleanFlag.False, ExecType.Trade, '2', SplitMsg.CompleteMessageDelayed, "OWNER",
            new Seq<Fill>(Enumerable.Range(0, fills).Select(i => new Fill(new Price9(random.NextInt64()), (uint)i, $"F{i % 100}"))),
            new Seq<OrderEvent>(Enumerable.Range(0, events).Select(i => new OrderEvent(
                new Price9(-random.NextInt64()), "EVT", (uint)random.Next(), (uint)i, (byte)(i % 256), i % 2 == 0 ? null : -i))));
    }

    // ---- round trips ----

    [Fact]
    public void Negotiate_round_trips_with_constant_strings_and_data_holding_a_nul()
        => Assert.Equal(Negotiation, DecodeNegotiate(EncodeNegotiate(Negotiation)));

    [Fact]
    public void Negotiation_response_round_trips_with_null_optionals_and_empty_data()
        => Assert.Equal(Response, DecodeResponse(EncodeResponse(Response)));

    [Fact]
    public void New_order_round_trips_with_every_optional_set_and_with_every_optional_null()
    {
        Assert.Equal(Order(nulls: false), DecodeOrder(EncodeOrder(Order(nulls: false))));
        Assert.Equal(Order(nulls: true), DecodeOrder(EncodeOrder(Order(nulls: true))));
    }

    [Fact]
    public void Execution_report_round_trips_with_empty_and_full_groups()
    {
        foreach (var trade in new[] { Trade(0, 0, 1), Trade(1, 3, 2), Trade(254, 254, 3) })
        {
            Assert.Equal(trade, DecodeTrade(EncodeTrade(trade)));
        }
    }

    // ---- layout ----

    [Fact]
    public void Header_carries_its_extra_fields_and_decoders_ignore_their_values()
    {
        var bytes = EncodeOrder(Order(nulls: false));
        Assert.Equal(Header, MessageHeaderDecoder.EncodedLength);
        Assert.Equal(new byte[] { 156, 0, 2, 2, 32, 0, 1, 0, 0, 0, 0, 0 }, bytes[..Header]);
        bytes[8] = 3;
        bytes[10] = 7;
        Assert.Equal(Order(nulls: false), DecodeOrder(bytes));
        CrossCheck.SameAsRuntime(Schema, bytes, DecodeOrder(bytes));
    }

    [Fact]
    public void Constant_fields_take_no_space_and_come_from_the_schema()
    {
        Assert.Equal(76, NegotiateDecoder.BlockLength);
        Assert.Equal(32, NegotiationResponseDecoder.BlockLength);
        var bytes = EncodeNegotiate(Negotiation);
        Assert.Equal((byte)'0', bytes[Header]);
        var decoder = NegotiateDecoder.WrapWithHeader(bytes);
        Assert.Equal("SBE"u8.ToArray(), decoder.Protocol.ToArray());
        Assert.Equal("IDEMPOTENT", decoder.ClientFlowAsString());
        var trade = ExecutionReportTradeDecoder.WrapWithHeader(EncodeTrade(Trade(1, 1, 4)));
        Assert.Equal(ExecType.Trade, trade.ExecType);
        Assert.Equal((byte)'2', trade.OrdStatus);
        Assert.Equal(TimeUnit.Nanosecond, trade.TransactTime.Unit);
    }

    [Fact]
    public void Char_null_and_uint8_null_enums_have_the_schema_null_values()
    {
        Assert.Equal(0, (byte)HandlingInstruction.NULL_VALUE);
        Assert.Equal(255, (byte)TimeInForce.NULL_VALUE);
        Assert.Equal(255, (byte)BooleanNULL.NULL_VALUE);
        var bytes = EncodeOrder(Order(nulls: true));
        Assert.Equal(0, bytes[Header + 112]);
        Assert.Equal(255, bytes[Header + 109]);
        Assert.Equal(127, (sbyte)bytes[Header + 122]);
    }

    // ---- versions ----

    [Fact]
    public void Decoder_reads_a_newer_senders_longer_blocks_by_their_block_length()
    {
        foreach (var bytes in new[] { EncodeOrder(Order(nulls: false)), EncodeTrade(Trade(2, 2, 5)), EncodeNegotiate(Negotiation) })
        {
            var newer = CrossCheck.AsNewerVersion(bytes, Header, 24);
            Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(newer.AsSpan(6)));
            object expected = DecodeAny(bytes), seen = DecodeAny(newer);
            Assert.Equal(expected, seen);
            CrossCheck.SameAsRuntime(Schema, newer, seen);
        }
    }

    [Fact]
    public void Decoder_reads_a_version_0_order_with_the_version_1_field_null()
    {
        var older = CrossCheck.AsOlderVersion(EncodeOrder(Order(nulls: false)), Header, 135, 0);
        var seen = DecodeOrder(older);
        Assert.Equal(Order(nulls: false) with { Reserved = null }, seen);
        Assert.Equal(135, NewOrderDecoder.MinimumBlockLength(0));
        CrossCheck.SameAsRuntime(Schema, older, seen);
    }

    [Fact]
    public void Decoder_reads_a_version_0_execution_report_with_version_1_fields_null_in_block_and_entries()
    {
        var trade = Trade(2, 3, 6);
        var older = CrossCheck.AsOlderVersion(EncodeTrade(trade), Header, 103, 0);
        var seen = DecodeTrade(older);
        Assert.Equal(trade with { OwnerTraderID = null, NoOrderEvents = new(trade.NoOrderEvents.Select(e => e with { ContraGrossTradeID = null })) }, seen);
        CrossCheck.SameAsRuntime(Schema, older, seen);
    }

    [Fact]
    public void Block_shorter_than_the_acting_version_needs_is_rejected()
    {
        var older = CrossCheck.AsOlderVersion(EncodeOrder(Order(nulls: false)), Header, 135, 1);
        Assert.Equal(SbeError.BlockTooShort, NewOrderDecoder.TryWrapWithHeader(older, 0, out _));
    }

    // ---- the runtime decoder agrees ----

    [Fact]
    public void Runtime_decoder_reads_every_message_as_the_generated_decoders_do()
    {
        var messages = new[]
        {
            EncodeNegotiate(Negotiation), EncodeResponse(Response), EncodeOrder(Order(nulls: false)), EncodeOrder(Order(nulls: true)),
            EncodeTrade(Trade(0, 0, 7)), EncodeTrade(Trade(3, 4, 8)),
        };
        foreach (var bytes in messages)
        {
            CrossCheck.SameAsRuntime(Schema, bytes, DecodeAny(bytes));
        }
    }

    [Fact]
    public void Every_truncation_of_an_execution_report_fails_with_our_error()
    {
        var bytes = EncodeTrade(Trade(2, 2, 9));
        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes[..length];
            Assert.Equal(SbeError.Truncated, Assert.Throws<SbeException>(() => DecodeTrade(truncated)).Error);
        }
    }

    // ---- codecs ----

    private static object DecodeAny(byte[] bytes) => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2)) switch
    {
        NegotiateDecoder.TemplateId => DecodeNegotiate(bytes),
        NegotiationResponseDecoder.TemplateId => DecodeResponse(bytes),
        NewOrderDecoder.TemplateId => DecodeOrder(bytes),
        _ => DecodeTrade(bytes),
    };

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static T? Null<T>(T value, T nullValue) where T : struct => EqualityComparer<T>.Default.Equals(value, nullValue) ? null : value;

    private static byte[] EncodeNegotiate(Negotiate m)
    {
        var buffer = new byte[512];
        var e = NegotiateEncoder.WrapAndApplyHeader(buffer, 0);
        e.HMACSignature = Ascii(m.HMACSignature);
        e.AccessKeyID = Ascii(m.AccessKeyID);
        e.UUID = m.UUID;
        e.RequestTimestamp = m.RequestTimestamp;
        e.Session = Ascii(m.Session);
        e.Firm = Ascii(m.Firm);
        e.WriteCredentials(Ascii(m.Credentials));
        return buffer[..e.Limit];
    }

    private static Negotiate DecodeNegotiate(byte[] bytes)
    {
        var d = NegotiateDecoder.WrapWithHeader(bytes);
        var head = new Negotiate(d.ProtocolAsString(), d.ClientFlowAsString(), d.HMACSignatureAsString(), d.AccessKeyIDAsString(),
            d.UUID, d.RequestTimestamp, d.SessionAsString(), d.FirmAsString(), "");
        return head with { Credentials = Encoding.ASCII.GetString(d.ReadCredentials()) };
    }

    private static byte[] EncodeResponse(NegotiationResponse m)
    {
        var buffer = new byte[512];
        var e = NegotiationResponseEncoder.WrapAndApplyHeader(buffer, 0);
        e.UUID = m.UUID;
        e.RequestTimestamp = m.RequestTimestamp;
        e.SecretKeySecureIDExpiration = m.SecretKeySecureIDExpiration ?? NegotiationResponseEncoder.SecretKeySecureIDExpirationNullValue;
        e.FaultToleranceIndicator = m.FaultToleranceIndicator;
        e.SplitMsg = m.SplitMsg;
        e.PreviousSeqNo = m.PreviousSeqNo;
        e.PreviousUUID = m.PreviousUUID;
        e.WriteCredentials(Ascii(m.Credentials));
        return buffer[..e.Limit];
    }

    private static NegotiationResponse DecodeResponse(byte[] bytes)
    {
        var d = NegotiationResponseDecoder.WrapWithHeader(bytes);
        var head = new NegotiationResponse(d.ServerFlowAsString(), d.UUID, d.RequestTimestamp,
            Null(d.SecretKeySecureIDExpiration, NegotiationResponseDecoder.SecretKeySecureIDExpirationNullValue), d.FaultToleranceIndicator,
            d.SplitMsg, d.PreviousSeqNo, d.PreviousUUID, "");
        return head with { Credentials = Encoding.ASCII.GetString(d.ReadCredentials()) };
    }

    private static byte[] EncodeOrder(NewOrder m)
    {
        var buffer = new byte[512];
        var e = NewOrderEncoder.WrapAndApplyHeader(buffer, 0);
        var price = e.Price;
        price.Mantissa = m.Price.Mantissa ?? PRICENULL9Encoder.MantissaNullValue;
        e.OrderQty = m.OrderQty;
        e.SecurityID = m.SecurityID;
        e.Side = m.Side;
        e.SeqNum = m.SeqNum;
        e.SenderID = Ascii(m.SenderID);
        e.ClOrdID = Ascii(m.ClOrdID);
        e.PartyDetailsListReqID = m.PartyDetailsListReqID;
        e.OrderRequestID = m.OrderRequestID;
        e.SendingTimeEpoch = m.SendingTimeEpoch;
        var stop = e.StopPx;
        stop.Mantissa = m.StopPx.Mantissa ?? PRICENULL9Encoder.MantissaNullValue;
        e.Location = Ascii(m.Location);
        e.MinQty = m.MinQty ?? NewOrderEncoder.MinQtyNullValue;
        e.DisplayQty = m.DisplayQty ?? NewOrderEncoder.DisplayQtyNullValue;
        e.ExpireDate = m.ExpireDate ?? NewOrderEncoder.ExpireDateNullValue;
        e.OrdType = m.OrdType;
        e.TimeInForce = m.TimeInForce;
        e.ManualOrderIndicator = m.ManualOrderIndicator;
        e.ExecInst = m.ExecInst;
        e.CustOrderHandlingInst = m.CustOrderHandlingInst;
        e.LiquidityFlag = m.LiquidityFlag;
        var discretion = e.DiscretionPrice;
        discretion.Mantissa = m.DiscretionPrice.Mantissa ?? Decimal64NULLEncoder.MantissaNullValue;
        discretion.Exponent = m.DiscretionPrice.Exponent ?? Decimal64NULLEncoder.ExponentNullValue;
        e.SelfMatchPreventionID = m.SelfMatchPreventionID ?? NewOrderEncoder.SelfMatchPreventionIDNullValue;
        e.CrossID = m.CrossID ?? NewOrderEncoder.CrossIDNullValue;
        e.Reserved = Ascii(m.Reserved ?? "");
        return buffer[..e.Limit];
    }

    private static NewOrder DecodeOrder(byte[] bytes)
    {
        var d = NewOrderDecoder.WrapWithHeader(bytes);
        var discretion = d.DiscretionPrice;
        return new NewOrder(
            new PriceNull9(Null(d.Price.Mantissa, PRICENULL9Decoder.MantissaNullValue), d.Price.Exponent), d.OrderQty, d.SecurityID, d.Side,
            d.SeqNum, d.SenderIDAsString(), d.ClOrdIDAsString(), d.PartyDetailsListReqID, d.OrderRequestID, d.SendingTimeEpoch,
            new PriceNull9(Null(d.StopPx.Mantissa, PRICENULL9Decoder.MantissaNullValue), d.StopPx.Exponent), d.LocationAsString(),
            Null(d.MinQty, NewOrderDecoder.MinQtyNullValue), Null(d.DisplayQty, NewOrderDecoder.DisplayQtyNullValue),
            Null(d.ExpireDate, NewOrderDecoder.ExpireDateNullValue), d.OrdType, d.TimeInForce, d.ManualOrderIndicator, d.ExecInst,
            d.CustOrderHandlingInst, d.LiquidityFlag,
            new Decimal64Null(Null(discretion.Mantissa, Decimal64NULLDecoder.MantissaNullValue), Null(discretion.Exponent, Decimal64NULLDecoder.ExponentNullValue)),
            Null(d.SelfMatchPreventionID, NewOrderDecoder.SelfMatchPreventionIDNullValue), Null(d.CrossID, NewOrderDecoder.CrossIDNullValue),
            d.NoPartyUpdates, d.ReservedInActingVersion ? d.ReservedAsString() : null);
    }

    private static byte[] EncodeTrade(ExecutionReportTrade m)
    {
        var buffer = new byte[16 * 1024];
        var e = ExecutionReportTradeEncoder.WrapAndApplyHeader(buffer, 0);
        e.SeqNum = m.SeqNum;
        e.UUID = m.UUID;
        e.ExecID = Ascii(m.ExecID);
        e.SenderID = Ascii(m.SenderID);
        var last = e.LastPx;
        last.Mantissa = m.LastPx.Mantissa;
        e.OrderID = m.OrderID;
        var time = e.TransactTime;
        time.Time = m.TransactTime.Time;
        e.LastQty = m.LastQty;
        e.CumQty = m.CumQty;
        e.LeavesQty = m.LeavesQty;
        e.SecurityID = m.SecurityID;
        e.CrossID = m.CrossID ?? ExecutionReportTradeEncoder.CrossIDNullValue;
        e.Side = m.Side;
        e.PossRetransFlag = m.PossRetransFlag;
        e.SplitMsg = m.SplitMsg;
        e.OwnerTraderID = Ascii(m.OwnerTraderID ?? "");
        var fills = e.NoFillsCount(m.NoFills.Count);
        foreach (var x in m.NoFills)
        {
            fills.Next();
            var px = fills.FillPx;
            px.Mantissa = x.FillPx.Mantissa;
            fills.FillQty = x.FillQty;
            fills.FillExecID = Ascii(x.FillExecID);
        }

        var events = e.NoOrderEventsCount(m.NoOrderEvents.Count);
        foreach (var x in m.NoOrderEvents)
        {
            events.Next();
            var px = events.OrderEventPx;
            px.Mantissa = x.OrderEventPx.Mantissa;
            events.OrderEventText = Ascii(x.OrderEventText);
            events.OrderEventExecID = x.OrderEventExecID;
            events.OrderEventQty = x.OrderEventQty;
            events.OrderEventReason = x.OrderEventReason;
            events.ContraGrossTradeID = x.ContraGrossTradeID ?? ExecutionReportTradeEncoder.NoOrderEventsEncoder.ContraGrossTradeIDNullValue;
        }

        return buffer[..e.Limit];
    }

    private static ExecutionReportTrade DecodeTrade(byte[] bytes)
    {
        var d = ExecutionReportTradeDecoder.WrapWithHeader(bytes);
        var head = new ExecutionReportTrade(
            d.SeqNum, d.UUID, d.ExecIDAsString(), d.SenderIDAsString(), new Price9(d.LastPx.Mantissa, d.LastPx.Exponent), d.OrderID,
            new Timestamp(d.TransactTime.Time, d.TransactTime.Unit), d.LastQty, d.CumQty, d.LeavesQty, d.SecurityID,
            Null(d.CrossID, ExecutionReportTradeDecoder.CrossIDNullValue), d.Side, d.PossRetransFlag, d.ExecType, (char)d.OrdStatus,
            d.SplitMsg, d.OwnerTraderIDInActingVersion ? d.OwnerTraderIDAsString() : null, Seq<Fill>.Empty, Seq<OrderEvent>.Empty);
        var fills = new List<Fill>();
        var f = d.ReadNoFills();
        while (f.Next()) fills.Add(new Fill(new Price9(f.FillPx.Mantissa, f.FillPx.Exponent), f.FillQty, f.FillExecIDAsString()));
        var events = new List<OrderEvent>();
        var o = d.ReadNoOrderEvents();
        while (o.Next())
        {
            events.Add(new OrderEvent(new Price9(o.OrderEventPx.Mantissa, o.OrderEventPx.Exponent), o.OrderEventTextAsString(), o.OrderEventExecID,
                o.OrderEventQty, o.OrderEventReason,
                o.ContraGrossTradeIDInActingVersion ? Null(o.ContraGrossTradeID, ExecutionReportTradeDecoder.NoOrderEventsDecoder.ContraGrossTradeIDNullValue) : null));
        }

        Assert.Equal(bytes.Length, d.Limit);
        return head with { NoFills = new(fills), NoOrderEvents = new(events) };
    }
}
