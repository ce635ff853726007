// `exchange-perf failover`: a shard as a cluster of three engines (a and b sync, c async) whose leadership etcd holds,
// open-loop load from binary clients that are given every member's channel and from brokers' FIX sessions through an
// exchange-gateway given every member, and the leader killed again and again at random moments: SIGKILL, SIGSTOP for longer than the lease (then SIGCONT: it must stop by itself, deposed), SIGTERM,
// in turn. Each killed member is restarted and rejoins as a standby; the next kill waits until it has caught up.
//
// What it reports: commands acknowledged; lost (an acknowledged order absent from the final leader's journal);
// duplicated (an order sequenced twice); commands in flight at a failover and what became of them (sequenced or not,
// read from the journal); cancels nobody asked for (cancel-on-disconnect firing because of a failover); the RTO of each
// failover (the last acknowledgement before the kill to the first after it); whether every member ends at the same
// sequence with the same state hash.
using System.Diagnostics;
using Exchange.Client;
using Exchange.Contract;
using Exchange.Journal;

namespace Exchange.Perf.Failover;

public sealed record FailoverOptions
{
    public int Kills { get; init; } = 3;
    public int Rate { get; init; } = 500;
    public int Sessions { get; init; } = 2;
    public double SecondsBetweenKills { get; init; } = 2;
    /// <summary>2 s: with suspectLeaderAfterMs a dead or paused leader is replaced long before its lease ends, and a
    /// leader renewing on a loaded machine has 1.5 s (three quarters of it) before it fences itself.</summary>
    public int LeaseTtlSeconds { get; init; } = 2;
    public int KeepAliveMs { get; init; } = 200;
    /// <summary>The members' suspectLeaderAfterMs: a joined sync standby revokes the lease of a leader silent this long
    /// on the replication stream (0: wait for the lease to end).</summary>
    public int SuspectLeaderAfterMs { get; init; } = 300;
    /// <summary>The load sessions' heartbeat interval; a session gives its engine up after three silent ones.</summary>
    public int ClientHeartbeatMs { get; init; } = 200;
    /// <summary>The load sessions' LogonAnswerTimeoutMs: how long a logon may go unanswered before a session tries
    /// another member (the client library's default, 1,000 ms, unless given).</summary>
    public int LogonAnswerMs { get; init; } = (int)new ClientOptions().LogonAnswerTimeoutMs;
    public string OnSyncLoss { get; init; } = "degrade";
    public string Durability { get; init; } = "none";
    public int Seed { get; init; } = 1;
    public string? Etcd { get; init; }
    public string? EngineExecutable { get; init; }
    /// <summary>FIX sessions through the gateway (0: binary load only).</summary>
    public int FixSessions { get; init; } = 1;
    /// <summary>FIX commands per second, over all FIX sessions, besides <see cref="Rate"/>.</summary>
    public int FixRate { get; init; } = 100;
    public string? GatewayExecutable { get; init; }
    public string? OutputDirectory { get; init; }
}

public sealed record FailoverKill(int Index, string Member, string Method, string NewLeader, double RtoMillis, double TakeoverMillis, int InFlight,
    double FixRtoMillis = double.NaN);

/// <summary>What the FIX sessions through the gateway saw. Answered: every command got an execution report or cancel
/// reject (accepted, refused with the reason while the engine session was down, cancelled); unanswered ones at the end
/// are silence. Lost is counted as acknowledged new orders beyond the distinct new orders of the FIX accounts in the
/// final leader's journal (the gateway's engine ids are its own, so this bound is what the journal can show; the
/// binary sessions' check is per order). Disconnects: FIX sessions that ended under the run. Cancels nobody asked
/// for: resting orders reported cancelled that no cancel of ours ever named (cancel-on-disconnect firing in a failover
/// would show here); late cancels: orders whose cancel was answered with a reject when the gateway lost its engine
/// session, reported cancelled afterwards because the cancel had reached the book (the last such report's Text is kept).</summary>
public sealed record FixOutcome(
    int Sessions, long Sent, long Answered, long Accepted, long Refused, long Unanswered, long Sequenced, long Lost, long Duplicated,
    long Disconnects, long Errors, long CancelledUnasked, double RtoP50Millis, double RtoMaxMillis, long CancelledLate = 0, string? UnsolicitedCancelText = null)
{
    public bool Passed => Unanswered == 0 && Lost == 0 && Duplicated == 0 && Disconnects == 0 && Errors == 0 && CancelledUnasked == 0;
}

public sealed record FailoverResult(
    int Kills, long Sent, long Acknowledged, long Lost, long Duplicated, long InFlightAtFailovers, long InFlightSequenced,
    long InFlightResent, long InFlightUnresolved,
    long UnaskedCancels, IReadOnlyList<FailoverKill> Failovers, double RtoP50Millis, double RtoMaxMillis,
    bool ReplicasEqual, IReadOnlyList<string> FinalStates, double Seconds, string? Failure, FixOutcome? Fix = null);

public static class FailoverBench
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(120), Settle = TimeSpan.FromSeconds(60);

    public static FailoverResult Run(FailoverOptions options, TextWriter log)
    {
        var random = new Random(options.Seed);
        using var cluster = new FailoverCluster(options, log);
        var total = Stopwatch.StartNew();
        foreach (var m in cluster.Members) log.WriteLine($"failover: {m.Name} ({m.Mode}) {cluster.Start(m, Startup)}");
        var leader = cluster.Members[0];
        Wait(() => leader.Err("standby b (sync) holds") && leader.Err("standby c (async) holds"), "the standbys to join a", leader);
        if (options.FixSessions > 0) log.WriteLine($"failover: gateway {cluster.StartGateway(options, Startup)}");

        var load = new Load(cluster, options);
        var kills = new List<FailoverKill>();
        int cutRejoins = 0;
        string? failure = null;
        try
        {
            load.RunFor(TimeSpan.FromSeconds(options.SecondsBetweenKills));
            for (int k = 0; k < options.Kills; k++)
            {
                string method = (k % 3) switch { 0 => "SIGKILL", 1 => "SIGSTOP", _ => "SIGTERM" };
                // A random moment within the next interval.
                load.RunFor(TimeSpan.FromSeconds(random.NextDouble() * options.SecondsBetweenKills));
                // The leadership can move without a kill: a leader that could not renew its lease in time (a loaded
                // machine) steps down and a standby takes over. The kill goes to whoever leads now.
                if (cluster.Leading() is { } leading && leading != leader)
                {
                    log.WriteLine($"failover: before kill {k + 1}: {leading.Name} leads, not {leader.Name} (the leadership moved without a kill)");
                    var deposed = leader;
                    leader = leading;
                    // The deposed leader stops by itself, which on a loaded machine took it two seconds once: wait for that,
                    // or it is not started again below and the kill finds no sync standby to take over.
                    load.RunUntil(() => deposed.Process is { HasExited: true }, Startup,
                        () => $"{deposed.Name} did not stop after losing the leadership: {deposed.Tail(5)}");
                    // The deposed leader stopped by itself (exit 4): started again, and the kill waits until it has
                    // caught up, as after a kill (killing the leader before would leave no member able to take over).
                    int mark = leader.ErrCount;
                    var current = leader;
                    foreach (var stopped in cluster.Members.Where(m => m.Process is { HasExited: true, ExitCode: 4 or 5 }).ToList())
                    {
                        cluster.Launch(stopped, niced: true);
                        load.RunUntil(() =>
                        {
                            cutRejoins += RestartCut(cluster, null);
                            return Rejoined(stopped, current, mark);
                        }, Startup, () => $"{stopped.Name} did not rejoin {current.Name} after stepping down: {stopped.Tail(5)}");
                        FailoverCluster.Unnice(stopped);
                    }
                }
                var victim = leader;
                var others = cluster.Members.Where(m => m != victim).ToList();
                int[] marks = [.. others.Select(m => m.ErrCount)];
                long killedAt = Stopwatch.GetTimestamp();
                load.Mark(killedAt);
                int inFlight = load.InFlight;
                switch (method)
                {
                    case "SIGKILL": ChildProcesses.KillGroup(victim.Process!); break;
                    case "SIGSTOP": ChildProcesses.Signal(victim.Process!, ChildProcesses.SigStop); break;
                    default: ChildProcesses.Terminate(victim.Process!); break;
                }
                FailoverCluster.Member? next = null;
                load.RunUntil(() => (next = others.Where((m, i) => m.ErrSince(marks[i], "promoted to primary")).FirstOrDefault()) != null, Settle,
                    () => $"no member took over after {method} of {victim.Name}: " + string.Join(" | ", others.Select(o => $"{o.Name}: {o.Tail(3)}")));
                long promotedAt = Stopwatch.GetTimestamp();
                if (method == "SIGSTOP") ChildProcesses.Signal(victim.Process!, ChildProcesses.SigCont);
                load.RunUntil(() => victim.Process!.HasExited, Settle, () => $"{victim.Name} did not stop after {method}: {victim.Tail(5)}");
                leader = next!;
                int leaderMark = leader.ErrCount;
                log.WriteLine($"failover: kill {k + 1} ({method} {victim.Name}, exit {victim.Process!.ExitCode}): {leader.Name} leads after " +
                    $"{Stopwatch.GetElapsedTime(killedAt, promotedAt).TotalMilliseconds:0} ms");
                // Restarted while the load goes on (the sessions' failover must not wait for it). The next kill only once
                // it has caught up (a sync one: its behind mark cleared). One that held records the new leader never had
                // stops to cut them (exit 5) and is started again.
                cluster.Launch(victim, niced: true);
                int cuts = 0;
                load.RunUntil(() =>
                {
                    cutRejoins += RestartCut(cluster, victim);
                    if (victim.Process!.HasExited)
                    {
                        if (victim.Process.ExitCode != 5 || cuts++ >= 3)
                            throw new TimeoutException($"{victim.Name} exited {victim.Process.ExitCode} after its restart:\n{victim.Tail(40)}");
                        cluster.Launch(victim, niced: true);
                        return false;
                    }
                    return Rejoined(victim, leader, leaderMark);
                }, Startup, () => $"{victim.Name} did not catch up with {leader.Name}: {victim.Tail(5)}");
                if (cuts > 0) cutRejoins++;
                if (!FailoverCluster.Unnice(victim)) log.WriteLine($"failover: {victim.Name} stays at nice 10 (raising a priority needs CAP_SYS_NICE)");
                load.RunUntil(() => load.AckedSince(promotedAt), Settle, () => "no acknowledgement after the failover");
                load.RunUntil(() => load.FixAckedSince(promotedAt), Settle, () => "no FIX order accepted after the failover: " +
                    string.Join(" | ", cluster.GatewayLog().TakeLast(5)));
                kills.Add(new FailoverKill(k + 1, victim.Name, method, leader.Name, load.Rto(promotedAt),
                    Stopwatch.GetElapsedTime(killedAt, promotedAt).TotalMilliseconds, inFlight, load.FixRto(promotedAt)));
            }
            load.RunFor(TimeSpan.FromSeconds(options.SecondsBetweenKills));
        }
        catch (TimeoutException e) { failure = e.Message; }
        load.Stop();
        foreach (string line in load.Timeline) log.WriteLine($"failover: {line}");
        if (options.OutputDirectory != null)
        {
            // The members' own logs beside the summary, to read a failover's story from.
            Directory.CreateDirectory(options.OutputDirectory);
            foreach (var m in cluster.Members) File.WriteAllLines(Path.Combine(options.OutputDirectory, $"member-{m.Name}.log"), m.Log());
            if (options.FixSessions > 0) File.WriteAllLines(Path.Combine(options.OutputDirectory, "gateway.log"), cluster.GatewayLog());
        }
        if (options.FixSessions > 0 && !cluster.GatewayAlive) failure ??= "the gateway exited under the run: " + string.Join(" | ", cluster.GatewayLog().TakeLast(5));
        // What the members warned of (a leader deposed for its silence, marks, cuts); everything, when the run failed.
        foreach (var m in cluster.Members)
            foreach (string line in m.Warnings(failure != null ? 60 : 200))
                if (failure != null || line.Contains("cluster:", StringComparison.Ordinal)) log.WriteLine($"failover: {m.Name}: {line}");

        // Every member at the leader's sequence, then stopped (standbys first) for their final state.
        var states = new List<string>();
        bool equal = false;
        if (failure == null)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < Settle && !Level(cluster)) { cutRejoins += RestartCut(cluster, null); Thread.Sleep(50); }
            // Whoever leads now is stopped last. The leadership can move without a kill on a loaded machine; stopping the
            // member that leads before its standbys hands the leadership over, and the new leader's term record is one
            // the stopped member never has (seen in a full test run: a at 13,952, b and c at 13,953, the same state hash).
            if (cluster.Leading() is { } leadingNow && leadingNow != leader)
            {
                log.WriteLine($"failover: at the end: {leadingNow.Name} leads, not {leader.Name} (the leadership moved without a kill)");
                leader = leadingNow;
            }
            foreach (var m in cluster.Members.Where(m => m != leader).Append(leader))
            {
                ChildProcesses.Terminate(m.Process!);
                if (!m.Process!.WaitForExit(30_000)) ChildProcesses.KillGroup(m.Process);
                m.Process.WaitForExit();
                Thread.Sleep(50);
                string? stopped = m.Out("stopped ");
                states.Add($"{m.Name} {(stopped == null ? $"exit {m.Process.ExitCode}, no final state" : $"sequence={Field(stopped, "sequence")} stateHash={Field(stopped, "stateHash")}")}");
            }
            equal = states.Select(s => s[(s.IndexOf(' ') + 1)..]).Distinct().Count() == 1 && !states[0].Contains("no final state", StringComparison.Ordinal);
        }
        var journal = JournalOrders(leader.Journal);
        var (lost, duplicated, inFlightSequenced) = load.Check(journal);
        var rtos = kills.Select(k => k.RtoMillis).Order().ToArray();
        var fixRtos = kills.Select(k => k.FixRtoMillis).Where(r => !double.IsNaN(r)).Order().ToArray();
        var fix = options.FixSessions > 0 ? load.CheckFix(journal, cluster.FixAccounts, Median(fixRtos), fixRtos.Length == 0 ? 0 : fixRtos[^1]) : null;
        return new FailoverResult(kills.Count, load.Sent, load.Acknowledged, lost, duplicated, load.InFlightAtFailovers, inFlightSequenced,
            load.InFlightResent, load.InFlightUnresolved,
            load.UnaskedCancels, kills, Median(rtos), rtos.Length == 0 ? 0 : rtos[^1],
            equal, states, total.Elapsed.TotalSeconds, failure, fix);

        static double Median(double[] sorted) => sorted.Length == 0 ? 0 : sorted[(sorted.Length - 1) / 2];

        void Wait(Func<bool> condition, string what, FailoverCluster.Member who)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.Elapsed > Settle) throw new IOException($"waited {Settle.TotalSeconds:0} s for {what}: {who.Tail(5)}");
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>A restarted member is back: a sync one once the leader has logged it caught up since
    /// <paramref name="leaderMark"/> (its behind mark cleared), an async one once it listens.</summary>
    private static bool Rejoined(FailoverCluster.Member member, FailoverCluster.Member leader, int leaderMark) =>
        member.Mode == "sync" ? leader.ErrSince(leaderMark, $"{member.Name} has caught up") : member.Out("listening ") != null;

    private static bool Level(FailoverCluster cluster)
    {
        var sequences = cluster.Members.Select(m => m.Out("status ") is { } s ? Field(s, "sequence") : "?").Distinct().ToArray();
        return sequences.Length == 1 && sequences[0] != "?";
    }

    /// <summary>Starts again any member but <paramref name="except"/> that stopped by itself to rejoin, as systemd would:
    /// to cut its journal (exit 5: an async standby can hold records of a killed leader that its successor never had),
    /// or deposed (exit 4: a leader that could not renew its lease in time, on a loaded machine). How many it started.</summary>
    private static int RestartCut(FailoverCluster cluster, FailoverCluster.Member? except)
    {
        int started = 0;
        foreach (var m in cluster.Members)
            if (m != except && m.Process is { HasExited: true, ExitCode: 4 or 5 })
            {
                cluster.Launch(m, niced: true);
                started++;
            }
        return started;
    }

    private static string Field(string line, string key)
    {
        foreach (string word in line.Split(' '))
            if (word.StartsWith(key + "=", StringComparison.Ordinal)) return word[(key.Length + 1)..];
        return "";
    }

    /// <summary>How many times each (account, client order id) was sequenced as a new order in a journal.</summary>
    private static Dictionary<(long, long), int> JournalOrders(string directory)
    {
        var counts = new Dictionary<(long, long), int>();
        using var reader = JournalReader.Open(directory);
        while (reader.TryRead(out var record) == ReadStatus.Record)
        {
            if (record.Type != NewOrderDecoder.TemplateId) continue;
            var order = NewOrderDecoder.WrapWithHeader(record.Payload);
            var key = (order.Account, order.ClientOrderId);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }

    /// <summary>The open-loop load: each session's clients get every member's channel and follow the leader; resting
    /// limit orders away from the touch and the cancels of earlier ones, in turn, at the rate asked.</summary>
    private sealed class Load
    {
        private readonly List<(ExchangeClient<Listener> Client, long Account)> _sessions = [];
        private readonly FailoverCluster _cluster;
        private readonly long _interval;
        private readonly long _start = Stopwatch.GetTimestamp();
        private readonly List<long> _acks = [];
        private long _next, _sent;

        private readonly List<(E2e.FixLoadClient Client, FixSink Sink)> _fix = [];
        private readonly long _fixInterval;
        private long _fixNext, _fixSent;
        private readonly List<long> _fixSuccesses = [];
        private readonly E2e.SymbolMarket _market;

        public Load(FailoverCluster cluster, FailoverOptions options)
        {
            _cluster = cluster;
            _interval = Stopwatch.Frequency / options.Rate;
            _market = new E2e.SymbolMarket(cluster.Symbols[0], cluster.ReferencePrice, cluster.TickSize, cluster.LotSize);
            _fixInterval = Stopwatch.Frequency / Math.Max(1, options.FixRate);
            // Room for every FIX order the run can send: the rate over its longest plausible length, within a bound.
            long fixOrders = (long)options.FixRate * (long)((options.Kills + 2) * (options.SecondsBetweenKills * 2 + 20));
            int capacity = (int)Math.Clamp(fixOrders / Math.Max(1, options.FixSessions) + 1024, 1024, 4 << 20);
            for (int i = 0; i < options.FixSessions; i++)
            {
                var sink = new FixSink(_fixSuccesses);
                var tracker = new E2e.OrderTracker(1, capacity, sink);
                _fix.Add((new E2e.FixLoadClient(cluster.GatewayPort, $"PERF{i + 1}", "EXCH", cluster.FixSymbols, tracker), sink));
            }
            for (int i = 0; i < options.Sessions; i++)
            {
                var endpoint = new ShardEndpoint(cluster.Channels[0], cluster.Symbols) { Replicas = cluster.Channels[1..] };
                var client = new ExchangeClient<Listener>(new ClientOptions { ApiKey = cluster.ApiKeys[i], Shards = [endpoint], HeartbeatIntervalMs = (uint)options.ClientHeartbeatMs,
                    LogonAnswerTimeoutMs = (uint)options.LogonAnswerMs },
                    new Listener(_acks));
                client.Connect(TimeSpan.FromSeconds(30));
                _sessions.Add((client, 9101 + i));
            }
            _next = Stopwatch.GetTimestamp();
        }

        public long Sent => _sent;
        public long Acknowledged => _sessions.Sum(s => s.Client.Listener.Acked);
        public long UnaskedCancels => _sessions.Sum(s => s.Client.Listener.UnaskedCancels);
        public long InFlightAtFailovers => _sessions.Sum(s => s.Client.Listener.InFlightAtFailovers);
        /// <summary>In-flight orders the new leader had never sequenced (its order status said so), sent again.</summary>
        public long InFlightResent => _sessions.Sum(s => s.Client.Listener.Resent);
        /// <summary>In-flight orders whose fate the sessions never learned (no order status answer before the end).</summary>
        public long InFlightUnresolved => _sessions.Sum(s => s.Client.Listener.Unknown.Count);
        public int InFlight => _sessions.Sum(s => s.Client.Listener.Pending.Count);

        public void RunFor(TimeSpan time)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < time) Step();
        }

        public void RunUntil(Func<bool> condition, TimeSpan timeout, Func<string> what)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.Elapsed > timeout) throw new TimeoutException(what());
                Step();
            }
        }

        public bool AckedSince(long ticks)
        {
            lock (_acks) return _acks.Count > 0 && _acks[^1] > ticks;
        }

        /// <summary>A FIX order accepted (or cancel done) after <paramref name="ticks"/>; true without FIX sessions.</summary>
        public bool FixAckedSince(long ticks) => _fix.Count == 0 || (_fixSuccesses.Count > 0 && _fixSuccesses[^1] > ticks);

        /// <summary>The FIX sessions' gap around a failover, as <see cref="Rto"/>: successes only (a refusal while the
        /// engine session is down is an answer, not a recovery).</summary>
        public double FixRto(long promotedAt)
        {
            if (_fix.Count == 0) return double.NaN;
            long before = _fixSuccesses.LastOrDefault(t => t <= promotedAt, _start), after = _fixSuccesses.FirstOrDefault(t => t > promotedAt, 0);
            return after == 0 ? double.NaN : Stopwatch.GetElapsedTime(before, after).TotalMilliseconds;
        }

        /// <summary>The gap in acknowledgements around a failover: from the last one before the new leader's promotion
        /// (<paramref name="promotedAt"/>, seen in its log; acknowledgements the old leader sent before it stopped arrive
        /// after the kill) to the first one after it (only the new leader acknowledges then).</summary>
        public double Rto(long promotedAt)
        {
            lock (_acks)
            {
                long before = _acks.LastOrDefault(t => t <= promotedAt, _start), after = _acks.FirstOrDefault(t => t > promotedAt, 0);
                return after == 0 ? double.NaN : Stopwatch.GetElapsedTime(before, after).TotalMilliseconds;
            }
        }

        /// <summary>Each session's state changes, with the time since <see cref="Mark"/> (what the report shows of the
        /// clients' side of a failover).</summary>
        public List<string> Timeline { get; } = [];
        private long _mark;
        private readonly Dictionary<int, (ShardState, string)> _states = [];
        public void Mark(long ticks) { _mark = ticks; Timeline.Add("--"); }

        private void Step(bool sending = true)
        {
            for (int i = 0; i < _sessions.Count; i++)
            {
                var client = _sessions[i].Client;
                client.Poll();
                // Described (a string) only when the state or the replica in use changes, not on every poll of the load.
                var key = (client.StateOf(0), client.ChannelOf(0));
                if (_states.GetValueOrDefault(i) != key)
                {
                    _states[i] = key;
                    if (_mark != 0) Timeline.Add($"session {i}: {client.DescribeShard(0)} +{Stopwatch.GetElapsedTime(_mark).TotalMilliseconds:0} ms");
                }
                var l = client.Listener;
                // A logon refused (an engine stopping, say) is tried again, at most every 100 ms.
                if (!l.Disconnected && client.StateOf(0) is ShardState.Rejected or ShardState.LoggedOut
                    && Stopwatch.GetElapsedTime(l.LastRetry).TotalMilliseconds > 100)
                {
                    l.LastRetry = Stopwatch.GetTimestamp();
                    client.Reconnect();
                }
                if (l.Disconnected)
                {
                    // Whatever was in flight may or may not have been sequenced: once logged on again, the session asks.
                    l.Disconnected = false;
                    l.Asked.Clear(); // questions to the engine that went away are asked again of the next
                    foreach (long id in l.Pending.Keys) if (l.Unknown.Add(id) && l.InFlight.Add(id)) l.InFlightAtFailovers++;
                    l.Pending.Clear();
                    client.Reconnect();
                }
                else if (client.IsLoggedOn(0))
                {
                    // Re-synchronise: the order status of each order in flight at the failover says whether the cluster
                    // sequenced it (then its events came or come from the new leader's history) or never did (sent again,
                    // same client order id: nothing lost, nothing twice).
                    foreach (long id in l.Unknown)
                        if (!l.Asked.Contains(id) && client.RequestOrderStatus(0, (ulong)id, id) > 0) l.Asked.Add(id);
                    while (l.Resend.Count > 0 && client.NewOrder(OrderFor(l.Resend.Peek())) > 0)
                    {
                        long id = l.Resend.Dequeue();
                        l.Pending[id] = Stopwatch.GetTimestamp();
                        l.ResentIds.Add(id);
                        l.Resent++;
                    }
                }
            }
            long now = Stopwatch.GetTimestamp();
            foreach (var (fix, _) in _fix) fix.Poll();
            if (!sending) return;
            if (_fix.Count > 0 && now >= _fixNext) SendFix(now);
            if (now < _next) { Thread.SpinWait(50); return; }
            var (c, _) = _sessions[(int)(_sent % _sessions.Count)];
            if (!c.IsConnected) return;
            long n = _sent / _sessions.Count + 1;
            var listener = c.Listener;
            long result;
            if (n % 2 == 1)
            {
                result = c.NewOrder(OrderFor(n));
                if (result > 0) listener.Pending[n] = now;
            }
            else
            {
                result = c.Cancel(_cluster.Symbols[0], n - 1);
                if (result > 0) listener.Cancelling.Add(n - 1);
            }
            if (result <= 0) return;
            _sent++;
            _next += _interval;
            if (now - _next > Stopwatch.Frequency) _next = now; // after an outage, no burst of everything missed
        }

        /// <summary>The next FIX command, round the sessions: a resting order, then a cancel of one resting, in turn.</summary>
        private void SendFix(long now)
        {
            var (client, _) = _fix[(int)(_fixSent % _fix.Count)];
            if (client.Disconnected) return;
            var tracker = client.Tracker;
            long result = 0;
            if ((_fixSent / _fix.Count) % 2 == 1 && tracker.LiveCount > 0)
            {
                int slot = tracker.PickLive((ulong)_fixSent * 0x9E3779B97F4A7C15UL);
                result = client.Cancel(in _market, tracker.ClientOrderIdOf(slot));
                if (result > 0) tracker.SentCancel(slot, now);
            }
            else if (tracker.HasRoom)
            {
                long id = tracker.NextClientOrderId;
                var order = OrderFor(id);
                result = client.NewOrder(in _market, id, order.Side, TimeInForce.GoodTillCancel, order.Price, order.Quantity);
                if (result > 0) tracker.SentNew(E2e.CommandType.New, _market.Id, order.Side, now);
            }
            if (result <= 0) return;
            _fixSent++;
            _fixNext += _fixInterval;
            if (now - _fixNext > Stopwatch.Frequency) _fixNext = now;
        }

        /// <summary>A session's n-th command when it is an order (odd n): resting, away from the touch.</summary>
        private NewOrder OrderFor(long n)
        {
            bool buy = n % 4 == 1;
            long offset = (10 + n % 40) * _cluster.TickSize;
            long price = buy ? _cluster.ReferencePrice - offset : _cluster.ReferencePrice + offset;
            return new NewOrder(0, n, _cluster.Symbols[0], buy ? Side.Buy : Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, price, _cluster.LotSize);
        }

        public void Stop()
        {
            // The sessions' own logouts at the end cancel their resting orders, as asked.
            foreach (var (client, _) in _sessions) client.Listener.Ending = true;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(3) && (InFlight > 0 || InFlightUnresolved > 0 || _fix.Any(f => f.Client.Tracker.InFlight > 0)))
                Step(sending: false);
            foreach (var (fix, _) in _fix)
            {
                FixUnanswered += fix.Tracker.CountPending();
                if (fix.Disconnected) FixDisconnects++;
                // Counted before the logout: the gateway cancels the session's resting orders on it (as configured),
                // and reports each cancel before its Logout, which are cancels asked for.
                _fixCounts.Add(in fix.Tracker.Counts);
                fix.Close();
                fix.Dispose();
            }
            foreach (var (client, _) in _sessions)
            {
                try { client.Logout(TimeSpan.FromSeconds(2)); } catch (InvalidOperationException) { }
                client.Dispose();
            }
        }

        private long FixUnanswered, FixDisconnects;
        private E2e.AckCounts _fixCounts;

        /// <summary>The FIX sessions' outcome against the final leader's journal (see <see cref="FixOutcome"/>).</summary>
        public FixOutcome CheckFix(Dictionary<(long, long), int> journal, long[] accounts, double rtoP50, double rtoMax)
        {
            var counts = _fixCounts;
            long accepted = _fix.Sum(f => f.Sink.AcceptedNew);
            long sequenced = journal.Count(j => accounts.Contains(j.Key.Item1));
            long duplicated = journal.Count(j => accounts.Contains(j.Key.Item1) && j.Value > 1);
            return new FixOutcome(_fix.Count, counts.Sent, counts.Acked, accepted, counts.Rejected, FixUnanswered, sequenced,
                Math.Max(0, accepted - sequenced), duplicated, FixDisconnects, _fix.Sum(f => f.Client.Errors), counts.CancelledUnasked, rtoP50, rtoMax,
                counts.CancelledLate, _fix.Select(f => f.Client.UnsolicitedCancelText).LastOrDefault(t => t != null));
        }

        /// <summary>Acknowledged orders missing from the journal, orders sequenced twice, and in-flight orders sequenced.</summary>
        public (long Lost, long Duplicated, long InFlightSequenced) Check(Dictionary<(long, long), int> journal)
        {
            long lost = 0, duplicated = 0, sequenced = 0;
            foreach (var (client, account) in _sessions)
            {
                foreach (long id in client.Listener.Accepted)
                    if (!journal.ContainsKey((account, id))) lost++;
                foreach (long id in client.Listener.InFlight)
                    if (!client.Listener.ResentIds.Contains(id) && journal.ContainsKey((account, id))) sequenced++;
            }
            foreach (var ((account, _), count) in journal)
                if (count > 1 && _sessions.Any(s => s.Account == account)) duplicated++;
            return (lost, duplicated, sequenced);
        }
    }

    /// <summary>A FIX session's successes (accepted, cancelled as asked) with their times, for the FIX RTO.</summary>
    private sealed class FixSink(List<long> successes) : E2e.ILatencySink
    {
        public long AcceptedNew;
        public void Record(E2e.CommandType type, long intendedTicks, long ackTicks) { }
        public void Succeeded(E2e.CommandType type, long ackTicks)
        {
            if (type == E2e.CommandType.New) AcceptedNew++;
            successes.Add(ackTicks);
        }
    }

    private sealed class Listener(List<long> acks) : ClientListener
    {
        public readonly Dictionary<long, long> Pending = [];
        public readonly HashSet<long> Accepted = [], Unknown = [], Cancelling = [], Asked = [], InFlight = [], ResentIds = [];
        public readonly Queue<long> Resend = [];
        public long Acked, UnaskedCancels, InFlightAtFailovers, Resent;
        public bool Disconnected, Ending;
        public long LastRetry;

        private void Ack()
        {
            Acked++;
            lock (acks) acks.Add(Stopwatch.GetTimestamp());
        }

        public override void OnAccepted(in OrderAccepted e)
        {
            Accepted.Add(e.ClientOrderId);
            Pending.Remove(e.ClientOrderId);
            Unknown.Remove(e.ClientOrderId);
            Ack();
        }

        public override void OnRejected(in CommandRejected e)
        {
            Pending.Remove(e.ClientOrderId);
            Ack();
        }

        public override void OnCancelled(in OrderCancelled e)
        {
            if (Cancelling.Remove(e.ClientOrderId)) Ack();
            else if (!Ending) UnaskedCancels++;
        }

        public override void OnOrderStatus(int shard, in OrderStatusAnswer answer)
        {
            long id = answer.ClientOrderId;
            if (!Asked.Remove(id) || !Unknown.Remove(id)) return;
            if (answer.State is OrderState.Open or OrderState.Filled or OrderState.Cancelled) Accepted.Add(id);
            if (answer.Sequenced) return; // this session's ids only grow
            Resend.Enqueue(id);
        }

        public override void OnDisconnected(int shard) => Disconnected = true;
        public override void OnLogout(int shard, LogoutReason reason) => Disconnected = true;
    }
}
