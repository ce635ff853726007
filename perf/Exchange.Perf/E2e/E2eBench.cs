// `exchange-perf e2e`: runs the load generator against an engine (a fresh one per run, or a running one) and
// writes the report. The engine is stopped between runs so each starts from the same empty book. Replication
// variants (--replication none,sync) are alternated run by run, so a difference between them is not the machine's
// mood drifting over the session; each gets a report of its own, and one report sets them side by side.

namespace Exchange.Perf.E2e;

public static class E2eBench
{
    /// <param name="machine">The machine's cores and load (default: this one's).</param>
    public static E2eSummary Run(E2eOptions options, TextWriter progress, IMachineState? machine = null)
    {
        options.Validate();
        machine ??= ThisMachine.Instance;
        double? loadAtStart = machine.LoadAverage();
        var plan = IdlePlan.Choose(machine.Cores, options.Idle, options.EngineIdle, options.GatewayIdle,
            startsEngine: options.EngineChannel == null, startsGateway: options.Client is "fix" or "ws", options.StandbyIdle, options.Standbys);
        options = options with { Idle = plan.Generator, EngineIdle = plan.Engine ?? options.EngineIdle, GatewayIdle = plan.Gateway, StandbyIdle = plan.Standby };
        string directory = E2eReport.CreateDirectory(options);
        progress.WriteLine($"e2e: {machine.Cores} core(s), idle strategies: {plan}");
        try
        {
            return Run(options, progress, machine, plan, directory, loadAtStart);
        }
        catch when (options.OutputDirectory == null)
        {
            // A directory of its own that holds no report would only push the next run's name to -2.
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
            throw;
        }
    }

    private static E2eSummary Run(E2eOptions options, TextWriter progress, IMachineState machine, IdlePlan plan, string directory, double? loadAtStart)
    {
        string[] modes = options.ReplicationVariants;
        var variants = modes.Select(m => new Variant(m, options with { Replication = [m] },
            modes.Length == 1 ? directory : Path.Combine(directory, E2eReport.VariantDirectory(m)))).ToArray();
        foreach (var v in variants) Directory.CreateDirectory(v.Directory);
        var floor = options.Floor ? TransportFloor.Measure(options, progress) : null;
        if (floor?.Failure != null) progress.WriteLine($"exchange-perf: warning: the floor was not measured: {floor.Failure}");
        for (int r = 0; r < options.Runs; r++)
            foreach (var v in variants)
            {
                var (run, description) = RunOnce(v.Options, r, v.Directory, progress, modes.Length > 1 ? $" [replication {v.Mode}]" : "");
                v.Runs.Add(run);
                v.EngineDescription = description;
            }
        double? loadAtEnd = machine.LoadAverage();
        var summaries = new List<(string Mode, E2eSummary Summary, IReadOnlyList<E2eRun> Runs)>();
        foreach (var v in variants)
        {
            var setup = new E2eSetup(machine.Cores, loadAtStart, loadAtEnd, plan) { Floor = floor };
            setup = setup with
            {
                Warnings = SetupWarnings.Evaluate(new SetupFacts(machine.Cores, plan.SpinningThreads, setup.LoadAtStart, setup.LoadAtEnd,
                    v.Runs.Max(r => r.MaxScheduleLagMicros), options.LagWarningMicros)),
            };
            summaries.Add((v.Mode, E2eReport.Write(v.Directory, v.Options, v.Runs, v.EngineDescription, machine.Description, setup), v.Runs));
        }
        var summary = modes.Length == 1 ? summaries[0].Summary : E2eReport.WriteVariants(directory, options, summaries, machine.Description);
        foreach (string warning in summary.Warnings) progress.WriteLine($"exchange-perf: warning: {warning}");
        return summary;
    }

    private sealed record Variant(string Mode, E2eOptions Options, string Directory)
    {
        public List<E2eRun> Runs { get; } = [];
        public string EngineDescription { get; set; } = "";
    }

    /// <summary>One run against a fresh engine (and its standbys), or the running one; its interval log goes to
    /// <paramref name="directory"/>.</summary>
    private static (E2eRun Run, string EngineDescription) RunOnce(E2eOptions options, int r, string directory, TextWriter progress, string label)
    {
        var engine = options.EngineChannel != null ? EngineUnderTest.Attach(options) : EngineUnderTest.Start(options);
        E2eRun run;
        string? settled = null;
        try
        {
            progress.WriteLine($"e2e run {r + 1}/{options.Runs}{label}: {options.Rate:N0} commands/s for {options.WarmupSeconds:0.#}+{options.Seconds:0.#} s " +
                $"over {options.Sessions} session(s) against {engine.Channel}");
            using (var hlog = File.Create(Path.Combine(directory, E2eReport.RunFile("latency", "hlog", r, options.Runs))))
            using (var overTime = new Latency.IntervalLog(hlog))
            {
                engine.MarkLoad();
                var cpuBefore = engine.CpuTimes();
                long wallBefore = System.Diagnostics.Stopwatch.GetTimestamp();
                run = LoadGenerator.Run(options, engine, r, overTime);
                var wall = System.Diagnostics.Stopwatch.GetElapsedTime(wallBefore);
                var cpuAfter = engine.CpuTimes();
                run = run with
                {
                    Cpu = [.. cpuAfter.Where(p => cpuBefore.ContainsKey(p.Key))
                        .Select(p => new ProcessCpu(p.Key, 100.0 * (p.Value - cpuBefore[p.Key]).TotalSeconds / wall.TotalSeconds))],
                };
            }
            settled = engine.SettleStandbys();
        }
        catch (Exception e) when (e is Client.LogonRejectedException or TimeoutException or IOException)
        {
            string errors = engine.RecentErrors();
            throw new IOException($"{e.Message}{(errors.Length > 0 ? "\nengine: " + errors : "")}", e);
        }
        finally
        {
            // Whatever ended the run, the engine (gateway, standbys) it started end with it.
            engine.Dispose();
        }
        if (engine.ExitCode is { } code && code != 0) run = run with { Failure = run.Failure ?? $"the engine exited with {code}" };
        foreach (var (name, exit) in engine.StandbyExitCodes)
            if (exit is { } standbyCode && standbyCode != 0) run = run with { Failure = run.Failure ?? $"{name} exited with {standbyCode}" };
        // What the engine (gateway, standbys) said last goes with the run: the report shows it when the run failed.
        return (run with
        {
            EngineStopped = engine.StoppedLine, EngineStages = engine.StagesLine, EngineErrors = engine.RecentErrors(),
            Replication = engine.ReplicationOutcome(options.ReplicationMode, settled),
        }, engine.Description);
    }
}
