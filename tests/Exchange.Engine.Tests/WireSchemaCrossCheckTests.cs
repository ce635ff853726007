// The exchange's own schema, two independent ways: bytes written by the engine's wire codecs (CommandCodec,
// SbeEventWriter, which use the generated encoders) and by the generated encoders directly are read back by
// exchange-sbe's runtime decoder from codecs/exchange.xml, and every field must have the value the engine
// meant, under the schema's name for it. This catches what a round trip cannot: two fields swapped consistently
// on both sides, or a value written to the wrong offset.
// It lives in this assembly because the wire codecs are here; Exchange.Codecs.Tests cannot reference
// Exchange.Codecs without a second copy of the SBE runtime types clashing in its GeneratorTests.
using System.Globalization;
using Exchange.Contract;
using Exchange.Sbe.Schema;
using Exchange.Sbe.Tool;

namespace Exchange.Engine.Tests;

public sealed class WireSchemaCrossCheckTests
{
    private static MessageSchema Schema() =>
        SchemaParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "exchange.xml")), _ => null);

    private static readonly SchemaDecoder Decoder = new(Schema());
    private const int Samples = 300;

    // ---- random values, edges included ---------------------------------------------------------------

    private static readonly long[] LongEdges = [long.MinValue, -1, 0, 1, long.MaxValue];

    private static long L(Random r) => r.Next(3) == 0 ? LongEdges[r.Next(LongEdges.Length)] : r.NextInt64(long.MinValue, long.MaxValue);
    private static readonly int[] IntEdges = [int.MinValue, -1, 0, 1, int.MaxValue];

    private static int I(Random r) => r.Next(3) == 0 ? IntEdges[r.Next(IntEdges.Length)] : r.Next(int.MinValue, int.MaxValue);

    /// <summary>A defined value, or one the schema does not define (255, the uint8 null value, included).</summary>
    private static T E<T>(Random r, params byte[] undefined) where T : struct, Enum
    {
        T[] values = Enum.GetValues<T>();
        return r.Next(3) == 0 ? (T)Enum.ToObject(typeof(T), undefined[r.Next(undefined.Length)]) : values[r.Next(values.Length)];
    }

    private static Side S(Random r) => E<Side>(r, 3, 77, 254, 255);

    // ---- expected text, as the runtime decoder renders it --------------------------------------------

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>The schema's name for a defined value; null for the encoding's null value; UNKNOWN(n) otherwise.</summary>
    private static string? Name<T>(T value) where T : struct, Enum
    {
        ulong raw = Convert.ToUInt64(value, CultureInfo.InvariantCulture);
        ulong nullValue = Type.GetTypeCode(typeof(T)) == TypeCode.Byte ? byte.MaxValue : ushort.MaxValue;
        if (raw == nullValue) return null;
        return Enum.IsDefined(value) ? value.ToString() : $"UNKNOWN({raw})";
    }

    /// <summary>Every scalar of a decoded message by its path: <c>levels[0].price</c>, <c>flags[0]</c> (a set lists
    /// its chosen choices), <c>levels.count</c>.</summary>
    private static Dictionary<string, string?> Flatten(DecodedObject message)
    {
        var values = new Dictionary<string, string?>();
        foreach (var member in message.Members) Add(values, member.Name, member);
        return values;

        static void Add(Dictionary<string, string?> values, string path, DecodedNode node)
        {
            switch (node)
            {
                case DecodedScalar s:
                    values.Add(path, s.Text);
                    break;
                case DecodedObject o:
                    foreach (var member in o.Members) Add(values, $"{path}.{member.Name}", member);
                    break;
                case DecodedList l:
                    values.Add($"{path}.count", l.Items.Count.ToString(CultureInfo.InvariantCulture));
                    for (int i = 0; i < l.Items.Count; i++) Add(values, $"{path}[{i}]", l.Items[i]);
                    break;
            }
        }
    }

    private static Dictionary<string, string?> Decode(ReadOnlySpan<byte> message, string expectedName)
    {
        var values = Flatten(Decoder.Decode(message, 0, out int end));
        Assert.Equal(message.Length, end);
        Assert.Equal(expectedName, values["message"]);
        Assert.Equal("7001", values["header.schemaId"]);
        values.Remove("message");
        foreach (string key in values.Keys.Where(k => k.StartsWith("header.", StringComparison.Ordinal)).ToList()) values.Remove(key);
        return values;
    }

    private static void AssertCommand<T>(int seed, Func<Random, T> generate, Func<T, byte[], int> encode, string message,
        Func<T, Dictionary<string, string?>> expected)
    {
        var random = new Random(seed);
        var buffer = new byte[256];
        for (int i = 0; i < Samples; i++)
        {
            T command = generate(random);
            int length = encode(command, buffer);
            Assert.Equal(expected(command), Decode(buffer.AsSpan(0, length), message));
        }
    }

    // ---- commands ------------------------------------------------------------------------------------

    [Fact]
    public void NewOrder_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(1,
            r => new NewOrder(L(r), L(r), I(r), S(r), E<OrderType>(r, 0, 5, 255), E<TimeInForce>(r, 0, 4, 255), L(r), L(r), L(r),
                E<SelfTradePrevention>(r, 5, 200, 255), r.Next(2) == 0, L(r), L(r), L(r)),
            (c, b) => CommandCodec.Encode(c, b), "NewOrder",
            c => new Dictionary<string, string?>
            {
                ["account"] = N(c.Account), ["clientOrderId"] = N(c.ClientOrderId), ["symbol"] = N(c.Symbol), ["side"] = Name(c.Side),
                ["orderType"] = Name(c.Type), ["timeInForce"] = Name(c.TimeInForce), ["selfTradePrevention"] = Name(c.SelfTrade),
                ["price"] = N(c.Price), ["quantity"] = N(c.Quantity), ["quoteBudget"] = N(c.QuoteBudget), ["stopPrice"] = N(c.StopPrice),
                ["displayQuantity"] = N(c.DisplayQuantity),
                ["expireTime"] = N(c.ExpireTime),
                ["flags.count"] = c.PostOnly ? "1" : "0", ["flags[0]"] = "PostOnly",
            }.Where(kv => c.PostOnly || kv.Key != "flags[0]").ToDictionary());

    [Fact]
    public void CancelOrder_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(2, r => new CancelOrder(L(r), L(r)), (c, b) => CommandCodec.Encode(c, b), "CancelOrder",
            c => new() { ["account"] = N(c.Account), ["clientOrderId"] = N(c.ClientOrderId) });

    [Fact]
    public void ReplaceOrder_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(3, r => new ReplaceOrder(L(r), L(r), L(r), L(r), L(r)), (c, b) => CommandCodec.Encode(c, b), "ReplaceOrder",
            c => new()
            {
                ["account"] = N(c.Account), ["origClientOrderId"] = N(c.OrigClientOrderId), ["clientOrderId"] = N(c.ClientOrderId),
                ["price"] = N(c.Price), ["quantity"] = N(c.Quantity),
            });

    [Fact]
    public void MassCancel_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(4, r => new MassCancel(L(r), I(r), S(r)), (c, b) => CommandCodec.Encode(c, b), "MassCancel",
            c => new() { ["account"] = N(c.Account), ["symbol"] = N(c.Symbol), ["side"] = Name(c.Side) });

    [Fact]
    public void AddAccount_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(5, r => new AddAccount(L(r), I(r), I(r), E<AccountPermission>(r, 4, 200, 255)), (c, b) => CommandCodec.Encode(c, b), "AddAccount",
            c => new() { ["account"] = N(c.Account), ["ordersPerSecond"] = N(c.OrdersPerSecond), ["orderBurst"] = N(c.OrderBurst), ["permission"] = Name(c.Permission) });

    [Fact]
    public void SetAccountPermission_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(24, r => new SetAccountPermission(L(r), E<AccountPermission>(r, 4, 200, 255)), (c, b) => CommandCodec.Encode(c, b), "SetAccountPermission",
            c => new() { ["account"] = N(c.Account), ["permission"] = Name(c.Permission) });

    [Fact]
    public void AddSymbol_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(6,
            r => new AddSymbol(new SymbolSpec(I(r), I(r), I(r), L(r), L(r), L(r), L(r), L(r), I(r), I(r), I(r), L(r)), RandomName(r), L(r)),
            (c, b) => CommandCodec.Encode(c, b), "AddSymbol",
            c => new()
            {
                ["symbol"] = N(c.Spec.Id), ["baseAsset"] = N(c.Spec.BaseAsset), ["quoteAsset"] = N(c.Spec.QuoteAsset),
                ["tickSize"] = N(c.Spec.TickSize), ["lotSize"] = N(c.Spec.LotSize), ["minQuantity"] = N(c.Spec.MinQuantity),
                ["maxQuantity"] = N(c.Spec.MaxQuantity), ["referencePrice"] = N(c.Spec.ReferencePrice), ["bandBps"] = N(c.Spec.BandBps),
                ["makerFeeBps"] = N(c.Spec.MakerFeeBps), ["takerFeeBps"] = N(c.Spec.TakerFeeBps), ["maxNotional"] = N(c.Spec.MaxNotional),
                // The runtime decoder doubles a backslash so that its escapes (\xNN) read back unambiguously.
                ["name"] = c.Name.ToString().Replace("\\", "\\\\", StringComparison.Ordinal),
                ["sessionEnd"] = N(c.SessionEnd),
            });

    [Fact]
    public void ExpireOrders_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(21, r => new ExpireOrders(L(r)), (c, b) => CommandCodec.Encode(c, b), "ExpireOrders",
            c => new() { ["dueAt"] = N(c.DueAt) });

    private static SymbolName RandomName(Random r)
    {
        var text = new string([.. Enumerable.Range(0, r.Next(1, SymbolName.MaxLength + 1)).Select(_ => (char)r.Next('!', '~' + 1))]);
        Assert.True(SymbolName.TryParse(text, out var name, out _));
        return name;
    }

    [Fact]
    public void HaltSymbol_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(7, r => new HaltSymbol(I(r)), (c, b) => CommandCodec.Encode(c, b), "HaltSymbol",
            c => new() { ["symbol"] = N(c.Symbol) });

    [Fact]
    public void ResumeSymbol_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(8, r => new ResumeSymbol(I(r)), (c, b) => CommandCodec.Encode(c, b), "ResumeSymbol",
            c => new() { ["symbol"] = N(c.Symbol) });

    [Fact]
    public void Deposit_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(9, r => new Deposit(L(r), I(r), L(r)), (c, b) => CommandCodec.Encode(c, b), "Deposit",
            c => new() { ["account"] = N(c.Account), ["asset"] = N(c.Asset), ["amount"] = N(c.Amount) });

    [Fact]
    public void Withdraw_from_the_command_codec_reads_the_same_in_the_runtime_decoder()
        => AssertCommand(10, r => new Withdraw(L(r), I(r), L(r)), (c, b) => CommandCodec.Encode(c, b), "Withdraw",
            c => new() { ["account"] = N(c.Account), ["asset"] = N(c.Asset), ["amount"] = N(c.Amount) });

    // ---- events --------------------------------------------------------------------------------------

    private delegate void WriteEvent<T>(ref SbeEventWriter writer, T e);

    private static void AssertEvent<T>(int seed, Func<Random, T> generate, WriteEvent<T> write, string message,
        Func<T, Dictionary<string, string?>> expected)
    {
        var random = new Random(seed);
        var writer = new SbeEventWriter(256);
        for (int i = 0; i < Samples; i++)
        {
            T e = generate(random);
            writer.Clear();
            writer.Sequence = L(random);
            writer.Timestamp = L(random);
            write(ref writer, e);
            var want = expected(e);
            want["sequence"] = N(writer.Sequence);
            want["timestamp"] = N(writer.Timestamp);

            Assert.Equal(want, Decode(writer.Written[SbeEventWriter.LengthPrefix..], message));
        }
    }

    [Fact]
    public void OrderAccepted_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(11,
            r => new OrderAccepted(L(r), L(r), L(r), I(r), S(r), E<OrderType>(r, 0, 9), E<TimeInForce>(r, 0, 9), L(r), L(r), L(r), L(r)),
            (ref SbeEventWriter w, OrderAccepted e) => w.OnAccepted(e), "OrderAccepted",
            e => new()
            {
                ["account"] = N(e.Account), ["clientOrderId"] = N(e.ClientOrderId), ["orderId"] = N(e.OrderId), ["symbol"] = N(e.Symbol),
                ["side"] = Name(e.Side), ["orderType"] = Name(e.Type), ["timeInForce"] = Name(e.TimeInForce),
                ["price"] = N(e.Price), ["quantity"] = N(e.Quantity), ["stopPrice"] = N(e.StopPrice),
                ["displayQuantity"] = N(e.DisplayQuantity),
            });

    [Fact]
    public void CommandRejected_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(12,
            r => new CommandRejected(E<CommandKind>(r, 0, 11, 255), L(r), L(r), I(r),
                r.Next(3) == 0 ? (RejectReason)r.Next(200, 65_536) : Enum.GetValues<RejectReason>()[r.Next(33)]),
            (ref SbeEventWriter w, CommandRejected e) => w.OnRejected(e), "CommandRejected",
            e => new()
            {
                ["command"] = Name(e.Command), ["account"] = N(e.Account), ["clientOrderId"] = N(e.ClientOrderId), ["symbol"] = N(e.Symbol),
                ["reason"] = Name(e.Reason),
            });

    [Fact]
    public void Fill_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(13,
            r => new Fill(L(r), L(r), L(r), L(r), I(r), S(r), E<Liquidity>(r, 0, 3, 255), L(r), L(r), L(r), L(r), L(r)),
            (ref SbeEventWriter w, Fill e) => w.OnFill(e), "Fill",
            e => new()
            {
                ["tradeId"] = N(e.TradeId), ["account"] = N(e.Account), ["clientOrderId"] = N(e.ClientOrderId), ["orderId"] = N(e.OrderId),
                ["symbol"] = N(e.Symbol), ["side"] = Name(e.Side), ["liquidity"] = Name(e.Liquidity), ["price"] = N(e.Price),
                ["quantity"] = N(e.Quantity), ["fee"] = N(e.Fee), ["filledQuantity"] = N(e.FilledQuantity), ["leavesQuantity"] = N(e.LeavesQuantity),
            });

    [Fact]
    public void OrderCancelled_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(14,
            // 7 is the schema's Disconnected, which the engine does not have: left out.
            r => new OrderCancelled(L(r), L(r), L(r), I(r), S(r), E<CancelReason>(r, 0, 8, 255), L(r), L(r)),
            (ref SbeEventWriter w, OrderCancelled e) => w.OnCancelled(e), "OrderCancelled",
            e => new()
            {
                ["account"] = N(e.Account), ["clientOrderId"] = N(e.ClientOrderId), ["orderId"] = N(e.OrderId), ["symbol"] = N(e.Symbol),
                ["side"] = Name(e.Side), ["reason"] = Name(e.Reason), ["cancelledQuantity"] = N(e.CancelledQuantity),
                ["filledQuantity"] = N(e.FilledQuantity),
            });

    [Fact]
    public void OrderReplaced_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(15,
            r => new OrderReplaced(L(r), L(r), L(r), L(r), I(r), S(r), L(r), L(r), L(r), r.Next(2) == 0),
            (ref SbeEventWriter w, OrderReplaced e) => w.OnReplaced(e), "OrderReplaced",
            e => new()
            {
                ["account"] = N(e.Account), ["origClientOrderId"] = N(e.OrigClientOrderId), ["clientOrderId"] = N(e.ClientOrderId),
                ["orderId"] = N(e.OrderId), ["symbol"] = N(e.Symbol), ["side"] = Name(e.Side), ["price"] = N(e.Price),
                ["quantity"] = N(e.Quantity), ["leavesQuantity"] = N(e.LeavesQuantity), ["keptPriority"] = e.KeptPriority ? "1" : "0",
            });

    [Fact]
    public void OrderReduced_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(16,
            r => new OrderReduced(L(r), L(r), L(r), I(r), S(r), L(r), L(r)),
            (ref SbeEventWriter w, OrderReduced e) => w.OnReduced(e), "OrderReduced",
            e => new()
            {
                ["account"] = N(e.Account), ["clientOrderId"] = N(e.ClientOrderId), ["orderId"] = N(e.OrderId), ["symbol"] = N(e.Symbol),
                ["side"] = Name(e.Side), ["reducedBy"] = N(e.ReducedBy), ["leavesQuantity"] = N(e.LeavesQuantity),
            });

    [Fact]
    public void LevelChanged_from_the_event_writer_reads_as_a_book_update_with_one_level()
        => AssertEvent(17,
            r => new LevelChanged(I(r), S(r), L(r), L(r), I(r)),
            (ref SbeEventWriter w, LevelChanged e) => w.OnLevel(e), "BookUpdate",
            e => new()
            {
                ["symbol"] = N(e.Symbol), ["levels.count"] = "1", ["levels[0].side"] = Name(e.Side), ["levels[0].price"] = N(e.Price),
                ["levels[0].quantity"] = N(e.Quantity), ["levels[0].orderCount"] = N(e.OrderCount),
            });

    [Fact]
    public void BestBidOffer_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(18,
            r => new BestBidOffer(I(r), L(r), L(r), L(r), L(r)),
            (ref SbeEventWriter w, BestBidOffer e) => w.OnBestBidOffer(e), "BestBidOffer",
            e => new()
            {
                ["symbol"] = N(e.Symbol), ["bidPrice"] = N(e.BidPrice), ["bidQuantity"] = N(e.BidQuantity),
                ["askPrice"] = N(e.AskPrice), ["askQuantity"] = N(e.AskQuantity),
            });

    [Fact]
    public void BalanceChanged_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(19,
            r => new BalanceChanged(L(r), I(r), L(r), L(r)),
            (ref SbeEventWriter w, BalanceChanged e) => w.OnBalance(e), "BalanceChanged",
            e => new() { ["account"] = N(e.Account), ["asset"] = N(e.Asset), ["available"] = N(e.Available), ["held"] = N(e.Held) });

    [Fact]
    public void MassCancelled_from_the_event_writer_reads_as_a_mass_cancel_report()
        => AssertEvent(20,
            r => new MassCancelled(L(r), I(r), S(r), I(r)),
            (ref SbeEventWriter w, MassCancelled e) => w.OnMassCancelled(e), "MassCancelReport",
            e => new() { ["account"] = N(e.Account), ["symbol"] = N(e.Symbol), ["side"] = Name(e.Side), ["cancelledCount"] = N(e.Count) });

    [Fact]
    public void SymbolStatusChanged_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(21,
            r => new SymbolStatusChanged(I(r), E<SymbolStatus>(r, 0, 3, 255)),
            (ref SbeEventWriter w, SymbolStatusChanged e) => w.OnSymbolStatus(e), "SymbolStatusChanged",
            e => new() { ["symbol"] = N(e.Symbol), ["status"] = Name(e.Status) });

    [Fact]
    public void AccountAdded_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(22,
            r => new AccountAdded(L(r)),
            (ref SbeEventWriter w, AccountAdded e) => w.OnAccountAdded(e), "AccountAdded",
            e => new() { ["account"] = N(e.Account) });

    [Fact]
    public void AccountPermissionChanged_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(25,
            r => new AccountPermissionChanged(L(r), E<AccountPermission>(r, 4, 200, 255)),
            (ref SbeEventWriter w, AccountPermissionChanged e) => w.OnPermissionChanged(e), "AccountPermissionChanged",
            e => new() { ["account"] = N(e.Account), ["permission"] = Name(e.Permission) });

    [Fact]
    public void StopTriggered_from_the_event_writer_reads_the_same_in_the_runtime_decoder()
        => AssertEvent(23,
            r => new StopTriggered(L(r), L(r), L(r), I(r), S(r), E<OrderType>(r, 0, 9, 255), L(r), L(r)),
            (ref SbeEventWriter w, StopTriggered e) => w.OnStopTriggered(e), "StopTriggered",
            e => new()
            {
                ["account"] = N(e.Account), ["clientOrderId"] = N(e.ClientOrderId), ["orderId"] = N(e.OrderId), ["symbol"] = N(e.Symbol),
                ["side"] = Name(e.Side), ["orderType"] = Name(e.Type), ["stopPrice"] = N(e.StopPrice), ["lastPrice"] = N(e.LastPrice),
            });

    // ---- messages the engine does not write yet, from the generated encoders -------------------------

    [Fact]
    public void BookSnapshot_from_the_generated_encoder_reads_both_groups_in_the_runtime_decoder()
    {
        var buffer = new byte[512];
        var snapshot = BookSnapshotEncoder.WrapAndApplyHeader(buffer, 0);
        snapshot.Sequence = 123;
        snapshot.Symbol = 4;
        snapshot.Status = SymbolStatus.Halted;
        var bids = snapshot.BidsCount(2);
        for (int i = 0; i < 2; i++) { bids.Next(); bids.Price = 100 - i; bids.Quantity = 10 + i; bids.OrderCount = 1 + i; }
        var asks = snapshot.AsksCount(1);
        asks.Next();
        asks.Price = 101;
        asks.Quantity = long.MaxValue;
        asks.OrderCount = int.MinValue;
        int length = MessageHeaderEncoder.EncodedLength + snapshot.EncodedLength;

        Assert.Equal(new Dictionary<string, string?>
        {
            ["sequence"] = "123", ["symbol"] = "4", ["status"] = "Halted",
            ["bids.count"] = "2",
            ["bids[0].price"] = "100", ["bids[0].quantity"] = "10", ["bids[0].orderCount"] = "1",
            ["bids[1].price"] = "99", ["bids[1].quantity"] = "11", ["bids[1].orderCount"] = "2",
            ["asks.count"] = "1",
            ["asks[0].price"] = "101", ["asks[0].quantity"] = N(long.MaxValue), ["asks[0].orderCount"] = N(int.MinValue),
        }, Decode(buffer.AsSpan(0, length), "BookSnapshot"));
    }

    [Fact]
    public void Logon_from_the_generated_encoder_reads_its_var_data_in_the_runtime_decoder()
    {
        var buffer = new byte[512];
        var logon = LogonEncoder.WrapAndApplyHeader(buffer, 0);
        logon.Account = 1001;
        logon.HeartbeatIntervalMs = uint.MaxValue;
        logon.CancelOnDisconnect = 1;
        logon.WriteApiKey("key-123"u8);
        logon.WriteResponseChannel("aeron:udp?endpoint=10.0.0.7:40123"u8);
        int length = MessageHeaderEncoder.EncodedLength + logon.EncodedLength;

        Assert.Equal(new Dictionary<string, string?>
        {
            ["account"] = "1001", ["heartbeatIntervalMs"] = N(uint.MaxValue), ["cancelOnDisconnect"] = "1", ["apiKey"] = "key-123",
            ["responseChannel"] = "aeron:udp?endpoint=10.0.0.7:40123",
        }, Decode(buffer.AsSpan(0, length), "Logon"));
    }

    [Fact]
    public void Every_message_of_the_schema_is_known_to_the_runtime_decoder_by_its_generated_template_id()
    {
        var schema = Schema();
        var expected = new Dictionary<string, int>
        {
            ["Logon"] = LogonDecoder.TemplateId, ["LogonAck"] = LogonAckDecoder.TemplateId, ["LogonReject"] = LogonRejectDecoder.TemplateId,
            ["Heartbeat"] = HeartbeatDecoder.TemplateId, ["Logout"] = LogoutDecoder.TemplateId,
            ["SymbolDefinition"] = SymbolDefinitionDecoder.TemplateId,
            ["ReplicaHello"] = ReplicaHelloDecoder.TemplateId, ["ReplicatedRecord"] = ReplicatedRecordDecoder.TemplateId,
            ["ReplicaAck"] = ReplicaAckDecoder.TemplateId, ["StateCheck"] = StateCheckDecoder.TemplateId,
            ["ReplicaCut"] = ReplicaCutDecoder.TemplateId, ["LeaderTerm"] = LeaderTermDecoder.TemplateId,
            ["ExpireOrders"] = ExpireOrdersDecoder.TemplateId,
            ["SnapshotChunk"] = SnapshotChunkDecoder.TemplateId, ["SnapshotResend"] = SnapshotResendDecoder.TemplateId,
            ["NewOrder"] = NewOrderDecoder.TemplateId, ["CancelOrder"] = CancelOrderDecoder.TemplateId,
            ["ReplaceOrder"] = ReplaceOrderDecoder.TemplateId, ["MassCancel"] = MassCancelDecoder.TemplateId,
            ["AddAccount"] = AddAccountDecoder.TemplateId, ["AddSymbol"] = AddSymbolDecoder.TemplateId,
            ["HaltSymbol"] = HaltSymbolDecoder.TemplateId, ["ResumeSymbol"] = ResumeSymbolDecoder.TemplateId,
            ["Deposit"] = DepositDecoder.TemplateId, ["Withdraw"] = WithdrawDecoder.TemplateId,
            ["SetAccountPermission"] = SetAccountPermissionDecoder.TemplateId, ["AccountPermissionChanged"] = AccountPermissionChangedDecoder.TemplateId,
            ["OrderAccepted"] = OrderAcceptedDecoder.TemplateId, ["CommandRejected"] = CommandRejectedDecoder.TemplateId,
            ["Fill"] = FillDecoder.TemplateId, ["OrderCancelled"] = OrderCancelledDecoder.TemplateId,
            ["OrderReplaced"] = OrderReplacedDecoder.TemplateId, ["OrderReduced"] = OrderReducedDecoder.TemplateId,
            ["BalanceChanged"] = BalanceChangedDecoder.TemplateId, ["MassCancelReport"] = MassCancelReportDecoder.TemplateId,
            ["SymbolStatusChanged"] = SymbolStatusChangedDecoder.TemplateId, ["AccountAdded"] = AccountAddedDecoder.TemplateId,
            ["BookUpdate"] = BookUpdateDecoder.TemplateId, ["Trade"] = TradeDecoder.TemplateId,
            ["BestBidOffer"] = BestBidOfferDecoder.TemplateId, ["BookSnapshot"] = BookSnapshotDecoder.TemplateId,
            ["OrderStatusRequest"] = OrderStatusRequestDecoder.TemplateId, ["OrderStatus"] = OrderStatusDecoder.TemplateId,
            ["AccountStateRequest"] = AccountStateRequestDecoder.TemplateId, ["AccountBalances"] = AccountBalancesDecoder.TemplateId,
            ["AccountOrders"] = AccountOrdersDecoder.TemplateId, ["AccountStateEnd"] = AccountStateEndDecoder.TemplateId,
            ["BookSnapshotRequest"] = BookSnapshotRequestDecoder.TemplateId, ["BookSnapshotEnd"] = BookSnapshotEndDecoder.TemplateId,
            ["QueryRejected"] = QueryRejectedDecoder.TemplateId, ["StopTriggered"] = StopTriggeredDecoder.TemplateId,
            ["LogonRequest"] = LogonRequestDecoder.TemplateId, ["LogonChallenge"] = LogonChallengeDecoder.TemplateId,
            ["LogonProof"] = LogonProofDecoder.TemplateId,
        };

        Assert.Equal(expected.OrderBy(kv => kv.Key), schema.Messages.ToDictionary(m => m.Name, m => m.Id).OrderBy(kv => kv.Key));
    }
}
