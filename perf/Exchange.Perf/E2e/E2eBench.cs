// `exchange-perf e2e`: runs the load generator against an engine (a fresh one per run, or a running one) and
// writes the report. The engine is stopped between runs so each starts from the same empty book.

namespace Exchange.Perf.E2e;

public static class E2eBench
{
    public static E2eSummary Run(E2eOptions options, TextWriter progress)
    {
        options.Validate();
        string directory = E2eReport.CreateDirectory(options);
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
                engine.Dispose();
                throw new IOException($"{e.Message}{(errors.Length > 0 ? "\nengine: " + errors : "")}", e);
            }
            engine.Dispose();
            if (engine.ExitCode is { } code && code != 0) run = run with { Failure = run.Failure ?? $"the engine exited with {code}" };
            runs.Add(run with { EngineStopped = engine.StoppedLine });
        }
        return E2eReport.Write(directory, options, runs, engineDescription, Machine());
    }

    public static string Machine()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        // Under the dotnet host this is the JIT build (tests, `dotnet exchange-perf.dll`); bin/exchange-perf is native.
        string code = Path.GetFileNameWithoutExtension(Environment.ProcessPath ?? "") is "dotnet" or "testhost" ? "JIT" : "native AOT";
        return $"{Environment.ProcessorCount} cores, {cpu}, {code} harness";
    }
}
