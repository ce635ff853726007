// The FIX gateway's application: routes each FIX session's messages to its order-entry session (and so to the
// engine), copies execution reports to drop-copy sessions, and answers what it does not handle with a Business
// Message Reject. Everything runs on the gateway loop's one thread.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Fix;
using Exchange.Fix.Session;

namespace Exchange.Gateway;

internal sealed class Gateway : IFixApplication, IParkSource
{
    /// <summary>The settings keys the gateway reads itself, beside the session layer's.</summary>
    public static readonly string[] SettingsKeys = ["SessionType", "ApiKey", "Account", "CancelOnDisconnect", "DropCopyAccounts"];

    private readonly Dictionary<FixSession, OrderEntrySession> _orderEntry = new();
    /// <summary>One transport for every order-entry session's engine client: one set of sockets and one duty cycle
    /// (publications to one engine share its send socket), run once per pass of the gateway loop.</summary>
    private readonly Exchange.Transport.Transport _transport = new(new Exchange.Transport.TransportOptions());
    /// <summary>One connection to each engine for every order-entry session: each session is a lane of it (the engine
    /// sees one client image and answers on one response port per shard, market data once).</summary>
    private readonly SharedEngineConnections _connections;
    private readonly List<(FixSession Session, HashSet<long> Accounts)> _dropCopy = [];
    private readonly Func<long> _clock;
    private readonly byte[] _body = new byte[1024];
    private long _execId;

    public Gateway(GatewayConfig config, Func<long> clock, Action<string>? log = null)
    {
        Config = config;
        _clock = clock;
        _log = log ?? (_ => { });
        _execId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 20;
        _connections = new SharedEngineConnections(_transport, config.ResponseHost);
    }

    /// <summary>The engine connections the order-entry sessions share: one per shard.</summary>
    public SharedEngineConnections EngineConnections => _connections;

    public GatewayConfig Config { get; }
    /// <summary>The gateway's counters (published when the process has a counters file).</summary>
    public GatewayMetrics Metrics { get; set; } = new(CountersFile.Private(64));

    /// <summary>The engine connection of each order-entry session: up or not.</summary>
    public IEnumerable<bool> EngineSessions() => _orderEntry.Values.Select(e => e.Client.IsConnected);
    /// <summary>The FIX Symbols (55) the gateway trades: the names the engines announced (SymbolDefinition), with the
    /// decimals their reference data gives. A symbol no engine has announced is unknown to FIX.</summary>
    public Dictionary<string, GatewaySymbol> Symbols { get; } = new(StringComparer.Ordinal);
    private readonly HashSet<string> _untradable = new(StringComparer.Ordinal);
    private readonly Action<string> _log;

    /// <summary>Traces of a fraction of the orders (OpenTelemetry), when configured.</summary>
    public Exchange.Tracing.OrderTracing? Tracing { get; set; }

    /// <summary>An engine announced a symbol (each order-entry session's client hears every announcement; they agree).</summary>
    public void OnSymbolDefinition(SymbolReference symbol)
    {
        if (symbol.PriceDecimals is not int priceDecimals)
        {
            if (_untradable.Add(symbol.Name))
                _log($"symbol {symbol.Name} ({symbol.Id}) cannot be traded over FIX: its lot size {symbol.Spec.LotSize} does not make a whole-asset price a power of ten of the engine's price");
            return;
        }
        var entry = new GatewaySymbol(symbol.Name, symbol.Id, priceDecimals, symbol.QuantityDecimals, symbol.SessionEnd);
        if (Symbols.TryGetValue(symbol.Name, out var known) && known == entry) return;
        foreach (var (name, other) in Symbols)
            if (other.Id == symbol.Id && name != symbol.Name) { Symbols.Remove(name); break; }
        Symbols[symbol.Name] = entry;
        _log($"symbol {symbol.Name} ({symbol.Id}): price decimals {priceDecimals}, quantity decimals {symbol.QuantityDecimals}");
    }
    public IEnumerable<OrderEntrySession> OrderEntrySessions => _orderEntry.Values;

    public long Now() => _clock();
    public long NextExecId() => ++_execId;

    /// <summary>Sets up every configured FIX session: order entry logs on to the engines with the session's ApiKey
    /// now (so a broker's first order needs no wait); drop copy just lists its accounts.</summary>
    public void Attach(IReadOnlyList<FixSession> sessions, TimeSpan connectTimeout)
    {
        foreach (var session in sessions)
        {
            string type = session.Settings.Get("SessionType") ?? "order-entry";
            if (type.Equals("drop-copy", StringComparison.OrdinalIgnoreCase))
            {
                var accounts = (session.Settings.Get("DropCopyAccounts") ?? "")
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(a => long.TryParse(a, out long id) ? id : throw new GatewayConfigException($"session {session.Id}: DropCopyAccounts '{a}' is not an account id"))
                    .ToHashSet();
                if (accounts.Count == 0) throw new GatewayConfigException($"session {session.Id}: a drop-copy session needs DropCopyAccounts");
                _dropCopy.Add((session, accounts));
                continue;
            }
            if (!type.Equals("order-entry", StringComparison.OrdinalIgnoreCase))
                throw new GatewayConfigException($"session {session.Id}: SessionType must be order-entry or drop-copy, not '{type}'");
            string apiKey = session.Settings.Get("ApiKey") ?? throw new GatewayConfigException($"session {session.Id}: ApiKey (the engine account's key) is required");
            bool cancelOnDisconnect = !string.Equals(session.Settings.Get("CancelOnDisconnect"), "N", StringComparison.OrdinalIgnoreCase);
            var listener = new EngineListener(this);
            var client = new ExchangeClient<EngineListener>(new ClientOptions
            {
                ApiKey = apiKey,
                Account = long.TryParse(session.Settings.Get("Account"), out long account) ? account : 0,
                Shards = Config.Shards(),
                ResponseHost = Config.ResponseHost,
                HeartbeatIntervalMs = Config.EngineHeartbeatMs,
                LogonAnswerTimeoutMs = Config.EngineLogonAnswerMs,
                // The engine's own cancel-on-disconnect covers the gateway process dying.
                CancelOnDisconnect = cancelOnDisconnect,
            }, listener, _connections);
            try { client.Connect(connectTimeout); }
            catch
            {
                client.Dispose();
                throw;
            }
            var entry = new OrderEntrySession(this, session, client, cancelOnDisconnect);
            listener.Session = entry;
            _orderEntry[session] = entry;
        }
    }

    /// <summary>The engine clients' transport's sockets and doorbells, for the agent's park (it runs on the agent's thread).</summary>
    public void AddParkDescriptors(DescriptorParker into) => _transport.AddParkDescriptors(into);

    /// <summary>The engine clients' transport: its duty cycle once, then every client's streams; returns the work done.</summary>
    public int PollEngines()
    {
        int work = _transport.DoWork();
        work += _connections.Poll();
        long now = Now();
        foreach (var entry in _orderEntry.Values)
        {
            work += entry.Client.PollStreams();
            work += entry.DriveReconnect(now);
        }
        return work;
    }

    public void OnLogon(FixSession session) { }

    public void OnLogout(FixSession session)
    {
        if (_orderEntry.TryGetValue(session, out var entry)) entry.OnLogout();
    }

    public void OnApplicationMessage(FixSession session, in FixMessage message)
    {
        Metrics.Received(message.MsgType);
        if (_orderEntry.TryGetValue(session, out var entry)) entry.OnMessage(in message);
        else BusinessReject(session, in message, BusinessRejectReason.Other, "Drop-copy sessions receive execution reports only");
    }

    public void DropCopy(long account, ReadOnlySpan<byte> executionReportBody)
    {
        foreach (var (session, accounts) in _dropCopy)
            if (session.IsLoggedOn && accounts.Contains(account)) session.SendApplication("8"u8, executionReportBody);
    }

    /// <summary>Business Message Reject (j) of an application message the gateway does not take; the Text (58) is
    /// <paramref name="text"/>, or the reason's standard wording.</summary>
    public void BusinessReject(FixSession session, in FixMessage message, BusinessRejectReason reason, string? text = null)
    {
        var w = new FixBodyWriter(_body);
        FixRoute.ReplyTo(in message)?.Write(ref w);
        if (message.TryGetInt(FixTag.MsgSeqNum, out int seq)) w.Append(FixTag.RefSeqNum, seq);
        w.Append(FixTag.RefMsgType, message.MsgType);
        w.Append(FixTag.BusinessRejectReason, (int)reason);
        if (text != null) w.AppendAscii(FixTag.Text, text);
        else w.Append(FixTag.Text, BusinessRejectReasons.Text(reason));
        Metrics.BusinessRejects.Increment();
        session.SendApplication("j"u8, _body.AsSpan(0, w.Length));
    }

    public void Dispose()
    {
        foreach (var entry in _orderEntry.Values)
        {
            entry.Stop();
            if (entry.Client.IsConnected) entry.Client.Logout(TimeSpan.FromSeconds(2));
            entry.Client.Dispose();
        }
        _connections.Dispose();
        _transport.CloseAndDrain(TimeSpan.FromSeconds(1));
        _transport.Dispose();
    }
}
