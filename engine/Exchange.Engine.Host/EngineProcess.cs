// The two ways exchange-engine runs once its command line is understood: on the network (the transport, the
// service, the loop; the lines operators and scripts read) and the stdin operator console.
using System.Security.Cryptography;
using System.Text;
using Exchange.Contract;
using Exchange.Hosting;
using Exchange.Journal;
using Exchange.Transport;

namespace Exchange.Engine.Host;

internal static class EngineProcess
{
    /// <summary>Connection numbers the engine hands out: sessions plus the pool of connections that have not logged on.</summary>
    public const int MaxConnections = 1024;

    public static int RunNetwork(ShardConfig config, EngineServiceOptions options)
    {
        var log = options.Log ?? LogOutput.FromEnvironment().For("exchange-engine");
        options = options with { Log = log };
        ClusterMember? cluster = null;
        if (config.Cluster.Enabled)
        {
            // The role comes from etcd: lead if no one does, else follow the leader.
            try { cluster = ClusterMember.Join(config.Cluster, config.ShardId, log, TimeSpan.FromSeconds(30)); }
            catch (Exception e) when (e is ConfigException or Grpc.Core.RpcException)
            {
                log.Error($"cannot join the cluster: {e.Message}");
                return 1;
            }
            config = config with
            {
                Listen = config.Cluster.Self.Channel,
                Replication = cluster.Leads ? config.Cluster.AsPrimary(config.Replication) : config.Cluster.AsStandby(config.Replication, cluster.LeaderChannel!),
            };
            options = options with { StandbyOf = config.Replication.Primary };
        }
        using var counters = OpenCounters(log, $"exchange-engine shard {config.ShardId}" + (config.Cluster.Enabled ? $" member {config.Cluster.Member}" : ""));
        try { return RunNetwork(config, options with { Counters = counters }, cluster); }
        finally { cluster?.Dispose(); }
    }

    /// <summary>The process's counters file (exchange-stat reads it); private counters, with a warning, if it cannot be made.</summary>
    private static Exchange.Runtime.CountersFile OpenCounters(Log log, string name)
    {
        try { return Exchange.Runtime.CountersFile.Create(name); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"cannot publish counters in {Exchange.Runtime.CountersFile.DefaultDirectory()}: {e.Message}; exchange-stat will not see this engine");
            return Exchange.Runtime.CountersFile.Private(1024);
        }
    }

    private static int RunNetwork(ShardConfig config, EngineServiceOptions options, ClusterMember? cluster)
    {
        var log = options.Log!;
        var readiness = new Readiness { Cluster = cluster };
        OperatorEndpoint? endpoint = null;
        if (config.OperatorListen != null)
        {
            try { endpoint = OpenOperatorEndpoint(config.OperatorListen, options.Counters!, readiness); }
            catch (System.Net.Sockets.SocketException e)
            {
                log.Error($"cannot listen for operators on {config.OperatorListen}: {e.Message}");
                return 2;
            }
            log.Info($"operator endpoint http://{endpoint.EndPoint}/ (health, ready, metrics)");
        }
        try { return RunNetwork(config, options, cluster, readiness); }
        finally { endpoint?.Dispose(); }
    }

    private static OperatorEndpoint OpenOperatorEndpoint(string listen, Exchange.Runtime.CountersFile counters, Readiness readiness)
    {
        var reader = counters.Path is { } path ? CountersReader.TryOpen(path) : null;
        return new OperatorEndpoint(OperatorEndpoint.Parse(listen)!,
            () => reader == null ? "" : PrometheusText.Format([(reader.ProcessName, Environment.ProcessId, reader.Read())]),
            readiness.Describe);
    }

    /// <summary>What /ready answers, read on the operator endpoint's thread from what the engine thread sets.</summary>
    private sealed class Readiness
    {
        public volatile int Phase; // 0 recovering, 1 running, 2 stopping
        public volatile EngineService? Service;
        public volatile StandbyReplication? Standby;
        public ClusterMember? Cluster;

        public (bool, string) Describe()
        {
            var service = Service;
            if (Phase == 0 || service == null) return (false, "recovering the journal");
            if (Phase == 2) return (false, "stopping");
            long sequence = service.LastSequence;
            if (Standby is { } standby)
            {
                if (standby.Diverged) return (false, $"standby diverged from its primary (sequence {sequence})");
                return standby.Joined ? (true, $"standby, caught up with its primary (sequence {sequence})")
                    : (false, $"standby catching up with its primary (sequence {sequence})");
            }
            if (Cluster is { } cluster)
                return cluster.Leads && cluster.Leadership.IsLeader ? (true, $"leader, term {cluster.Leadership.Term} (sequence {sequence})")
                    : (false, $"not the leader (sequence {sequence})");
            return (true, $"{(service.Primary != null ? "primary" : "single engine")} (sequence {sequence})");
        }
    }

    private static int RunNetwork(ShardConfig config, EngineServiceOptions options, ClusterMember? cluster, Readiness readiness)
    {
        var log = options.Log!;
        var transport = new Transport.Transport(TransportLinks.TransportOptionsFor(config.Limits) with
        {
            Counters = options.Counters,
            CountersLabels = $"shard=\"{config.ShardId}\"",
        });
        TransportLinks links;
        try { links = new TransportLinks(transport, config.Listen, MaxConnections, config.MarketDataChannel, config.Limits); }
        catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
        {
            log.Error($"cannot listen on {config.Listen}: {e.Message}");
            transport.Dispose();
            return 2;
        }
        EngineService service;
        try { service = EngineService.Open(config, links, options with { MaxConnections = MaxConnections }); }
        catch (Exception e) when (e is ConfigException or JournalException or InvalidDataException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            log.Error($"cannot start: {e.Message}");
            transport.Dispose();
            return 1;
        }
        var replication = config.Replication;
        StandbyReplication? standby = null;
        string? divergence = null;
        if (replication.IsPrimary)
            service.Primary = new PrimaryReplication(transport, replication, config.Listen, options.JournalDirectory!, log,
                service.StateHash, service.Metrics);
        if (service.RejoinCutDone is { } cut) log.Warn(cut);
        if (service.LostRecords is { } lost)
            log.Warn($"started with --force-empty: sequences {lost.From}..{lost.To} were durable once and are lost; continuing from {service.LastSequence}");
        EngineLoop? loopRef = null;
        if (replication.IsStandby)
            standby = new StandbyReplication(transport, service, replication, config.Listen, log, reason =>
            {
                divergence = reason;
                log.Error($"{reason}");
                loopRef?.RequestStop();
            });
        string? lostLeadership = null;
        Func<long, int>? replicate = standby == null ? null : standby.DoWork;
        if (cluster != null)
        {
            service.Fence = () => !cluster.Leads || cluster.Leadership.IsLeader;
            service.HandsOverAtShutdown = true;
            // A standby's records in, then the cluster's decisions: promotion, a new leader to follow, or a lost lease.
            PrimaryReplication Promoted()
            {
                var primary = new PrimaryReplication(transport, config.Cluster.AsPrimary(config.Replication), config.Listen, options.JournalDirectory!, log, service.StateHash, service.Metrics);
                cluster.Attach(primary);
                return primary;
            }
            if (service.Primary != null) cluster.Attach(service.Primary);
            replicate = now =>
            {
                int work = standby?.DoWork(now) ?? 0;
                if (lostLeadership == null && cluster.DoWork(service, ref standby, Promoted) is { } stop)
                {
                    lostLeadership = stop;
                    log.Error($"{stop}");
                    loopRef?.RequestStop();
                }
                readiness.Standby = standby;
                return work;
            };
        }
        var loop = new EngineLoop(transport, links, service, IdleStrategies.Parse(config.Idle, transport)!, options.Log, replicate);
        loopRef = loop;
        // An orderly stop of the leader hands over at once; a leader that lost its lease has nothing to give up.
        if (cluster != null) loop.HandOver = () => { if (lostLeadership == null) cluster.Resign(); };
        var signals = loop.StopOnSignals();
        readiness.Service = service;
        readiness.Standby = standby;
        string journal = config.InMemory ? "no journal (in memory)" : $"journal {Path.GetFullPath(config.EffectiveJournalDirectory)} ({config.Durability.ToString().ToLowerInvariant()}" +
            config.Durability switch
            {
                Exchange.Journal.Durability.Batch => options.JournalSyncThread ? ", fsync on its sync thread)" : ", fsync on the engine thread)",
                Exchange.Journal.Durability.None => options.JournalSyncThread ? ", pages faulted in ahead on its own thread)" : ", pages faulted in ahead in idle moments)",
                _ => ")",
            };
        log.Info($"shard {config.ShardId}: {config.Symbols.Count} symbols " +
            $"({string.Join(", ", config.Symbols.Select(s => $"{s.Name}={s.Spec.Id}"))}), {journal}; {service.Rebuild?.Describe() ?? "state from the config"}");
        log.Info($"accounts that may log on: {string.Join(", ", config.Accounts.Where(a => a.ApiKey != null).Select(a => $"{a.Id} (key {Fingerprint(a.ApiKey!)})"))}");
        if (config.Limits.AcceptClearKeyLogon)
            log.Warn("limits.acceptClearKeyLogon is on: clients may log on with the clear-key Logon, their API keys travel in clear " +
                "and their messages are not sealed; turn it off once every client logs on by challenge-response");
        log.Info($"connect with: bin/exchange-mm --engine '{config.Listen}' --api-key <an account's key>; Ctrl-C stops");
        string role = replication.IsStandby ? $"standby primary={replication.Primary}" : replication.IsPrimary ? "primary" : "single";
        if (cluster != null) role += $" member={config.Cluster.Member}" + (cluster.Leads ? $" term={cluster.Leadership.Term}" : "");
        Console.WriteLine($"listening shard={config.ShardId} channel={config.Listen} port={(links.Commands.Channel.IsIpc ? 0 : links.Commands.LocalEndPoint.Port)} role={role} sequence={service.LastSequence} stateHash={service.StateHash():x16}");
        Console.Out.Flush();
        log.Info($"listening on {config.Listen} as {role} at sequence {service.LastSequence}", ("channel", config.Listen), ("role", role), ("sequence", service.LastSequence));
        readiness.Phase = 1;
        // A leader's first input names its term, before any client's.
        if (cluster is { Leads: true }) service.BeginTerm(cluster.Leadership.Term);
        loop.Run();
        readiness.Phase = 2;
        // An orderly stop of the leader hands over at once; a leader that lost its lease has nothing to give up.
        if (lostLeadership == null) cluster?.Resign();
        if (options.StageSampleEvery > 0) Console.WriteLine(service.StageReport());
        Console.WriteLine($"stopped shard={config.ShardId} sequence={service.LastSequence} stateHash={service.StateHash():x16}");
        log.Info($"stopped at sequence {service.LastSequence}, stateHash {service.StateHash():x16}", ("sequence", service.LastSequence));
        log.Info($"transport {transport.Counters}");
        log.Info($"gc collections={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)} " +
            $"paused={GC.GetTotalPauseDuration().TotalMilliseconds:0.#}ms allocated={GC.GetTotalAllocatedBytes() >> 20}MiB; longest duty cycle {loop.LongestCycleNanos / 1000} us");
        string? snapshotFailure = service.SnapshotFailure;
        service.Primary?.Dispose();
        service.Dispose();
        transport.Dispose();
        foreach (var signal in signals) signal.Dispose();
        if (standby is { CutRequested: >= 0 and var cutAfter })
        {
            RejoinCut.Request(options.JournalDirectory!, cutAfter);
            return 5;
        }
        if (divergence != null) return 3;
        if (lostLeadership != null) return 4;
        if (snapshotFailure == null) return 0;
        log.Error($"stopped without a snapshot: {snapshotFailure}");
        return 1;
    }

    /// <summary>What may be shown of a secret: enough to tell keys apart, nothing to use.</summary>
    public static string Fingerprint(string secret) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..12];

    public static int RunConsole(ShardConfig config, bool json)
    {
        var output = Console.Out;
        var printer = new EventPrinter(output, json);
        MatchingEngine<EventPrinter> engine;
        try { engine = new MatchingEngine<EventPrinter>(config.Engine, printer); }
        catch (ArgumentException e) { Console.Error.WriteLine($"exchange-engine: bad engine config: {e.Message}"); return 2; }
        var sequencer = new Sequencer(Sequencer.UnixNanos);

        // The opening state is made of ordinary commands, so it is sequenced like any other input.
        var console = new OperatorConsole(config, engine, sequencer, output);
        List<byte[]> opening;
        try { opening = config.OpeningCommands(); }
        catch (ConfigException e) { Console.Error.WriteLine($"exchange-engine: {e.Message}"); return 2; }
        foreach (byte[] message in opening)
        {
            var (seq, ts) = sequencer.Next();
            engine.Apply(seq, ts, message);
        }

        Console.Error.WriteLine($"exchange-engine: shard {config.ShardId} up with {config.Symbols.Count} symbols " +
            $"({string.Join(", ", config.Symbols.Select(s => s.Name))}) and {config.Accounts.Count} accounts " +
            $"({string.Join(", ", config.Accounts.Select(a => a.Id))}); commands on stdin, 'help' lists them, Ctrl-D or 'quit' stops.");
        Console.CancelKeyPress += (_, _) => Console.Error.WriteLine($"exchange-engine: stopped at sequence {sequencer.Last}");

        while (Console.ReadLine() is { } line)
            if (!console.Execute(line)) break;
        Console.Error.WriteLine($"exchange-engine: stopped at sequence {sequencer.Last}, stateHash {engine.StateHash():x16}");
        return 0;
    }
}
