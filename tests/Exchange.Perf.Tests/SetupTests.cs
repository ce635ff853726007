// The e2e harness adapts to the machine and says when the machine makes its figures meaningless. The logic is
// tested on machines described to it (cores, load), so these tests mean the same on any machine.
using System.Text.Json;
using Exchange.Perf.E2e;
using Exchange.Testing;

namespace Exchange.Perf.Tests;

public sealed class SetupTests : IDisposable
{
    private readonly TempDirectory _temp = new("perf-setup-");

    public void Dispose() => _temp.Dispose();

    private sealed class DescribedMachine(int cores, double loadAtStart, double loadAtEnd) : IMachineState
    {
        private int _reads;
        public int Cores => cores;
        public double? LoadAverage() => _reads++ == 0 ? loadAtStart : loadAtEnd;
        public string Description => $"{cores} cores (described to the test)";
    }

    [Fact]
    public void On_two_cores_only_the_engine_spins_by_default()
    {
        var plan = IdlePlan.Choose(2, null, null, null, startsEngine: true, startsGateway: false);
        Assert.Equal(("backoff", "busy-spin"), (plan.Generator, plan.Engine));
        Assert.Equal(["engine"], plan.SpinningThreads);
    }

    [Fact]
    public void On_two_cores_with_a_gateway_nothing_spins_by_default_and_on_three_the_engine_does()
    {
        var plan = IdlePlan.Choose(2, null, null, null, startsEngine: true, startsGateway: true);
        Assert.Empty(plan.SpinningThreads);
        Assert.Equal(("backoff", "backoff", "backoff"), (plan.Generator, plan.Engine, plan.Gateway));
        Assert.Equal(["engine"], IdlePlan.Choose(3, null, null, null, startsEngine: true, startsGateway: true).SpinningThreads);
    }

    [Fact]
    public void With_a_core_free_for_each_thread_generator_engine_and_gateway_all_spin()
    {
        var plan = IdlePlan.Choose(8, null, null, null, startsEngine: true, startsGateway: true);
        Assert.Equal(["engine", "generator", "gateway"], plan.SpinningThreads);
    }

    [Fact]
    public void On_one_core_nothing_spins_by_default()
    {
        var plan = IdlePlan.Choose(1, null, null, null, startsEngine: true, startsGateway: true);
        Assert.Empty(plan.SpinningThreads);
        Assert.Equal(("backoff", "backoff", "backoff"), (plan.Generator, plan.Engine, plan.Gateway));
    }

    [Fact]
    public void A_strategy_given_on_the_command_line_is_kept_and_its_spinning_takes_the_free_core()
    {
        var plan = IdlePlan.Choose(2, "busy-spin", null, null, startsEngine: true, startsGateway: false);
        Assert.Equal(("busy-spin", "backoff"), (plan.Generator, plan.Engine));
    }

    [Fact]
    public void Against_a_running_engine_only_the_generator_is_planned()
    {
        var plan = IdlePlan.Choose(2, null, "busy-spin", null, startsEngine: false, startsGateway: false);
        Assert.Equal(["generator"], plan.SpinningThreads);
        Assert.Null(plan.Engine);
    }

    [Fact]
    public void Forcing_generator_and_engine_to_spin_on_two_cores_warns_of_oversubscription()
    {
        var plan = IdlePlan.Choose(2, "busy-spin", "busy-spin", null, startsEngine: true, startsGateway: false);
        var warning = Assert.Single(SetupWarnings.Evaluate(new SetupFacts(2, plan.SpinningThreads, 0.1, 0.2, 10, 1_000)));
        Assert.Contains("2 busy-spinning thread(s) (engine, generator) on 2 core(s)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_spinning_threads_on_four_cores_raise_no_warning()
    {
        var plan = IdlePlan.Choose(4, "busy-spin", "busy-spin", null, startsEngine: true, startsGateway: false);
        Assert.Empty(SetupWarnings.Evaluate(new SetupFacts(4, plan.SpinningThreads, 0.1, 0.2, 10, 1_000)));
    }

    [Theory]
    [InlineData(1.5, 0.2, "before the run started")]
    [InlineData(0.2, 2.5, "when the run ended")]
    public void A_loaded_machine_at_the_start_or_the_end_warns(double start, double end, string when)
    {
        var warning = Assert.Single(SetupWarnings.Evaluate(new SetupFacts(2, [], start, end, 10, 1_000)));
        Assert.Contains(when, warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generator_behind_its_schedule_by_more_than_the_threshold_warns()
    {
        Assert.Empty(SetupWarnings.Evaluate(new SetupFacts(2, [], null, null, 900, 1_000)));
        var warning = Assert.Single(SetupWarnings.Evaluate(new SetupFacts(2, [], null, null, 25_000, 1_000)));
        Assert.Contains("25,000 µs behind its schedule", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Warnings_reach_the_summary_the_json_and_stderr()
    {
        // A machine that was busy before the run: the run itself is an ordinary low-rate one that backs off.
        var options = new E2eOptions
        {
            Rate = 1_000, Seconds = 1, WarmupSeconds = 0.2, Idle = "backoff", EngineIdle = "backoff", DrainSeconds = 30,
            Name = "warned", OutputDirectory = _temp.Combine("warned"),
        };
        var stderr = new StringWriter();
        var summary = E2eBench.Run(options, stderr, new DescribedMachine(cores: 2, loadAtStart: 7.5, loadAtEnd: 0.1));

        Assert.False(summary.Failed, string.Join("; ", summary.Failures));
        string warning = Assert.Single(summary.Warnings, w => w.StartsWith("load average 7.50 on 2 core(s) before", StringComparison.Ordinal));
        Assert.Contains($"- WARNING: {warning}", File.ReadAllText(Path.Combine(summary.Directory, "summary.md")), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(summary.Directory, "summary.json")));
        Assert.Contains(warning, json.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()));
        Assert.Contains($"exchange-perf: warning: {warning}", stderr.ToString(), StringComparison.Ordinal);
    }
}
