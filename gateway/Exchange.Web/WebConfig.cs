// exchange-web's config: the engine shards, the web accounts (a token's subject → an engine account and the API key its
// engine session logs on with), where to listen, the token keys' files and what a peer may cost. Built-in defaults
// match the engine's demo config. Secrets (API keys, token keys) come from this file or the environment, never argv.
using System.Text.Json;
using System.Text.Json.Serialization;
using Exchange.Client;

namespace Exchange.Web;

/// <summary>A web user: the JWT <c>sub</c> that names it, the engine account it trades as, and that account's API key.</summary>
public sealed record WebAccount(string Subject, long Account, string ApiKey);

public sealed record WebEngine(string Channel, int[]? Symbols = null);

public sealed record JwtConfig
{
    /// <summary>A file holding the HS256 secret (at least 32 bytes; its bytes as they are, a trailing newline dropped).
    /// The environment variable EXCHANGE_WEB_JWT_HS256_KEY overrides it.</summary>
    public string? Hs256KeyFile { get; set; }
    /// <summary>A PEM file with the RSA public key RS256 tokens are checked against. EXCHANGE_WEB_JWT_RS256_PUBLIC_KEY
    /// (the PEM text) overrides it.</summary>
    public string? Rs256PublicKeyFile { get; set; }
    /// <summary>When set, a token's <c>iss</c> must be this.</summary>
    public string? Issuer { get; set; }
    /// <summary>When set, a token's <c>aud</c> must include this.</summary>
    public string? Audience { get; set; }
}

/// <summary>What one peer may cost. Unauthenticated peers get the same bounds; orders are limited per account as well.</summary>
public sealed record WebLimits
{
    public int MaxConnections { get; set; } = 2000;
    public int MaxConnectionsPerAddress { get; set; } = 64;
    /// <summary>The largest WebSocket message taken; a longer one is read to its end, discarded and answered with an error.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024;
    public int MaxSubscriptions { get; set; } = 32;
    /// <summary>Messages a connection may send per second (token bucket; <see cref="MessageBurst"/> at once).</summary>
    public int MessagesPerSecond { get; set; } = 50;
    public int MessageBurst { get; set; } = 100;
    /// <summary>Order entry messages per account per second, over all its connections.</summary>
    public int OrdersPerSecond { get; set; } = 20;
    public int OrderBurst { get; set; } = 40;
    /// <summary>REST requests per source address per second.</summary>
    public int RestPerSecond { get; set; } = 20;
    /// <summary>Public frames queued for one connection before it is declared behind (told so, then resynchronised).</summary>
    public int QueueFrames { get; set; } = 1024;
    /// <summary>Above this many queued public frames, conflatable channels (book, ticker, candles) stop sending
    /// increments to the connection; once its queue is empty it gets a fresh snapshot instead.</summary>
    public int ConflateAbove { get; set; } = 64;
    /// <summary>Answers and private events queued for one connection before it is closed as too slow.</summary>
    public int PrivateQueueFrames { get; set; } = 4096;
    /// <summary>The kernel's send buffer for each connection (0: the system's autotuning, which grows to megabytes for a
    /// peer that stops reading). Small, so a slow browser's backlog stays in its Outbox where it is conflated.</summary>
    public int SocketSendBufferBytes { get; set; } = 64 * 1024;
    /// <summary>Failed authentications on one connection before it is closed.</summary>
    public int MaxFailedAuth { get; set; } = 5;
}

public sealed record WebConfig
{
    public List<WebEngine> Engines { get; set; } = [new("aeron:udp?endpoint=127.0.0.1:40123|term-length=1m")];
    /// <summary>The address engines send responses to (an address of this machine).</summary>
    public string ResponseHost { get; set; } = "127.0.0.1";
    /// <summary>Where the page, REST and WebSocket listen: loopback unless told otherwise.</summary>
    public string Listen { get; set; } = "http://127.0.0.1:8080";
    /// <summary>Web users. The first one's engine session also carries the market data every user sees.</summary>
    public List<WebAccount> Accounts { get; set; } = [new("trader1", 3001, "web-3001-key")];
    public JwtConfig Jwt { get; set; } = new();
    public WebLimits Limits { get; set; } = new();
    /// <summary>How far back candles are kept in memory, in minutes.</summary>
    public int CandleWindowMinutes { get; set; } = 24 * 60;
    /// <summary>Recent trades kept per symbol (REST and the trades channel's first frame).</summary>
    public int RecentTrades { get; set; } = 200;
    /// <summary>Cancel a web account's resting orders when exchange-web's engine session for it ends.</summary>
    public bool CancelOnDisconnect { get; set; }
    /// <summary>Issue tokens to anyone for the configured subjects (POST /api/v1/dev/token). Demo only: off by default.</summary>
    public bool DevTokens { get; set; }

    public static WebConfig Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new WebConfigException($"cannot read {path}: {e.Message}"); }
        WebConfig config;
        try { config = JsonSerializer.Deserialize(text, WebConfigJson.Default.WebConfig) ?? throw new WebConfigException($"{path}: empty config"); }
        catch (JsonException e) { throw new WebConfigException($"{path}: {e.Message}"); }
        config.Validate(path);
        return config;
    }

    public void Validate(string source)
    {
        if (Engines.Count == 0) throw new WebConfigException($"{source}: engines: at least one engine shard is required");
        if (Accounts.Count == 0) throw new WebConfigException($"{source}: accounts: at least one account is required (its session carries the market data)");
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in Accounts)
        {
            if (string.IsNullOrEmpty(a.Subject) || a.Account <= 0 || string.IsNullOrEmpty(a.ApiKey))
                throw new WebConfigException($"{source}: accounts: each needs subject, account > 0 and apiKey");
            if (!subjects.Add(a.Subject)) throw new WebConfigException($"{source}: accounts: subject '{a.Subject}' is listed twice");
        }
        if (Accounts.Select(a => a.Account).Distinct().Count() != Accounts.Count)
            throw new WebConfigException($"{source}: accounts: an engine account may be listed once (the engine takes one session per account)");
        if (CandleWindowMinutes is < 60 or > 60 * 24 * 31) throw new WebConfigException($"{source}: candleWindowMinutes must be 60..44640");
        if (RecentTrades is < 1 or > 100_000) throw new WebConfigException($"{source}: recentTrades must be 1..100000");
        var l = Limits;
        if (l.MaxConnections < 1 || l.MaxConnectionsPerAddress < 1 || l.MaxFrameBytes < 256 || l.MaxSubscriptions < 1 || l.MessagesPerSecond < 1
            || l.MessageBurst < 1 || l.OrdersPerSecond < 1 || l.OrderBurst < 1 || l.RestPerSecond < 1 || l.QueueFrames < 2
            || l.ConflateAbove < 1 || l.SocketSendBufferBytes < 0 || l.ConflateAbove >= l.QueueFrames || l.PrivateQueueFrames < 16 || l.MaxFailedAuth < 1)
            throw new WebConfigException($"{source}: limits: every limit must be positive, maxFrameBytes at least 256, conflateAbove below queueFrames");
        if (!Uri.TryCreate(Listen, UriKind.Absolute, out var uri) || uri.Scheme != "http")
            throw new WebConfigException($"{source}: listen '{Listen}' is not an http://host:port URL");
    }

    public string ToJson()
    {
        // The effective config without its secrets: API keys are never printed.
        var shown = this with { Accounts = [.. Accounts.Select(a => a with { ApiKey = "***" })] };
        return JsonSerializer.Serialize(shown, WebConfigJson.Default.WebConfig);
    }

    public IReadOnlyList<ShardEndpoint> Shards() => Engines.Select(e => new ShardEndpoint(e.Channel, e.Symbols ?? [])).ToList();
}

public sealed class WebConfigException(string message) : Exception(message);

/// <summary>A dev-mode token request and answer.</summary>
public sealed record DevTokenRequest(string? Subject);
public sealed record DevTokenAnswer(string Token, string Subject, long Account, long ExpiresAt);
/// <summary>A REST error body.</summary>
public sealed record ErrorBody(string Type, string Code, string Reason);

// Properties have setters, not init: the source-generated reader sets every init-only property it was built with,
// so a key a file leaves out would lose its default.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(WebConfig))]
internal sealed partial class WebConfigJson : JsonSerializerContext;

/// <summary>What REST reads and writes besides the frames: compact, camelCase.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DevTokenRequest))]
[JsonSerializable(typeof(DevTokenAnswer))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class WebJson : JsonSerializerContext;
