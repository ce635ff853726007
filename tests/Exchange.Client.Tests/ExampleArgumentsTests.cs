// exchange-mm's command line: defaults for the demo config, engines with their symbols, and one-line refusals.
using Exchange.Client.Example;

namespace Exchange.Client.Tests;

public class ExampleArgumentsTests
{
    [Fact]
    public void Without_arguments_it_quotes_the_demo_BTC_market_on_the_default_engine()
    {
        Assert.True(Settings.TryParse([], out var s, out _));
        var shard = Assert.Single(s.Engines);
        Assert.Equal(Settings.DefaultEngine, shard.Channel);
        Assert.Equal([1], shard.Symbols);
        Assert.Equal((1, 60_000L, 1_000_000L, "mm-1001-key"), (s.Symbol, s.Price, s.Quantity, s.ApiKey));
    }

    [Fact]
    public void Several_engines_each_list_their_symbols()
    {
        Assert.True(Settings.TryParse(["--engine", "1@aeron:udp?endpoint=10.0.0.5:40123", "--engine", "2,3@aeron:udp?endpoint=10.0.0.6:40123",
            "--symbol", "2", "--json", "--take-every", "0"], out var s, out string error), error);
        Assert.Equal(["aeron:udp?endpoint=10.0.0.5:40123", "aeron:udp?endpoint=10.0.0.6:40123"], s.Engines.Select(e => e.Channel));
        Assert.Equal([2, 3], s.Engines[1].Symbols);
        Assert.Equal((2, 3_000L, 10_000L, true, 0), (s.Symbol, s.Price, s.Quantity, s.Json, s.TakeEvery));
    }

    [Theory]
    [InlineData("--seconds needs an integer in 1..86400, not 'x'", "--seconds", "x")]
    [InlineData("--seconds needs a value", "--seconds")]
    [InlineData("unknown option '--fast'", "--fast")]
    [InlineData("unexpected argument 'go'", "go")]
    [InlineData("--price is required for symbol 9 (only symbols 1 and 2 have demo defaults)", "--symbol", "9")]
    [InlineData("no --engine lists symbol 2", "--engine", "1@aeron:udp?endpoint=127.0.0.1:1", "--symbol", "2")]
    [InlineData("with several --engine each must list its symbols, as SYMBOLS@CHANNEL: 'aeron:udp?endpoint=127.0.0.1:2'",
        "--engine", "1@aeron:udp?endpoint=127.0.0.1:1", "--engine", "aeron:udp?endpoint=127.0.0.1:2")]
    [InlineData("--engine 'x@aeron:udp?endpoint=127.0.0.1:1': 'x' is not a symbol id", "--engine", "x@aeron:udp?endpoint=127.0.0.1:1")]
    [InlineData("shard 0: channel 'aeron:udp?endpoint=127.0.0.1' ", "--engine", "aeron:udp?endpoint=127.0.0.1")]
    [InlineData("--api-key must not be empty", "--api-key", "")]
    public void Bad_arguments_are_refused_in_one_line(string expected, params string[] args)
    {
        Assert.False(Settings.TryParse(args, out _, out string error));
        Assert.StartsWith(expected.TrimEnd(), error);
        Assert.DoesNotContain('\n', error);
    }
}
