// The engine process's one config record: capacities, assets, symbols and demo accounts. Built-in
// defaults, replaced by a JSON file (--config) and then by command-line overrides.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Engine.Host;

public sealed record AssetConfig(int Id, string Name);

public sealed record SymbolConfig(string Name, SymbolSpec Spec);

public sealed record AccountConfig(long Id, Dictionary<string, long> Balances);

public sealed record ShardConfig
{
    public int ShardId { get; init; } = 1;
    public EngineConfig Engine { get; init; } = new() { AssetCount = 4, MaxSymbols = 16, MaxAccounts = 1024, MaxOrders = 1 << 20, MaxPriceLevels = 1 << 16, FeeAccount = 0 };
    public List<AssetConfig> Assets { get; init; } = [new(0, "USD"), new(1, "BTC"), new(2, "ETH")];

    /// <summary>Demo markets. USD in cents; BTC in satoshis with a 0.01 BTC lot; ETH in 10^-6 ETH with a
    /// 0.01 ETH lot; prices in cents per lot, so a 1-cent tick is $1 per BTC and $1 per ETH.</summary>
    public List<SymbolConfig> Symbols { get; init; } =
    [
        new("BTC-USD", new SymbolSpec(Id: 1, BaseAsset: 1, QuoteAsset: 0, TickSize: 1, LotSize: 1_000_000, MinQuantity: 1_000_000,
            MaxQuantity: 100_00000000, ReferencePrice: 60_000, BandBps: 2_000, MakerFeeBps: 2, TakerFeeBps: 5, MaxNotional: 100_000_000_00)),
        new("ETH-USD", new SymbolSpec(Id: 2, BaseAsset: 2, QuoteAsset: 0, TickSize: 1, LotSize: 10_000, MinQuantity: 10_000,
            MaxQuantity: 1_000_000000, ReferencePrice: 3_000, BandBps: 2_000, MakerFeeBps: 2, TakerFeeBps: 5, MaxNotional: 100_000_000_00)),
    ];

    public List<AccountConfig> Accounts { get; init; } =
    [
        new(1001, new() { ["USD"] = 10_000_000_00, ["BTC"] = 100_00000000, ["ETH"] = 1_000_000000 }),
        new(1002, new() { ["USD"] = 10_000_000_00, ["BTC"] = 100_00000000, ["ETH"] = 1_000_000000 }),
    ];

    public static ShardConfig Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ConfigException($"cannot read {path}: {e.Message}"); }
        try
        {
            return JsonSerializer.Deserialize(text, ShardConfigJson.Default.ShardConfig)
                ?? throw new ConfigException($"{path}: empty config");
        }
        catch (JsonException e) { throw new ConfigException($"{path}: {e.Message}"); }
    }

    public string ToJson() => JsonSerializer.Serialize(this, ShardConfigJson.Default.ShardConfig);

    public int AssetId(string name) =>
        Assets.Find(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))?.Id
        ?? throw new ConfigException($"unknown asset '{name}'");

    public SymbolConfig? Symbol(string name) =>
        Symbols.Find(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}

public sealed class ConfigException(string message) : Exception(message);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ShardConfig))]
internal sealed partial class ShardConfigJson : JsonSerializerContext;
