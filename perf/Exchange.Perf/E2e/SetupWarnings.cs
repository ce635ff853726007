// When a run's setup makes its figures meaningless, the report says so rather than print them as if they held:
// more spinning threads than cores leave (one core is kept for everything else), a machine already busy when the
// run started or saturated by its end, and a generator that fell behind its own schedule.
using System.Globalization;

namespace Exchange.Perf.E2e;

/// <param name="Cores">Cores the run could use.</param>
/// <param name="SpinningThreads">The run's busy-spinning threads, by role.</param>
/// <param name="LoadAtStart">One-minute load average before anything was started.</param>
/// <param name="LoadAtEnd">One-minute load average after the last run.</param>
/// <param name="MaxScheduleLagMicros">How far the generator fell behind its schedule at worst.</param>
/// <param name="LagThresholdMicros">The lag above which figures describe the generator as much as the exchange.</param>
public sealed record SetupFacts(int Cores, IReadOnlyList<string> SpinningThreads, double? LoadAtStart, double? LoadAtEnd,
    double MaxScheduleLagMicros, double LagThresholdMicros);

public static class SetupWarnings
{
    /// <summary>Load at the start, per core, above which other work already held a good part of the machine.</summary>
    public const double StartLoadPerCore = 0.5;
    /// <summary>Load at the end, per core, above which the machine (this run included) had more runnable threads than cores.</summary>
    public const double EndLoadPerCore = 1.0;

    public static IReadOnlyList<string> Evaluate(SetupFacts facts)
    {
        var warnings = new List<string>();
        var inv = CultureInfo.InvariantCulture;
        int spinning = facts.SpinningThreads.Count;
        if (spinning > 0 && facts.Cores < spinning + 1)
            warnings.Add($"{spinning} busy-spinning thread(s) ({string.Join(", ", facts.SpinningThreads)}) on {facts.Cores} core(s): " +
                "each needs a core of its own plus one for everything else, so latencies include time-slicing (use --idle/--engine-idle backoff, or more cores)");
        if (facts.LoadAtStart is { } start && start > StartLoadPerCore * facts.Cores)
            warnings.Add($"load average {start.ToString("0.00", inv)} on {facts.Cores} core(s) before the run started: other work was using the machine");
        if (facts.LoadAtEnd is { } end && end > EndLoadPerCore * facts.Cores)
            warnings.Add($"load average {end.ToString("0.00", inv)} on {facts.Cores} core(s) when the run ended: more threads wanted to run than there were cores");
        if (facts.MaxScheduleLagMicros > facts.LagThresholdMicros)
            warnings.Add($"the generator fell up to {facts.MaxScheduleLagMicros.ToString("N0", inv)} µs behind its schedule " +
                $"(threshold {facts.LagThresholdMicros.ToString("N0", inv)} µs): it could not keep up, so latencies include its own delays");
        return warnings;
    }
}
