// Engine commands on the wire (Wire/CommandCodec.cs): every command survives Encode → Decode bit for bit, an
// engine fed SBE behaves exactly like one fed the commands directly, the codec allocates nothing, and bad input
// comes back as an SbeError, never an exception. Every random test is seeded, so a failure reproduces.
using System.Buffers.Binary;
using Exchange.Contract;
using Exchange.Sbe;

namespace Exchange.Engine.Tests;

/// <summary>Random field values that favour the edges of each type: extremes, zero, ±1 and enum values outside
/// the defined range.</summary>
internal static class Arbitrary
{
    private static readonly long[] LongEdges = [long.MinValue, long.MinValue + 1, -1, 0, 1, long.MaxValue - 1, long.MaxValue];
    private static readonly int[] IntEdges = [int.MinValue, int.MinValue + 1, -1, 0, 1, int.MaxValue - 1, int.MaxValue];

    public static long Long(Random r) => r.Next(4) switch
    {
        0 => LongEdges[r.Next(LongEdges.Length)],
        1 => r.Next(int.MinValue, int.MaxValue),
        _ => r.NextInt64(long.MinValue, long.MaxValue),
    };

    public static int Int(Random r) => r.Next(3) switch
    {
        0 => IntEdges[r.Next(IntEdges.Length)],
        _ => r.Next(int.MinValue, int.MaxValue),
    };

    /// <summary>Any byte: defined values, 0, 255 and everything between.</summary>
    public static byte Byte(Random r) => r.Next(3) == 0 ? (byte)r.Next(0, 6) : (byte)r.Next(256);

    public static Side Side(Random r) => (Side)Byte(r);
    public static OrderType OrderType(Random r) => (OrderType)Byte(r);
    public static TimeInForce TimeInForce(Random r) => (TimeInForce)Byte(r);
    public static SelfTradePrevention SelfTrade(Random r) => (SelfTradePrevention)Byte(r);
    public static bool Bool(Random r) => r.Next(2) == 0;

    public static SymbolSpec Spec(Random r) => new(Int(r), Int(r), Int(r), Long(r), Long(r), Long(r), Long(r), Long(r), Int(r), Int(r), Int(r), Long(r));
}

public sealed class WireCommandTests
{
    private const int Samples = 2_000;
    private const int Header = MessageHeaderDecoder.EncodedLength;

    private delegate int Encoder<T>(in T command, Span<byte> destination);

    /// <summary>Keeps every decoded command (boxed: only for tests that do not count allocations).</summary>
    private struct RecordingHandler : ICommandHandler
    {
        public List<object> Commands;

        public RecordingHandler() => Commands = [];

        public readonly void On(in AddAccount c) => Commands.Add(c);
        public readonly void On(in AddSymbol c) => Commands.Add(c);
        public readonly void On(in HaltSymbol c) => Commands.Add(c);
        public readonly void On(in ResumeSymbol c) => Commands.Add(c);
        public readonly void On(in Deposit c) => Commands.Add(c);
        public readonly void On(in Withdraw c) => Commands.Add(c);
        public readonly void On(in SetAccountPermission c) => Commands.Add(c);
        public readonly void On(in NewOrder c) => Commands.Add(c);
        public readonly void On(in CancelOrder c) => Commands.Add(c);
        public readonly void On(in ReplaceOrder c) => Commands.Add(c);
        public readonly void On(in MassCancel c) => Commands.Add(c);
        public readonly void On(in LeaderTerm c) => Commands.Add(c);
        public readonly void On(in ExpireOrders c) => Commands.Add(c);
    }

    /// <summary>Folds what it is given into a checksum, so nothing boxes and nothing is optimised away.</summary>
    private struct ChecksumHandler : ICommandHandler
    {
        public long Sum;
        public int Calls;

        public void On(in AddAccount c) { Calls++; Sum += c.Account; }
        public void On(in AddSymbol c) { Calls++; Sum += c.Spec.Id; }
        public void On(in HaltSymbol c) { Calls++; Sum += c.Symbol; }
        public void On(in ResumeSymbol c) { Calls++; Sum += c.Symbol; }
        public void On(in Deposit c) { Calls++; Sum += c.Amount; }
        public void On(in Withdraw c) { Calls++; Sum += c.Amount; }
        public void On(in SetAccountPermission c) { Calls++; Sum += c.Account; }
        public void On(in NewOrder c) { Calls++; Sum += c.Price ^ c.Quantity ^ (long)c.Side ^ (c.PostOnly ? 1 : 0); }
        public void On(in CancelOrder c) { Calls++; Sum += c.ClientOrderId; }
        public void On(in ReplaceOrder c) { Calls++; Sum += c.Quantity; }
        public void On(in MassCancel c) { Calls++; Sum += c.Symbol; }
        public void On(in LeaderTerm c) { Calls++; Sum += c.Term; }
        public void On(in ExpireOrders c) { Calls++; Sum += c.DueAt; }
    }

    // ---- round trips -------------------------------------------------------------------------------

    private static void AssertRoundTrips<T>(int seed, Func<Random, T> generate, Encoder<T> encode, int blockLength) where T : struct
    {
        var random = new Random(seed);
        var buffer = new byte[256];
        for (int i = 0; i < Samples; i++)
        {
            T command = generate(random);
            random.NextBytes(buffer); // the encoder must not depend on what the buffer held before
            int length = encode(command, buffer);
            Assert.Equal(Header + blockLength, length);

            var handler = new RecordingHandler();
            SbeError error = CommandCodec.Decode(buffer.AsSpan(0, length), ref handler);

            Assert.Equal(SbeError.None, error);
            Assert.Equal(command, Assert.IsType<T>(Assert.Single(handler.Commands)));
        }
    }

    [Fact]
    public void NewOrder_round_trips_through_sbe()
        => AssertRoundTrips(101, r => new NewOrder(Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Side(r),
                Arbitrary.OrderType(r), Arbitrary.TimeInForce(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r),
                Arbitrary.SelfTrade(r), Arbitrary.Bool(r)),
            CommandCodec.Encode, NewOrderDecoder.BlockLength);

    [Fact]
    public void A_stop_order_round_trips_with_its_stop_price()
        => AssertRoundTrips(111, r => new NewOrder(Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Side(r),
                r.Next(2) == 0 ? OrderType.Stop : OrderType.StopLimit, Arbitrary.TimeInForce(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r),
                Arbitrary.SelfTrade(r), Arbitrary.Bool(r), r.NextInt64(0, long.MaxValue)),
            CommandCodec.Encode, NewOrderDecoder.BlockLength);

    /// <summary>A NewOrder as a client of schema version 2 sends it: the block ends before the stop price (and the display
    /// quantity and expire time after it), the header says version 2 and that block length.</summary>
    private static byte[] VersionTwoNewOrder(in NewOrder c) => OlderNewOrder(c, 2, 24);

    /// <summary>A NewOrder as a client of schema version 3 sends it: the block ends before the display quantity and the
    /// expire time.</summary>
    private static byte[] VersionThreeNewOrder(in NewOrder c) => OlderNewOrder(c, 3, 16);

    /// <summary>A NewOrder as a client of an older schema version sends it: the block ends <paramref name="cut"/> bytes
    /// early (before the fields that version did not have), the header says that version and block length.</summary>
    private static byte[] OlderNewOrder(in NewOrder c, ushort version, int cut)
    {
        var buffer = new byte[256];
        int length = CommandCodec.Encode(c, buffer) - cut;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)(NewOrderDecoder.BlockLength - cut));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(6), version);
        return buffer[..length];
    }

    [Fact]
    public void An_iceberg_round_trips_with_its_display_quantity()
        => AssertRoundTrips(113, r => new NewOrder(Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Side(r),
                OrderType.Limit, TimeInForce.GoodTillCancel, Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r),
                Arbitrary.SelfTrade(r), Arbitrary.Bool(r), 0, r.NextInt64(0, long.MaxValue)),
            CommandCodec.Encode, NewOrderDecoder.BlockLength);

    [Fact]
    public void A_gtd_order_round_trips_with_its_expire_time()
        => AssertRoundTrips(118, r => new NewOrder(Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Side(r),
                Arbitrary.OrderType(r), r.Next(2) == 0 ? TimeInForce.GoodTillDate : TimeInForce.Day, Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r),
                Arbitrary.SelfTrade(r), Arbitrary.Bool(r), r.NextInt64(0, long.MaxValue), 0, r.NextInt64(0, long.MaxValue)),
            CommandCodec.Encode, NewOrderDecoder.BlockLength);

    [Fact]
    public void A_new_order_of_schema_version_3_still_decodes_with_its_stop_price_and_no_display_quantity_or_expire_time()
    {
        var random = new Random(114);
        for (int i = 0; i < Samples; i++)
        {
            var command = new NewOrder(Arbitrary.Long(random), Arbitrary.Long(random), Arbitrary.Int(random), Arbitrary.Side(random),
                Arbitrary.OrderType(random), Arbitrary.TimeInForce(random), Arbitrary.Long(random), Arbitrary.Long(random),
                Arbitrary.Long(random), Arbitrary.SelfTrade(random), Arbitrary.Bool(random), random.NextInt64(0, long.MaxValue));
            byte[] old = VersionThreeNewOrder(command with { DisplayQuantity = 55, ExpireTime = 77 }); // the old block ends before them: cut off
            var handler = new RecordingHandler();
            Assert.Equal(SbeError.None, CommandCodec.Decode(old, ref handler));
            Assert.Equal(command, Assert.Single(handler.Commands));
        }
    }

    [Fact]
    public void An_add_symbol_of_schema_version_3_decodes_with_no_session_end()
    {
        var buffer = new byte[256];
        var command = new AddSymbol(Arbitrary.Spec(new Random(115)), default, 16L * 3_600_000_000_000);
        int length = CommandCodec.Encode(command with { SessionEnd = 5 }, buffer) - 8;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)(AddSymbolDecoder.BlockLength - 8));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(6), 3);
        var handler = new RecordingHandler();
        Assert.Equal(SbeError.None, CommandCodec.Decode(buffer.AsSpan(0, length), ref handler));
        Assert.Equal(command with { SessionEnd = 0 }, Assert.Single(handler.Commands));
    }

    [Fact]
    public void ExpireOrders_round_trips_through_sbe()
        => AssertRoundTrips(116, r => new ExpireOrders(Arbitrary.Long(r)), CommandCodec.Encode, ExpireOrdersDecoder.BlockLength);

    [Fact]
    public void An_add_symbol_round_trips_with_its_session_end()
        => AssertRoundTrips(117, r => new AddSymbol(Arbitrary.Spec(r), default, r.NextInt64(1, 86_400_000_000_001)), CommandCodec.Encode, AddSymbolDecoder.BlockLength);

    [Fact]
    public void A_new_order_of_schema_version_2_still_decodes_with_no_stop_price()
    {
        Assert.Equal(4, NewOrderDecoder.SchemaVersion);
        var random = new Random(112);
        for (int i = 0; i < Samples; i++)
        {
            var command = new NewOrder(Arbitrary.Long(random), Arbitrary.Long(random), Arbitrary.Int(random), Arbitrary.Side(random),
                random.Next(2) == 0 ? OrderType.Limit : OrderType.Market, Arbitrary.TimeInForce(random), Arbitrary.Long(random), Arbitrary.Long(random),
                Arbitrary.Long(random), Arbitrary.SelfTrade(random), Arbitrary.Bool(random));
            byte[] old = VersionTwoNewOrder(command with { StopPrice = 77, DisplayQuantity = 79, ExpireTime = 78 }); // the old block ends before them: cut off
            var handler = new RecordingHandler();
            Assert.Equal(SbeError.None, CommandCodec.Decode(old, ref handler));
            Assert.Equal(command, Assert.Single(handler.Commands));
        }
    }

    [Fact]
    public void CancelOrder_round_trips_through_sbe()
        => AssertRoundTrips(102, r => new CancelOrder(Arbitrary.Long(r), Arbitrary.Long(r)),
            CommandCodec.Encode, CancelOrderDecoder.BlockLength);

    [Fact]
    public void ReplaceOrder_round_trips_through_sbe()
        => AssertRoundTrips(103, r => new ReplaceOrder(Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r), Arbitrary.Long(r)),
            CommandCodec.Encode, ReplaceOrderDecoder.BlockLength);

    [Fact]
    public void MassCancel_round_trips_through_sbe()
        => AssertRoundTrips(104, r => new MassCancel(Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Side(r)),
            CommandCodec.Encode, MassCancelDecoder.BlockLength);

    [Fact]
    public void AddAccount_round_trips_through_sbe()
        => AssertRoundTrips(105, r => new AddAccount(Arbitrary.Long(r)), CommandCodec.Encode, AddAccountDecoder.BlockLength);

    [Fact]
    public void AddSymbol_round_trips_through_sbe()
        => AssertRoundTrips(106, r => new AddSymbol(Arbitrary.Spec(r)), CommandCodec.Encode, AddSymbolDecoder.BlockLength);

    [Fact]
    public void HaltSymbol_round_trips_through_sbe()
        => AssertRoundTrips(107, r => new HaltSymbol(Arbitrary.Int(r)), CommandCodec.Encode, HaltSymbolDecoder.BlockLength);

    [Fact]
    public void ResumeSymbol_round_trips_through_sbe()
        => AssertRoundTrips(108, r => new ResumeSymbol(Arbitrary.Int(r)), CommandCodec.Encode, ResumeSymbolDecoder.BlockLength);

    [Fact]
    public void Deposit_round_trips_through_sbe()
        => AssertRoundTrips(109, r => new Deposit(Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Long(r)),
            CommandCodec.Encode, DepositDecoder.BlockLength);

    [Fact]
    public void Withdraw_round_trips_through_sbe()
        => AssertRoundTrips(110, r => new Withdraw(Arbitrary.Long(r), Arbitrary.Int(r), Arbitrary.Long(r)),
            CommandCodec.Encode, WithdrawDecoder.BlockLength);

    [Fact]
    public void Deposit_and_withdraw_use_different_templates()
    {
        var buffer = new byte[64];
        CommandCodec.Encode(new Withdraw(1, 2, 3), buffer);
        var handler = new RecordingHandler();

        Assert.Equal(SbeError.None, CommandCodec.Decode(buffer, ref handler));
        Assert.Equal(new Withdraw(1, 2, 3), Assert.Single(handler.Commands));
    }

    [Fact]
    public void A_block_longer_than_this_version_knows_is_decoded_and_its_tail_ignored()
    {
        var order = new NewOrder(7, 8, 9, Side.Sell, OrderType.Limit, TimeInForce.FillOrKill, 100, 200, 300, SelfTradePrevention.Decrement, true);
        var buffer = new byte[128];
        int length = CommandCodec.Encode(order, buffer);
        // A later version appended 16 bytes to the block.
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)(NewOrderDecoder.BlockLength + 16));
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(6), 1);
        buffer.AsSpan(length, 16).Fill(0xAB);
        var handler = new RecordingHandler();

        Assert.Equal(SbeError.None, CommandCodec.Decode(buffer.AsSpan(0, length + 16), ref handler));
        Assert.Equal(order, Assert.Single(handler.Commands));
    }

    // ---- an engine fed SBE ---------------------------------------------------------------------------

    [Fact]
    public void An_engine_fed_sbe_produces_the_same_events_and_state_as_one_fed_commands()
    {
        var direct = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), new RecordingOutput());
        var wired = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), new RecordingOutput());
        var buffer = new byte[256];
        long sequence = 0;
        int fills = 0, rejects = 0;
        foreach (object command in CommandScript.Generate(seed: 42, count: 5_000))
        {
            sequence++;
            long timestamp = 1_700_000_000_000_000_000 + sequence * 1_000;
            int length = CommandScript.Encode(command, buffer);
            CommandScript.Apply(direct, sequence, timestamp, command);
            Assert.Equal(SbeError.None, wired.Apply(sequence, timestamp, buffer.AsSpan(0, length)));
            Assert.Equal(direct.Output.Events, wired.Output.Events);
            fills += direct.Output.Events.Count(e => e is Fill);
            rejects += direct.Output.Events.Count(e => e is CommandRejected);
            direct.Output.Clear();
            wired.Output.Clear();
        }

        Assert.Equal(direct.StateHash(), wired.StateHash());
        // The script must have exercised matching, not just been rejected.
        Assert.True(fills > 500, $"only {fills} fills");
        Assert.True(rejects < 2_000, $"{rejects} rejects");
    }

    // ---- allocation ----------------------------------------------------------------------------------

    private const int Measured = 100_000;

    [Fact]
    public void Encoding_and_decoding_new_orders_allocates_nothing()
    {
        var buffer = new byte[128];
        var handler = new ChecksumHandler();
        RoundTripNewOrders(buffer, ref handler, 10_000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        RoundTripNewOrders(buffer, ref handler, Measured);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(10_000 + Measured, handler.Calls);
    }

    [Fact]
    public void Encoding_and_decoding_cancels_allocates_nothing()
    {
        var buffer = new byte[128];
        var handler = new ChecksumHandler();
        RoundTripCancels(buffer, ref handler, 10_000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        RoundTripCancels(buffer, ref handler, Measured);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(10_000 + Measured, handler.Calls);
    }

    private static void RoundTripNewOrders(byte[] buffer, ref ChecksumHandler handler, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var order = new NewOrder(i & 7, i, 1, (Side)(1 + (i & 1)), OrderType.Limit, TimeInForce.GoodTillCancel, 10_000 + i, 10 * i, 0,
                SelfTradePrevention.None, (i & 3) == 0);
            int length = CommandCodec.Encode(order, buffer);
            if (CommandCodec.Decode(buffer.AsSpan(0, length), ref handler) != SbeError.None) throw new InvalidOperationException("decode failed");
        }
    }

    private static void RoundTripCancels(byte[] buffer, ref ChecksumHandler handler, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int length = CommandCodec.Encode(new CancelOrder(i & 7, i), buffer);
            if (CommandCodec.Decode(buffer.AsSpan(0, length), ref handler) != SbeError.None) throw new InvalidOperationException("decode failed");
        }
    }

    // ---- bad input -----------------------------------------------------------------------------------

    /// <summary>One valid message of every command template.</summary>
    public static TheoryData<string> CommandNames => new(CommandScript.Samples.Keys);

    private static byte[] EncodedSample(string name)
    {
        var buffer = new byte[256];
        int length = CommandScript.Encode(CommandScript.Samples[name], buffer);
        return buffer[..length];
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void A_command_truncated_at_any_length_is_reported_truncated(string name)
    {
        byte[] message = EncodedSample(name);
        for (int length = 0; length < message.Length; length++)
        {
            var handler = new RecordingHandler();

            Assert.Equal(SbeError.Truncated, CommandCodec.Decode(message.AsSpan(0, length), ref handler));
            Assert.Empty(handler.Commands);
        }
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void A_command_of_another_schema_is_reported_wrong_schema(string name)
    {
        byte[] message = EncodedSample(name);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), NewOrderDecoder.SchemaId + 1);
        var handler = new RecordingHandler();

        Assert.Equal(SbeError.WrongSchema, CommandCodec.Decode(message, ref handler));
        Assert.Empty(handler.Commands);
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void A_command_block_shorter_than_its_fields_is_reported_too_short(string name)
    {
        byte[] message = EncodedSample(name);
        ushort blockLength = BinaryPrimitives.ReadUInt16LittleEndian(message);
        BinaryPrimitives.WriteUInt16LittleEndian(message, (ushort)(blockLength - 1));
        var handler = new RecordingHandler();

        Assert.Equal(SbeError.BlockTooShort, CommandCodec.Decode(message, ref handler));
        Assert.Empty(handler.Commands);
    }

    [Fact]
    public void An_unknown_template_of_this_schema_is_reported_wrong_template()
    {
        byte[] message = EncodedSample(nameof(NewOrder));
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(2), 999);
        var handler = new RecordingHandler();

        Assert.Equal(SbeError.WrongTemplate, CommandCodec.Decode(message, ref handler));
    }

    [Fact]
    public void An_unknown_template_of_another_schema_is_reported_wrong_schema()
    {
        byte[] message = EncodedSample(nameof(NewOrder));
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(2), 999);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), 1);
        var handler = new RecordingHandler();

        Assert.Equal(SbeError.WrongSchema, CommandCodec.Decode(message, ref handler));
    }

    [Fact]
    public void An_event_message_is_not_a_command()
    {
        var writer = new SbeEventWriter(256);
        writer.OnAccountAdded(new AccountAdded(5));
        var handler = new RecordingHandler();

        Assert.Equal(SbeError.WrongTemplate, CommandCodec.Decode(writer.Written[SbeEventWriter.LengthPrefix..], ref handler));
        Assert.Empty(handler.Commands);
    }

    [Fact]
    public void Random_and_mutated_command_buffers_never_throw()
    {
        var random = new Random(20260101);
        byte[][] samples = CommandScript.Samples.Keys.Select(EncodedSample).ToArray();
        var buffer = new byte[160];
        var handler = new ChecksumHandler();
        var outcomes = new int[Enum.GetValues<SbeError>().Length];
        for (int i = 0; i < 200_000; i++)
        {
            int length = Fuzz.Next(random, samples, buffer);
            SbeError error = CommandCodec.Decode(buffer.AsSpan(0, length), ref handler);
            outcomes[(int)error]++;
        }

        // Both ways out were reached: some buffers decode, and some are refused with each header error.
        Assert.True(outcomes[(int)SbeError.None] > 1_000, $"{outcomes[(int)SbeError.None]} decoded");
        Assert.True(outcomes[(int)SbeError.Truncated] > 0);
        Assert.True(outcomes[(int)SbeError.WrongSchema] > 0);
        Assert.True(outcomes[(int)SbeError.WrongTemplate] > 0);
        Assert.True(outcomes[(int)SbeError.BlockTooShort] > 0);
        Assert.Equal(outcomes[(int)SbeError.None], handler.Calls);
    }
}

/// <summary>Seeded buffers for fuzzing: noise, noise behind a valid header, and valid messages with a few bytes
/// changed or cut short.</summary>
internal static class Fuzz
{
    public static int Next(Random random, byte[][] samples, byte[] buffer)
    {
        byte[] sample = samples[random.Next(samples.Length)];
        int length;
        if (random.Next(4) == 0)
        {
            length = random.Next(0, buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length >= 8 && random.Next(2) == 0) sample.AsSpan(0, 8).CopyTo(buffer);
            return length;
        }

        length = random.Next(4) == 0 ? random.Next(0, buffer.Length + 1) : sample.Length;
        buffer.AsSpan().Clear();
        sample.AsSpan(0, Math.Min(length, sample.Length)).CopyTo(buffer);
        for (int flips = random.Next(1, 5); flips > 0; flips--)
        {
            // Mostly the header and group dimensions, where the lengths and counts live.
            int at = random.Next(2) == 0 ? random.Next(0, Math.Min(8, Math.Max(length, 1))) : random.Next(0, Math.Max(length, 1));
            buffer[at] = random.Next(3) switch
            {
                0 => (byte)random.Next(256),
                1 => (byte)(buffer[at] ^ (1 << random.Next(8))),
                _ => 0xFF,
            };
        }
        return length;
    }
}

/// <summary>Simple, mostly valid command flow over <see cref="EngineFixture"/>'s two symbols: limit orders of every
/// time in force, market orders, post-only and self-trade modes, cancels, replaces, mass cancels, deposits,
/// withdrawals and the occasional halt.</summary>
internal static class CommandScript
{
    public static readonly Dictionary<string, object> Samples = new()
    {
        [nameof(AddAccount)] = new AddAccount(11),
        [nameof(AddSymbol)] = new AddSymbol(EngineFixture.Spec1),
        [nameof(HaltSymbol)] = new HaltSymbol(3),
        [nameof(ResumeSymbol)] = new ResumeSymbol(4),
        [nameof(Deposit)] = new Deposit(1, 2, 3),
        [nameof(Withdraw)] = new Withdraw(4, 5, 6),
        [nameof(NewOrder)] = new NewOrder(1, 2, 3, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 10_000, 20, 0, SelfTradePrevention.CancelBoth, true),
        [nameof(CancelOrder)] = new CancelOrder(1, 2),
        [nameof(ReplaceOrder)] = new ReplaceOrder(1, 2, 3, 4, 5),
        [nameof(MassCancel)] = new MassCancel(1, -1, Side.Sell),
    };

    public static int Encode(object command, Span<byte> buffer) => command switch
    {
        AddAccount c => CommandCodec.Encode(c, buffer),
        AddSymbol c => CommandCodec.Encode(c, buffer),
        HaltSymbol c => CommandCodec.Encode(c, buffer),
        ResumeSymbol c => CommandCodec.Encode(c, buffer),
        Deposit c => CommandCodec.Encode(c, buffer),
        Withdraw c => CommandCodec.Encode(c, buffer),
        NewOrder c => CommandCodec.Encode(c, buffer),
        CancelOrder c => CommandCodec.Encode(c, buffer),
        ReplaceOrder c => CommandCodec.Encode(c, buffer),
        MassCancel c => CommandCodec.Encode(c, buffer),
        _ => throw new ArgumentException($"not a command: {command}"),
    };

    public static void Apply<T>(MatchingEngine<T> engine, long sequence, long timestamp, object command) where T : IEngineOutput
    {
        switch (command)
        {
            case AddAccount c: engine.Apply(sequence, timestamp, c); break;
            case AddSymbol c: engine.Apply(sequence, timestamp, c); break;
            case HaltSymbol c: engine.Apply(sequence, timestamp, c); break;
            case ResumeSymbol c: engine.Apply(sequence, timestamp, c); break;
            case Deposit c: engine.Apply(sequence, timestamp, c); break;
            case Withdraw c: engine.Apply(sequence, timestamp, c); break;
            case NewOrder c: engine.Apply(sequence, timestamp, c); break;
            case CancelOrder c: engine.Apply(sequence, timestamp, c); break;
            case ReplaceOrder c: engine.Apply(sequence, timestamp, c); break;
            case MassCancel c: engine.Apply(sequence, timestamp, c); break;
            default: throw new ArgumentException($"not a command: {command}");
        }
    }

    public static List<object> Generate(int seed, int count)
    {
        var random = new Random(seed);
        var commands = new List<object>
        {
            new AddSymbol(EngineFixture.Spec1),
            new AddSymbol(EngineFixture.Spec2),
        };
        const int Accounts = 4;
        for (long a = 1; a <= Accounts; a++)
        {
            commands.Add(new AddAccount(a));
            commands.Add(new Deposit(a, EngineFixture.QuoteAsset, 50_000_000));
            commands.Add(new Deposit(a, EngineFixture.BaseAsset, 500_000));
            commands.Add(new Deposit(a, EngineFixture.Base2Asset, 500_000));
        }

        var recent = new List<(long Account, long Id)>();
        long nextId = 1;
        while (commands.Count < count)
        {
            int roll = random.Next(100);
            long account = random.Next(1, Accounts + 1);
            bool first = random.Next(3) > 0;
            int symbol = first ? EngineFixture.Sym : EngineFixture.Sym2;
            long tick = first ? 100 : 1, lot = first ? 10 : 1, mid = first ? 10_000 : 1_000;
            var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            long price = mid + random.Next(-8, 9) * tick;
            long qty = random.Next(1, 30) * lot + (first ? 0 : 4);
            if (roll < 55 || recent.Count == 0)
            {
                object order = random.Next(20) switch
                {
                    < 11 => new NewOrder(account, nextId, symbol, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, qty),
                    < 13 => new NewOrder(account, nextId, symbol, side, OrderType.Limit, TimeInForce.ImmediateOrCancel, price, qty),
                    < 14 => new NewOrder(account, nextId, symbol, side, OrderType.Limit, TimeInForce.FillOrKill, price, qty),
                    < 16 => new NewOrder(account, nextId, symbol, side, OrderType.Market, TimeInForce.ImmediateOrCancel, 0, qty, QuoteBudget: 400_000),
                    < 17 => new NewOrder(account, nextId, symbol, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, qty, PostOnly: true),
                    _ => new NewOrder(account, nextId, symbol, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, qty,
                        SelfTrade: (SelfTradePrevention)random.Next(0, 5)),
                };
                commands.Add(order);
                recent.Add((account, nextId++));
                if (recent.Count > 64) recent.RemoveAt(random.Next(recent.Count));
                continue;
            }

            var (owner, id) = recent[random.Next(recent.Count)];
            if (roll < 75)
                commands.Add(new CancelOrder(owner, id));
            else if (roll < 90)
            {
                long newId = random.Next(2) == 0 ? id : nextId++;
                commands.Add(new ReplaceOrder(owner, id, newId, price, qty));
                recent.Add((owner, newId));
            }
            else if (roll < 93)
                commands.Add(new MassCancel(owner, random.Next(2) == 0 ? -1 : symbol, (Side)random.Next(3)));
            else if (roll < 96)
                commands.Add(new Deposit(account, random.Next(3), random.Next(1, 1_000_000)));
            else if (roll < 98)
                commands.Add(new Withdraw(account, random.Next(3), random.Next(1, 100_000)));
            else
            {
                // A short halt: an order refused while it lasts, then trading resumes.
                commands.Add(new HaltSymbol(symbol));
                commands.Add(new NewOrder(account, nextId++, symbol, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, qty));
                commands.Add(new ResumeSymbol(symbol));
            }
        }
        return commands;
    }
}
