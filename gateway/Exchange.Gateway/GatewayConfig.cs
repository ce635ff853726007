// The gateway's own config, beside the QuickFIX-style session settings: which engine shards to connect to. What each
// FIX Symbol is (its engine id and decimals) is not configured here: the engines announce their symbols at logon
// (SymbolDefinition) and the gateway takes them from there. Built-in defaults match the engine's demo config.
using System.Text.Json;
using System.Text.Json.Serialization;
using Exchange.Client;

namespace Exchange.Gateway;

/// <summary>A FIX Symbol (55) and what the engine needs, from the engine's SymbolDefinition: its id, and the decimal
/// places that turn FIX prices and quantities into the engine's integers (engine price = Price x 10^PriceDecimals,
/// quantity = OrderQty x 10^QuantityDecimals). The symbol's trading rules (lot, tick, band, fees) are the engine's alone.</summary>
/// <param name="SessionEnd">When the symbol's Day orders expire (ns after UTC midnight; 0: none), as its engine announced:
/// what a good-till-date order's ExpireDate (432) expires at on that date.</param>
public sealed record GatewaySymbol(string Name, int Id, int PriceDecimals, int QuantityDecimals, long SessionEnd = 0);

/// <summary>An engine shard: where it listens, optionally the symbol ids it trades (orders for them are routed to it
/// before its logon has announced them; otherwise its announcement routes them), and where its other replicas listen
/// (standbys, cluster members: the engine sessions follow the leader among them).</summary>
public sealed record GatewayEngine(string Channel, int[]? Symbols = null, string[]? Replicas = null);

public sealed record GatewayConfig
{
    public List<GatewayEngine> Engines { get; set; } = [new("aeron:udp?endpoint=127.0.0.1:40123|term-length=1m")];

    /// <summary>The address engines send responses to (an address of this machine).</summary>
    public string ResponseHost { get; set; } = "127.0.0.1";

    /// <summary>The heartbeat interval the gateway's engine sessions ask for (the engine clamps it to its bounds): three
    /// silent intervals and a session looks for the leader among the engine's replicas, so with a cluster this bounds
    /// how soon a failover is noticed. 0: the engine's default.</summary>
    public uint EngineHeartbeatMs { get; set; } = new ClientOptions().HeartbeatIntervalMs;

    /// <summary>How long an engine session's logon may go unanswered before it tries another replica (during a
    /// failover, the first such wait is shorter: see the client library).</summary>
    public uint EngineLogonAnswerMs { get; set; } = new ClientOptions().LogonAnswerTimeoutMs;

    public static GatewayConfig Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new GatewayConfigException($"cannot read {path}: {e.Message}"); }
        GatewayConfig config;
        try { config = JsonSerializer.Deserialize(text, GatewayConfigJson.Default.GatewayConfig) ?? throw new GatewayConfigException($"{path}: empty config"); }
        catch (JsonException e) { throw new GatewayConfigException($"{path}: {e.Message}"); }
        if (config.EngineLogonAnswerMs == 0) throw new GatewayConfigException($"{path}: engineLogonAnswerMs must be at least 1");
        return config;
    }

    public string ToJson() => JsonSerializer.Serialize(this, GatewayConfigJson.Default.GatewayConfig);

    public IReadOnlyList<ShardEndpoint> Shards() =>
        Engines.Select(e => new ShardEndpoint(e.Channel, e.Symbols ?? []) { Replicas = e.Replicas ?? [] }).ToList();
}

public sealed class GatewayConfigException(string message) : Exception(message);

// Properties have setters, not init: the source-generated reader sets every init-only property it was built with,
// so a key a file leaves out would lose its default (an engine config without "idle" ran with an empty strategy).
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(GatewayConfig))]
internal sealed partial class GatewayConfigJson : JsonSerializerContext;
