// exchange-web's command line, as operators meet every executable's: loopback unless told otherwise, secrets never
// printed, a bad option or config one line on stderr and exit 2, an engine that does not answer exit 1.
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly TempDirectory _dir = new("web-cli-");

    public void Dispose() => _dir.Dispose();

    private static ProcessResult Web(params string[] args) => ChildProcess.Run(ChildProcess.StartDll("exchange-web.dll", args), Timeouts.Process);

    [Fact]
    public void The_effective_config_listens_on_loopback_and_hides_the_api_keys()
    {
        var result = Web("--print-config");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"listen\": \"http://127.0.0.1:8080\"", result.Stdout);
        Assert.Contains("\"apiKey\": \"***\"", result.Stdout);
        Assert.DoesNotContain("web-3001-key", result.Stdout);
        Assert.Contains("\"devTokens\": false", result.Stdout);
    }

    [Theory]
    [InlineData("--listen", "ftp://somewhere", "listen")]
    [InlineData("--bogus", "1", "--bogus")]
    [InlineData("--config", "/nonexistent/web.json", "cannot read")]
    public void A_bad_option_or_config_is_one_line_and_exit_2(string option, string value, string mentions)
    {
        var result = Web(option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(mentions, result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_config_with_a_short_hs256_key_is_refused()
    {
        string key = _dir.Combine("short.key");
        File.WriteAllText(key, "short-hs256-secret");
        string config = _dir.Combine("web.json");
        File.WriteAllText(config, $$"""{ "jwt": { "hs256KeyFile": {{System.Text.Json.JsonSerializer.Serialize(key)}} } }""");
        var result = Web("--config", config);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("at least 32 bytes", result.Stderr);
        Assert.DoesNotContain("short-hs256-secret", result.Stderr);
    }

    [Fact]
    public void No_engine_answering_is_exit_1_with_the_reason()
    {
        int port = Ports.FreeUdp();
        var result = Web("--engine", $"aeron:udp?endpoint=127.0.0.1:{port}", "--listen", "http://127.0.0.1:0");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot connect to the engines", result.Stderr);
    }
}
