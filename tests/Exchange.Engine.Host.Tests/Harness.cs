// What the EngineService tests share: a recording IEngineLinks, encoders for what clients send, readers for what
// the engine sends back, and a temporary journal directory per test.
using Exchange.Engine.Tests;
using Exchange.Contract;
using Exchange.Journal;
using Exchange.Sbe;

namespace Exchange.Engine.Host.Tests;

/// <summary>Records everything the engine sends. A connection's path must have been opened for sends to it to succeed
/// (as over the transport); <see cref="Refuse"/> makes sends to a connection fail, as back-pressure does.</summary>
public sealed class RecordingLinks : IEngineLinks
{
    public List<(int Connection, string Channel)> Opened { get; } = [];
    public List<int> Closed { get; } = [];
    public HashSet<int> Open { get; } = [];
    public HashSet<int> Refuse { get; } = [];
    /// <summary>Channels OpenResponses refuses.</summary>
    public HashSet<string> BadChannels { get; } = [];
    /// <summary>Every message the engine tried to send to a connection, sent or not, in order.</summary>
    public List<(int Connection, byte[] Message, bool Sent)> Offered { get; } = [];
    public List<byte[]> MarketData { get; } = [];
    /// <summary>Connections whose messages are received and not yet taken (a stalled engine's backlog).</summary>
    public HashSet<int> Unread { get; } = [];
    public bool HasUnread(int connection) => Unread.Contains(connection);

    /// <summary>Reject paths refused, as the links do when the budget for strangers is spent.</summary>
    public bool RefuseRejectPaths { get; set; }
    public List<(int Connection, ResponsePath Purpose)> Purposes { get; } = [];

    public bool OpenResponses(int connection, string responseChannel, ResponsePath purpose, out string? error)
    {
        if (BadChannels.Contains(responseChannel)) { error = "unusable channel"; return false; }
        if (purpose == ResponsePath.Reject && RefuseRejectPaths) { error = "budget spent"; return false; }
        error = null;
        Purposes.Add((connection, purpose));
        Opened.Add((connection, responseChannel));
        Open.Add(connection);
        return true;
    }

    /// <summary>False: messages are only counted, not kept (an allocation test's steady state).</summary>
    public bool Record { get; set; } = true;

    public bool SendToConnection(int connection, ReadOnlySpan<byte> message)
    {
        bool sent = Open.Contains(connection) && !Refuse.Contains(connection);
        if (Record) Offered.Add((connection, message.ToArray(), sent));
        return sent;
    }

    public void SendMarketData(ReadOnlySpan<byte> message)
    {
        if (Record) MarketData.Add(message.ToArray());
    }

    public void CloseResponses(int connection)
    {
        Closed.Add(connection);
        Open.Remove(connection);
    }

    /// <summary>Messages that reached <paramref name="connection"/>, in order.</summary>
    public List<byte[]> Received(int connection) => Offered.Where(o => o.Connection == connection && o.Sent).Select(o => o.Message).ToList();

    public void Clear()
    {
        Offered.Clear();
        MarketData.Clear();
        Opened.Clear();
        Closed.Clear();
    }
}

public static class Client
{
    public const string Channel = "aeron:udp?endpoint=127.0.0.1:40500";

    public static byte[] Logon(string apiKey, uint heartbeatMs = 1000, bool cancelOnDisconnect = false, string channel = Channel, long account = 0)
    {
        var buffer = new byte[4096];
        var e = LogonEncoder.WrapAndApplyHeader(buffer, 0);
        e.Account = account;
        e.HeartbeatIntervalMs = heartbeatMs;
        e.CancelOnDisconnect = cancelOnDisconnect ? (byte)1 : (byte)0;
        e.WriteApiKey(System.Text.Encoding.ASCII.GetBytes(apiKey));
        e.WriteResponseChannel(System.Text.Encoding.ASCII.GetBytes(channel));
        return buffer[..(MessageHeaderEncoder.EncodedLength + e.EncodedLength)];
    }

    public static byte[] Heartbeat(ulong sessionId)
    {
        var buffer = new byte[64];
        var e = HeartbeatEncoder.WrapAndApplyHeader(buffer, 0);
        e.SessionId = sessionId;
        return buffer[..(MessageHeaderEncoder.EncodedLength + e.EncodedLength)];
    }

    public static byte[] Logout(ulong sessionId)
    {
        var buffer = new byte[64];
        var e = LogoutEncoder.WrapAndApplyHeader(buffer, 0);
        e.SessionId = sessionId;
        e.Reason = LogoutReason.ClientRequest;
        return buffer[..(MessageHeaderEncoder.EncodedLength + e.EncodedLength)];
    }

    /// <summary>A GTC limit order on BTC-USD of the demo config: quantity in lots of 0.01 BTC.</summary>
    public static byte[] Limit(long account, long clientOrderId, Side side, long price, long lots = 1, TimeInForce tif = TimeInForce.GoodTillCancel, int symbol = 1) =>
        Encode(new NewOrder(account, clientOrderId, symbol, side, OrderType.Limit, tif, price, lots * 1_000_000));

    public static byte[] Cancel(long account, long clientOrderId) => Encode(new CancelOrder(account, clientOrderId));

    /// <summary>An OrderStatusRequest (a query: answered from the state, never sequenced).</summary>
    public static byte[] OrderStatus(ulong requestId, long account, long clientOrderId)
    {
        var b = new byte[128];
        var m = OrderStatusRequestEncoder.WrapAndApplyHeader(b, 0);
        m.RequestId = requestId;
        m.Account = account;
        m.ClientOrderId = clientOrderId;
        return b[..(MessageHeaderEncoder.EncodedLength + m.EncodedLength)];
    }

    public static byte[] Encode(in NewOrder c) { var b = new byte[256]; return b[..CommandCodec.Encode(c, b)]; }
    public static byte[] Encode(in CancelOrder c) { var b = new byte[256]; return b[..CommandCodec.Encode(c, b)]; }
    public static byte[] Encode(in MassCancel c) { var b = new byte[256]; return b[..CommandCodec.Encode(c, b)]; }
    public static byte[] Encode(in AddAccount c) { var b = new byte[256]; return b[..CommandCodec.Encode(c, b)]; }
    public static byte[] Encode(in Deposit c) { var b = new byte[256]; return b[..CommandCodec.Encode(c, b)]; }
    public static byte[] Encode(in Withdraw c) { var b = new byte[256]; return b[..CommandCodec.Encode(c, b)]; }
    public static byte[] Encode(in HaltSymbol c) { var b = new byte[256]; return b[..CommandCodec.Encode(c, b)]; }
    public static byte[] Encode(in ResumeSymbol c) { var b = new byte[256]; return b[..CommandCodec.Encode(c, b)]; }
    public static byte[] Encode(in AddSymbol c) { var b = new byte[256]; return b[..CommandCodec.Encode(c, b)]; }
    public static byte[] Encode(in SetAccountPermission c) { var b = new byte[256]; return b[..CommandCodec.Encode(c, b)]; }
}

public static class Read
{
    public static int Template(byte[] message) => CommandCodec.TemplateOf(message);

    public static IEnumerable<byte[]> OfTemplate(this IEnumerable<byte[]> messages, int template) => messages.Where(m => Template(m) == template);

    /// <summary>Engine events among <paramref name="messages"/>, decoded to the engine's own records (others skipped).</summary>
    public static List<object> Events(IEnumerable<byte[]> messages)
    {
        var output = new RecordingOutput();
        foreach (byte[] m in messages)
            if (Template(m) is >= 30 and <= 39 or 50 or 51 or 52) Assert.Equal(SbeError.None, EventCodec.Decode(m, ref output, out _, out _));
        return output.Events;
    }

    public static (ulong SessionId, long Account, uint HeartbeatMs) LogonAck(byte[] m)
    {
        var d = LogonAckDecoder.WrapWithHeader(m);
        return (d.SessionId, d.Account, d.HeartbeatIntervalMs);
    }

    public static LogonRejectReason LogonReject(byte[] m) => LogonRejectDecoder.WrapWithHeader(m).Reason;

    public static LogoutReason Logout(byte[] m) => LogoutDecoder.WrapWithHeader(m).Reason;

    public static (CommandKind Command, long Account, long ClientOrderId, RejectReason Reason, long Sequence) Rejected(byte[] m)
    {
        var d = CommandRejectedDecoder.WrapWithHeader(m);
        return (d.Command, d.Account, d.ClientOrderId, d.Reason, d.Sequence);
    }

    public static long Sequence(byte[] m)
    {
        var output = new RecordingOutput();
        Assert.Equal(SbeError.None, EventCodec.Decode(m, ref output, out long sequence, out _));
        return sequence;
    }

    /// <summary>Every record of a journal directory.</summary>
    public static List<(long Sequence, ushort Type, byte[] Payload)> Journal(string directory)
    {
        var records = new List<(long, ushort, byte[])>();
        using var reader = JournalReader.Open(directory);
        while (reader.TryRead(out var record) == ReadStatus.Record) records.Add((record.Sequence, record.Type, record.Payload.ToArray()));
        return records;
    }
}

public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "exchange-engine-host-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

/// <summary>An engine on the demo config (BTC-USD = symbol 1, accounts 1001/1002 with keys mm-1001-key/mm-1002-key)
/// with a recording transport, and shortcuts for logging on.</summary>
public sealed class Harness : IDisposable
{
    public const long Second = 1_000_000_000;
    /// <summary>How many commands the demo config's opening state takes: the sequence a new engine starts trading after.</summary>
    public static readonly long OpeningCommands = new ShardConfig().OpeningCommands().Count;

    public RecordingLinks Links { get; } = new();
    public EngineService Engine { get; private set; }
    public EngineServiceOptions Options { get; }
    public ShardConfig Config { get; }
    public long Now { get; set; } = 1_000 * Second;

    public Harness(EngineServiceOptions? options = null, ShardConfig? config = null, bool clearKeyLogon = true)
    {
        Config = config ?? new ShardConfig();
        // The order-path tests log on with the clear-key Logon (no client library in process); the handshake and the
        // sealed messages are tested in AuthenticationTests.
        Options = (options ?? new EngineServiceOptions()) with { Clock = () => 42, AcceptClearKeyLogon = clearKeyLogon };
        Engine = EngineService.Open(Config, Links, Options);
        Engine.DoWork(Now);
    }

    public void Reopen()
    {
        Engine = EngineService.Open(Config, Links, Options);
        Engine.DoWork(Now);
    }

    /// <summary>Runs the engine's duties while <paramref name="advanceNanos"/> pass, a pass every 100 ms at most (as a
    /// running loop would; a longer gap is a stall, see <see cref="Stall"/>).</summary>
    public int Work(long advanceNanos = 0)
    {
        int work = 0;
        do
        {
            long step = Math.Min(advanceNanos, 100 * NanoClock.Millisecond);
            Now += step;
            advanceNanos -= step;
            work += Engine.DoWork(Now);
        }
        while (advanceNanos > 0);
        return work;
    }

    /// <summary>The engine thread stopped for <paramref name="nanos"/> (a long fsync, a frozen machine), then one pass.</summary>
    public int Stall(long nanos)
    {
        Now += nanos;
        return Engine.DoWork(Now);
    }

    /// <summary>Logs on and returns the session id from the LogonAck.</summary>
    public ulong LogOn(int connection, string apiKey, bool cancelOnDisconnect = false, uint heartbeatMs = 1000)
    {
        Engine.OnMessage(connection, Client.Logon(apiKey, heartbeatMs, cancelOnDisconnect));
        var ack = Links.Received(connection).OfTemplate(LogonAckDecoder.TemplateId).Last();
        return Read.LogonAck(ack).SessionId;
    }

    public void Dispose() => Engine.Dispose();
}
