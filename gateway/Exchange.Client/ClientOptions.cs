// What a client connects to and how: its API key, the engine shards with the symbols each owns, where the
// engines send responses, session timing and the transport's threading. Checked once, at construction.
using Exchange.Transport;

namespace Exchange.Client;

/// <summary>One engine shard: the channel the engine listens on (<c>aeron:udp?endpoint=host:port</c>, or
/// <c>aeron:ipc?name=NAME</c> for an engine on this host, reached through shared memory) and the
/// symbol ids it owns. Orders are routed to the shard that owns their symbol.</summary>
public sealed record ShardEndpoint(string Channel, int[] Symbols)
{
    /// <summary>The listen channels of the shard's other replicas (its standbys, the other members of its cluster):
    /// where the client looks for the leader when a logon is refused as NotPrimary, or when the engine it uses stops
    /// answering and a reconnect is asked for.</summary>
    public IReadOnlyList<string> Replicas { get; init; } = [];

    /// <summary>The shard's channels: <see cref="Channel"/> first, then the replicas.</summary>
    public IReadOnlyList<string> Channels => [Channel, .. Replicas];
}

public sealed record ClientOptions
{
    public const int DefaultTermLength = 1 << 20;
    /// <summary>The longest API key and response channel a Logon carries.</summary>
    public const int MaxVarDataLength = 1024;

    /// <summary>The key the engines map to an account (required): a secret. It never goes on the wire: the LogonRequest
    /// names it by its id (SessionAuth.KeyId) and the client proves it holds it (challenge-response).</summary>
    public string ApiKey { get; init; } = "";
    /// <summary>The account to trade as; 0 takes the one the API key names (a different one is refused at logon).</summary>
    public long Account { get; init; }
    /// <summary>Every shard to log on to; at least one, and no symbol listed by two shards.</summary>
    public IReadOnlyList<ShardEndpoint> Shards { get; init; } = [];
    /// <summary>The address the client receives responses and market data on, one free port per shard. It must be
    /// an address of this machine that the engines can send to.</summary>
    public string ResponseHost { get; init; } = "127.0.0.1";
    /// <summary>Requested heartbeat interval; the engine clamps it to its bounds (0: the engine's default) and the
    /// interval it grants is the one both sides use.</summary>
    public uint HeartbeatIntervalMs { get; init; } = 1000;
    /// <summary>With replicas: how long a Logon may go unanswered before the client tries another replica (a paused or
    /// cut-off engine). Short enough for a quick failover; a move made too early costs a redirect back. With one replica:
    /// how long before the same Logon is offered again (then twice, four and eight times as long), as one the engine
    /// never saw (its connection dropped for logging on late) is otherwise never repeated.</summary>
    public uint LogonAnswerTimeoutMs { get; init; } = 1000;
    /// <summary>Ask the engines to cancel this session's resting orders when the session ends without a logout.</summary>
    public bool CancelOnDisconnect { get; init; } = true;

    /// <summary>Logs on with the clear-key Logon (message 1: the API key on the wire, messages unsealed) instead of the
    /// challenge-response logon: only for an engine that accepts it (<c>limits.acceptClearKeyLogon</c>, a migration
    /// window) and to measure what sealing costs. Anyone on the path can read the key. Off by default.</summary>
    public bool ClearKeyLogon { get; init; }
    /// <summary>Term length of the client's publications and of the engines' publications to it (a power of two in
    /// 64 KiB..1 GiB). A shard channel that sets its own term-length keeps it.</summary>
    public int TermLength { get; init; } = DefaultTermLength;
    /// <summary>Run the transport's duty cycle on a thread of its own. When false (the default) the application's
    /// loop drives it through <see cref="ExchangeClient{TListener}.Poll"/>.</summary>
    public bool TransportThread { get; init; }
    /// <summary>How the transport's own thread idles (<see cref="IdleStrategies.Names"/>); used with <see cref="TransportThread"/>.</summary>
    public string IdleStrategy { get; init; } = "backoff";
    /// <summary>Transport timers and sizes; null for the transport's defaults.</summary>
    public TransportOptions? Transport { get; init; }
    /// <summary>What the session's timers (heartbeats, the engine's silence) and the transport's read; a test hands
    /// in a ManualClock and moves it. Connect and Logout deadlines are waits of the caller and stay in real time.</summary>
    public IClock Clock { get; init; } = SystemClock.Instance;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first problem.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(ApiKey)) throw new ArgumentException("ApiKey is required");
        if (ApiKey.Length > MaxVarDataLength || !IsPrintableAscii(ApiKey))
            throw new ArgumentException($"ApiKey must be printable ASCII of at most {MaxVarDataLength} characters");
        if (Account < 0) throw new ArgumentException($"Account {Account} is negative (0 takes the API key's account)");
        if (Shards == null || Shards.Count == 0) throw new ArgumentException("Shards must list at least one engine shard");
        if (string.IsNullOrWhiteSpace(ResponseHost)) throw new ArgumentException("ResponseHost is required");
        if (!TermPosition.IsValidTermLength(TermLength))
            throw new ArgumentException($"TermLength {TermLength} is not a power of two in {TermPosition.MinTermLength}..{TermPosition.MaxTermLength}");
        if (TransportThread && IdleStrategies.Parse(IdleStrategy) == null)
            throw new ArgumentException($"IdleStrategy '{IdleStrategy}' is not one of {IdleStrategies.Names}");
        string response = ExchangeClientChannels.ResponseChannel(ResponseHost, 65535, TermLength);
        if (!ChannelUri.TryParse(response, out _, out string responseError))
            throw new ArgumentException($"ResponseHost '{ResponseHost}' does not make a channel: {responseError}");
        if (response.Length > MaxVarDataLength) throw new ArgumentException($"ResponseHost '{ResponseHost}' is too long");

        var owner = new Dictionary<int, int>();
        for (int i = 0; i < Shards.Count; i++)
        {
            var shard = Shards[i];
            if (shard == null) throw new ArgumentException($"shard {i} is null");
            if (string.IsNullOrWhiteSpace(shard.Channel)) throw new ArgumentException($"shard {i}: Channel is required");
            if (shard.Replicas == null) throw new ArgumentException($"shard {i}: Replicas is null (it may be empty)");
            foreach (string channel in shard.Channels)
            {
                if (string.IsNullOrWhiteSpace(channel)) throw new ArgumentException($"shard {i}: a replica's channel is empty");
                if (!ChannelUri.TryParse(ExchangeClientChannels.PublicationChannel(channel, TermLength), out _, out string error))
                    throw new ArgumentException($"shard {i}: channel '{channel}': {error}");
            }
            if (shard.Channels.Select(ExchangeClientChannels.IsIpc).Distinct().Count() > 1)
                throw new ArgumentException($"shard {i}: its replicas' channels mix ipc and udp (a shard's replicas are all on this host over ipc, or reached over udp)");
            if (shard.Channels.Distinct(StringComparer.Ordinal).Count() != shard.Channels.Count)
                throw new ArgumentException($"shard {i}: a channel is listed twice among its replicas");
            // No symbols is allowed: an operator's session, or a client that only administers or reads, trades nothing.
            if (shard.Symbols == null) throw new ArgumentException($"shard {i}: Symbols is required (it may be empty)");
            foreach (int symbol in shard.Symbols)
            {
                if (symbol < 0) throw new ArgumentException($"shard {i}: symbol id {symbol} is negative");
                if (owner.TryGetValue(symbol, out int other))
                    throw new ArgumentException(other == i
                        ? $"shard {i}: symbol {symbol} is listed twice"
                        : $"symbol {symbol} is listed by shard {other} and shard {i}");
                owner[symbol] = i;
            }
        }
    }

    private static bool IsPrintableAscii(string text)
    {
        foreach (char c in text)
            if (c is < ' ' or > '~') return false;
        return true;
    }
}

/// <summary>The channel URIs a client uses, from its options.</summary>
internal static class ExchangeClientChannels
{
    /// <summary>The engine's listen channel with the client's term length unless the channel sets its own.</summary>
    public static string PublicationChannel(string engineChannel, int termLength) =>
        engineChannel.Contains("term-length=", StringComparison.Ordinal) ? engineChannel : $"{engineChannel}|term-length={termLength}";

    /// <summary>Whether a shard's channel is aeron:ipc (the engine on this host): the client then listens over ipc too.</summary>
    public static bool IsIpc(string channel) => channel.StartsWith("aeron:ipc", StringComparison.Ordinal);

    /// <summary>The ipc channel name a client listens on for one shard: its own (the process, the shard and a random part),
    /// so no other process's subscription holds it.</summary>
    public static string IpcResponseName(int shard) => $"client-{Environment.ProcessId}-{shard}-{Random.Shared.Next():x8}";

    /// <summary>Where the engine sends this client's responses and market data: the bound host and port.</summary>
    public static string ResponseChannel(string host, int port, int termLength) =>
        $"aeron:udp?endpoint={(host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host)}:{port}|term-length={termLength}";

    /// <summary>The channel a response subscription binds.</summary>
    public static string SubscriptionChannel(string host, int port) =>
        $"aeron:udp?endpoint={(host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host)}:{port}";
}
