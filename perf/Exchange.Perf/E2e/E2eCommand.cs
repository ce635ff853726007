// `exchange-perf e2e`: every option of the open-loop round trip, declared with its default, and how the parsed
// command line becomes an E2eOptions. Cross-option checks stay in E2eOptions.Validate.
using System.CommandLine;
using Exchange.Perf.CommandLine;

namespace Exchange.Perf.E2e;

internal static class E2eCommand
{
    private static readonly string[] IdleStrategies = ["busy-spin", "yield", "backoff"];

    public static Command Create()
    {
        var d = new E2eOptions();
        var rate = Flags.Int("--rate", "commands per second, all sessions together", d.Rate, min: 1, max: 10_000_000);
        var seconds = Flags.Seconds("--seconds", "measured duration", d.Seconds, exclusive: true);
        var warmup = Flags.Seconds("--warmup", "sent on the same schedule before --seconds, not recorded", d.WarmupSeconds);
        var drain = Flags.Seconds("--drain", "how long to wait for the last acknowledgements; what has not arrived then is lost", d.DrainSeconds, exclusive: true);
        var sessions = Flags.Int("--sessions", "client sessions, each its own account", d.Sessions, min: 1, max: 64);
        var client = Flags.OneOf("--client", "binary: SBE over UDP straight to the engine; fix: FIX 4.4 through an exchange-gateway it starts; " +
            "ws: JSON over WebSocket through an exchange-web it starts", d.Client, "binary", "fix", "ws");
        var mix = Flags.TextWithDefault("--mix", "shares of the commands in percent (cross = IOC through the book)", d.Mix.ToString(), "SHARES");
        var symbols = Flags.Text("--symbols", "symbol ids to trade, e.g. 1,2 (default: every symbol of the engine's config)", "IDS");
        var depth = Flags.Int("--depth", "new orders rest 1..N ticks from the middle; crossing orders reach N ticks through it", d.Depth, min: 1);
        var maxLots = Flags.Int("--max-lots", "each order is for 1..N lots", d.MaxLots, min: 1);
        var seed = Flags.Long("--seed", "seed of the command mix", (long)d.Seed);
        var runs = Flags.Int("--runs", "repeat with a fresh engine each time; the report gives each run and the merged result", d.Runs, min: 1);
        var durability = Flags.OneOf("--durability", "the started engine's durability policy", d.Durability, "none", "batch", "always");
        var auth = Flags.OneOf("--auth", "binary sessions: sealed (challenge-response logon, every message authenticated) or clear " +
            "(the clear-key logon, which the started engine is told to accept; messages unsealed), to measure sealing's cost", d.Auth, "sealed", "clear");
        var media = Flags.OneOf("--media", "how the binary sessions reach the started engine: udp (loopback sockets) or ipc (shared memory, the engine's host)", d.Media, "udp", "ipc");
        var groupCommit = Flags.OptionalInt("--group-commit-us", "batch durability: the started engine's group commit wait (default: the engine's)");
        var journalSync = Flags.OptionalOneOf("--journal-sync", "batch durability: who fsyncs the started engine's journal, its sync thread or the engine thread (default: the engine's, by its cores)", ["thread", "engine"]);
        const string chosen = " (default: busy-spin while a core is free for it, else backoff)";
        var engineIdle = Flags.OptionalOneOf("--engine-idle", "the started engine's idle strategy" + chosen, IdleStrategies);
        var idle = Flags.OptionalOneOf("--idle", "the load generator's idle strategy" + chosen, IdleStrategies);
        var gatewayIdle = Flags.OptionalOneOf("--gateway-idle", "with --client fix, the started gateway's idle strategy" + chosen, IdleStrategies);
        var fixTls = Flags.Switch("--fix-tls", "with --client fix, FIX over TLS: the started gateway serves a certificate made for the run (Transport=tls), the sessions connect with SslStream");
        var standbys = Flags.Int("--standbys", "standby engines to start beside the measured one (the primary), each with its own journal", d.Standbys, min: 0, max: 8);
        var replication = Flags.Text("--replication", "replication variants, alternated run by run in one session: none, sync (the first standby sync, " +
            "the others async), async (all async); e.g. none,sync (default: sync with --standbys, else none)", "MODES");
        var standbyLoss = Flags.Fraction("--standby-loss", "share of the replication datagrams to each standby dropped on the way (a seeded lossy relay)", d.StandbyLoss);
        var standbyIdle = Flags.OptionalOneOf("--standby-idle", "the started standbys' idle strategy" + chosen, IdleStrategies);
        var lagWarning = Flags.Int("--lag-warning-us", "warn when the generator falls further behind its schedule than this", (int)d.LagWarningMicros, min: 1);
        var engine = Flags.Text("--engine", "attach to this running engine instead of starting one (needs --api-keys)", "CHANNEL");
        var apiKeys = Flags.Text("--api-keys", "with --engine: one API key per session, comma-separated", "K1,K2");
        var engineConfig = Flags.ExistingFile("--engine-config", "the engine's config file, for prices and lots (default: the engine's built-in config)");
        var engineExe = Flags.Text("--engine-exe", "the exchange-engine to start (default: next to this executable)", "FILE");
        var gatewayExe = Flags.Text("--gateway-exe", "the exchange-gateway (--client fix) or exchange-web (--client ws) to start (default: next to this executable)", "FILE");
        var stallEvery = Flags.Int("--stall-every", "self-test: the started engine stalls after every N commands (0: never)", 0);
        var stallMicros = Flags.Int("--stall-us", "self-test: how long each stall lasts, in µs", 0);
        var floor = Flags.Switch("--floor", "before the runs, a bare transport ping-pong (exchange-stream ping and pong) on the same media with the engine's idle strategy, reported beside the round trip");
        var streamExe = Flags.Text("--stream-exe", "with --floor, the exchange-stream to run (default: next to this executable)", "FILE");
        var name = Flags.TextWithDefault("--name", "the run's name, in its results directory and report", d.Name, "NAME");
        var output = Flags.Text("--out", "the results directory (default: a new perf/results/<date>-<name>[-N])", "DIR");
        var overwrite = Flags.Switch("--overwrite", "with --out: write over the results of an earlier run there");
        var json = Flags.Json();

        var command = new Command("e2e", "open-loop round trip: commands at a fixed rate through a client session to an engine and back, " +
            "latency from each command's intended send time")
        {
            rate, seconds, warmup, drain, sessions, client, mix, symbols, depth, maxLots, seed, runs, durability, auth, media, groupCommit, journalSync,
            engineIdle, idle, gatewayIdle, fixTls, standbys, replication, standbyLoss, standbyIdle, lagWarning, engine, apiKeys, engineConfig, engineExe, gatewayExe, stallEvery, stallMicros, floor, streamExe, name, output, overwrite, json,
        };
        command.SetAction(r =>
        {
            string[] List(Option<string?> option) =>
                r.GetValue(option)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            var options = new E2eOptions
            {
                Rate = r.GetValue(rate),
                Seconds = r.GetValue(seconds),
                WarmupSeconds = r.GetValue(warmup),
                DrainSeconds = r.GetValue(drain),
                Sessions = r.GetValue(sessions),
                Client = r.GetValue(client)!,
                Mix = OrderMix.Parse(r.GetValue(mix)!),
                Symbols = List(symbols).Select(t => int.TryParse(t, out int id) ? id : throw new Hosting.UsageException($"--symbols: '{t}' is not a symbol id")).ToArray(),
                Depth = r.GetValue(depth),
                MaxLots = r.GetValue(maxLots),
                Seed = (ulong)r.GetValue(seed),
                Runs = r.GetValue(runs),
                Durability = r.GetValue(durability)!,
                Auth = r.GetValue(auth)!,
                Media = r.GetValue(media)!,
                GroupCommitMicros = r.GetValue(groupCommit),
                JournalSync = r.GetValue(journalSync),
                EngineIdle = r.GetValue(engineIdle),
                Idle = r.GetValue(idle),
                GatewayIdle = r.GetValue(gatewayIdle),
                FixTls = r.GetValue(fixTls),
                Standbys = r.GetValue(standbys),
                Replication = List(replication),
                StandbyLoss = r.GetValue(standbyLoss),
                StandbyIdle = r.GetValue(standbyIdle),
                LagWarningMicros = r.GetValue(lagWarning),
                EngineChannel = r.GetValue(engine),
                ApiKeys = List(apiKeys),
                EngineConfig = r.GetValue(engineConfig),
                EngineExecutable = r.GetValue(engineExe),
                GatewayExecutable = r.GetValue(gatewayExe),
                StallEvery = r.GetValue(stallEvery),
                StallMicros = r.GetValue(stallMicros),
                Floor = r.GetValue(floor),
                StreamExecutable = r.GetValue(streamExe),
                Name = r.GetValue(name)!,
                OutputDirectory = r.GetValue(output),
                Overwrite = r.GetValue(overwrite),
            };
            var summary = E2eBench.Run(options, Console.Error);
            if (r.GetValue(json)) Console.WriteLine(File.ReadAllText(Path.Combine(summary.Directory, "summary.json")));
            else Console.Write(summary.Table);
            Console.Error.WriteLine($"exchange-perf: results in {summary.Directory}");
            return summary.Failed ? 1 : 0;
        });
        return command;
    }
}
