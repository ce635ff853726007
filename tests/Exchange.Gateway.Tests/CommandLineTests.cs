// exchange-gateway's command line follows the conventions every executable of the exchange shares: --help and
// --version, and anything it cannot run as given refused with one line naming the problem and exit code 2.
namespace Exchange.Gateway.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void An_unknown_flag_is_refused_with_one_line_and_exit_code_2()
    {
        var result = Processes.RunGateway("--settings", "x.cfg", "--bogus");
        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("exchange-gateway: ", line);
        Assert.Contains("--bogus", line);
    }

    [Fact]
    public void Version_prints_the_version_and_exits_0()
    {
        var result = Processes.RunGateway("--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Stdout.Trim());
    }

    [Fact]
    public void Help_lists_every_option_and_exits_0()
    {
        var result = Processes.RunGateway("--help");
        Assert.Equal(0, result.ExitCode);
        Assert.All(new[] { "--settings", "--config", "--engine", "--idle", "--print-config", "--version", "--help" },
            option => Assert.Contains(option, result.Stdout));
    }

    [Fact]
    public void Running_without_settings_is_refused_with_exit_code_2()
    {
        var result = Processes.RunGateway("--idle", "yield");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--settings", result.Stderr);
    }

    [Fact]
    public void An_idle_strategy_that_does_not_exist_is_refused_with_exit_code_2()
    {
        var result = Processes.RunGateway("--settings", "x.cfg", "--idle", "nap");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nap", result.Stderr);
    }

    [Fact]
    public void Print_config_prints_the_effective_config_with_the_engine_override()
    {
        var result = Processes.RunGateway("--engine", "aeron:udp?endpoint=127.0.0.1:41999", "--print-config");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("127.0.0.1:41999", result.Stdout);
        // Symbols are the engines' to announce, not the gateway's to configure.
        Assert.DoesNotContain("BTC-USD", result.Stdout);
    }

    [Fact]
    public void The_engine_sessions_heartbeat_and_logon_answer_wait_come_from_the_config_and_a_zero_wait_is_refused()
    {
        string dir = Directory.CreateTempSubdirectory("gateway-config-").FullName;
        try
        {
            string path = Path.Combine(dir, "gateway.json");
            File.WriteAllText(path, """{ "engineHeartbeatMs": 100, "engineLogonAnswerMs": 300 }""");
            var result = Processes.RunGateway("--config", path, "--print-config");
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("\"engineHeartbeatMs\": 100", result.Stdout);
            Assert.Contains("\"engineLogonAnswerMs\": 300", result.Stdout);
            // Without them, the client library's defaults.
            var defaults = Processes.RunGateway("--print-config");
            Assert.Contains("\"engineHeartbeatMs\": 1000", defaults.Stdout);
            File.WriteAllText(path, """{ "engineLogonAnswerMs": 0 }""");
            var refused = Processes.RunGateway("--config", path, "--print-config");
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("engineLogonAnswerMs must be at least 1", refused.Stderr);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_settings_file_that_cannot_be_read_is_refused_naming_it()
    {
        var result = Processes.RunGateway("--settings", "/nonexistent/sessions.cfg");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/sessions.cfg", result.Stderr);
    }
}
