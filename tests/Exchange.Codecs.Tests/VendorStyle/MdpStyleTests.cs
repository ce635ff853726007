// Schemas/mdp3-style-v1.xml and -v2.xml: our own schema built like CME MDP 3.0 (see the schema's comment for the
// constructs). Every message round-trips through the generated codecs of both versions, each version's decoder
// reads the other version's messages, and the runtime decoder agrees with the generated one value by value.
using System.Buffers.Binary;
using Exchange.Sbe;
using V1 = Mdp.Style.V1;
using V2 = Mdp.Style.V2;

namespace Exchange.Codecs.Tests.VendorStyle;

public sealed class MdpStyleTests
{
    private const string SchemaV1 = "mdp3-style-v1.xml";
    private const string SchemaV2 = "mdp3-style-v2.xml";
    private const int Header = 8;

    // ---- value models (v2 is the superset; fields v1 does not know are null or empty there) ----

    internal sealed record Price9(long Mantissa, sbyte Exponent = -9);

    internal sealed record PriceNull9(long? Mantissa, sbyte Exponent = -9);

    internal sealed record DecimalQty(int? Mantissa, sbyte Exponent = -4);

    internal sealed record MaturityMonthYear(ushort? Year, byte? Month, byte? Day, byte? Week);

    internal sealed record ResetEntry(sbyte? MDUpdateAction, char MDEntryType, short? ApplID);

    internal sealed record ChannelResetNotice(ulong TransactTime, V2.MatchEventIndicator MatchEventIndicator, Seq<ResetEntry> NoMDEntries);

    internal sealed record BookEntry(
        PriceNull9 MDEntryPx, int? MDEntrySize, int SecurityID, uint RptSeq, int? NumberOfOrders, byte MDPriceLevel,
        V2.MDUpdateAction MDUpdateAction, V2.EntryTypeBook MDEntryType, int? TradeableSize);

    internal sealed record OrderEntry(ulong OrderID, ulong? MDOrderPriority, int? MDDisplayQty, byte? ReferenceID, V2.OrderUpdateAction OrderUpdateAction);

    internal sealed record AlertEntry(int SecurityID, byte AlertLevel);

    internal sealed record BookIncrement(
        ulong TransactTime, V2.MatchEventIndicator MatchEventIndicator, ushort? TradeDate,
        Seq<BookEntry> NoMDEntries, Seq<OrderEntry> NoOrderIDEntries, Seq<AlertEntry> NoSecurityAlerts);

    internal sealed record EventEntry(V2.EventType EventType, ulong EventTime);

    internal sealed record AttribEntry(sbyte InstAttribType, V2.InstAttribValue InstAttribValue);

    internal sealed record LotRule(sbyte LotType, DecimalQty MinLotSize);

    internal sealed record FutureDefinition(
        V2.MatchEventIndicator MatchEventIndicator, uint? TotNumReports, V2.SecurityUpdateAction SecurityUpdateAction,
        ulong LastUpdateTime, V2.TradingStatus MDSecurityTradingStatus, short ApplID, byte MarketSegmentID,
        string SecurityGroup, string Symbol, int SecurityID, char SecurityIDSource, MaturityMonthYear MaturityMonthYear,
        string Currency, Price9 MinPriceIncrement, PriceNull9 UnitOfMeasureQty, PriceNull9 TradingReferencePrice,
        V2.SettlPriceType SettlPriceType, int? OpenInterestQty, PriceNull9 HighLimitPrice, ushort? DecayStartDate,
        uint LegacyClearingID, char? UserDefinedInstrument, ushort? TradingReferenceDate, ulong? InstrumentGUID,
        Seq<EventEntry> NoEvents, Seq<AttribEntry> NoInstAttrib, Seq<LotRule> NoLotTypeRules);

    internal sealed record TopOrder(ulong OrderID, ulong? MDOrderPriority, Price9 MDEntryPx);

    internal sealed record TopOrdersSnapshot(uint LastMsgSeqNumProcessed, uint TotNumReports, int SecurityID, uint RptSeq, Seq<TopOrder> NoMDEntries);

    // ---- representative values: typical, extremes and nulls ----

    private static readonly ChannelResetNotice Reset = new(
        ulong.MaxValue, V2.MatchEventIndicator.EndOfEvent | V2.MatchEventIndicator.LastTradeMsg,
        Seq.Of(new ResetEntry(0, 'J', 310), new ResetEntry(0, 'J', short.MinValue), new ResetEntry(0, 'J', short.MaxValue)));

    private static BookIncrement Book(int entries, int orders, int alerts, int seed)
    {
        var random = new Random(seed);
        var actions = Enum.GetValues<V2.MDUpdateAction>().Where(a => a != V2.MDUpdateAction.NULL_VALUE).ToArray();
        var types = Enum.GetValues<V2.EntryTypeBook>().Where(t => t != V2.EntryTypeBook.NULL_VALUE).ToArray();
        return new BookIncrement(
            (ulong)random.NextInt64(), V2.MatchEventIndicator.LastQuoteMsg | V2.MatchEventIndicator.EndOfEvent, 20_000,
            new Seq<BookEntry>(Enumerable.Range(0, entries).Select(i => new BookEntry(
                new PriceNull9(i == 1 ? null : i == 2 ? long.MinValue : random.NextInt64(long.MinValue, long.MaxValue)),
                i % 3 == 0 ? null : random.Next(), random.Next(int.MinValue, int.MaxValue), (uint)random.NextInt64(0, uint.MaxValue + 1L),
                i % 2 == 0 ? null : int.MinValue + i, (byte)random.Next(256), actions[i % actions.Length], types[i % types.Length],
                i % 4 == 0 ? null : random.Next()))),
            new Seq<OrderEntry>(Enumerable.Range(0, orders).Select(i => new OrderEntry(
                (ulong)random.NextInt64() + (ulong)i, i % 2 == 0 ? null : ulong.MaxValue - 1, i % 3 == 0 ? null : random.Next(),
                i % 5 == 0 ? null : (byte)(i % 255), (V2.OrderUpdateAction)(i % 3)))),
            new Seq<AlertEntry>(Enumerable.Range(0, alerts).Select(i => new AlertEntry(random.Next(), (byte)i))));
    }

    private static readonly FutureDefinition Future = new(
        V2.MatchEventIndicator.RecoveryMsg | V2.MatchEventIndicator.Reserved, null, V2.SecurityUpdateAction.Modify,
        1_700_000_000_123_456_789UL, V2.TradingStatus.PostClose, -7, 255,
        "ESZ", "ESZ4 C5000 MAX-SYMBO", int.MaxValue, '8', new MaturityMonthYear(2024, 12, null, 3),
        "USD", new Price9(250_000_000), new PriceNull9(null), new PriceNull9(-123_456_789_012),
        V2.SettlPriceType.Final | V2.SettlPriceType.Intraday | V2.SettlPriceType.NullValue, null, new PriceNull9(long.MaxValue - 1), null,
        uint.MaxValue, 'Y', 19_999, ulong.MaxValue - 1,
        Seq.Of(new EventEntry(V2.EventType.Activation, 1), new EventEntry(V2.EventType.LastEligibleTradeDate, ulong.MaxValue)),
        Seq.Of(new AttribEntry(24, V2.InstAttribValue.ElectronicMatchEligible | V2.InstAttribValue.IsFractional | V2.InstAttribValue.TopBit),
            new AttribEntry(24, V2.InstAttribValue.None)),
        Seq.Of(new LotRule(sbyte.MinValue, new DecimalQty(10_000)), new LotRule(4, new DecimalQty(null))));

    private static readonly TopOrdersSnapshot Top = new(1, 2, -3, 4,
        Seq.Of(new TopOrder(ulong.MaxValue, null, new Price9(long.MinValue)), new TopOrder(0, 0, new Price9(0))));

    // ---- round trips ----

    [Fact]
    public void Channel_reset_round_trips_through_both_versions()
    {
        Assert.Equal(Reset, DecodeResetV2(EncodeResetV2(Reset)));
        Assert.Equal(Reset, DecodeResetV1(EncodeResetV1(Reset)));
    }

    [Fact]
    public void Book_increment_round_trips_with_nulls_extremes_and_empty_groups()
    {
        foreach (var book in new[] { Book(3, 5, 2, 1), Book(0, 0, 0, 2), Book(254, 1, 254, 3), Book(7, 254, 0, 4) })
        {
            Assert.Equal(book, DecodeBookV2(EncodeBookV2(book)));
            var v1 = book with { TradeDate = null, NoMDEntries = WithoutTradeableSize(book.NoMDEntries), NoSecurityAlerts = Seq<AlertEntry>.Empty };
            Assert.Equal(v1, DecodeBookV1(EncodeBookV1(v1)));
        }
    }

    [Fact]
    public void Future_definition_round_trips_with_nulls_and_extremes()
    {
        Assert.Equal(Future, DecodeFutureV2(EncodeFutureV2(Future)));
        Assert.Equal(Future with { InstrumentGUID = null }, DecodeFutureV1(EncodeFutureV1(Future)));
    }

    [Fact]
    public void Message_added_in_version_2_round_trips()
        => Assert.Equal(Top, DecodeTop(EncodeTop(Top)));

    [Fact]
    public void Empty_heartbeat_is_just_a_header_with_block_length_zero()
    {
        var buffer = new byte[64];
        var encoder = V2.HeartbeatEncoder.WrapAndApplyHeader(buffer, 0);
        var bytes = buffer[..encoder.Limit];
        Assert.Equal(new byte[] { 0, 0, 12, 0, 31, 0, 2, 0 }, bytes);
        var decoder = V1.HeartbeatDecoder.WrapWithHeader(bytes);
        Assert.Equal(0, decoder.EncodedLength);
        Assert.Equal(2, decoder.ActingVersion);
        CrossCheck.SameAsRuntime(SchemaV1, bytes, new { });
    }

    // ---- layout ----

    [Fact]
    public void Group_size_8_byte_puts_num_in_group_at_offset_7_after_zeroed_padding()
    {
        var bytes = EncodeBookV2(Book(3, 2, 0, 5));
        var dimension = bytes.AsSpan(Header + 11, 8);
        Assert.Equal(40, BinaryPrimitives.ReadUInt16LittleEndian(dimension));
        Assert.Equal(new byte[5], dimension[2..7].ToArray());
        Assert.Equal(3, dimension[7]);
        Assert.Equal(8, V2.BookIncrementDecoder.NoMDEntriesDecoder.DimensionLength);
        Assert.Equal(3, V2.FutureDefinitionDecoder.NoEventsDecoder.DimensionLength);
        Assert.Equal(254, V2.FutureDefinitionDecoder.NoEventsDecoder.MaxCount);
    }

    [Fact]
    public void Block_length_attributes_include_their_padding()
    {
        Assert.Equal(11, V1.BookIncrementDecoder.BlockLength);
        Assert.Equal(9, V1.BookIncrementDecoder.MinimumBlockLength(1));
        Assert.Equal(11, V2.BookIncrementDecoder.MinimumBlockLength(2));
        Assert.Equal(32, V1.BookIncrementDecoder.NoMDEntriesDecoder.BlockLength);
        Assert.Equal(40, V2.BookIncrementDecoder.NoMDEntriesDecoder.BlockLength);
        Assert.Equal(104, V1.FutureDefinitionDecoder.BlockLength);
        Assert.Equal(112, V2.FutureDefinitionDecoder.BlockLength);
        Assert.Equal(2, V1.ChannelResetNoticeDecoder.NoMDEntriesDecoder.BlockLength);
        Assert.Equal(0, V1.HeartbeatDecoder.BlockLength);
        Assert.Equal(-9, V1.PRICE9Decoder.Wrap(new byte[8], 0).Exponent);
        Assert.Equal(long.MaxValue, V1.PRICENULL9Decoder.MantissaNullValue);
    }

    [Fact]
    public void Constant_fields_declared_before_offset_zero_take_no_space()
    {
        var bytes = EncodeResetV2(Reset);
        // header, 9-byte block, 3-byte dimension, then 2-byte entries holding only ApplID.
        Assert.Equal(Header + 9 + 3 + 3 * 2, bytes.Length);
        Assert.Equal(310, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(Header + 9 + 3)));
        var decoder = V2.ChannelResetNoticeDecoder.WrapWithHeader(bytes);
        var entries = decoder.ReadNoMDEntries();
        Assert.True(entries.Next());
        Assert.Equal((byte)'J', entries.MDEntryType);
        Assert.Equal(0, entries.MDUpdateAction);
    }

    [Fact]
    public void Optional_enum_encoded_through_a_named_null_type_reads_as_null_value()
    {
        Assert.Equal(255, (byte)V1.TradingStatus.NULL_VALUE);
        Assert.Equal(0, (byte)V1.EntryTypeBook.NULL_VALUE);
        var nulls = Future with { MDSecurityTradingStatus = V2.TradingStatus.NULL_VALUE };
        var bytes = EncodeFutureV2(nulls);
        Assert.Equal(255, bytes[Header + 14]);
        Assert.Equal(V2.TradingStatus.NULL_VALUE, DecodeFutureV2(bytes).MDSecurityTradingStatus);
        CrossCheck.SameAsRuntime(SchemaV2, bytes, DecodeFutureV2(bytes));
    }

    // ---- versions ----

    [Fact]
    public void Version_1_decoder_reads_a_version_2_book_skipping_the_wider_entries_and_the_new_group()
    {
        var book = Book(4, 3, 5, 6);
        var bytes = EncodeBookV2(book);
        var seen = DecodeBookV1(bytes);
        Assert.Equal(book with { TradeDate = null, NoMDEntries = WithoutTradeableSize(book.NoMDEntries), NoSecurityAlerts = Seq<AlertEntry>.Empty }, seen);
        CrossCheck.SameAsRuntime(SchemaV1, bytes, seen, readsToTheEnd: false, "TradeDate", "NoMDEntries.TradeableSize", "NoSecurityAlerts");
    }

    [Fact]
    public void Version_2_decoder_reads_a_version_1_book_with_nulls_and_an_empty_new_group()
    {
        var book = Book(4, 3, 0, 7) with { TradeDate = null };
        var v1 = book with { NoMDEntries = WithoutTradeableSize(book.NoMDEntries) };
        var bytes = EncodeBookV1(v1);
        var seen = DecodeBookV2(bytes);
        Assert.Equal(v1, seen);
        CrossCheck.SameAsRuntime(SchemaV2, bytes, seen);
    }

    [Fact]
    public void Version_2_decoder_reads_zeroed_padding_of_a_version_1_block_as_absent_not_as_zero()
    {
        var bytes = EncodeBookV1(Book(1, 0, 0, 8));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(Header + 9)));
        var decoder = V2.BookIncrementDecoder.WrapWithHeader(bytes);
        Assert.False(decoder.TradeDateInActingVersion);
        Assert.Equal(V2.BookIncrementDecoder.TradeDateNullValue, decoder.TradeDate);
    }

    [Fact]
    public void Version_1_decoder_reads_a_version_2_definition_skipping_the_longer_block()
    {
        var bytes = EncodeFutureV2(Future);
        Assert.Equal(112, BinaryPrimitives.ReadUInt16LittleEndian(bytes));
        var seen = DecodeFutureV1(bytes);
        Assert.Equal(Future with { InstrumentGUID = null }, seen);
        CrossCheck.SameAsRuntime(SchemaV1, bytes, seen, readsToTheEnd: true, "InstrumentGUID");
    }

    [Fact]
    public void Version_2_decoder_reads_a_version_1_definition_with_the_new_field_null()
    {
        var bytes = EncodeFutureV1(Future);
        var seen = DecodeFutureV2(bytes);
        Assert.Equal(Future with { InstrumentGUID = null }, seen);
        CrossCheck.SameAsRuntime(SchemaV2, bytes, seen);
    }

    [Fact]
    public void Version_0_message_reads_fields_since_version_1_as_null()
    {
        // The header says version 0: the entries' ApplID (and the constant MDUpdateAction) came in version 1.
        var bytes = CrossCheck.AsOlderVersion(EncodeResetV1(Reset), Header, 9, 0);
        var seen = DecodeResetV2(bytes);
        Assert.Equal(3, seen.NoMDEntries.Count);
        Assert.All(seen.NoMDEntries, entry => Assert.Null(entry.MDUpdateAction));
        Assert.All(seen.NoMDEntries, entry => Assert.Null(entry.ApplID));
        CrossCheck.SameAsRuntime(SchemaV2, bytes, seen);
    }

    [Fact]
    public void Version_1_decoders_do_not_know_the_message_added_in_version_2()
    {
        var bytes = EncodeTop(Top);
        Assert.Equal(SbeError.WrongTemplate, V1.BookIncrementDecoder.TryWrapWithHeader(bytes, 0, out _));
        Assert.Throws<Exchange.Sbe.Tool.SbeDecodeException>(() => CrossCheck.Runtime(SchemaV1, bytes));
        CrossCheck.SameAsRuntime(SchemaV2, bytes, DecodeTop(bytes));
    }

    // ---- the runtime decoder agrees ----

    [Fact]
    public void Runtime_decoder_reads_every_message_as_the_generated_decoders_do()
    {
        CrossCheck.SameAsRuntime(SchemaV2, EncodeResetV2(Reset), DecodeResetV2(EncodeResetV2(Reset)));
        CrossCheck.SameAsRuntime(SchemaV1, EncodeResetV1(Reset), DecodeResetV1(EncodeResetV1(Reset)));
        foreach (var book in new[] { Book(3, 5, 2, 9), Book(0, 0, 0, 10), Book(20, 20, 20, 11) })
        {
            var bytes = EncodeBookV2(book);
            CrossCheck.SameAsRuntime(SchemaV2, bytes, DecodeBookV2(bytes));
        }

        CrossCheck.SameAsRuntime(SchemaV2, EncodeFutureV2(Future), DecodeFutureV2(EncodeFutureV2(Future)));
        CrossCheck.SameAsRuntime(SchemaV1, EncodeFutureV1(Future), DecodeFutureV1(EncodeFutureV1(Future)), readsToTheEnd: true, "InstrumentGUID");
    }

    [Fact]
    public void Every_truncation_of_a_book_fails_with_our_error()
    {
        var bytes = EncodeBookV2(Book(2, 2, 2, 12));
        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes[..length];
            Assert.Equal(SbeError.Truncated, Assert.Throws<SbeException>(() => DecodeBookV2(truncated)).Error);
        }
    }

    private static Seq<BookEntry> WithoutTradeableSize(Seq<BookEntry> entries) => new(entries.Select(e => e with { TradeableSize = null }));

    // ---- ChannelResetNotice ----

    private static byte[] EncodeResetV2(ChannelResetNotice m)
    {
        var buffer = new byte[1024];
        var e = V2.ChannelResetNoticeEncoder.WrapAndApplyHeader(buffer, 0);
        e.TransactTime = m.TransactTime;
        e.MatchEventIndicator = m.MatchEventIndicator;
        var g = e.NoMDEntriesCount(m.NoMDEntries.Count);
        foreach (var entry in m.NoMDEntries)
        {
            g.Next();
            g.ApplID = entry.ApplID ?? V2.ChannelResetNoticeEncoder.NoMDEntriesEncoder.ApplIDNullValue;
        }

        return buffer[..e.Limit];
    }

    private static byte[] EncodeResetV1(ChannelResetNotice m)
    {
        var buffer = new byte[1024];
        var e = V1.ChannelResetNoticeEncoder.WrapAndApplyHeader(buffer, 0);
        e.TransactTime = m.TransactTime;
        e.MatchEventIndicator = (V1.MatchEventIndicator)m.MatchEventIndicator;
        var g = e.NoMDEntriesCount(m.NoMDEntries.Count);
        foreach (var entry in m.NoMDEntries)
        {
            g.Next();
            g.ApplID = entry.ApplID ?? V1.ChannelResetNoticeEncoder.NoMDEntriesEncoder.ApplIDNullValue;
        }

        return buffer[..e.Limit];
    }

    private static ChannelResetNotice DecodeResetV2(byte[] bytes)
    {
        var d = V2.ChannelResetNoticeDecoder.WrapWithHeader(bytes);
        var entries = new List<ResetEntry>();
        var g = d.ReadNoMDEntries();
        while (g.Next())
        {
            entries.Add(new ResetEntry(g.MDUpdateActionInActingVersion ? g.MDUpdateAction : null, (char)g.MDEntryType,
                g.ApplIDInActingVersion ? g.ApplID : null));
        }

        return new ChannelResetNotice(d.TransactTime, d.MatchEventIndicator, new(entries));
    }

    private static ChannelResetNotice DecodeResetV1(byte[] bytes)
    {
        var d = V1.ChannelResetNoticeDecoder.WrapWithHeader(bytes);
        var entries = new List<ResetEntry>();
        var g = d.ReadNoMDEntries();
        while (g.Next())
        {
            entries.Add(new ResetEntry(g.MDUpdateActionInActingVersion ? g.MDUpdateAction : null, (char)g.MDEntryType,
                g.ApplIDInActingVersion ? g.ApplID : null));
        }

        return new ChannelResetNotice(d.TransactTime, (V2.MatchEventIndicator)d.MatchEventIndicator, new(entries));
    }

    // ---- BookIncrement ----

    private static byte[] EncodeBookV2(BookIncrement m)
    {
        var buffer = new byte[64 * 1024];
        var e = V2.BookIncrementEncoder.WrapAndApplyHeader(buffer, 0);
        e.TransactTime = m.TransactTime;
        e.MatchEventIndicator = m.MatchEventIndicator;
        e.TradeDate = m.TradeDate ?? V2.BookIncrementEncoder.TradeDateNullValue;
        var entries = e.NoMDEntriesCount(m.NoMDEntries.Count);
        foreach (var x in m.NoMDEntries)
        {
            entries.Next();
            var px = entries.MDEntryPx;
            px.Mantissa = x.MDEntryPx.Mantissa ?? V2.PRICENULL9Encoder.MantissaNullValue;
            entries.MDEntrySize = x.MDEntrySize ?? V2.BookIncrementEncoder.NoMDEntriesEncoder.MDEntrySizeNullValue;
            entries.SecurityID = x.SecurityID;
            entries.RptSeq = x.RptSeq;
            entries.NumberOfOrders = x.NumberOfOrders ?? V2.BookIncrementEncoder.NoMDEntriesEncoder.NumberOfOrdersNullValue;
            entries.MDPriceLevel = x.MDPriceLevel;
            entries.MDUpdateAction = x.MDUpdateAction;
            entries.MDEntryType = x.MDEntryType;
            entries.TradeableSize = x.TradeableSize ?? V2.BookIncrementEncoder.NoMDEntriesEncoder.TradeableSizeNullValue;
        }

        var orders = e.NoOrderIDEntriesCount(m.NoOrderIDEntries.Count);
        foreach (var x in m.NoOrderIDEntries)
        {
            orders.Next();
            orders.OrderID = x.OrderID;
            orders.MDOrderPriority = x.MDOrderPriority ?? V2.BookIncrementEncoder.NoOrderIDEntriesEncoder.MDOrderPriorityNullValue;
            orders.MDDisplayQty = x.MDDisplayQty ?? V2.BookIncrementEncoder.NoOrderIDEntriesEncoder.MDDisplayQtyNullValue;
            orders.ReferenceID = x.ReferenceID ?? V2.BookIncrementEncoder.NoOrderIDEntriesEncoder.ReferenceIDNullValue;
            orders.OrderUpdateAction = x.OrderUpdateAction;
        }

        var alerts = e.NoSecurityAlertsCount(m.NoSecurityAlerts.Count);
        foreach (var x in m.NoSecurityAlerts)
        {
            alerts.Next();
            alerts.SecurityID = x.SecurityID;
            alerts.AlertLevel = x.AlertLevel;
        }

        return buffer[..e.Limit];
    }

    private static byte[] EncodeBookV1(BookIncrement m)
    {
        var buffer = new byte[64 * 1024];
        var e = V1.BookIncrementEncoder.WrapAndApplyHeader(buffer, 0);
        e.TransactTime = m.TransactTime;
        e.MatchEventIndicator = (V1.MatchEventIndicator)m.MatchEventIndicator;
        var entries = e.NoMDEntriesCount(m.NoMDEntries.Count);
        foreach (var x in m.NoMDEntries)
        {
            entries.Next();
            var px = entries.MDEntryPx;
            px.Mantissa = x.MDEntryPx.Mantissa ?? V1.PRICENULL9Encoder.MantissaNullValue;
            entries.MDEntrySize = x.MDEntrySize ?? V1.BookIncrementEncoder.NoMDEntriesEncoder.MDEntrySizeNullValue;
            entries.SecurityID = x.SecurityID;
            entries.RptSeq = x.RptSeq;
            entries.NumberOfOrders = x.NumberOfOrders ?? V1.BookIncrementEncoder.NoMDEntriesEncoder.NumberOfOrdersNullValue;
            entries.MDPriceLevel = x.MDPriceLevel;
            entries.MDUpdateAction = (V1.MDUpdateAction)x.MDUpdateAction;
            entries.MDEntryType = (V1.EntryTypeBook)x.MDEntryType;
        }

        var orders = e.NoOrderIDEntriesCount(m.NoOrderIDEntries.Count);
        foreach (var x in m.NoOrderIDEntries)
        {
            orders.Next();
            orders.OrderID = x.OrderID;
            orders.MDOrderPriority = x.MDOrderPriority ?? V1.BookIncrementEncoder.NoOrderIDEntriesEncoder.MDOrderPriorityNullValue;
            orders.MDDisplayQty = x.MDDisplayQty ?? V1.BookIncrementEncoder.NoOrderIDEntriesEncoder.MDDisplayQtyNullValue;
            orders.ReferenceID = x.ReferenceID ?? V1.BookIncrementEncoder.NoOrderIDEntriesEncoder.ReferenceIDNullValue;
            orders.OrderUpdateAction = (V1.OrderUpdateAction)x.OrderUpdateAction;
        }

        return buffer[..e.Limit];
    }

    private static T? Null<T>(T value, T nullValue) where T : struct => EqualityComparer<T>.Default.Equals(value, nullValue) ? null : value;

    private static BookIncrement DecodeBookV2(byte[] bytes)
    {
        var d = V2.BookIncrementDecoder.WrapWithHeader(bytes);
        var entries = new List<BookEntry>();
        var g = d.ReadNoMDEntries();
        while (g.Next())
        {
            entries.Add(new BookEntry(
                new PriceNull9(Null(g.MDEntryPx.Mantissa, V2.PRICENULL9Decoder.MantissaNullValue), g.MDEntryPx.Exponent),
                Null(g.MDEntrySize, V2.BookIncrementDecoder.NoMDEntriesDecoder.MDEntrySizeNullValue), g.SecurityID, g.RptSeq,
                Null(g.NumberOfOrders, V2.BookIncrementDecoder.NoMDEntriesDecoder.NumberOfOrdersNullValue), g.MDPriceLevel,
                g.MDUpdateAction, g.MDEntryType, Null(g.TradeableSize, V2.BookIncrementDecoder.NoMDEntriesDecoder.TradeableSizeNullValue)));
        }

        var orders = new List<OrderEntry>();
        var o = d.ReadNoOrderIDEntries();
        while (o.Next())
        {
            orders.Add(new OrderEntry(o.OrderID, Null(o.MDOrderPriority, V2.BookIncrementDecoder.NoOrderIDEntriesDecoder.MDOrderPriorityNullValue),
                Null(o.MDDisplayQty, V2.BookIncrementDecoder.NoOrderIDEntriesDecoder.MDDisplayQtyNullValue),
                Null(o.ReferenceID, V2.BookIncrementDecoder.NoOrderIDEntriesDecoder.ReferenceIDNullValue), o.OrderUpdateAction));
        }

        var alerts = new List<AlertEntry>();
        var a = d.ReadNoSecurityAlerts();
        while (a.Next())
        {
            alerts.Add(new AlertEntry(a.SecurityID, a.AlertLevel));
        }

        return new BookIncrement(d.TransactTime, d.MatchEventIndicator, Null(d.TradeDate, V2.BookIncrementDecoder.TradeDateNullValue),
            new(entries), new(orders), new(alerts));
    }

    private static BookIncrement DecodeBookV1(byte[] bytes)
    {
        var d = V1.BookIncrementDecoder.WrapWithHeader(bytes);
        var entries = new List<BookEntry>();
        var g = d.ReadNoMDEntries();
        while (g.Next())
        {
            entries.Add(new BookEntry(
                new PriceNull9(Null(g.MDEntryPx.Mantissa, V1.PRICENULL9Decoder.MantissaNullValue), g.MDEntryPx.Exponent),
                Null(g.MDEntrySize, V1.BookIncrementDecoder.NoMDEntriesDecoder.MDEntrySizeNullValue), g.SecurityID, g.RptSeq,
                Null(g.NumberOfOrders, V1.BookIncrementDecoder.NoMDEntriesDecoder.NumberOfOrdersNullValue), g.MDPriceLevel,
                (V2.MDUpdateAction)g.MDUpdateAction, (V2.EntryTypeBook)g.MDEntryType, null));
        }

        var orders = new List<OrderEntry>();
        var o = d.ReadNoOrderIDEntries();
        while (o.Next())
        {
            orders.Add(new OrderEntry(o.OrderID, Null(o.MDOrderPriority, V1.BookIncrementDecoder.NoOrderIDEntriesDecoder.MDOrderPriorityNullValue),
                Null(o.MDDisplayQty, V1.BookIncrementDecoder.NoOrderIDEntriesDecoder.MDDisplayQtyNullValue),
                Null(o.ReferenceID, V1.BookIncrementDecoder.NoOrderIDEntriesDecoder.ReferenceIDNullValue), (V2.OrderUpdateAction)o.OrderUpdateAction));
        }

        return new BookIncrement(d.TransactTime, (V2.MatchEventIndicator)d.MatchEventIndicator, null, new(entries), new(orders), Seq<AlertEntry>.Empty);
    }

    // ---- FutureDefinition ----

    private static byte[] EncodeFutureV2(FutureDefinition m)
    {
        var buffer = new byte[4096];
        var e = V2.FutureDefinitionEncoder.WrapAndApplyHeader(buffer, 0);
        e.MatchEventIndicator = m.MatchEventIndicator;
        e.TotNumReports = m.TotNumReports ?? V2.FutureDefinitionEncoder.TotNumReportsNullValue;
        e.SecurityUpdateAction = m.SecurityUpdateAction;
        e.LastUpdateTime = m.LastUpdateTime;
        e.MDSecurityTradingStatus = m.MDSecurityTradingStatus;
        e.ApplID = m.ApplID;
        e.MarketSegmentID = m.MarketSegmentID;
        e.SecurityGroup = System.Text.Encoding.ASCII.GetBytes(m.SecurityGroup);
        e.Symbol = System.Text.Encoding.ASCII.GetBytes(m.Symbol);
        e.SecurityID = m.SecurityID;
        var mmy = e.MaturityMonthYear;
        mmy.Year = m.MaturityMonthYear.Year ?? V2.MaturityMonthYearEncoder.YearNullValue;
        mmy.Month = m.MaturityMonthYear.Month ?? V2.MaturityMonthYearEncoder.MonthNullValue;
        mmy.Day = m.MaturityMonthYear.Day ?? V2.MaturityMonthYearEncoder.DayNullValue;
        mmy.Week = m.MaturityMonthYear.Week ?? V2.MaturityMonthYearEncoder.WeekNullValue;
        e.Currency = System.Text.Encoding.ASCII.GetBytes(m.Currency);
        var increment = e.MinPriceIncrement;
        increment.Mantissa = m.MinPriceIncrement.Mantissa;
        var unit = e.UnitOfMeasureQty;
        unit.Mantissa = m.UnitOfMeasureQty.Mantissa ?? V2.PRICENULL9Encoder.MantissaNullValue;
        var reference = e.TradingReferencePrice;
        reference.Mantissa = m.TradingReferencePrice.Mantissa ?? V2.PRICENULL9Encoder.MantissaNullValue;
        e.SettlPriceType = m.SettlPriceType;
        e.OpenInterestQty = m.OpenInterestQty ?? V2.FutureDefinitionEncoder.OpenInterestQtyNullValue;
        var high = e.HighLimitPrice;
        high.Mantissa = m.HighLimitPrice.Mantissa ?? V2.PRICENULL9Encoder.MantissaNullValue;
        e.DecayStartDate = m.DecayStartDate ?? V2.FutureDefinitionEncoder.DecayStartDateNullValue;
        e.LegacyClearingID = m.LegacyClearingID;
        e.UserDefinedInstrument = (byte)(m.UserDefinedInstrument ?? '\0');
        e.TradingReferenceDate = m.TradingReferenceDate ?? V2.FutureDefinitionEncoder.TradingReferenceDateNullValue;
        e.InstrumentGUID = m.InstrumentGUID ?? V2.FutureDefinitionEncoder.InstrumentGUIDNullValue;
        var events = e.NoEventsCount(m.NoEvents.Count);
        foreach (var x in m.NoEvents)
        {
            events.Next();
            events.EventType = x.EventType;
            events.EventTime = x.EventTime;
        }

        var attribs = e.NoInstAttribCount(m.NoInstAttrib.Count);
        foreach (var x in m.NoInstAttrib)
        {
            attribs.Next();
            attribs.InstAttribValue = x.InstAttribValue;
        }

        var lots = e.NoLotTypeRulesCount(m.NoLotTypeRules.Count);
        foreach (var x in m.NoLotTypeRules)
        {
            lots.Next();
            lots.LotType = x.LotType;
            var size = lots.MinLotSize;
            size.Mantissa = x.MinLotSize.Mantissa ?? V2.DecimalQtyEncoder.MantissaNullValue;
        }

        return buffer[..e.Limit];
    }

    private static byte[] EncodeFutureV1(FutureDefinition m)
    {
        var buffer = new byte[4096];
        var e = V1.FutureDefinitionEncoder.WrapAndApplyHeader(buffer, 0);
        e.MatchEventIndicator = (V1.MatchEventIndicator)m.MatchEventIndicator;
        e.TotNumReports = m.TotNumReports ?? V1.FutureDefinitionEncoder.TotNumReportsNullValue;
        e.SecurityUpdateAction = (V1.SecurityUpdateAction)m.SecurityUpdateAction;
        e.LastUpdateTime = m.LastUpdateTime;
        e.MDSecurityTradingStatus = (V1.TradingStatus)m.MDSecurityTradingStatus;
        e.ApplID = m.ApplID;
        e.MarketSegmentID = m.MarketSegmentID;
        e.SecurityGroup = System.Text.Encoding.ASCII.GetBytes(m.SecurityGroup);
        e.Symbol = System.Text.Encoding.ASCII.GetBytes(m.Symbol);
        e.SecurityID = m.SecurityID;
        var mmy = e.MaturityMonthYear;
        mmy.Year = m.MaturityMonthYear.Year ?? V1.MaturityMonthYearEncoder.YearNullValue;
        mmy.Month = m.MaturityMonthYear.Month ?? V1.MaturityMonthYearEncoder.MonthNullValue;
        mmy.Day = m.MaturityMonthYear.Day ?? V1.MaturityMonthYearEncoder.DayNullValue;
        mmy.Week = m.MaturityMonthYear.Week ?? V1.MaturityMonthYearEncoder.WeekNullValue;
        e.Currency = System.Text.Encoding.ASCII.GetBytes(m.Currency);
        var increment = e.MinPriceIncrement;
        increment.Mantissa = m.MinPriceIncrement.Mantissa;
        var unit = e.UnitOfMeasureQty;
        unit.Mantissa = m.UnitOfMeasureQty.Mantissa ?? V1.PRICENULL9Encoder.MantissaNullValue;
        var reference = e.TradingReferencePrice;
        reference.Mantissa = m.TradingReferencePrice.Mantissa ?? V1.PRICENULL9Encoder.MantissaNullValue;
        e.SettlPriceType = (V1.SettlPriceType)m.SettlPriceType;
        e.OpenInterestQty = m.OpenInterestQty ?? V1.FutureDefinitionEncoder.OpenInterestQtyNullValue;
        var high = e.HighLimitPrice;
        high.Mantissa = m.HighLimitPrice.Mantissa ?? V1.PRICENULL9Encoder.MantissaNullValue;
        e.DecayStartDate = m.DecayStartDate ?? V1.FutureDefinitionEncoder.DecayStartDateNullValue;
        e.LegacyClearingID = m.LegacyClearingID;
        e.UserDefinedInstrument = (byte)(m.UserDefinedInstrument ?? '\0');
        e.TradingReferenceDate = m.TradingReferenceDate ?? V1.FutureDefinitionEncoder.TradingReferenceDateNullValue;
        var events = e.NoEventsCount(m.NoEvents.Count);
        foreach (var x in m.NoEvents)
        {
            events.Next();
            events.EventType = (V1.EventType)x.EventType;
            events.EventTime = x.EventTime;
        }

        var attribs = e.NoInstAttribCount(m.NoInstAttrib.Count);
        foreach (var x in m.NoInstAttrib)
        {
            attribs.Next();
            attribs.InstAttribValue = (V1.InstAttribValue)x.InstAttribValue;
        }

        var lots = e.NoLotTypeRulesCount(m.NoLotTypeRules.Count);
        foreach (var x in m.NoLotTypeRules)
        {
            lots.Next();
            lots.LotType = x.LotType;
            var size = lots.MinLotSize;
            size.Mantissa = x.MinLotSize.Mantissa ?? V1.DecimalQtyEncoder.MantissaNullValue;
        }

        return buffer[..e.Limit];
    }

    private static FutureDefinition DecodeFutureV2(byte[] bytes)
    {
        var d = V2.FutureDefinitionDecoder.WrapWithHeader(bytes);
        var mmy = d.MaturityMonthYear;
        var head = new FutureDefinition(
            d.MatchEventIndicator, Null(d.TotNumReports, V2.FutureDefinitionDecoder.TotNumReportsNullValue), d.SecurityUpdateAction,
            d.LastUpdateTime, d.MDSecurityTradingStatus, d.ApplID, d.MarketSegmentID, d.SecurityGroupAsString(), d.SymbolAsString(),
            d.SecurityID, (char)d.SecurityIDSource,
            new MaturityMonthYear(Null(mmy.Year, V2.MaturityMonthYearDecoder.YearNullValue), Null(mmy.Month, V2.MaturityMonthYearDecoder.MonthNullValue),
                Null(mmy.Day, V2.MaturityMonthYearDecoder.DayNullValue), Null(mmy.Week, V2.MaturityMonthYearDecoder.WeekNullValue)),
            d.CurrencyAsString(), new Price9(d.MinPriceIncrement.Mantissa, d.MinPriceIncrement.Exponent),
            new PriceNull9(Null(d.UnitOfMeasureQty.Mantissa, V2.PRICENULL9Decoder.MantissaNullValue), d.UnitOfMeasureQty.Exponent),
            new PriceNull9(Null(d.TradingReferencePrice.Mantissa, V2.PRICENULL9Decoder.MantissaNullValue), d.TradingReferencePrice.Exponent),
            d.SettlPriceType, Null(d.OpenInterestQty, V2.FutureDefinitionDecoder.OpenInterestQtyNullValue),
            new PriceNull9(Null(d.HighLimitPrice.Mantissa, V2.PRICENULL9Decoder.MantissaNullValue), d.HighLimitPrice.Exponent),
            Null(d.DecayStartDate, V2.FutureDefinitionDecoder.DecayStartDateNullValue), d.LegacyClearingID,
            d.UserDefinedInstrumentInActingVersion ? (char)d.UserDefinedInstrument : null,
            Null(d.TradingReferenceDate, V2.FutureDefinitionDecoder.TradingReferenceDateNullValue),
            Null(d.InstrumentGUID, V2.FutureDefinitionDecoder.InstrumentGUIDNullValue),
            Seq<EventEntry>.Empty, Seq<AttribEntry>.Empty, Seq<LotRule>.Empty);
        var events = new List<EventEntry>();
        var ev = d.ReadNoEvents();
        while (ev.Next()) events.Add(new EventEntry(ev.EventType, ev.EventTime));
        var attribs = new List<AttribEntry>();
        var at = d.ReadNoInstAttrib();
        while (at.Next()) attribs.Add(new AttribEntry(at.InstAttribType, at.InstAttribValue));
        var lots = new List<LotRule>();
        var lt = d.ReadNoLotTypeRules();
        while (lt.Next()) lots.Add(new LotRule(lt.LotType, new DecimalQty(Null(lt.MinLotSize.Mantissa, V2.DecimalQtyDecoder.MantissaNullValue), lt.MinLotSize.Exponent)));
        Assert.Equal(bytes.Length, d.Limit);
        return head with { NoEvents = new(events), NoInstAttrib = new(attribs), NoLotTypeRules = new(lots) };
    }

    private static FutureDefinition DecodeFutureV1(byte[] bytes)
    {
        var d = V1.FutureDefinitionDecoder.WrapWithHeader(bytes);
        var mmy = d.MaturityMonthYear;
        var head = new FutureDefinition(
            (V2.MatchEventIndicator)d.MatchEventIndicator, Null(d.TotNumReports, V1.FutureDefinitionDecoder.TotNumReportsNullValue),
            (V2.SecurityUpdateAction)d.SecurityUpdateAction, d.LastUpdateTime, (V2.TradingStatus)d.MDSecurityTradingStatus, d.ApplID,
            d.MarketSegmentID, d.SecurityGroupAsString(), d.SymbolAsString(), d.SecurityID, (char)d.SecurityIDSource,
            new MaturityMonthYear(Null(mmy.Year, V1.MaturityMonthYearDecoder.YearNullValue), Null(mmy.Month, V1.MaturityMonthYearDecoder.MonthNullValue),
                Null(mmy.Day, V1.MaturityMonthYearDecoder.DayNullValue), Null(mmy.Week, V1.MaturityMonthYearDecoder.WeekNullValue)),
            d.CurrencyAsString(), new Price9(d.MinPriceIncrement.Mantissa, d.MinPriceIncrement.Exponent),
            new PriceNull9(Null(d.UnitOfMeasureQty.Mantissa, V1.PRICENULL9Decoder.MantissaNullValue), d.UnitOfMeasureQty.Exponent),
            new PriceNull9(Null(d.TradingReferencePrice.Mantissa, V1.PRICENULL9Decoder.MantissaNullValue), d.TradingReferencePrice.Exponent),
            (V2.SettlPriceType)d.SettlPriceType, Null(d.OpenInterestQty, V1.FutureDefinitionDecoder.OpenInterestQtyNullValue),
            new PriceNull9(Null(d.HighLimitPrice.Mantissa, V1.PRICENULL9Decoder.MantissaNullValue), d.HighLimitPrice.Exponent),
            Null(d.DecayStartDate, V1.FutureDefinitionDecoder.DecayStartDateNullValue), d.LegacyClearingID,
            d.UserDefinedInstrumentInActingVersion ? (char)d.UserDefinedInstrument : null,
            Null(d.TradingReferenceDate, V1.FutureDefinitionDecoder.TradingReferenceDateNullValue), null,
            Seq<EventEntry>.Empty, Seq<AttribEntry>.Empty, Seq<LotRule>.Empty);
        var events = new List<EventEntry>();
        var ev = d.ReadNoEvents();
        while (ev.Next()) events.Add(new EventEntry((V2.EventType)ev.EventType, ev.EventTime));
        var attribs = new List<AttribEntry>();
        var at = d.ReadNoInstAttrib();
        while (at.Next()) attribs.Add(new AttribEntry(at.InstAttribType, (V2.InstAttribValue)at.InstAttribValue));
        var lots = new List<LotRule>();
        var lt = d.ReadNoLotTypeRules();
        while (lt.Next()) lots.Add(new LotRule(lt.LotType, new DecimalQty(Null(lt.MinLotSize.Mantissa, V1.DecimalQtyDecoder.MantissaNullValue), lt.MinLotSize.Exponent)));
        Assert.Equal(bytes.Length, d.Limit);
        return head with { NoEvents = new(events), NoInstAttrib = new(attribs), NoLotTypeRules = new(lots) };
    }

    // ---- TopOrdersSnapshot (version 2 only) ----

    private static byte[] EncodeTop(TopOrdersSnapshot m)
    {
        var buffer = new byte[1024];
        var e = V2.TopOrdersSnapshotEncoder.WrapAndApplyHeader(buffer, 0);
        e.LastMsgSeqNumProcessed = m.LastMsgSeqNumProcessed;
        e.TotNumReports = m.TotNumReports;
        e.SecurityID = m.SecurityID;
        e.RptSeq = m.RptSeq;
        var g = e.NoMDEntriesCount(m.NoMDEntries.Count);
        foreach (var x in m.NoMDEntries)
        {
            g.Next();
            g.OrderID = x.OrderID;
            g.MDOrderPriority = x.MDOrderPriority ?? V2.TopOrdersSnapshotEncoder.NoMDEntriesEncoder.MDOrderPriorityNullValue;
            var px = g.MDEntryPx;
            px.Mantissa = x.MDEntryPx.Mantissa;
        }

        return buffer[..e.Limit];
    }

    private static TopOrdersSnapshot DecodeTop(byte[] bytes)
    {
        var d = V2.TopOrdersSnapshotDecoder.WrapWithHeader(bytes);
        var entries = new List<TopOrder>();
        var g = d.ReadNoMDEntries();
        while (g.Next())
        {
            entries.Add(new TopOrder(g.OrderID, Null(g.MDOrderPriority, V2.TopOrdersSnapshotDecoder.NoMDEntriesDecoder.MDOrderPriorityNullValue),
                new Price9(g.MDEntryPx.Mantissa, g.MDEntryPx.Exponent)));
        }

        return new TopOrdersSnapshot(d.LastMsgSeqNumProcessed, d.TotNumReports, d.SecurityID, d.RptSeq, new(entries));
    }
}
