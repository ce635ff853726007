// What every executable owes its scripts: --help everywhere, --version, and bad input exits 2 with a one-line reason.
namespace Exchange.Replay.Tests;

public sealed class UsageTests : IDisposable
{
    private readonly TestJournal _journal = new(Workload.Generate(300, seed: 1));

    public void Dispose() => _journal.Dispose();

    [Theory]
    [InlineData("dump", "--from-seq", "--to-seq", "--from-time", "--to-time", "--type", "--account", "--symbol", "--json")]
    [InlineData("verify", "--json")]
    [InlineData("rebuild", "--to-seq", "--no-snapshots", "--snapshot", "--config", "--json")]
    [InlineData("book", "--at-seq", "--depth", "--no-snapshots", "--config", "--json")]
    [InlineData("diff", "--json")]
    [InlineData("compare", "--no-snapshots", "--json")]
    [InlineData("position", "--json")]
    [InlineData("stats", "--bucket", "--json")]
    [InlineData("recover", "--repair", "--force-empty", "--json")]
    public void Every_command_has_help_listing_its_options(string command, params string[] options)
    {
        var result = Tools.Replay(command, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Usage:\n  exchange-replay {command} ", result.Stdout);
        foreach (string option in options) Assert.Contains($"  {option} ", result.Stdout);
    }

    [Fact]
    public void Version_prints_the_tools_version()
    {
        var result = Tools.Replay("--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^\d+\.\d+\.\d+\S*\n$", result.Stdout);
    }

    [Theory]
    [InlineData("dump", "{dir}", "--colour")]
    [InlineData("dump", "--colour", "{dir}")]
    [InlineData("verify", "--colour")]
    [InlineData("rebuild", "{dir}", "--colour")]
    [InlineData("book", "{dir}", "0", "--at-seq", "5", "--colour")]
    [InlineData("diff", "{dir}", "{dir}", "--colour")]
    [InlineData("compare", "{dir}", "{dir}", "--colour")]
    [InlineData("position", "{dir}", "--colour")]
    [InlineData("stats", "{dir}", "--colour")]
    [InlineData("recover", "{dir}", "--colour")]
    public void An_unknown_option_exits_2_with_one_line_naming_it(params string[] args)
    {
        var result = Tools.Replay(args.Select(a => a.Replace("{dir}", _journal.Directory)).ToArray());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(result.Stdout);
        Assert.Equal("exchange-replay: Unrecognized command or argument '--colour' (try --help)\n", result.Stderr);
    }

    [Fact]
    public void The_tool_has_help_listing_its_commands()
    {
        var result = Tools.Replay("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (string command in new[] { "dump", "verify", "rebuild", "book", "diff", "compare", "position", "stats", "recover" }) Assert.Contains($"  {command} ", result.Stdout);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("dump")]
    [InlineData("dump", "/no/such/journal")]
    [InlineData("dump", "{dir}", "--to-seq", "ten")]
    [InlineData("dump", "{dir}", "--type", "Bogus")]
    [InlineData("dump", "{dir}", "--from-time", "yesterday-ish")]
    [InlineData("dump", "{dir}", "--colour")]
    [InlineData("rebuild", "{dir}", "--to-seq")]
    [InlineData("rebuild", "{dir}", "--config", "/no/such/engine.json")]
    [InlineData("book", "{dir}", "0")]
    [InlineData("book", "{dir}", "BTC", "--at-seq", "5")]
    [InlineData("stats", "{dir}", "--bucket", "0")]
    [InlineData("diff", "{dir}")]
    [InlineData("verify", "/no/such/journal")]
    public void Bad_input_exits_2_with_a_one_line_reason(params string[] args)
    {
        var result = Tools.Replay(args.Select(a => a.Replace("{dir}", _journal.Directory)).ToArray());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(result.Stdout);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("exchange-replay: ", result.Stderr);
    }

    [Theory]
    [InlineData("Required argument 'DIR_B' missing for command: 'compare'", "compare", "{dir}")]
    [InlineData("/no/such/journal: no such directory", "compare", "{dir}", "/no/such/journal")]
    [InlineData("Unrecognized command or argument '--to-seq'", "compare", "{dir}", "{dir}", "--to-seq", "5")]
    [InlineData("Required argument 'DIR' missing for command: 'position'", "position")]
    [InlineData("/no/such/journal: no such directory", "position", "/no/such/journal")]
    public void Compare_and_position_refuse_bad_input_naming_it(string reason, params string[] args)
    {
        var result = Tools.Replay(args.Select(a => a.Replace("{dir}", _journal.Directory)).ToArray());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(result.Stdout);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(reason, result.Stderr);
    }

    [Fact]
    public void A_directory_without_a_journal_is_bad_input()
    {
        string empty = Path.Combine(_journal.Directory, "empty");
        Directory.CreateDirectory(empty);

        var result = Tools.Replay("rebuild", empty);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no journal segments", result.Stderr);
    }
}
