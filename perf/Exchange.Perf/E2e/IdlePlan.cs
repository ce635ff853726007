// Which threads of an e2e run busy-spin. A spinning thread only measures well on a core of its own, and one core
// stays for everything else (the kernel's loopback traffic, the engine's journal, other processes); on this
// project's 2-core machines a run that spun both generator and engine measured p50 175 ms. So a thread whose idle
// strategy is not given spins only while a core is free, in the order engine, generator, gateway, and backs off
// otherwise. A gateway the run starts has a core kept for it as well, spinning or not: it does a whole process's work
// per message (FIX through it on 2 cores: p99 1.1-1.6 ms with nothing spinning, 2.5-2.8 ms with the engine spinning;
// perf/results/2026-12-06-gateway-park/idle-combos/). Standbys come last: on 2 cores they back off, so a sync standby's acknowledgement includes its wake-up.
// Strategies given on the command line are kept, and their spinning counts against the cores.
namespace Exchange.Perf.E2e;

public sealed record IdlePlan(string Generator, string? Engine, string? Gateway, string? Standby = null, int Standbys = 0)
{
    public const string Spin = "busy-spin";
    public const string Shared = "backoff";

    /// <param name="cores">Cores the run may use.</param>
    /// <param name="engine">The engine's strategy, or null to choose; ignored when the run attaches to a running engine.</param>
    /// <param name="startsEngine">Whether the harness starts the engine (its threads then count).</param>
    /// <param name="startsGateway">Whether the harness starts a gateway (--client fix).</param>
    /// <param name="standbys">Standby engines the harness starts (each one thread that may spin).</param>
    public static IdlePlan Choose(int cores, string? generator, string? engine, string? gateway, bool startsEngine, bool startsGateway,
        string? standby = null, int standbys = 0)
    {
        if (!startsEngine) engine = null;
        if (!startsGateway) gateway = null;
        if (standbys == 0) standby = null;
        int free = cores - 1 - (startsGateway ? 1 : 0);
        foreach (string? given in new[] { generator, engine, gateway })
            if (given == Spin) free--;
        if (standby == Spin) free -= standbys;
        string Pick(string? given)
        {
            if (given != null) return given;
            if (free <= 0) return Shared;
            free--;
            return Spin;
        }
        string? e = startsEngine ? Pick(engine) : null;
        string g = Pick(generator);
        string? w = startsGateway ? Pick(gateway) : null;
        // All standbys alike: each spins only if there is a core for every one of them.
        string? b = standbys == 0 ? null : standby ?? (free >= standbys ? Spin : Shared);
        return new IdlePlan(g, e, w, b, standbys);
    }

    /// <summary>The threads of the run (its own and the processes it starts) that busy-spin.</summary>
    public IReadOnlyList<string> SpinningThreads =>
        new[] { ("engine", Engine), ("generator", (string?)Generator), ("gateway", Gateway) }
            .Where(t => t.Item2 == Spin).Select(t => t.Item1)
            .Concat(Standby == Spin ? Enumerable.Range(1, Standbys).Select(i => $"standby-{i}") : []).ToList();

    public override string ToString() =>
        $"generator {Generator}" + (Engine != null ? $", engine {Engine}" : "") + (Gateway != null ? $", gateway {Gateway}" : "") +
        (Standby != null ? $", {Standbys} standby(s) {Standby}" : "");
}
