// The gateway keeps no symbol list of its own: what FIX Symbol (55) names which engine symbol, and with which
// decimals, comes from the engine's reference data at logon. An engine configured with other symbols than the demo
// ones is traded over FIX under its names, with no gateway config at all.
using Exchange.Contract;
using Exchange.Engine.Host;
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class ReferenceDataTests : IDisposable
{
    private readonly TempDirectory _dir = new("reference-data-");
    private readonly ChildProcess _engine;
    private readonly ChildProcess _gateway;
    private readonly int _port;

    public ReferenceDataTests()
    {
        // One symbol, not among the demo ones: ETH priced in USD under a venue-style name, 0.01 ETH lots.
        var config = new ShardConfig
        {
            Symbols =
            [
                new("ETHUSD.SPOT", new SymbolSpec(Id: 7, BaseAsset: 2, QuoteAsset: 0, TickSize: 1, LotSize: 10_000, MinQuantity: 10_000,
                    MaxQuantity: 1_000_000_000, ReferencePrice: 3_000, BandBps: 2_000, MakerFeeBps: 2, TakerFeeBps: 5, MaxNotional: 100_000_000_00)),
            ],
        };
        string configPath = _dir.Combine("shard.json");
        File.WriteAllText(configPath, config.ToJson());
        _engine = Processes.StartEngine(out int enginePort, config: configPath);
        string settings = _dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(_dir.Combine("store")));
        _gateway = Processes.StartGateway(settings, enginePort, out _port);
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _engine.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void A_symbol_named_only_in_the_engines_config_trades_over_FIX_and_the_demo_names_are_unknown()
    {
        using var broker = new FixTestClient(_port, "BROKER1");
        broker.Logon();

        broker.Send("D", $"11=eth-1|55=ETHUSD.SPOT|54=1|60={FixTestClient.Timestamp()}|38=0.05|40=2|44=2999|59=1|");
        var accepted = broker.WaitFor("8", m => m[11] == "eth-1");
        Assert.Equal("0", accepted[150]);
        // Back in the broker's units: the engine's 50,000 millionths of ETH at 2,999 cents per lot.
        Assert.Equal(("0.05", "2999"), (accepted[38], accepted[44]));

        broker.Send("D", $"11=btc-1|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=60000|59=1|");
        var rejected = broker.WaitFor("8", m => m[11] == "btc-1");
        Assert.Equal(("8", "1"), (rejected[150], rejected[103]));
        Assert.Contains("ETHUSD.SPOT (7): price decimals 0, quantity decimals 6", _gateway.Stderr, StringComparison.Ordinal);
    }
}
