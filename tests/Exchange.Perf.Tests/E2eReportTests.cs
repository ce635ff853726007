// The e2e report of a run that failed before it measured anything: its failures are what the reader needs, so writing
// the report must not fail on the statistics an empty histogram does not have.
using System.Text.Json;
using Exchange.Perf.E2e;
using Exchange.Testing;

namespace Exchange.Perf.Tests;

public sealed class E2eReportTests : IDisposable
{
    private readonly TempDirectory _out = new("e2e-report-");

    public void Dispose() => _out.Dispose();

    [Fact]
    public void A_run_that_measured_nothing_is_reported_with_its_failure_the_engines_last_lines_and_no_mean()
    {
        var options = new E2eOptions { Rate = 1_000, Seconds = 1, Sessions = 2, Name = "empty" };
        var run = new E2eRun(0, Commands: 12, MeasuredCommands: 0, MeasuredSeconds: 0, AchievedRate: 0, new AckCounts(), Lost: 12,
            SendErrors: 0, BackPressured: 0, MaxScheduleLagMicros: 0, new E2eLatency(), EngineStopped: null, Failure: "session 1 was disconnected",
            EngineErrors: "session 1: liveness timeout");
        var setup = new E2eSetup(2, null, null, new IdlePlan("backoff", "backoff", null));

        var summary = E2eReport.Write(_out.Combine("empty"), options, [run], "test engine", "test machine", setup);

        Assert.True(summary.Failed);
        Assert.Contains("session 1 was disconnected", summary.Failures);
        Assert.Contains("nothing was measured", summary.Failures);
        Assert.Contains(summary.Failures, f => f.Contains("session 1: liveness timeout", StringComparison.Ordinal));
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(summary.Directory, "summary.json"))).RootElement;
        Assert.Equal(0, json.GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("meanUs").ValueKind);
        Assert.Equal(12, json.GetProperty("lost").GetInt64());
        Assert.Contains("session 1 was disconnected", File.ReadAllText(Path.Combine(summary.Directory, "summary.md")));
    }
}
