// exchange-perf gen-orders' shape options (cancel share, crossing share, spread in ticks), run as a child process: the
// defaults write the very file the generator wrote before the options existed, each option moves what it names, and
// a shape that cannot be generated is refused in one line before any file is written.
using System.Globalization;
using System.Security.Cryptography;
using Exchange.Testing;

namespace Exchange.Perf.Tests;

public sealed class FlowShapeTests : IDisposable
{
    private readonly TempDirectory _temp = new("perf-flow-");

    public void Dispose() => _temp.Dispose();

    private static ProcessResult Perf(params string[] args) => ChildProcess.Run(ChildProcess.StartDll("exchange-perf.dll", args));

    private string Generate(string name, params string[] options)
    {
        string path = _temp.Combine(name);
        var result = Perf(["gen-orders", "--out", path, .. options]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return path;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private readonly record struct Add(bool Buy, long Ticks);

    private static List<(char Kind, Add Add)> Read(string path) =>
        File.ReadLines(path).Select(line =>
        {
            var parts = line.Split(' ');
            return parts[0] == "A"
                ? ('A', new Add(parts[2] == "B", long.Parse(parts[3], CultureInfo.InvariantCulture) / 100))
                : (parts[0][0], default(Add));
        }).ToList();

    // Written by the generator before it took a shape: SHA-256 of `gen-orders --count 200000 --seed 7`, and of the same
    // with `--stops 10 --icebergs 10`.
    private const string PlainSeed7 = "fff06aa2d70dc57cbb019b231e5c3fc4d8b2080019bc2a8c87f00a8cec4acbae";
    private const string MixedSeed7 = "7ab95d8b0cad091e4e4731baed6f1cd7ea9934dd47b6f623942187e07319b85a";

    [Fact]
    public void The_default_shape_writes_the_same_file_as_before_the_options_existed()
    {
        Assert.Equal(PlainSeed7, Sha256(Generate("plain.txt", "--count", "200000", "--seed", "7")));
        Assert.Equal(PlainSeed7, Sha256(Generate("explicit.txt", "--count", "200000", "--seed", "7",
            "--cancel-share", "50", "--crossing-share", "10", "--spread-ticks", "29")));
        Assert.Equal(MixedSeed7, Sha256(Generate("mixed.txt", "--count", "200000", "--seed", "7", "--stops", "10", "--icebergs", "10")));
    }

    [Theory]
    [InlineData(25)]
    [InlineData(45)]
    [InlineData(50)]
    public void The_cancel_share_is_the_share_of_cancel_lines(int percent)
    {
        var ops = Read(Generate("flow.txt", "--count", "100000", "--seed", "3", "--cancel-share", percent.ToString(CultureInfo.InvariantCulture),
            "--crossing-share", "5"));

        double share = 100.0 * ops.Count(o => o.Kind == 'C') / ops.Count;
        Assert.InRange(share, percent - 1.0, percent + 1.0);
        Assert.All(ops, o => Assert.True(o.Kind is 'A' or 'C'));
    }

    [Theory]
    [InlineData(50, 10)]
    [InlineData(25, 5)]
    [InlineData(40, 30)]
    public void The_crossing_share_is_the_share_of_adds_priced_through_the_mid(int cancelPercent, int crossingPercent)
    {
        // With --spread-ticks 1 every resting add is one tick from the mid, so the mid is where most buys rest plus a tick;
        // it moves a tick per thousand operations or so, so it is found again for every window of 200 operations.
        var ops = Read(Generate("flow.txt", "--count", "100000", "--seed", "5", "--spread-ticks", "1",
            "--cancel-share", cancelPercent.ToString(CultureInfo.InvariantCulture), "--crossing-share", crossingPercent.ToString(CultureInfo.InvariantCulture)));

        int crossing = 0;
        foreach (var window in ops.Chunk(200))
        {
            var adds = window.Where(o => o.Kind == 'A').Select(o => o.Add).ToList();
            var buys = adds.Where(a => a.Buy).GroupBy(a => a.Ticks).OrderByDescending(g => g.Count()).FirstOrDefault();
            if (buys == null) continue;
            long mid = buys.Key + 1;
            crossing += adds.Count(a => a.Buy ? a.Ticks > mid : a.Ticks < mid);
        }
        double share = 100.0 * crossing / ops.Count;
        Assert.InRange(share, crossingPercent * 0.9 - 0.3, crossingPercent * 1.1 + 0.3);
    }

    [Theory]
    [InlineData(29)]
    [InlineData(200)]
    public void Resting_adds_spread_over_the_given_ticks_from_the_mid(int spreadTicks)
    {
        var ops = Read(Generate("flow.txt", "--count", "20000", "--seed", "9", "--crossing-share", "0",
            "--spread-ticks", spreadTicks.ToString(CultureInfo.InvariantCulture)));

        // Over the first 4,000 operations the mid moves a few ticks at most: the buys' prices cover the spread, no more.
        var buys = ops.Take(4000).Where(o => o.Kind == 'A' && o.Add.Buy).Select(o => o.Add.Ticks).ToList();
        long width = buys.Max() - buys.Min() + 1;
        Assert.InRange(width, spreadTicks * 9 / 10, spreadTicks + 8);
    }

    [Theory]
    [InlineData(new[] { "--cancel-share", "70" }, "--cancel-share must be within 0..50")]
    [InlineData(new[] { "--crossing-share", "x" }, "--crossing-share")]
    [InlineData(new[] { "--cancel-share", "40", "--crossing-share", "70" }, "--crossing-share must be 0..60")]
    [InlineData(new[] { "--spread-ticks", "0" }, "--spread-ticks must be within 1..5000")]
    [InlineData(new[] { "--spread-ticks", "6000" }, "--spread-ticks must be within 1..5000")]
    public void A_shape_that_cannot_be_generated_is_refused_in_one_line_and_writes_no_file(string[] options, string message)
    {
        string path = _temp.Combine("refused.txt");
        var result = Perf(["gen-orders", "--out", path, .. options]);

        Assert.True(result.ExitCode == 2, result.ToString());
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }
}
