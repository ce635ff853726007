// What every executable owes its scripts: --help everywhere, and bad input exits 2 with a one-line reason.
namespace Exchange.Replay.Tests;

public sealed class UsageTests : IDisposable
{
    private readonly TestJournal _journal = new(Workload.Generate(300, seed: 1));

    public void Dispose() => _journal.Dispose();

    [Theory]
    [InlineData("dump")]
    [InlineData("verify")]
    [InlineData("rebuild")]
    [InlineData("book")]
    [InlineData("diff")]
    [InlineData("stats")]
    public void Every_command_has_help(string command)
    {
        var result = Tools.Replay(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"usage: exchange-replay {command}", result.Stdout);
    }

    [Fact]
    public void The_tool_has_help_listing_its_commands()
    {
        var result = Tools.Replay("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (string command in new[] { "dump", "verify", "rebuild", "book", "diff", "stats" }) Assert.Contains($"  {command} ", result.Stdout);
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
