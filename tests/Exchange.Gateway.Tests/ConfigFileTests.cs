// Config files name only what they change: every key a file leaves out keeps its built-in default, in the engine's
// shard config and in the gateway's config alike.
using Exchange.Engine.Host;
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class ConfigFileTests : IDisposable
{
    private readonly TempDirectory _dir = new("config-files-");

    public void Dispose() => _dir.Dispose();

    private string Write(string json)
    {
        string path = _dir.Combine($"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void A_shard_config_naming_only_its_listen_channel_keeps_every_other_default()
    {
        var loaded = ShardConfig.Load(Write("""{ "listen": "aeron:udp?endpoint=127.0.0.1:41000" }"""));
        var defaults = new ShardConfig();

        Assert.Equal("aeron:udp?endpoint=127.0.0.1:41000", loaded.Listen);
        Assert.Equal(defaults.Idle, loaded.Idle);
        Assert.Equal(defaults.Symbols.Select(s => s.Name), loaded.Symbols.Select(s => s.Name));
        Assert.Equal(defaults.Accounts.Select(a => a.Id), loaded.Accounts.Select(a => a.Id));
        Assert.Equal(defaults.Limits.MaxTermLength, loaded.Limits.MaxTermLength);
        Assert.Equal(defaults.Limits.LogonTimeoutMs, loaded.Limits.LogonTimeoutMs);
    }

    [Fact]
    public void Limits_naming_one_value_keep_the_others()
    {
        var loaded = ShardConfig.Load(Write("""{ "limits": { "logonTimeoutMs": 1500 } }"""));

        Assert.Equal(1500, loaded.Limits.LogonTimeoutMs);
        Assert.Equal(new ConnectionLimits().MaxPendingConnections, loaded.Limits.MaxPendingConnections);
        loaded.Limits.Validate();
    }

    [Fact]
    public void A_gateway_config_naming_only_its_engines_keeps_the_response_host()
    {
        var loaded = GatewayConfig.Load(Write("""{ "engines": [ { "channel": "aeron:udp?endpoint=127.0.0.1:41000", "symbols": [1] } ] }"""));
        var defaults = new GatewayConfig();

        var engine = Assert.Single(loaded.Engines);
        Assert.Equal("aeron:udp?endpoint=127.0.0.1:41000", engine.Channel);
        Assert.Equal([1], engine.Symbols!);
        Assert.Equal(defaults.ResponseHost, loaded.ResponseHost);
    }

    [Fact]
    public void A_gateway_engine_without_symbols_routes_what_the_engine_announces()
    {
        var loaded = GatewayConfig.Load(Write("""{ "engines": [ { "channel": "aeron:udp?endpoint=127.0.0.1:41000" } ] }"""));

        Assert.Empty(Assert.Single(loaded.Shards()).Symbols);
    }
}
