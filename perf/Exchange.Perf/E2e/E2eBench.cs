// `exchange-perf e2e`: runs the load generator against an engine (a fresh one per run, or a running one) and
// writes the report. The engine is stopped between runs so each starts from the same empty book.

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
            startsEngine: options.EngineChannel == null, startsGateway: options.Client == "fix");
        options = options with { Idle = plan.Generator, EngineIdle = plan.Engine ?? options.EngineIdle, GatewayIdle = plan.Gateway };
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
        var runs = new List<E2eRun>();
        string engineDescription = "";
        for (int r = 0; r < options.Runs; r++)
        {
            var engine = options.EngineChannel != null ? EngineUnderTest.Attach(options) : EngineUnderTest.Start(options);
            engineDescription = engine.Description;
            E2eRun run;
            try
            {
                progress.WriteLine($"e2e run {r + 1}/{options.Runs}: {options.Rate:N0} commands/s for {options.WarmupSeconds:0.#}+{options.Seconds:0.#} s " +
                    $"over {options.Sessions} session(s) against {engine.Channel}");
                using var hlog = File.Create(Path.Combine(directory, E2eReport.RunFile("latency", "hlog", r, options.Runs)));
                using var overTime = new Latency.IntervalLog(hlog);
                run = LoadGenerator.Run(options, engine, r, overTime);
            }
            catch (Exception e) when (e is Client.LogonRejectedException or TimeoutException or IOException)
            {
                string errors = engine.RecentErrors();
                throw new IOException($"{e.Message}{(errors.Length > 0 ? "\nengine: " + errors : "")}", e);
            }
            finally
            {
                // Whatever ended the run, the engine (and gateway) it started end with it.
                engine.Dispose();
            }
            if (engine.ExitCode is { } code && code != 0) run = run with { Failure = run.Failure ?? $"the engine exited with {code}" };
            runs.Add(run with { EngineStopped = engine.StoppedLine });
        }
        var setup = new E2eSetup(machine.Cores, loadAtStart, machine.LoadAverage(), plan);
        setup = setup with
        {
            Warnings = SetupWarnings.Evaluate(new SetupFacts(machine.Cores, plan.SpinningThreads, setup.LoadAtStart, setup.LoadAtEnd,
                runs.Max(r => r.MaxScheduleLagMicros), options.LagWarningMicros)),
        };
        var summary = E2eReport.Write(directory, options, runs, engineDescription, machine.Description, setup);
        foreach (string warning in setup.Warnings) progress.WriteLine($"exchange-perf: warning: {warning}");
        return summary;
    }
}
