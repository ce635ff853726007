// Engine events on the wire (Wire/EventCodec.cs): SbeEventWriter writes length-prefixed SBE messages stamped
// with the causing command's sequence and timestamp, EventCodec.Decode gives back the same events, neither
// allocates, and bad input is an SbeError, never an exception. Every random test is seeded.
using System.Buffers.Binary;
using Exchange.Contract;
using Exchange.Sbe;

namespace Exchange.Engine.Tests;

public sealed class WireEventTests
{
    public enum Kind
    {
        Accepted, Rejected, Fill, Cancelled, Replaced, Reduced, Level, BestBidOffer, Balance, MassCancelled, SymbolStatus, AccountAdded,
    }

    private const int Samples = 1_000;

    private static object RandomEvent(Kind kind, Random r) => kind switch
    {
        Kind.Accepted => new OrderAccepted(Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Side(r),
            Arbitrary.OrderType(r), Arbitrary.TimeInForce(r), Arbitrary.Long(r), Arbitrary.Long(r)),
        Kind.Rejected => new CommandRejected((CommandKind)Arbitrary.Byte(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Int(r),
            (RejectReason)(ushort)r.Next(0, 65_536)),
        Kind.Fill => new Fill(Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Side(r),
            (Liquidity)Arbitrary.Byte(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r)),
        Kind.Cancelled => new OrderCancelled(Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Side(r),
            (CancelReason)Arbitrary.Byte(r), Arbitrary.Long(r), Arbitrary.Long(r)),
        Kind.Replaced => new OrderReplaced(Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Int(r),
            Arbitrary.Side(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Bool(r)),
        Kind.Reduced => new OrderReduced(Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Side(r),
            Arbitrary.Long(r), Arbitrary.Long(r)),
        Kind.Level => new LevelChanged(Arbitrary.Int(r), Arbitrary.Side(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Int(r)),
        Kind.BestBidOffer => new BestBidOffer(Arbitrary.Int(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r)),
        Kind.Balance => new BalanceChanged(Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Long(r), Arbitrary.Long(r)),
        Kind.MassCancelled => new MassCancelled(Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Side(r), Arbitrary.Int(r)),
        Kind.SymbolStatus => new SymbolStatusChanged(Arbitrary.Int(r), (SymbolStatus)Arbitrary.Byte(r)),
        Kind.AccountAdded => new AccountAdded(Arbitrary.Long(r)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>One fixed event of each kind.</summary>
    private static object SampleEvent(Kind kind) => RandomEvent(kind, new Random(7 + (int)kind));

    internal static void Write(ref SbeEventWriter writer, object e)
    {
        switch (e)
        {
            case OrderAccepted x: writer.OnAccepted(x); break;
            case CommandRejected x: writer.OnRejected(x); break;
            case Fill x: writer.OnFill(x); break;
            case OrderCancelled x: writer.OnCancelled(x); break;
            case OrderReplaced x: writer.OnReplaced(x); break;
            case OrderReduced x: writer.OnReduced(x); break;
            case LevelChanged x: writer.OnLevel(x); break;
            case BestBidOffer x: writer.OnBestBidOffer(x); break;
            case BalanceChanged x: writer.OnBalance(x); break;
            case MassCancelled x: writer.OnMassCancelled(x); break;
            case SymbolStatusChanged x: writer.OnSymbolStatus(x); break;
            case AccountAdded x: writer.OnAccountAdded(x); break;
            default: throw new ArgumentException($"not an event: {e}");
        }
    }

    /// <summary>Walks the length-prefixed messages of <paramref name="written"/>, decoding each; the prefixes must
    /// account for every byte.</summary>
    internal static List<(object Event, long Sequence, long Timestamp)> DecodeAll(ReadOnlySpan<byte> written)
    {
        var output = new RecordingOutput();
        var decoded = new List<(object, long, long)>();
        int at = 0;
        while (at < written.Length)
        {
            Assert.True(written.Length - at >= SbeEventWriter.LengthPrefix, $"a partial length prefix at {at}");
            int length = BinaryPrimitives.ReadInt32LittleEndian(written[at..]);
            Assert.InRange(length, MessageHeaderDecoder.EncodedLength, written.Length - at - SbeEventWriter.LengthPrefix);
            SbeError error = EventCodec.Decode(written.Slice(at + SbeEventWriter.LengthPrefix, length), ref output, out long sequence, out long timestamp);
            Assert.Equal(SbeError.None, error);
            foreach (object e in output.Events) decoded.Add((e, sequence, timestamp));
            output.Clear();
            at += SbeEventWriter.LengthPrefix + length;
        }
        return decoded;
    }

    /// <summary>The message of one event, without its length prefix.</summary>
    private static byte[] EncodedSample(Kind kind)
    {
        var writer = new SbeEventWriter(256) { Sequence = 77, Timestamp = 88 };
        Write(ref writer, SampleEvent(kind));
        return writer.Written[SbeEventWriter.LengthPrefix..].ToArray();
    }

    public static TheoryData<Kind> Kinds => new(Enum.GetValues<Kind>());

    // ---- round trips -------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_event_kind_round_trips_with_its_sequence_and_timestamp(Kind kind)
    {
        var random = new Random(1_000 + (int)kind);
        var writer = new SbeEventWriter(0); // starts small, so it has to grow along the way
        var expected = new List<(object, long, long)>();
        for (int i = 0; i < Samples; i++)
        {
            object e = RandomEvent(kind, random);
            writer.Sequence = Arbitrary.Long(random);
            writer.Timestamp = Arbitrary.Long(random);
            Write(ref writer, e);
            expected.Add((e, writer.Sequence, writer.Timestamp));
        }

        Assert.Equal(expected, DecodeAll(writer.Written));
    }

    /// <summary>Whom the writer notes an event is for: the account an account's event concerns; the market for book,
    /// top of book, trades and symbol status; no one for a symbol administration's reject, or for an account id equal to
    /// the market's marker.</summary>
    private static long ExpectedRoute(object e) => e switch
    {
        CommandRejected x when x.Command is CommandKind.AddSymbol or CommandKind.HaltSymbol or CommandKind.ResumeSymbol => SbeEventWriter.NoAccount,
        LevelChanged or BestBidOffer or SymbolStatusChanged or Trade => SbeEventWriter.MarketWide,
        _ => AccountOf(e) == SbeEventWriter.MarketWide ? SbeEventWriter.NoAccount : AccountOf(e),
    };

    private static long AccountOf(object e) => e switch
    {
        OrderAccepted x => x.Account, CommandRejected x => x.Account, Fill x => x.Account, OrderCancelled x => x.Account,
        OrderReplaced x => x.Account, OrderReduced x => x.Account, BalanceChanged x => x.Account, MassCancelled x => x.Account,
        AccountAdded x => x.Account,
        _ => throw new ArgumentException($"no account: {e}"),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_message_written_notes_whom_it_is_for(Kind kind)
    {
        var random = new Random(2_000 + (int)kind);
        var writer = new SbeEventWriter(0);
        var expected = new List<long>();
        for (int i = 0; i < Samples; i++)
        {
            object e = RandomEvent(kind, random);
            Write(ref writer, e);
            expected.Add(ExpectedRoute(e));
        }
        Assert.Equal(expected, writer.Routes.ToArray());
        if (kind is Kind.Rejected or Kind.Balance)
        {
            writer.Clear();
            Assert.Equal(0, writer.Routes.Length);
            Write(ref writer, kind == Kind.Rejected ? new CommandRejected(CommandKind.HaltSymbol, 0, 0, 3, RejectReason.DuplicateSymbol) : new BalanceChanged(SbeEventWriter.MarketWide, 1, 2, 3));
            writer.OnTrade(new Trade(3, 1, 100, 5, Side.Buy));
            Assert.Equal([SbeEventWriter.NoAccount, SbeEventWriter.MarketWide], writer.Routes.ToArray());
        }
    }

    [Fact]
    public void Length_is_the_sum_of_every_message_and_its_prefix()
    {
        var writer = new SbeEventWriter(256);
        writer.OnAccountAdded(new AccountAdded(1));
        writer.OnBalance(new BalanceChanged(1, 2, 3, 4));

        const int Header = MessageHeaderEncoder.EncodedLength, Prefix = SbeEventWriter.LengthPrefix;
        Assert.Equal(Prefix + Header + AccountAddedEncoder.BlockLength + Prefix + Header + BalanceChangedEncoder.BlockLength, writer.Length);
        Assert.Equal(writer.Length, writer.Written.Length);
    }

    [Fact]
    public void A_level_travels_as_a_book_update_with_one_level()
    {
        var writer = new SbeEventWriter(256) { Sequence = 5, Timestamp = 6 };
        writer.OnLevel(new LevelChanged(3, Side.Sell, 10_100, 70, 2));

        var update = BookUpdateDecoder.WrapWithHeader(writer.Written[SbeEventWriter.LengthPrefix..]);
        Assert.Equal((5L, 6L, 3), (update.Sequence, update.Timestamp, update.Symbol));
        var levels = update.ReadLevels();
        Assert.Equal(1, levels.Count);
        Assert.True(levels.Next());
        Assert.Equal((Side.Sell, 10_100L, 70L, 2), (levels.Side, levels.Price, levels.Quantity, levels.OrderCount));
    }

    [Fact]
    public void A_book_update_with_several_levels_decodes_to_one_level_event_each()
    {
        var buffer = new byte[256];
        var update = BookUpdateEncoder.WrapAndApplyHeader(buffer, 0);
        update.Sequence = 9;
        update.Timestamp = 10;
        update.Symbol = 2;
        var levels = update.LevelsCount(3);
        for (int i = 0; i < 3; i++)
        {
            levels.Next();
            levels.Side = i == 0 ? Side.Buy : Side.Sell;
            levels.Price = 1_000 + i;
            levels.Quantity = 10 * i;
            levels.OrderCount = i;
        }
        int length = MessageHeaderEncoder.EncodedLength + update.EncodedLength;
        var output = new RecordingOutput();

        Assert.Equal(SbeError.None, EventCodec.Decode(buffer.AsSpan(0, length), ref output, out long sequence, out long timestamp));
        Assert.Equal((9L, 10L), (sequence, timestamp));
        Assert.Equal<object>(
            [new LevelChanged(2, Side.Buy, 1_000, 0, 0), new LevelChanged(2, Side.Sell, 1_001, 10, 1), new LevelChanged(2, Side.Sell, 1_002, 20, 2)],
            output.Events);
    }

    [Fact]
    public void Clear_starts_the_buffer_over()
    {
        var writer = new SbeEventWriter(256);
        writer.OnAccountAdded(new AccountAdded(1));
        writer.Clear();
        writer.OnAccountAdded(new AccountAdded(2));

        var decoded = DecodeAll(writer.Written);
        Assert.Equal(new AccountAdded(2), Assert.Single(decoded).Event);
    }

    [Fact]
    public void An_engine_writing_sbe_publishes_exactly_its_events_stamped_with_the_command()
    {
        var recorded = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), new RecordingOutput());
        var wired = new MatchingEngine<SbeEventWriter>(EngineFixture.SmallConfig(), new SbeEventWriter(256));
        long sequence = 0;
        int events = 0;
        foreach (object command in CommandScript.Generate(seed: 7, count: 3_000))
        {
            sequence++;
            long timestamp = 1_700_000_000_000_000_000 + sequence;
            ref SbeEventWriter writer = ref wired.Output;
            writer.Clear();
            writer.Sequence = sequence;
            writer.Timestamp = timestamp;
            CommandScript.Apply(recorded, sequence, timestamp, command);
            CommandScript.Apply(wired, sequence, timestamp, command);

            Assert.Equal(recorded.Output.Events.Select(e => (e, sequence, timestamp)), DecodeAll(writer.Written));
            events += recorded.Output.Events.Count;
            recorded.Output.Clear();
        }

        Assert.Equal(recorded.StateHash(), wired.StateHash());
        Assert.True(events > 10_000, $"only {events} events");
    }

    // ---- allocation ----------------------------------------------------------------------------------

    /// <summary>Counts and checksums events without boxing them.</summary>
    private struct CountingOutput : IEngineOutput
    {
        public long Events, Sum;
        public void OnAccepted(in OrderAccepted e) { Events++; Sum += e.OrderId; }
        public void OnRejected(in CommandRejected e) { Events++; Sum += (int)e.Reason; }
        public void OnFill(in Fill e) { Events++; Sum += e.Quantity; }
        public void OnTrade(in Trade e) { Events++; Sum += e.Quantity; }
        public void OnCancelled(in OrderCancelled e) { Events++; Sum += e.CancelledQuantity; }
        public void OnReplaced(in OrderReplaced e) { Events++; Sum += e.Quantity; }
        public void OnReduced(in OrderReduced e) { Events++; Sum += e.ReducedBy; }
        public void OnLevel(in LevelChanged e) { Events++; Sum += e.Quantity; }
        public void OnBestBidOffer(in BestBidOffer e) { Events++; Sum += e.BidPrice; }
        public void OnBalance(in BalanceChanged e) { Events++; Sum += e.Available; }
        public void OnMassCancelled(in MassCancelled e) { Events++; Sum += e.Count; }
        public void OnSymbolStatus(in SymbolStatusChanged e) { Events++; Sum += (int)e.Status; }
        public void OnAccountAdded(in AccountAdded e) { Events++; Sum += e.Account; }
        public void OnPermissionChanged(in AccountPermissionChanged e) { Events++; Sum += e.Account; }
        public void OnStopTriggered(in StopTriggered e) { Events++; Sum += e.OrderId + e.StopPrice; }
    }

    private const int Batch = 1_200; // 100 of each kind

    /// <summary>Writes one batch: every kind in turn, each command's events under a new sequence.</summary>
    private static void WriteBatch(ref SbeEventWriter w, long first)
    {
        for (int i = 0; i < Batch / 12; i++)
        {
            long n = first + i;
            w.Sequence = n;
            w.Timestamp = n * 1_000;
            w.OnAccepted(new OrderAccepted(1, n, n, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 10_000, 10));
            w.OnRejected(new CommandRejected(CommandKind.NewOrder, 1, n, 1, RejectReason.InsufficientFunds));
            w.OnFill(new Fill(n, 1, n, n, 1, Side.Buy, Liquidity.Taker, 10_000, 10, 2, 10, 0));
            w.OnCancelled(new OrderCancelled(1, n, n, 1, Side.Sell, CancelReason.ByClient, 10, 0));
            w.OnReplaced(new OrderReplaced(1, n, n + 1, n, 1, Side.Sell, 10_100, 20, 20, false));
            w.OnReduced(new OrderReduced(1, n, n, 1, Side.Buy, 10, 10));
            w.OnLevel(new LevelChanged(1, Side.Buy, 10_000, n, 3));
            w.OnBestBidOffer(new BestBidOffer(1, 9_900, 10, 10_100, n));
            w.OnBalance(new BalanceChanged(1, 0, n, 5));
            w.OnMassCancelled(new MassCancelled(1, -1, Side.None, 4));
            w.OnSymbolStatus(new SymbolStatusChanged(1, SymbolStatus.Halted));
            w.OnAccountAdded(new AccountAdded(n));
        }
    }

    [Fact]
    public void Writing_a_hundred_thousand_events_allocates_nothing_after_warm_up()
    {
        var writer = new SbeEventWriter(256);
        // Warmed up across pauses: tiered compilation promotes hot methods in the background a while after they get hot,
        // and its instrumented tier may allocate meanwhile (seen under loaded full runs: a few kilobytes in the loop).
        for (int round = 0; round < 3; round++)
        {
            for (int b = 0; b < 10; b++) { writer.Clear(); WriteBatch(ref writer, b * Batch); }
            Thread.Sleep(200);
        }
        int warmedLength = writer.Length;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int b = 0; b < 84; b++) { writer.Clear(); WriteBatch(ref writer, b * Batch); }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(warmedLength, writer.Length);
    }

    [Fact]
    public void Decoding_a_hundred_thousand_events_allocates_nothing_after_warm_up()
    {
        var writer = new SbeEventWriter(256);
        WriteBatch(ref writer, 1);
        var output = new CountingOutput();
        for (int round = 0; round < 3; round++)
        {
            DecodeBatch(writer.Written, ref output);
            Thread.Sleep(200);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int b = 0; b < 84; b++) DecodeBatch(writer.Written, ref output);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(87 * Batch, output.Events);
    }

    private static void DecodeBatch(ReadOnlySpan<byte> written, ref CountingOutput output)
    {
        for (int at = 0; at < written.Length;)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(written[at..]);
            if (EventCodec.Decode(written.Slice(at + SbeEventWriter.LengthPrefix, length), ref output, out _, out _) != SbeError.None)
                throw new InvalidOperationException("decode failed");
            at += SbeEventWriter.LengthPrefix + length;
        }
    }

    // ---- bad input -----------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_event_truncated_at_any_length_is_reported_truncated(Kind kind)
    {
        byte[] message = EncodedSample(kind);
        for (int length = 0; length < message.Length; length++)
        {
            var output = new RecordingOutput();

            Assert.Equal(SbeError.Truncated, EventCodec.Decode(message.AsSpan(0, length), ref output, out _, out _));
            Assert.Empty(output.Events);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_event_of_another_schema_is_reported_wrong_schema(Kind kind)
    {
        byte[] message = EncodedSample(kind);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), 1);
        var output = new RecordingOutput();

        Assert.Equal(SbeError.WrongSchema, EventCodec.Decode(message, ref output, out _, out _));
        Assert.Empty(output.Events);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_event_block_shorter_than_its_fields_is_reported_too_short(Kind kind)
    {
        byte[] message = EncodedSample(kind);
        ushort blockLength = BinaryPrimitives.ReadUInt16LittleEndian(message);
        BinaryPrimitives.WriteUInt16LittleEndian(message, (ushort)(blockLength - 1));
        var output = new RecordingOutput();

        Assert.Equal(SbeError.BlockTooShort, EventCodec.Decode(message, ref output, out _, out _));
        Assert.Empty(output.Events);
    }

    [Fact]
    public void An_unknown_event_template_is_reported_wrong_template()
    {
        byte[] message = EncodedSample(Kind.Fill);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(2), 999);
        var output = new RecordingOutput();

        Assert.Equal(SbeError.WrongTemplate, EventCodec.Decode(message, ref output, out _, out _));
    }

    [Fact]
    public void A_command_message_is_not_an_event()
    {
        var buffer = new byte[128];
        int length = CommandCodec.Encode(new CancelOrder(1, 2), buffer);
        var output = new RecordingOutput();

        Assert.Equal(SbeError.WrongTemplate, EventCodec.Decode(buffer.AsSpan(0, length), ref output, out _, out _));
        Assert.Empty(output.Events);
    }

    private const int LevelCountAt = MessageHeaderDecoder.EncodedLength + BookUpdateDecoder.BlockLength + 2;

    [Fact]
    public void A_book_update_level_count_above_the_maximum_is_out_of_range()
    {
        byte[] message = EncodedSample(Kind.Level);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(LevelCountAt), ushort.MaxValue);
        var output = new RecordingOutput();

        Assert.Equal(SbeError.CountOutOfRange, EventCodec.Decode(message, ref output, out _, out _));
        Assert.Empty(output.Events);
    }

    [Fact]
    public void A_book_update_level_count_the_buffer_cannot_hold_is_truncated_and_delivers_nothing()
    {
        byte[] message = EncodedSample(Kind.Level);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(LevelCountAt), 1_000);
        var output = new RecordingOutput();

        Assert.Equal(SbeError.Truncated, EventCodec.Decode(message, ref output, out _, out _));
        Assert.Empty(output.Events);
    }

    [Fact]
    public void A_book_update_level_block_shorter_than_its_fields_is_too_short()
    {
        byte[] message = EncodedSample(Kind.Level);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(LevelCountAt - 2), BookUpdateDecoder.LevelsDecoder.BlockLength - 1);
        var output = new RecordingOutput();

        Assert.Equal(SbeError.BlockTooShort, EventCodec.Decode(message, ref output, out _, out _));
        Assert.Empty(output.Events);
    }

    [Fact]
    public void Random_and_mutated_event_buffers_never_throw()
    {
        var random = new Random(20260202);
        byte[][] samples = Enum.GetValues<Kind>().Select(EncodedSample).ToArray();
        var buffer = new byte[160];
        var output = new CountingOutput();
        var outcomes = new int[Enum.GetValues<SbeError>().Length];
        for (int i = 0; i < 200_000; i++)
        {
            int length = Fuzz.Next(random, samples, buffer);
            outcomes[(int)EventCodec.Decode(buffer.AsSpan(0, length), ref output, out _, out _)]++;
        }

        Assert.True(outcomes[(int)SbeError.None] > 1_000, $"{outcomes[(int)SbeError.None]} decoded");
        Assert.True(outcomes[(int)SbeError.Truncated] > 0);
        Assert.True(outcomes[(int)SbeError.WrongSchema] > 0);
        Assert.True(outcomes[(int)SbeError.WrongTemplate] > 0);
        Assert.True(outcomes[(int)SbeError.BlockTooShort] > 0);
    }
}
