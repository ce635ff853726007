// codecs/exchange.xml's session and market-data messages that the engine's wire codecs do not cover, field by
// field through the generated encoders and decoders: seeded random values (edges included) written, read back
// and compared, var data of every length up to its maxValue, and groups empty, small and full.
using Exchange.Contract;
using System.Text;
using Exchange.Sbe;

namespace Exchange.Engine.Tests;

public sealed class ExchangeSchemaRoundTripTests
{
    private const int Samples = 500;
    private static readonly int Header = MessageHeaderEncoder.EncodedLength;

    private static readonly long[] LongEdges = [long.MinValue, -1, 0, 1, long.MaxValue];

    private static long L(Random r) => r.Next(3) == 0 ? LongEdges[r.Next(LongEdges.Length)] : r.NextInt64(long.MinValue, long.MaxValue);

    private static int I(Random r) => r.Next(3) == 0 ? new[] { int.MinValue, -1, 0, 1, int.MaxValue }[r.Next(5)] : r.Next(int.MinValue, int.MaxValue);

    private static ulong U64(Random r) => r.Next(3) == 0 ? new[] { 0UL, 1UL, ulong.MaxValue - 1, ulong.MaxValue }[r.Next(4)] : (ulong)r.NextInt64() * 2 + (ulong)r.Next(2);

    private static uint U32(Random r) => r.Next(3) == 0 ? new[] { 0U, 1U, uint.MaxValue }[r.Next(3)] : (uint)r.NextInt64(0, uint.MaxValue + 1L);

    private static T E<T>(Random r) where T : struct, Enum
    {
        var values = Enum.GetValues<T>();
        return values[r.Next(values.Length)];
    }

    /// <summary>Printable ASCII of a random length up to <paramref name="max"/>, often empty or exactly max.</summary>
    private static byte[] Ascii(Random r, int max)
    {
        var length = r.Next(4) switch { 0 => 0, 1 => max, _ => r.Next(max + 1) };
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = (byte)r.Next(0x20, 0x7F);
        return bytes;
    }

    [Fact]
    public void Logon_round_trips_every_field_and_api_keys_and_response_channels_up_to_the_max_length()
    {
        var r = new Random(101);
        var buffer = new byte[4096];
        Assert.Equal(1024, LogonEncoder.ApiKeyMaxLength);
        Assert.Equal(1024, LogonEncoder.ResponseChannelMaxLength);
        for (var i = 0; i < Samples; i++)
        {
            long account = L(r);
            uint interval = U32(r);
            byte cancelOnDisconnect = (byte)r.Next(256);
            byte[] apiKey = Ascii(r, 1024);
            byte[] responseChannel = Ascii(r, 1024);
            var e = LogonEncoder.WrapAndApplyHeader(buffer, 0);
            e.Account = account;
            e.HeartbeatIntervalMs = interval;
            e.CancelOnDisconnect = cancelOnDisconnect;
            e.WriteApiKey(apiKey);
            e.WriteResponseChannel(responseChannel);
            int length = Header + e.EncodedLength;
            Assert.Equal(Header + LogonEncoder.BlockLength + 2 + apiKey.Length + 2 + responseChannel.Length, length);

            var d = LogonDecoder.WrapWithHeader(buffer.AsSpan(0, length));
            Assert.Equal(account, d.Account);
            Assert.Equal(interval, d.HeartbeatIntervalMs);
            Assert.Equal(cancelOnDisconnect, d.CancelOnDisconnect);
            Assert.Equal(apiKey, d.ReadApiKey().ToArray());
            Assert.Equal(responseChannel, d.ReadResponseChannel().ToArray());
            Assert.Equal(length, d.Limit);
        }
    }

    [Fact]
    public void Logon_refuses_an_api_key_above_the_max_length_on_both_sides()
    {
        var buffer = new byte[2048];
        Assert.Equal(SbeError.LengthOutOfRange, Assert.Throws<SbeException>(() =>
            LogonEncoder.WrapAndApplyHeader(buffer, 0).WriteApiKey(new byte[1025])).Error);

        var e = LogonEncoder.WrapAndApplyHeader(buffer, 0);
        e.WriteApiKey(new byte[3]);
        int at = Header + LogonEncoder.BlockLength;
        buffer[at] = 1025 & 0xFF;
        buffer[at + 1] = 1025 >> 8;
        Assert.Equal(SbeError.LengthOutOfRange, Assert.Throws<SbeException>(() =>
            LogonDecoder.WrapWithHeader(buffer).ReadApiKey().Length).Error);
    }

    [Fact]
    public void Logon_refuses_a_response_channel_above_the_max_length_on_both_sides()
    {
        var buffer = new byte[4096];
        Assert.Equal(SbeError.LengthOutOfRange, Assert.Throws<SbeException>(() =>
        {
            var tooLong = LogonEncoder.WrapAndApplyHeader(buffer, 0);
            tooLong.WriteApiKey("k"u8);
            tooLong.WriteResponseChannel(new byte[1025]);
        }).Error);

        var e = LogonEncoder.WrapAndApplyHeader(buffer, 0);
        e.WriteApiKey("k"u8);
        e.WriteResponseChannel(new byte[3]);
        int at = Header + LogonEncoder.BlockLength + 2 + 1;
        buffer[at] = 1025 & 0xFF;
        buffer[at + 1] = 1025 >> 8;
        Assert.Equal(SbeError.LengthOutOfRange, Assert.Throws<SbeException>(() =>
        {
            var d = LogonDecoder.WrapWithHeader(buffer);
            d.ReadApiKey();
            return d.ReadResponseChannel().Length;
        }).Error);
    }

    [Fact]
    public void LogonAck_round_trips_every_field()
    {
        var r = new Random(102);
        var buffer = new byte[64];
        for (var i = 0; i < Samples; i++)
        {
            ulong session = U64(r);
            long account = L(r);
            uint interval = U32(r);
            var e = LogonAckEncoder.WrapAndApplyHeader(buffer, 0);
            e.SessionId = session;
            e.Account = account;
            e.HeartbeatIntervalMs = interval;
            var permission = (AccountPermission)r.Next(4);
            e.Permission = permission;
            Assert.Equal(Header + 21, Header + e.EncodedLength);

            var d = LogonAckDecoder.WrapWithHeader(buffer.AsSpan(0, Header + e.EncodedLength));
            Assert.Equal(session, d.SessionId);
            Assert.Equal(account, d.Account);
            Assert.Equal(interval, d.HeartbeatIntervalMs);
            Assert.Equal(permission, d.Permission);
        }
    }

    [Fact]
    public void LogonReject_round_trips_its_reason_and_text()
    {
        var r = new Random(103);
        var buffer = new byte[2048];
        for (var i = 0; i < Samples; i++)
        {
            var reason = E<LogonRejectReason>(r);
            byte[] text = Ascii(r, 1024);
            var e = LogonRejectEncoder.WrapAndApplyHeader(buffer, 0);
            e.Reason = reason;
            e.WriteText(text);
            int length = Header + e.EncodedLength;

            var d = LogonRejectDecoder.WrapWithHeader(buffer.AsSpan(0, length));
            Assert.Equal(reason, d.Reason);
            Assert.Equal(text, d.ReadText().ToArray());
            Assert.Equal(length, d.Limit);
        }

        var rejected = LogonRejectEncoder.WrapAndApplyHeader(buffer, 0);
        rejected.Reason = LogonRejectReason.UnknownApiKey;
        rejected.WriteText("no such key"u8);
        var decoded = LogonRejectDecoder.WrapWithHeader(buffer.AsSpan(0, Header + rejected.EncodedLength));
        Assert.Equal("no such key", Encoding.ASCII.GetString(decoded.ReadText()));
    }

    [Fact]
    public void Heartbeat_and_Logout_round_trip_every_field()
    {
        var r = new Random(104);
        var buffer = new byte[64];
        for (var i = 0; i < Samples; i++)
        {
            ulong session = U64(r);
            var heartbeat = HeartbeatEncoder.WrapAndApplyHeader(buffer, 0);
            heartbeat.SessionId = session;
            Assert.Equal(session, HeartbeatDecoder.WrapWithHeader(buffer.AsSpan(0, Header + heartbeat.EncodedLength)).SessionId);

            var reason = E<LogoutReason>(r);
            var logout = LogoutEncoder.WrapAndApplyHeader(buffer, 0);
            logout.SessionId = session;
            logout.Reason = reason;
            var d = LogoutDecoder.WrapWithHeader(buffer.AsSpan(0, Header + logout.EncodedLength));
            Assert.Equal(session, d.SessionId);
            Assert.Equal(reason, d.Reason);
        }

        Assert.Equal(SbeError.WrongTemplate, HeartbeatDecoder.TryWrapWithHeader(buffer, 0, out _));
    }

    [Fact]
    public void Trade_round_trips_every_field()
    {
        var r = new Random(105);
        var buffer = new byte[128];
        for (var i = 0; i < Samples; i++)
        {
            long sequence = L(r), timestamp = L(r), tradeId = L(r), price = L(r), quantity = L(r);
            int symbol = I(r);
            var side = E<Side>(r);
            var e = TradeEncoder.WrapAndApplyHeader(buffer, 0);
            e.Sequence = sequence;
            e.Timestamp = timestamp;
            e.Symbol = symbol;
            e.TradeId = tradeId;
            e.Price = price;
            e.Quantity = quantity;
            e.AggressorSide = side;

            var d = TradeDecoder.WrapWithHeader(buffer.AsSpan(0, Header + e.EncodedLength));
            Assert.Equal(sequence, d.Sequence);
            Assert.Equal(timestamp, d.Timestamp);
            Assert.Equal(symbol, d.Symbol);
            Assert.Equal(tradeId, d.TradeId);
            Assert.Equal(price, d.Price);
            Assert.Equal(quantity, d.Quantity);
            Assert.Equal(side, d.AggressorSide);
        }
    }

    private readonly record struct Level(long Price, long Quantity, int OrderCount);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    [InlineData(7, 13)]
    [InlineData(1000, 999)]
    [InlineData(65534, 65534)]
    public void BookSnapshot_round_trips_both_groups_empty_small_and_full(int bidCount, int askCount)
    {
        var r = new Random(106 + bidCount * 31 + askCount);
        var bids = Enumerable.Range(0, bidCount).Select(_ => new Level(L(r), L(r), I(r))).ToArray();
        var asks = Enumerable.Range(0, askCount).Select(_ => new Level(L(r), L(r), I(r))).ToArray();
        long sequence = L(r);
        int symbol = I(r);
        var status = E<SymbolStatus>(r);
        var buffer = new byte[Header + 64 + (bidCount + askCount) * 20];
        var e = BookSnapshotEncoder.WrapAndApplyHeader(buffer, 0);
        e.Sequence = sequence;
        e.Symbol = symbol;
        e.Status = status;
        var bidEncoder = e.BidsCount(bidCount);
        foreach (var level in bids)
        {
            bidEncoder.Next();
            bidEncoder.Price = level.Price;
            bidEncoder.Quantity = level.Quantity;
            bidEncoder.OrderCount = level.OrderCount;
        }

        var askEncoder = e.AsksCount(askCount);
        foreach (var level in asks)
        {
            askEncoder.Next();
            askEncoder.Price = level.Price;
            askEncoder.Quantity = level.Quantity;
            askEncoder.OrderCount = level.OrderCount;
        }

        int length = Header + e.EncodedLength;
        Assert.Equal(Header + BookSnapshotEncoder.BlockLength + 2 * 4 + (bidCount + askCount) * 20, length);

        var d = BookSnapshotDecoder.WrapWithHeader(buffer.AsSpan(0, length));
        Assert.Equal(sequence, d.Sequence);
        Assert.Equal(symbol, d.Symbol);
        Assert.Equal(status, d.Status);
        var readBids = new List<Level>();
        var bidDecoder = d.ReadBids();
        Assert.Equal(bidCount, bidDecoder.Count);
        while (bidDecoder.Next()) readBids.Add(new Level(bidDecoder.Price, bidDecoder.Quantity, bidDecoder.OrderCount));
        var readAsks = new List<Level>();
        var askDecoder = d.ReadAsks();
        Assert.Equal(askCount, askDecoder.Count);
        while (askDecoder.Next()) readAsks.Add(new Level(askDecoder.Price, askDecoder.Quantity, askDecoder.OrderCount));
        Assert.Equal(bids, readBids);
        Assert.Equal(asks, readAsks);
        Assert.Equal(length, d.Limit);
    }

    [Fact]
    public void BookSnapshot_refuses_more_entries_than_a_uint16_count_can_hold()
    {
        Assert.Equal(65534, BookSnapshotEncoder.BidsEncoder.MaxCount);
        var buffer = new byte[256];
        Assert.Equal(SbeError.CountOutOfRange, Assert.Throws<SbeException>(() =>
            BookSnapshotEncoder.WrapAndApplyHeader(buffer, 0).BidsCount(65535)).Error);
    }
}
