// exchange-mm's command line: defaults for the demo config, engines with their symbols, and one-line refusals;
// in process through its CommandLine, and as the built tool for what an operator's shell sees.
using Exchange.Client.Example;
using Exchange.Hosting;
using Exchange.Testing;

namespace Exchange.Client.Tests;

public class ExampleArgumentsTests
{
    private static Settings Parse(params string[] args)
    {
        var commandLine = new CommandLine();
        var parsed = commandLine.Root.Parse(args);
        Assert.Null(Cli.ErrorOf(parsed));
        return commandLine.Read(parsed);
    }

    /// <summary>The one line exchange-mm refuses the arguments with (after "exchange-mm: ").</summary>
    private static string Refusal(params string[] args)
    {
        var commandLine = new CommandLine();
        var parsed = commandLine.Root.Parse(args);
        return Cli.ErrorOf(parsed) ?? Assert.Throws<UsageException>(() => commandLine.Read(parsed)).Message;
    }

    private static ProcessResult Run(params string[] args) => ChildProcess.Run(ChildProcess.StartDll("exchange-mm.dll", args));

    [Fact]
    public void Without_arguments_it_quotes_the_demo_BTC_market_on_the_default_engine()
    {
        var s = Parse();
        var shard = Assert.Single(s.Engines);
        Assert.Equal(Settings.DefaultEngine, shard.Channel);
        Assert.Equal([1], shard.Symbols);
        Assert.Equal((1, 60_000L, 1_000_000L, "mm-1001-key"), (s.Symbol, s.Price, s.Quantity, s.ApiKey));
        Assert.Equal((10L, 200, 5, 10, 1000u, false), (s.Spread, s.IntervalMs, s.TakeEvery, s.Seconds, s.HeartbeatMs, s.Json));
    }

    [Fact]
    public void Several_engines_each_list_their_symbols()
    {
        var s = Parse("--engine", "1@aeron:udp?endpoint=10.0.0.5:40123", "--engine", "2,3@aeron:udp?endpoint=10.0.0.6:40123",
            "--symbol", "2", "--json", "--take-every", "0");
        Assert.Equal(["aeron:udp?endpoint=10.0.0.5:40123", "aeron:udp?endpoint=10.0.0.6:40123"], s.Engines.Select(e => e.Channel));
        Assert.Equal([2, 3], s.Engines[1].Symbols);
        Assert.Equal((2, 3_000L, 10_000L, true, 0), (s.Symbol, s.Price, s.Quantity, s.Json, s.TakeEvery));
    }

    [Fact]
    public void A_clustered_shard_lists_every_member_and_the_first_is_tried_first()
    {
        var s = Parse("--engine", "1@aeron:udp?endpoint=10.0.0.5:40123, aeron:udp?endpoint=10.0.0.6:40123,aeron:udp?endpoint=10.0.0.7:40123");
        var shard = Assert.Single(s.Engines);
        Assert.Equal("aeron:udp?endpoint=10.0.0.5:40123", shard.Channel);
        Assert.Equal(["aeron:udp?endpoint=10.0.0.6:40123", "aeron:udp?endpoint=10.0.0.7:40123"], shard.Replicas);
        Assert.Equal([1], shard.Symbols);
    }

    [Theory]
    [InlineData("--seconds must be an integer within 1..86400, not 'x'", "--seconds", "x")]
    [InlineData("--seconds must be an integer within 1..86400, not '0'", "--seconds", "0")]
    [InlineData("Required argument missing for option: '--seconds'", "--seconds")]
    [InlineData("Unrecognized command or argument '--fast'", "--fast")]
    [InlineData("Unrecognized command or argument 'go'", "go")]
    [InlineData("--price is required for symbol 9 (only symbols 1 and 2 have demo defaults)", "--symbol", "9")]
    [InlineData("no --engine lists symbol 2", "--engine", "1@aeron:udp?endpoint=127.0.0.1:1", "--symbol", "2")]
    [InlineData("with several --engine each must list its symbols, as SYMBOLS@CHANNEL: 'aeron:udp?endpoint=127.0.0.1:2'",
        "--engine", "1@aeron:udp?endpoint=127.0.0.1:1", "--engine", "aeron:udp?endpoint=127.0.0.1:2")]
    [InlineData("--engine 'x@aeron:udp?endpoint=127.0.0.1:1': 'x' is not a symbol id", "--engine", "x@aeron:udp?endpoint=127.0.0.1:1")]
    [InlineData("shard 0: channel 'aeron:udp?endpoint=127.0.0.1' ", "--engine", "aeron:udp?endpoint=127.0.0.1")]
    [InlineData("--api-key must not be empty", "--api-key", "")]
    [InlineData("--quote-tif 'ioc' is not gtc or day", "--quote-tif", "ioc")]
    [InlineData("--display: icebergs are GTC orders only", "--display", "10000", "--quote-tif", "day")]
    [InlineData("--display 1000000 must be below the quotes' quantity 1000000", "--display", "1000000")]
    public void Bad_arguments_are_refused_in_one_line(string expected, params string[] args)
    {
        string error = Refusal(args);
        Assert.StartsWith(expected.TrimEnd(), error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void An_unknown_option_exits_2_with_one_line_naming_it()
    {
        var result = Run("--seconds", "1", "--fast");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("exchange-mm: Unrecognized command or argument '--fast' (try --help)", result.Stderr);
    }

    [Fact]
    public void Version_prints_the_tools_version()
    {
        var result = Run("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+\S*$", result.Stdout);
    }

    [Fact]
    public void Help_lists_every_option()
    {
        var result = Run("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (string option in new[] { "--engine", "--api-key", "--account", "--symbol", "--price", "--spread", "--quantity", "--interval-ms",
            "--take-every", "--seconds", "--response-host", "--heartbeat-ms", "--json", "--version" })
            Assert.Contains($"  {option} ", result.Stdout);
    }
}
