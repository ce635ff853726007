// exchange-perf's command line, run as operators run it (a child process): every mode declares its options, so an
// unknown flag or a bad value is one line on stderr and exit code 2 instead of a run with defaults; results never
// land on top of an earlier run's.
using Exchange.Perf.E2e;
using Exchange.Testing;

namespace Exchange.Perf.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly TempDirectory _temp = new("perf-cli-");

    public void Dispose() => _temp.Dispose();

    private static ProcessResult Perf(params string[] args) => ChildProcess.Run(ChildProcess.StartDll("exchange-perf.dll", args));

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void An_unknown_flag_is_refused_with_exit_2_and_one_line_naming_it()
    {
        var result = Perf("e2e", "--secs", "3");

        Assert.True(result.ExitCode == 2, result.ToString());
        string line = Assert.Single(Lines(result.Stderr));
        Assert.StartsWith("exchange-perf: ", line, StringComparison.Ordinal);
        Assert.Contains("'--secs'", line, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout.Trim());
    }

    [Theory]
    [InlineData("--rate", "x", "integer")]
    [InlineData("--seconds", "0", "above 0")]
    [InlineData("--sessions", "100", "1..64")]
    [InlineData("--durability", "sometimes", "sometimes")]
    [InlineData("--auth", "sometimes", "sometimes")]
    [InlineData("--standby-loss", "2", "0..1")]
    [InlineData("--standbys", "9", "0..8")]
    public void A_bad_value_is_refused_with_exit_2_and_one_line_naming_the_option(string option, string value, string explanation)
    {
        var result = Perf("e2e", option, value);

        Assert.True(result.ExitCode == 2, result.ToString());
        string line = Assert.Single(Lines(result.Stderr));
        Assert.Contains(explanation, line, StringComparison.Ordinal);
        Assert.Contains(option is "--durability" or "--auth" ? "sometimes" : option, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_the_version_and_exits_0()
    {
        var result = Perf("--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        var version = typeof(E2eBench).Assembly.GetName().Version!;
        Assert.StartsWith($"{version.Major}.{version.Minor}.{version.Build}", result.Stdout.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("e2e", "--rate")]
    [InlineData("e2e", "--overwrite")]
    [InlineData("book", "--orders")]
    [InlineData("book", "--lookahead")]
    [InlineData("book", "--journal-thread")]
    [InlineData("gen-orders", "--count")]
    [InlineData("journal", "--records")]
    [InlineData("fsync", "--writers")]
    [InlineData("replay", "--journal")]
    [InlineData("snapshot", "--orders")]
    [InlineData("stream", "--messages")]
    [InlineData("compare", "<B>")]
    [InlineData("export", "--live-sink")]
    public void Each_mode_has_help_listing_its_own_options(string mode, string option)
    {
        var result = Perf(mode, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(option, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mixed_flow_with_stops_and_icebergs_is_generated_and_replays_through_the_book()
    {
        string plain = _temp.Combine("plain.txt"), mixed = _temp.Combine("mixed.txt");
        Assert.Equal(0, Perf("gen-orders", "--out", plain, "--count", "20000", "--seed", "7").ExitCode);
        var result = Perf("gen-orders", "--out", mixed, "--count", "20000", "--seed", "7", "--stops", "5", "--icebergs", "20");
        Assert.True(result.ExitCode == 0, result.ToString());

        // Without the options the flow has neither; with them, about the asked shares of the adds.
        Assert.DoesNotContain(File.ReadLines(plain), l => l[0] is 'I' or 'T');
        var kinds = File.ReadLines(mixed).GroupBy(l => l[0]).ToDictionary(g => g.Key, g => g.Count());
        int adds = kinds['A'] + kinds['I'] + kinds['T'];
        Assert.InRange(kinds['T'], adds * 3 / 100, adds * 7 / 100);
        Assert.InRange(kinds['I'], adds * 15 / 100, adds * 25 / 100);

        result = Perf("book", "--orders", mixed, "--runs", "1", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        Assert.True(json.RootElement.GetProperty("trades").GetInt64() > 1_000, result.Stdout);
        Assert.True(json.RootElement.GetProperty("rejects").GetInt64() < 20_000 / 4, result.Stdout);
    }

    [Fact]
    public void The_book_replayed_with_lookahead_ends_where_it_ends_without()
    {
        // A deep book with a quarter cancels: the hints run ahead of orders resting far from the top.
        string flow = _temp.Combine("deep.txt");
        Assert.Equal(0, Perf("gen-orders", "--out", flow, "--count", "30000", "--seed", "11", "--cancel-share", "25",
            "--crossing-share", "5", "--spread-ticks", "200").ExitCode);
        var plain = Perf("book", "--orders", flow, "--runs", "1", "--json");
        var hinted = Perf("book", "--orders", flow, "--runs", "1", "--lookahead", "--json");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(hinted.ExitCode == 0, hinted.ToString());
        using var a = System.Text.Json.JsonDocument.Parse(plain.Stdout);
        using var b = System.Text.Json.JsonDocument.Parse(hinted.Stdout);
        Assert.False(a.RootElement.GetProperty("lookahead").GetBoolean());
        Assert.True(b.RootElement.GetProperty("lookahead").GetBoolean());
        foreach (string field in new[] { "stateHash", "trades", "resting", "rejects", "gcCollections" })
            Assert.Equal(a.RootElement.GetProperty(field).ToString(), b.RootElement.GetProperty(field).ToString());
        Assert.True(b.RootElement.GetProperty("resting").GetInt64() > 5_000, hinted.Stdout);
    }

    [Fact]
    public void The_journal_thread_without_the_service_is_refused_with_exit_2()
    {
        string flow = _temp.Combine("one.txt");
        File.WriteAllText(flow, "A 1 B 100 10\n");
        var result = Perf("book", "--journal-thread", "--orders", flow);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--service", Assert.Single(Lines(result.Stderr)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_book_through_the_engine_service_ends_as_the_bare_engine_does_with_its_window_and_without()
    {
        // Through EngineService as the live process runs it: a session's SBE messages in polls, sequenced, journaled,
        // applied and routed; with --lookahead the service holds each poll's order entry and hints the engine; with
        // --journal-thread the journal's pages are faulted in on its own thread.
        string flow = _temp.Combine("deep-service.txt");
        Assert.Equal(0, Perf("gen-orders", "--out", flow, "--count", "20000", "--seed", "12", "--cancel-share", "30",
            "--crossing-share", "8", "--spread-ticks", "100").ExitCode);
        var bare = Perf("book", "--orders", flow, "--runs", "1", "--json");
        var plain = Perf("book", "--service", "--orders", flow, "--runs", "1", "--json");
        var window = Perf("book", "--service", "--lookahead", "--orders", flow, "--runs", "1", "--json");
        var prefaulted = Perf("book", "--service", "--lookahead", "--journal-thread", "--orders", flow, "--runs", "1", "--json");
        foreach (var run in new[] { bare, plain, window, prefaulted }) Assert.True(run.ExitCode == 0, run.ToString());
        using var a = System.Text.Json.JsonDocument.Parse(bare.Stdout);
        using var b = System.Text.Json.JsonDocument.Parse(plain.Stdout);
        using var c = System.Text.Json.JsonDocument.Parse(window.Stdout);
        using var d = System.Text.Json.JsonDocument.Parse(prefaulted.Stdout);
        Assert.False(a.RootElement.GetProperty("service").GetBoolean());
        Assert.True(b.RootElement.GetProperty("service").GetBoolean());
        Assert.True(c.RootElement.GetProperty("service").GetBoolean() && c.RootElement.GetProperty("lookahead").GetBoolean());
        Assert.False(c.RootElement.GetProperty("journalThread").GetBoolean());
        Assert.True(d.RootElement.GetProperty("journalThread").GetBoolean());
        foreach (string field in new[] { "trades", "resting", "rejects", "gcCollections" })
        {
            Assert.Equal(a.RootElement.GetProperty(field).ToString(), b.RootElement.GetProperty(field).ToString());
            Assert.Equal(a.RootElement.GetProperty(field).ToString(), c.RootElement.GetProperty(field).ToString());
            Assert.Equal(a.RootElement.GetProperty(field).ToString(), d.RootElement.GetProperty(field).ToString());
        }
        // The service's engine stamps inputs with the clock, so its state hash is its own, the same with and without the window.
        Assert.Equal(b.RootElement.GetProperty("stateHash").GetString(), c.RootElement.GetProperty("stateHash").GetString());
        Assert.Equal(b.RootElement.GetProperty("stateHash").GetString(), d.RootElement.GetProperty("stateHash").GetString());
        Assert.True(c.RootElement.GetProperty("resting").GetInt64() > 1_000 && c.RootElement.GetProperty("trades").GetInt64() > 500, window.Stdout);
    }

    [Fact]
    public void Fsync_times_every_writers_durable_writes_and_leaves_nothing_in_its_directory()
    {
        string dir = _temp.Combine("disk");
        var result = Perf("fsync", "--dir", dir, "--writers", "2", "--syncs", "25", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = global::System.Text.Json.JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("writers").GetInt32());
        Assert.Equal(50, root.GetProperty("syncs").GetInt64());
        Assert.True(root.GetProperty("p50Us").GetDouble() > 0);
        Assert.True(root.GetProperty("p99Us").GetDouble() >= root.GetProperty("p50Us").GetDouble());
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void An_out_directory_that_is_not_empty_is_refused_without_overwrite()
    {
        string dir = _temp.Combine("earlier");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "summary.json"), "{\"from\":\"an earlier run\"}");

        var result = Perf("e2e", "--out", dir, "--seconds", "1");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--overwrite", Assert.Single(Lines(result.Stderr)), StringComparison.Ordinal);
        Assert.Equal(["summary.json"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
        Assert.Equal("{\"from\":\"an earlier run\"}", File.ReadAllText(Path.Combine(dir, "summary.json")));
    }

    [Fact]
    public void A_run_whose_engine_cannot_start_fails_in_one_line_and_leaves_no_results_directory()
    {
        string missing = _temp.Combine("no-such-engine");
        var result = ChildProcess.Run(ChildProcess.StartDll("exchange-perf.dll", ["e2e", "--engine-exe", missing, "--seconds", "1"], workingDirectory: _temp.Path));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(missing, Lines(result.Stderr)[^1], StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("perf", "results")));
    }

    [Fact]
    public void Without_out_each_run_gets_a_new_directory()
    {
        var options = new E2eOptions { Name = "same" };
        string first = E2eReport.CreateDirectory(options, _temp.Path);
        string second = E2eReport.CreateDirectory(options, _temp.Path);
        string third = E2eReport.CreateDirectory(options, _temp.Path);

        Assert.Matches(@"\d{4}-\d{2}-\d{2}-same$", first);
        Assert.Equal(first + "-2", second);
        Assert.Equal(first + "-3", third);
    }

    [Fact]
    public void Overwrite_replaces_only_the_files_an_earlier_report_wrote()
    {
        string dir = _temp.Combine("again");
        Directory.CreateDirectory(dir);
        foreach (string name in new[] { "summary.json", "latency.svg", "latency-run3.hlog", "notes.txt" })
            File.WriteAllText(Path.Combine(dir, name), "old");

        E2eReport.CreateDirectory(new E2eOptions { OutputDirectory = dir, Overwrite = true });

        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_name_that_is_a_path_is_refused()
    {
        var error = Assert.Throws<Hosting.UsageException>(() => E2eReport.CreateDirectory(new E2eOptions { Name = "../elsewhere" }, _temp.Path));
        Assert.Contains("--out", error.Message, StringComparison.Ordinal);
    }
}
