// What an e2e run asks for: the load (rate, duration, sessions, order mix, book depth) and the engine it runs
// against (one it starts itself, with a durability policy, or one already running).
using Exchange.Hosting;

namespace Exchange.Perf.E2e;

/// <summary>Shares of the command mix, in percent; they sum to 100.</summary>
public readonly record struct OrderMix(int New, int Cancel, int Replace, int Cross)
{
    public static readonly OrderMix Default = new(New: 50, Cancel: 30, Replace: 10, Cross: 10);

    /// <summary>Parses <c>new=50,cancel=30,replace=10,cross=10</c> (names may be omitted for 0).</summary>
    public static OrderMix Parse(string text)
    {
        int n = 0, c = 0, r = 0, x = 0;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2 || !int.TryParse(kv[1], out int share) || share < 0)
                throw new UsageException($"--mix: '{part}' is not name=percent");
            switch (kv[0])
            {
                case "new": n = share; break;
                case "cancel": c = share; break;
                case "replace": r = share; break;
                case "cross": x = share; break;
                default: throw new UsageException($"--mix: unknown command '{kv[0]}' (new, cancel, replace, cross)");
            }
        }
        if (n + c + r + x != 100) throw new UsageException($"--mix: shares add up to {n + c + r + x}, not 100");
        if (n + x == 0) throw new UsageException("--mix: without new or cross orders nothing can be cancelled or replaced");
        return new OrderMix(n, c, r, x);
    }

    public override string ToString() => $"new={New},cancel={Cancel},replace={Replace},cross={Cross}";
}

/// <summary>A symbol the generator trades: its id, the middle its prices are placed around, and its lot.</summary>
public readonly record struct SymbolMarket(int Id, long MidPrice, long TickSize, long LotSize);

public sealed record E2eOptions
{
    /// <summary>Commands per second, all sessions together, sent on a fixed schedule whatever the responses do.</summary>
    public int Rate { get; init; } = 50_000;
    public double Seconds { get; init; } = 10;
    /// <summary>Sent on the same schedule but not recorded: JIT-free native code still needs warm caches and a book.</summary>
    public double WarmupSeconds { get; init; } = 2;
    public int Sessions { get; init; } = 1;
    public OrderMix Mix { get; init; } = OrderMix.Default;
    /// <summary>Symbol ids to trade (each order picks one at random); empty means every symbol of the engine's config.</summary>
    public int[] Symbols { get; init; } = [];
    /// <summary>Resting orders are placed 1..Depth ticks away from the middle; crossing orders reach Depth ticks through it.</summary>
    public int Depth { get; init; } = 20;
    /// <summary>Each order is for 1..MaxLots lots.</summary>
    public int MaxLots { get; init; } = 5;
    public ulong Seed { get; init; } = 1;
    /// <summary>How long to wait for the last acknowledgements; what has not arrived by then is lost.</summary>
    public double DrainSeconds { get; init; } = 2;
    public int Runs { get; init; } = 1;
    /// <summary>How the generator's thread waits when nothing is due and nothing arrived: busy-spin measures best, on a
    /// core of its own; backoff shares a busy machine at the cost of wake-up latency in the figures. Null: chosen from
    /// the cores (<see cref="IdlePlan"/>).</summary>
    public string? Idle { get; init; }

    /// <summary>Attach to this running engine instead of starting one (<see cref="ApiKeys"/> then name its accounts).</summary>
    public string? EngineChannel { get; init; }
    public string[] ApiKeys { get; init; } = [];
    /// <summary>The engine's config file, for the symbols' prices and lots (default: the engine's built-in config).</summary>
    public string? EngineConfig { get; init; }
    /// <summary>The exchange-engine executable to start (default: next to this one).</summary>
    public string? EngineExecutable { get; init; }
    public string Durability { get; init; } = "none";
    /// <summary>How the binary sessions log on: "sealed" (challenge-response, every message authenticated: what the
    /// product does) or "clear" (the clear-key Logon the started engine is told to accept; messages unsealed), to
    /// measure what per-message authentication costs a round trip.</summary>
    public string Auth { get; init; } = "sealed";
    /// <summary>How the engine's clients reach the started engine: "udp" (loopback sockets, as from another host) or
    /// "ipc" (shared memory, as a market maker, gateway or web door on the engine's host). With --client fix or ws it is
    /// the gateway's link to the engine.</summary>
    public string Media { get; init; } = "udp";
    /// <summary>The started engine's idle strategy; null: chosen from the cores (<see cref="IdlePlan"/>).</summary>
    public string? EngineIdle { get; init; }
    /// <summary>With --client fix, the started gateway's idle strategy; null: chosen from the cores.</summary>
    public string? GatewayIdle { get; init; }
    /// <summary>With --client fix, FIX over TLS between the load's sessions and the started gateway.</summary>
    public bool FixTls { get; init; }
    /// <summary>The generator's lag behind its schedule above which the report warns that its figures include the generator.</summary>
    public double LagWarningMicros { get; init; } = 1_000;
    /// <summary>Self-test: the started engine stalls <see cref="StallMicros"/> after every <see cref="StallEvery"/> commands.</summary>
    public int StallEvery { get; init; }
    /// <summary>The started engine's --group-commit-us under batch durability (null: the engine's default).</summary>
    public int? GroupCommitMicros { get; init; }
    /// <summary>The started engine's --journal-sync under batch durability: thread or engine (null: the engine's default).</summary>
    public string? JournalSync { get; init; }
    public int StallMicros { get; init; }

    /// <summary>Standby engines the harness starts beside the engine it measures (the primary), each with a journal of its
    /// own, the same config and durability; 0: a single engine.</summary>
    public int Standbys { get; init; }
    /// <summary>The replication variants to measure, alternated run by run in one session: <c>none</c> (the engine alone,
    /// no standbys), <c>sync</c> (the first standby sync, the others async: one standby that loses nothing and disaster
    /// recovery copies behind it), <c>async</c> (every standby async). Empty: sync with standbys, none without.</summary>
    public string[] Replication { get; init; } = [];
    /// <summary>The share of the primary's replication datagrams to each standby dropped on the way (through a seeded
    /// lossy relay), so the runs show recovery by retransmission and catch-up.</summary>
    public double StandbyLoss { get; init; }
    /// <summary>The standbys' idle strategy; null: chosen from the cores after the others (<see cref="IdlePlan"/>).</summary>
    public string? StandbyIdle { get; init; }

    /// <summary>What <see cref="Replication"/> asks for, its default filled in.</summary>
    public string[] ReplicationVariants => Replication.Length > 0 ? Replication : [Standbys > 0 ? "sync" : "none"];

    /// <summary>This run's replication (the first variant; E2eBench runs each variant with options of its own).</summary>
    public string ReplicationMode => ReplicationVariants[0];

    /// <summary>Standbys started for this run's replication: none for the variant without.</summary>
    public int StandbysStarted => ReplicationMode == "none" ? 0 : Standbys;

    /// <summary>binary: the SBE client straight to the engine; fix: FIX 4.4 sessions through an exchange-gateway the harness
    /// starts; ws: web users' WebSocket connections (JSON) through an exchange-web the harness starts.</summary>
    public string Client { get; init; } = "binary";
    public string? GatewayExecutable { get; init; }
    /// <summary>Before the runs, a bare transport ping-pong on the same media with the engine's idle strategy, reported
    /// beside the round trip (<see cref="TransportFloor"/>).</summary>
    public bool Floor { get; init; }
    /// <summary>The exchange-stream the floor runs (default: next to this executable).</summary>
    public string? StreamExecutable { get; init; }

    public string Name { get; init; } = "e2e";
    /// <summary>Where the report goes; null: a new perf/results/&lt;date&gt;-&lt;name&gt;[-N] under the current directory.</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>Whether an <see cref="OutputDirectory"/> that is not empty may be written over.</summary>
    public bool Overwrite { get; init; }

    public long TotalCommands => (long)Math.Round(Rate * (WarmupSeconds + Seconds));

    public void Validate()
    {
        if (Rate < 1 || Rate > 10_000_000) throw new UsageException("--rate must be 1..10000000 commands/s");
        if (Seconds <= 0 || WarmupSeconds < 0) throw new UsageException("--seconds must be positive and --warmup not negative");
        if (TotalCommands > 100_000_000) throw new UsageException("rate x (warmup + seconds) is above 100M commands");
        if (Sessions < 1 || Sessions > 64) throw new UsageException("--sessions must be 1..64");
        if (Depth < 1 || MaxLots < 1) throw new UsageException("--depth and --max-lots must be at least 1");
        if (Runs < 1) throw new UsageException("--runs must be at least 1");
        if (DrainSeconds <= 0) throw new UsageException("--drain must be positive");
        if (EngineChannel != null && ApiKeys.Length < Sessions)
            throw new UsageException($"--engine needs --api-keys with one key per session ({Sessions})");
        foreach (var (flag, idle) in new[] { ("--idle", Idle), ("--engine-idle", EngineIdle), ("--gateway-idle", GatewayIdle) })
            if (idle != null && Exchange.Runtime.IdleStrategies.Parse(idle) == null)
                throw new UsageException($"{flag} must be one of {Exchange.Runtime.IdleStrategies.Names}");
        if (Client is not ("binary" or "fix" or "ws")) throw new UsageException("--client must be binary, fix or ws");
        if (Client is "fix" or "ws" && EngineChannel != null) throw new UsageException($"--client {Client} starts its own engine and gateway (no --engine)");
        if (Durability is not ("none" or "batch" or "always")) throw new UsageException("--durability must be none, batch or always");
        if (Media is not ("udp" or "ipc")) throw new UsageException("--media must be udp or ipc");
        if (Media == "ipc" && (EngineChannel != null || Standbys > 0))
            throw new UsageException("--media ipc is for an engine the harness starts alone (replication runs over udp)");
        if (Auth == "clear" && (Client != "binary" || EngineChannel != null))
            throw new UsageException("--auth clear is for the binary client against an engine the harness starts");
        if (Standbys is < 0 or > 8) throw new UsageException("--standbys must be 0..8");
        foreach (string mode in Replication)
            if (mode is not ("none" or "sync" or "async")) throw new UsageException($"--replication: '{mode}' is not none, sync or async");
        if (Replication.Distinct().Count() != Replication.Length) throw new UsageException("--replication names a variant twice");
        if (Standbys == 0 && ReplicationVariants.Any(m => m != "none"))
            throw new UsageException("--replication sync or async needs standbys to replicate to (--standbys N)");
        if (Standbys > 0 && ReplicationVariants.All(m => m == "none"))
            throw new UsageException("--standbys with --replication none alone starts standbys no run uses (add sync or async)");
        if (!(StandbyLoss >= 0 && StandbyLoss < 1)) throw new UsageException("--standby-loss must be at least 0 and below 1");
        if (StandbyLoss > 0 && Standbys == 0) throw new UsageException("--standby-loss needs standbys (--standbys N)");
        if (Standbys > 0 && EngineChannel != null) throw new UsageException("--standbys starts its own primary (no --engine)");
        if (StandbyIdle != null && Exchange.Runtime.IdleStrategies.Parse(StandbyIdle) == null)
            throw new UsageException($"--standby-idle must be one of {Exchange.Runtime.IdleStrategies.Names}");
    }
}
