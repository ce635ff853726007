// Schemas/b3-style.xml: our own schema built like B3's UMDF and EntryPoint schemas (see the schema's comment for
// the constructs). Every message round-trips through the generated codecs, decoders cope with newer and older
// senders, maxValue limits hold, and the runtime decoder agrees with the generated one value by value.
using System.Buffers.Binary;
using System.Text;
using B3.Style;
using Exchange.Sbe;
using B3Boolean = B3.Style.Boolean;

namespace Exchange.Codecs.Tests.VendorStyle;

public sealed class B3StyleTests
{
    private const string Schema = "b3-style.xml";
    private const int Header = 8;

    internal sealed record Timestamp(ulong Time, TimeUnit Unit = TimeUnit.NANOSECOND);

    internal sealed record OptionalPrice(long? Mantissa, sbyte Exponent = -4);

    internal sealed record Fixed8(long Mantissa, sbyte Exponent = -8);

    internal sealed record BusinessHeader(uint SessionID, uint MsgSeqNum, Timestamp SendingTime, byte? MarketSegmentID);

    internal sealed record Party(PartyRole PartyRole, uint PartyIDNum, string PartyName);

    internal sealed record NewOrderSingle(
        BusinessHeader BusinessHeader, ulong ClOrdID, ulong SecurityID, char SecurityIDSource, string SecurityExchange, uint? Account,
        Side Side, OrdType OrdType, TimeInForce TimeInForce, long OrderQty, OptionalPrice Price, OptionalPrice StopPx, long? MinQty,
        EventIndicator EventIndicator, ulong? InvestorID, Seq<Party> Parties, string DeskID, string Memo);

    internal sealed record OrderMBO(
        ulong SecurityID, MatchEventIndicator MatchEventIndicator, MDUpdateAction MDUpdateAction, MDEntryType MDEntryType,
        OptionalPrice MDEntryPx, long? MDEntrySize, uint MDEntryPositionNo, uint? EnteringFirm, Timestamp MDInsertTimestamp,
        ulong SecondaryOrderID, uint RptSeq, Timestamp MDEntryTimestamp);

    internal sealed record Leg(ulong LegSecurityID, Fixed8 LegRatioQty, Side LegSide, string LegSymbol);

    internal sealed record Underlying(ulong UnderlyingSecurityID, Side UnderlyingSide, Seq<Leg> Legs, string UnderlyingDesc);

    internal sealed record Attrib(byte InstrAttribType, B3Boolean InstrAttribValue);

    internal sealed record SecurityDefinition(
        ulong SecurityID, string SecurityExchange, string Symbol, Fixed8 ContractMultiplier, OptionalPrice MinPriceIncrement,
        B3Boolean IsTradeable, Timestamp? LastUpdate, Seq<Underlying> Underlyings, Seq<Attrib> InstrAttribs, string SecurityDesc,
        string? SecurityValidityNote);

    private static NewOrderSingle Order(bool nulls, int parties) => new(
        new BusinessHeader(uint.MaxValue, 1, new Timestamp(1_700_000_000_000_000_000), nulls ? null : (byte)255),
        ulong.MaxValue, 4_000_123, '8', "BVMF", nulls ? null : 123_456, Side.SELL, OrdType.STOP_LIMIT,
        nulls ? TimeInForce.NULL_VALUE : TimeInForce.FILL_OR_KILL, long.MaxValue,
        new OptionalPrice(nulls ? null : -5), new OptionalPrice(nulls ? null : long.MaxValue), nulls ? null : long.MinValue,
        nulls ? EventIndicator.None : EventIndicator.PossResend | EventIndicator.HighPriority, nulls ? null : 77,
        new Seq<Party>(Enumerable.Range(0, parties).Select(i => new Party(
            i % 2 == 0 ? PartyRole.EXECUTING_FIRM : PartyRole.ENTERING_TRADER, (uint)i * 1000, i == 1 ? "" : $"Corretora nº {i} ✓"))),
        nulls ? "" : "DESK-7", nulls ? "" : "memo: ação");

    private static readonly OrderMBO Mbo = new(
        ulong.MaxValue, MatchEventIndicator.LastTradeMsg | MatchEventIndicator.EndOfEvent, MDUpdateAction.DELETE, MDEntryType.OFFER,
        new OptionalPrice(null), null, uint.MaxValue, null, new Timestamp(0), 1, 2, new Timestamp(ulong.MaxValue));

    private static SecurityDefinition Definition(int underlyings, int legs, int seed)
    {
        var random = new Random(seed);
        return new SecurityDefinition(
            (ulong)random.NextInt64(), "BVMF", "PETR4", new Fixed8(100_000_000), new OptionalPrice(seed % 2 == 0 ? null : 1),
            seed % 3 == 0 ? B3Boolean.NULL_VALUE : B3Boolean.TRUE_VALUE, new Timestamp((ulong)random.NextInt64()),
            new Seq<Underlying>(Enumerable.Range(0, underlyings).Select(u => new Underlying(
                (ulong)random.NextInt64(), u % 3 == 2 ? Side.NULL_VALUE : (Side)(byte)('1' + u % 2),
                new Seq<Leg>(Enumerable.Range(0, (u + legs) % 11).Select(l => new Leg(
                    (ulong)random.NextInt64(), new Fixed8(random.NextInt64(long.MinValue, long.MaxValue)), l % 2 == 0 ? Side.BUY : Side.SELL,
                    new string('L', l * 20)))),
                $"underlying {u} — ünïcødé"))),
            new Seq<Attrib>(Enumerable.Range(0, underlyings % 4).Select(a => new Attrib((byte)a, a % 2 == 0 ? B3Boolean.FALSE_VALUE : B3Boolean.TRUE_VALUE))),
            new string('d', 250), "valid until further notice");
    }

    // ---- round trips ----

    [Fact]
    public void New_order_round_trips_with_values_and_with_nulls()
    {
        Assert.Equal(Order(nulls: false, parties: 3), DecodeOrder(EncodeOrder(Order(nulls: false, parties: 3))));
        Assert.Equal(Order(nulls: true, parties: 0), DecodeOrder(EncodeOrder(Order(nulls: true, parties: 0))));
        Assert.Equal(Order(nulls: false, parties: 10), DecodeOrder(EncodeOrder(Order(nulls: false, parties: 10))));
    }

    [Fact]
    public void Order_mbo_round_trips_with_null_optionals_and_extreme_timestamps()
        => Assert.Equal(Mbo, DecodeMbo(EncodeMbo(Mbo)));

    [Fact]
    public void Security_definition_round_trips_through_nested_groups_with_var_data_at_each_level()
    {
        foreach (var definition in new[] { Definition(0, 0, 1), Definition(3, 2, 2), Definition(40, 9, 3) })
        {
            Assert.Equal(definition, DecodeDefinition(EncodeDefinition(definition)));
        }
    }

    // ---- layout and limits ----

    [Fact]
    public void Var_data_has_a_one_byte_length_and_raw_utf8_bytes()
    {
        var order = Order(nulls: false, parties: 0);
        var bytes = EncodeOrder(order);
        var memo = Encoding.UTF8.GetBytes(order.Memo);
        Assert.Equal(memo.Length, bytes[^(memo.Length + 1)]);
        Assert.Equal(memo, bytes[^memo.Length..]);
        Assert.Equal(81, NewOrderSingleDecoder.BlockLength);
        Assert.Equal(3, NewOrderSingleDecoder.PartiesDecoder.DimensionLength);
    }

    [Fact]
    public void Optional_price_null_is_int64_min_and_optional_enum_null_is_nul()
    {
        Assert.Equal(long.MinValue, PriceOptionalDecoder.MantissaNullValue);
        Assert.Equal(0, (byte)TimeInForce.NULL_VALUE);
        var bytes = EncodeOrder(Order(nulls: true, parties: 0));
        Assert.Equal(long.MinValue, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(Header + 48)));
        Assert.Equal(0, bytes[Header + 39]);
    }

    [Fact]
    public void Counts_and_lengths_above_max_value_are_refused_by_encoder_and_decoder()
    {
        var buffer = new byte[4096];
        Assert.Equal(10, NewOrderSingleEncoder.PartiesEncoder.MaxCount);
        Assert.Equal(SbeError.CountOutOfRange, Assert.Throws<SbeException>(() =>
            NewOrderSingleEncoder.WrapAndApplyHeader(buffer, 0).PartiesCount(11)).Error);
        Assert.Equal(SbeError.LengthOutOfRange, Assert.Throws<SbeException>(() =>
        {
            var e = NewOrderSingleEncoder.WrapAndApplyHeader(buffer, 0);
            e.PartiesCount(0);
            e.WriteDeskID(new byte[20]);
            e.WriteMemo(new byte[41]);
        }).Error);

        var bytes = EncodeOrder(Order(nulls: false, parties: 1));
        bytes[Header + 81 + 2] = 11;
        Assert.Equal(SbeError.CountOutOfRange, Assert.Throws<SbeException>(() => DecodeOrder(bytes)).Error);
        Assert.Throws<Exchange.Sbe.Tool.SbeDecodeException>(() => CrossCheck.Runtime(Schema, bytes));
    }

    // ---- versions ----

    [Fact]
    public void Decoder_reads_a_newer_senders_longer_blocks_by_their_block_length()
    {
        foreach (var bytes in new[] { EncodeOrder(Order(false, 2)), EncodeMbo(Mbo), EncodeDefinition(Definition(2, 3, 4)) })
        {
            var newer = CrossCheck.AsNewerVersion(bytes, Header, 13);
            object expected = DecodeAny(bytes), seen = DecodeAny(newer);
            Assert.Equal(expected, seen);
            CrossCheck.SameAsRuntime(Schema, newer, seen);
        }
    }

    [Fact]
    public void Decoder_reads_a_version_0_definition_with_version_1_field_group_and_data_absent()
    {
        var definition = Definition(2, 1, 5);
        var older = CrossCheck.AsOlderVersion(EncodeDefinition(definition, asVersion0: true), Header, SecurityDefinitionDecoder.MinimumBlockLength(0), 0);
        Assert.Equal(45, SecurityDefinitionDecoder.MinimumBlockLength(0));
        var seen = DecodeDefinition(older);
        Assert.Equal(definition with { LastUpdate = null, InstrAttribs = Seq<Attrib>.Empty, SecurityValidityNote = null }, seen);
        CrossCheck.SameAsRuntime(Schema, older, seen);
    }

    [Fact]
    public void Decoder_reads_a_version_0_order_with_the_version_1_field_null()
    {
        // A version 0 sender cannot set HighPriority, the choice version 1 added.
        var order = Order(false, 2) with { EventIndicator = EventIndicator.PossResend };
        var older = CrossCheck.AsOlderVersion(EncodeOrder(order), Header, 73, 0);
        var seen = DecodeOrder(older);
        Assert.Equal(order with { InvestorID = null }, seen);
        CrossCheck.SameAsRuntime(Schema, older, seen);
    }

    // ---- the runtime decoder agrees ----

    [Fact]
    public void Runtime_decoder_reads_every_message_as_the_generated_decoders_do()
    {
        var messages = new[]
        {
            EncodeOrder(Order(false, 3)), EncodeOrder(Order(true, 0)), EncodeMbo(Mbo),
            EncodeDefinition(Definition(0, 0, 6)), EncodeDefinition(Definition(5, 4, 7)),
        };
        foreach (var bytes in messages)
        {
            CrossCheck.SameAsRuntime(Schema, bytes, DecodeAny(bytes));
        }
    }

    [Fact]
    public void Every_truncation_of_a_definition_fails_with_our_error()
    {
        var bytes = EncodeDefinition(Definition(2, 2, 8));
        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes[..length];
            Assert.Equal(SbeError.Truncated, Assert.Throws<SbeException>(() => DecodeDefinition(truncated)).Error);
        }
    }

    // ---- codecs ----

    private static object DecodeAny(byte[] bytes) => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2)) switch
    {
        NewOrderSingleDecoder.TemplateId => DecodeOrder(bytes),
        OrderMBODecoder.TemplateId => DecodeMbo(bytes),
        _ => DecodeDefinition(bytes),
    };

    private static T? Null<T>(T value, T nullValue) where T : struct => EqualityComparer<T>.Default.Equals(value, nullValue) ? null : value;

    private static byte[] EncodeOrder(NewOrderSingle m)
    {
        var buffer = new byte[8192];
        var e = NewOrderSingleEncoder.WrapAndApplyHeader(buffer, 0);
        var header = e.BusinessHeader;
        header.SessionID = m.BusinessHeader.SessionID;
        header.MsgSeqNum = m.BusinessHeader.MsgSeqNum;
        var sent = header.SendingTime;
        sent.Time = m.BusinessHeader.SendingTime.Time;
        header.MarketSegmentID = m.BusinessHeader.MarketSegmentID ?? InboundBusinessHeaderEncoder.MarketSegmentIDNullValue;
        e.ClOrdID = m.ClOrdID;
        e.SecurityID = m.SecurityID;
        e.Account = m.Account ?? NewOrderSingleEncoder.AccountNullValue;
        e.Side = m.Side;
        e.OrdType = m.OrdType;
        e.TimeInForce = m.TimeInForce;
        e.OrderQty = m.OrderQty;
        var price = e.Price;
        price.Mantissa = m.Price.Mantissa ?? PriceOptionalEncoder.MantissaNullValue;
        var stop = e.StopPx;
        stop.Mantissa = m.StopPx.Mantissa ?? PriceOptionalEncoder.MantissaNullValue;
        e.MinQty = m.MinQty ?? NewOrderSingleEncoder.MinQtyNullValue;
        e.EventIndicator = m.EventIndicator;
        e.InvestorID = m.InvestorID ?? NewOrderSingleEncoder.InvestorIDNullValue;
        var parties = e.PartiesCount(m.Parties.Count);
        foreach (var p in m.Parties)
        {
            parties.Next();
            parties.PartyRole = p.PartyRole;
            parties.PartyIDNum = p.PartyIDNum;
            parties.WritePartyName(Encoding.UTF8.GetBytes(p.PartyName));
        }

        e.WriteDeskID(Encoding.Latin1.GetBytes(m.DeskID));
        e.WriteMemo(Encoding.UTF8.GetBytes(m.Memo));
        return buffer[..e.Limit];
    }

    private static NewOrderSingle DecodeOrder(byte[] bytes)
    {
        var d = NewOrderSingleDecoder.WrapWithHeader(bytes);
        var h = d.BusinessHeader;
        var head = new NewOrderSingle(
            new BusinessHeader(h.SessionID, h.MsgSeqNum, new Timestamp(h.SendingTime.Time, h.SendingTime.Unit),
                Null(h.MarketSegmentID, InboundBusinessHeaderDecoder.MarketSegmentIDNullValue)),
            d.ClOrdID, d.SecurityID, (char)d.SecurityIDSource, d.SecurityExchangeAsString(), Null(d.Account, NewOrderSingleDecoder.AccountNullValue),
            d.Side, d.OrdType, d.TimeInForce, d.OrderQty,
            new OptionalPrice(Null(d.Price.Mantissa, PriceOptionalDecoder.MantissaNullValue), d.Price.Exponent),
            new OptionalPrice(Null(d.StopPx.Mantissa, PriceOptionalDecoder.MantissaNullValue), d.StopPx.Exponent),
            Null(d.MinQty, NewOrderSingleDecoder.MinQtyNullValue), d.EventIndicator,
            d.InvestorIDInActingVersion ? Null(d.InvestorID, NewOrderSingleDecoder.InvestorIDNullValue) : null,
            Seq<Party>.Empty, "", "");
        var parties = new List<Party>();
        var g = d.ReadParties();
        while (g.Next())
        {
            var role = g.PartyRole;
            var id = g.PartyIDNum;
            parties.Add(new Party(role, id, Encoding.UTF8.GetString(g.ReadPartyName())));
        }

        var desk = Encoding.Latin1.GetString(d.ReadDeskID());
        var memo = Encoding.UTF8.GetString(d.ReadMemo());
        Assert.Equal(bytes.Length, d.Limit);
        return head with { Parties = new(parties), DeskID = desk, Memo = memo };
    }

    private static byte[] EncodeMbo(OrderMBO m)
    {
        var buffer = new byte[256];
        var e = OrderMBOEncoder.WrapAndApplyHeader(buffer, 0);
        e.SecurityID = m.SecurityID;
        e.MatchEventIndicator = m.MatchEventIndicator;
        e.MDUpdateAction = m.MDUpdateAction;
        e.MDEntryType = m.MDEntryType;
        var px = e.MDEntryPx;
        px.Mantissa = m.MDEntryPx.Mantissa ?? PriceOptionalEncoder.MantissaNullValue;
        e.MDEntrySize = m.MDEntrySize ?? OrderMBOEncoder.MDEntrySizeNullValue;
        e.MDEntryPositionNo = m.MDEntryPositionNo;
        e.EnteringFirm = m.EnteringFirm ?? OrderMBOEncoder.EnteringFirmNullValue;
        var inserted = e.MDInsertTimestamp;
        inserted.Time = m.MDInsertTimestamp.Time;
        e.SecondaryOrderID = m.SecondaryOrderID;
        e.RptSeq = m.RptSeq;
        var entered = e.MDEntryTimestamp;
        entered.Time = m.MDEntryTimestamp.Time;
        return buffer[..e.Limit];
    }

    private static OrderMBO DecodeMbo(byte[] bytes)
    {
        var d = OrderMBODecoder.WrapWithHeader(bytes);
        return new OrderMBO(
            d.SecurityID, d.MatchEventIndicator, d.MDUpdateAction, d.MDEntryType,
            new OptionalPrice(Null(d.MDEntryPx.Mantissa, PriceOptionalDecoder.MantissaNullValue), d.MDEntryPx.Exponent),
            Null(d.MDEntrySize, OrderMBODecoder.MDEntrySizeNullValue), d.MDEntryPositionNo, Null(d.EnteringFirm, OrderMBODecoder.EnteringFirmNullValue),
            new Timestamp(d.MDInsertTimestamp.Time, d.MDInsertTimestamp.Unit), d.SecondaryOrderID, d.RptSeq,
            new Timestamp(d.MDEntryTimestamp.Time, d.MDEntryTimestamp.Unit));
    }

    // asVersion0: what a version 0 encoder writes (no instrAttribs group, no securityValidityNote).
    private static byte[] EncodeDefinition(SecurityDefinition m, bool asVersion0 = false)
    {
        var buffer = new byte[64 * 1024];
        var e = SecurityDefinitionEncoder.WrapAndApplyHeader(buffer, 0);
        e.SecurityID = m.SecurityID;
        e.Symbol = Encoding.ASCII.GetBytes(m.Symbol);
        var multiplier = e.ContractMultiplier;
        multiplier.Mantissa = m.ContractMultiplier.Mantissa;
        var increment = e.MinPriceIncrement;
        increment.Mantissa = m.MinPriceIncrement.Mantissa ?? PriceOptionalEncoder.MantissaNullValue;
        e.IsTradeable = m.IsTradeable;
        var update = e.LastUpdate;
        update.Time = m.LastUpdate?.Time ?? 0;
        var underlyings = e.UnderlyingsCount(m.Underlyings.Count);
        foreach (var u in m.Underlyings)
        {
            underlyings.Next();
            underlyings.UnderlyingSecurityID = u.UnderlyingSecurityID;
            underlyings.UnderlyingSide = u.UnderlyingSide;
            var legs = underlyings.LegsCount(u.Legs.Count);
            foreach (var l in u.Legs)
            {
                legs.Next();
                legs.LegSecurityID = l.LegSecurityID;
                var ratio = legs.LegRatioQty;
                ratio.Mantissa = l.LegRatioQty.Mantissa;
                legs.LegSide = l.LegSide;
                legs.WriteLegSymbol(Encoding.UTF8.GetBytes(l.LegSymbol));
            }

            underlyings.WriteUnderlyingDesc(Encoding.UTF8.GetBytes(u.UnderlyingDesc));
        }

        if (!asVersion0)
        {
            var attribs = e.InstrAttribsCount(m.InstrAttribs.Count);
            foreach (var a in m.InstrAttribs)
            {
                attribs.Next();
                attribs.InstrAttribType = a.InstrAttribType;
                attribs.InstrAttribValue = a.InstrAttribValue;
            }
        }

        e.WriteSecurityDesc(Encoding.UTF8.GetBytes(m.SecurityDesc));
        if (!asVersion0)
        {
            e.WriteSecurityValidityNote(Encoding.UTF8.GetBytes(m.SecurityValidityNote ?? ""));
        }

        return buffer[..e.Limit];
    }

    private static SecurityDefinition DecodeDefinition(byte[] bytes)
    {
        var d = SecurityDefinitionDecoder.WrapWithHeader(bytes);
        var head = new SecurityDefinition(
            d.SecurityID, d.SecurityExchangeAsString(), d.SymbolAsString(), new Fixed8(d.ContractMultiplier.Mantissa, d.ContractMultiplier.Exponent),
            new OptionalPrice(Null(d.MinPriceIncrement.Mantissa, PriceOptionalDecoder.MantissaNullValue), d.MinPriceIncrement.Exponent),
            d.IsTradeable, d.LastUpdateInActingVersion ? new Timestamp(d.LastUpdate.Time, d.LastUpdate.Unit) : null,
            Seq<Underlying>.Empty, Seq<Attrib>.Empty, "", null);
        var underlyings = new List<Underlying>();
        var u = d.ReadUnderlyings();
        while (u.Next())
        {
            var id = u.UnderlyingSecurityID;
            var side = u.UnderlyingSide;
            var legs = new List<Leg>();
            var l = u.ReadLegs();
            while (l.Next())
            {
                var leg = new Leg(l.LegSecurityID, new Fixed8(l.LegRatioQty.Mantissa, l.LegRatioQty.Exponent), l.LegSide, "");
                legs.Add(leg with { LegSymbol = Encoding.UTF8.GetString(l.ReadLegSymbol()) });
            }

            underlyings.Add(new Underlying(id, side, new(legs), Encoding.UTF8.GetString(u.ReadUnderlyingDesc())));
        }

        var attribs = new List<Attrib>();
        var a = d.ReadInstrAttribs();
        while (a.Next()) attribs.Add(new Attrib(a.InstrAttribType, a.InstrAttribValue));
        var desc = Encoding.UTF8.GetString(d.ReadSecurityDesc());
        var note = d.SecurityValidityNoteInActingVersion ? Encoding.UTF8.GetString(d.ReadSecurityValidityNote()) : null;
        Assert.Equal(bytes.Length, d.Limit);
        return head with { Underlyings = new(underlyings), InstrAttribs = new(attribs), SecurityDesc = desc, SecurityValidityNote = note };
    }
}
