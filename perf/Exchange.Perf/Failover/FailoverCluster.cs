// The cluster `exchange-perf failover` runs: etcd (ops/servers/etcd.sh, or one given), three exchange-engine members
// of one shard (a and b sync, c async), each with its own journal, and an exchange-gateway given every member (its FIX
// sessions' engine sessions follow the leader), started as child processes that die with the harness. A member is
// killed and restarted as the run goes; its output is kept line by line.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Exchange.Hosting;

namespace Exchange.Perf.Failover;

internal sealed class FailoverCluster : IDisposable
{
    public sealed class Member(string name, string mode, string channel, List<string> args)
    {
        private readonly List<string> _stdout = [], _stderr = [], _earlier = [];
        public string Name { get; } = name;
        public string Mode { get; } = mode;
        public string Channel { get; } = channel;
        public List<string> Args { get; } = args;
        public Process? Process { get; set; }
        public string Journal => Args[Args.IndexOf("--journal") + 1];

        public void Keep(Process process)
        {
            Process = process;
            lock (_stdout) _stdout.Clear();
            lock (_stderr)
            {
                if (_stderr.Count > 0) _earlier.AddRange([.. _stderr, "-- restarted --"]);
                _stderr.Clear();
            }
            OutputReader.Start(process.StandardOutput, l => { lock (_stdout) _stdout.Add(l); });
            OutputReader.Start(process.StandardError, l => { lock (_stderr) _stderr.Add(l); });
        }

        public int ErrCount { get { lock (_stderr) return _stderr.Count; } }
        public bool ErrSince(int mark, string text) { lock (_stderr) return _stderr.Skip(mark).Any(l => l.Contains(text, StringComparison.Ordinal)); }
        public bool Err(string text) => ErrSince(0, text);
        public string? Out(string prefix) { lock (_stdout) return _stdout.LastOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)); }
        public string Tail(int lines) { lock (_stderr) return string.Join('\n', _stderr.TakeLast(lines)); }
        /// <summary>Everything it wrote to stderr (its log), every life of it.</summary>
        public string[] Log() { lock (_stderr) return [.. _earlier, .. _stderr]; }
        /// <summary>Its log lines above info (every life of it), the newest <paramref name="lines"/>.</summary>
        public IEnumerable<string> Warnings(int lines)
        {
            lock (_stderr) return [.. _stderr.Where(l => !l.Contains("\"level\":\"info\"", StringComparison.Ordinal)).TakeLast(lines)];
        }
        public bool Alive => Process is { HasExited: false };

        /// <summary>The term this life of the member says it leads in, or -1 (never led, or lost or resigned it since).</summary>
        public long LeadsTerm()
        {
            string leads = $"\"msg\":\"leadership: {Name} leads shard key ";
            long term = -1;
            lock (_stderr)
                foreach (string line in _stderr)
                {
                    int at = line.IndexOf(leads, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        int t = line.IndexOf(" in term ", at, StringComparison.Ordinal);
                        if (t >= 0 && long.TryParse(line.AsSpan(t + 9).TrimEnd().ToString().Split(' ')[0], out long n)) term = n;
                    }
                    else if (line.Contains($"\"msg\":\"leadership: {Name} lost term ", StringComparison.Ordinal)
                        || line.Contains($"\"msg\":\"leadership: {Name} resigned term ", StringComparison.Ordinal)) term = -1;
                }
            return term;
        }
    }

    private readonly Process? _etcd;
    private Process? _gateway;
    private readonly List<string> _gatewayLog = [];
    private readonly string _scratch;
    /// <summary>The FIX sessions' engine accounts' API keys (sessions PERF1..N of the gateway).</summary>
    public string[] FixApiKeys { get; }
    public long[] FixAccounts { get; }
    /// <summary>The symbols as a broker writes them over FIX, by engine id.</summary>
    public Dictionary<int, E2e.FixSymbol> FixSymbols { get; } = [];
    /// <summary>The gateway's FIX port, once <see cref="StartGateway"/> has run.</summary>
    public int GatewayPort { get; private set; }
    public List<Member> Members { get; } = [];
    public string EtcdEndpoint { get; }
    public string[] ApiKeys { get; }
    public int[] Symbols { get; }
    public long ReferencePrice { get; }
    public long TickSize { get; }
    public long LotSize { get; }

    public FailoverCluster(FailoverOptions options, TextWriter log)
    {
        _scratch = Directory.CreateTempSubdirectory("exchange-perf-failover-").FullName;
        if (options.Etcd != null) EtcdEndpoint = options.Etcd;
        else
        {
            int client = FreePort(SocketType.Stream, ProtocolType.Tcp), peer = FreePort(SocketType.Stream, ProtocolType.Tcp);
            _etcd = ChildProcesses.Start(EtcdScript(), [Path.Combine(_scratch, "etcd"), client.ToString(), peer.ToString()]);
            EtcdEndpoint = $"http://127.0.0.1:{client}";
            WaitForEtcd(log);
        }
        var (file, prefix) = E2e.EngineUnderTest.ExecutableOf(options.EngineExecutable, "exchange-engine");
        var config = JsonNode.Parse(E2e.EngineUnderTest.RunOnce((file, prefix), "--print-config"))!.AsObject();
        var symbol = config["symbols"]![0]!["spec"]!;
        Symbols = [symbol["id"]!.GetValue<int>()];
        ReferencePrice = symbol["referencePrice"]!.GetValue<long>();
        TickSize = symbol["tickSize"]!.GetValue<long>();
        LotSize = symbol["lotSize"]!.GetValue<long>();
        var assets = config["assets"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToArray();
        var accounts = new JsonArray();
        ApiKeys = new string[options.Sessions];
        for (int i = 0; i < options.Sessions; i++)
        {
            ApiKeys[i] = $"failover-{9101 + i}-key";
            var balances = new JsonObject();
            foreach (string asset in assets) balances[asset] = 1_000_000_000_000_000L;
            accounts.Add((JsonNode)new JsonObject { ["id"] = 9101 + i, ["balances"] = balances, ["apiKey"] = ApiKeys[i] });
        }
        FixApiKeys = new string[options.FixSessions];
        FixAccounts = new long[options.FixSessions];
        for (int i = 0; i < options.FixSessions; i++)
        {
            FixAccounts[i] = 9201 + i;
            FixApiKeys[i] = $"failover-{9201 + i}-key";
            var balances = new JsonObject();
            foreach (string asset in assets) balances[asset] = 1_000_000_000_000_000L;
            accounts.Add((JsonNode)new JsonObject { ["id"] = 9201 + i, ["balances"] = balances, ["apiKey"] = FixApiKeys[i] });
        }
        config["accounts"] = accounts;
        config["operators"] = new JsonArray();
        config["cluster"] = new JsonObject
        {
            ["leaseTtlSeconds"] = options.LeaseTtlSeconds, ["keepAliveMs"] = options.KeepAliveMs, ["suspectLeaderAfterMs"] = options.SuspectLeaderAfterMs,
        };
        config["replication"] = new JsonObject { ["onSyncLoss"] = options.OnSyncLoss };
        var engine = config["engine"]!.AsObject();
        long orders = Math.Max(engine["maxOrders"]!.GetValue<long>(), 1L << 20);
        engine["maxOrders"] = orders;
        engine["maxOpenOrdersPerAccount"] = orders;
        string configPath = Path.Combine(_scratch, "engine.json");
        File.WriteAllText(configPath, config.ToJsonString());
        foreach (var (id, fix) in E2e.EngineUnderTest.FixSymbolsOf(config.ToJsonString())) FixSymbols[id] = fix;

        var names = new[] { ("a", "sync"), ("b", "sync"), ("c", "async") };
        var channels = names.Select(_ => $"aeron:udp?endpoint=127.0.0.1:{FreePort(SocketType.Dgram, ProtocolType.Udp)}|term-length=1m").ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            var args = new List<string>(prefix)
            {
                "--config", configPath, "--journal", Path.Combine(_scratch, names[i].Item1), "--durability", options.Durability, "--idle", "backoff",
                "--listen", channels[i], "--etcd", EtcdEndpoint, "--member", names[i].Item1,
            };
            for (int j = 0; j < names.Length; j++) args.AddRange(["--cluster-member", $"{names[j].Item1},{names[j].Item2},{channels[j]}"]);
            Members.Add(new Member(names[i].Item1, names[i].Item2, channels[i], [file, .. args]));
        }
    }

    public string[] Channels => [.. Members.Select(m => m.Channel)];

    /// <summary>The member that leads now as the living members' logs tell (the highest term one says it leads in).</summary>
    public Member? Leading()
    {
        Member? best = null;
        long bestTerm = -1;
        foreach (var m in Members)
        {
            if (!m.Alive) continue;
            long term = m.LeadsTerm();
            if (term > bestTerm) (best, bestTerm) = (m, term);
        }
        return best;
    }

    /// <summary>Starts (or restarts) a member and waits for its 'listening' line; a member that stops at once to cut its
    /// journal (exit 5, as a leader asked) is started again.</summary>
    public string Start(Member member, TimeSpan timeout)
    {
        for (int attempt = 0; ; attempt++)
        {
            var process = Launch(member);
            var watch = Stopwatch.StartNew();
            string? line;
            while ((line = member.Out("listening ")) == null)
            {
                if (process.HasExited) break;
                if (watch.Elapsed > timeout) throw new IOException($"member {member.Name} did not start within {timeout.TotalSeconds:0} s:\n{member.Tail(10)}");
                Thread.Sleep(10);
            }
            if (line != null && !process.HasExited) return line;
            process.WaitForExit();
            if (process.ExitCode == 5 && attempt < 3) continue;
            throw new IOException($"member {member.Name} exited {process.ExitCode} at start:\n{member.Tail(40)}");
        }
    }

    /// <summary>Starts (or restarts) a member and returns at once (the caller watches for its 'listening' line). A
    /// restart runs <paramref name="niced"/> (nice 10) until <see cref="Unnice"/>: in production the member restarts on
    /// a machine of its own, while here its start-up (a second of JIT and journal reading) would take the two cores from
    /// the new leader and the sessions following it, and measure this machine rather than the failover.</summary>
    public Process Launch(Member member, bool niced = false)
    {
        var process = niced
            ? ChildProcesses.Start("nice", ["-n", "10", member.Args[0], .. member.Args.Skip(1)])
            : ChildProcesses.Start(member.Args[0], member.Args.Skip(1));
        member.Keep(process);
        return process;
    }

    /// <summary>exchange-gateway with one order-entry FIX session (PERF1..N, no password: the harness's own loopback
    /// gateway) per FIX account, given every member's channel; its engine sessions heartbeat and wait for logon answers
    /// as the binary load's do, so both kinds of client notice a failover alike. Returns its 'listening' line.</summary>
    public string StartGateway(FailoverOptions options, TimeSpan timeout)
    {
        var (file, prefix) = E2e.EngineUnderTest.ExecutableOf(options.GatewayExecutable, "exchange-gateway");
        var settings = new System.Text.StringBuilder();
        settings.AppendLine("[DEFAULT]\nConnectionType=acceptor\nBeginString=FIX.4.4\nSenderCompID=EXCH\nSocketAcceptHost=127.0.0.1\nSocketAcceptPort=0\nTransport=tcp");
        settings.AppendLine($"FileStorePath={Path.Combine(_scratch, "fix-store")}\nHeartBtInt=30\nCancelOnDisconnect=Y\nAllowNoPassword=Y");
        for (int i = 0; i < FixApiKeys.Length; i++) settings.AppendLine($"[SESSION]\nTargetCompID=PERF{i + 1}\nApiKey={FixApiKeys[i]}");
        string settingsPath = Path.Combine(_scratch, "sessions.cfg");
        File.WriteAllText(settingsPath, settings.ToString());
        var engine = new JsonObject { ["channel"] = Members[0].Channel, ["replicas"] = new JsonArray([.. Members.Skip(1).Select(m => (JsonNode)m.Channel)]) };
        var gatewayConfig = new JsonObject
        {
            ["engines"] = new JsonArray(engine), ["engineHeartbeatMs"] = options.ClientHeartbeatMs, ["engineLogonAnswerMs"] = options.LogonAnswerMs,
        };
        string configPath = Path.Combine(_scratch, "gateway.json");
        File.WriteAllText(configPath, gatewayConfig.ToJsonString());
        var process = _gateway = ChildProcesses.Start(file, [.. prefix, "--settings", settingsPath, "--config", configPath, "--idle", "backoff"]);
        OutputReader.Start(process.StandardError, l => { lock (_gatewayLog) _gatewayLog.Add(l); });
        var read = Task.Run(() =>
        {
            string? line;
            while ((line = process.StandardOutput.ReadLine()) != null && !line.StartsWith("listening ", StringComparison.Ordinal)) { }
            return line;
        });
        if (!read.Wait(timeout) || read.Result == null)
            throw new IOException($"the gateway did not start within {timeout.TotalSeconds:0} s: {string.Join('\n', GatewayLog().TakeLast(10))}");
        OutputReader.Start(process.StandardOutput, null);
        string listening = read.Result;
        GatewayPort = int.Parse(listening.Split(' ').First(p => p.StartsWith("port=", StringComparison.Ordinal))[5..], System.Globalization.CultureInfo.InvariantCulture);
        return listening;
    }

    /// <summary>What the gateway wrote to stderr (its log).</summary>
    public string[] GatewayLog() { lock (_gatewayLog) return [.. _gatewayLog]; }

    public bool GatewayAlive => _gateway is { HasExited: false };

    /// <summary>A restarted member back at the normal priority once it has caught up (false if the system refused).</summary>
    public static bool Unnice(Member member) => member.Process is { HasExited: false } p && ChildProcesses.Renice(p, 0);

    private static string EtcdScript()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string path = Path.Combine(dir.FullName, "ops", "servers", "etcd.sh");
                if (File.Exists(path)) return path;
            }
        throw new UsageException("no ops/servers/etcd.sh above this executable or the current directory: give a running etcd with --etcd URL");
    }

    private void WaitForEtcd(TextWriter log)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (_etcd!.HasExited) throw new IOException($"etcd exited ({_etcd.ExitCode}): {_etcd.StandardError.ReadToEnd()}");
            try
            {
                if (http.GetStringAsync($"{EtcdEndpoint}/health").Result.Contains("\"true\"", StringComparison.Ordinal)) break;
            }
            catch (AggregateException) { }
            if (watch.Elapsed > TimeSpan.FromSeconds(120)) throw new IOException("etcd did not answer /health within 120 s");
            Thread.Sleep(100);
        }
        log.WriteLine($"failover: etcd at {EtcdEndpoint}");
    }

    private static int FreePort(SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        foreach (var m in Members)
            if (m.Process is { HasExited: false } p) ChildProcesses.KillGroup(p);
        if (_gateway is { HasExited: false } g)
        {
            ChildProcesses.Terminate(g);
            if (!g.WaitForExit(10_000)) ChildProcesses.KillGroup(g);
        }
        if (_etcd is { HasExited: false }) ChildProcesses.KillGroup(_etcd);
        foreach (var m in Members) m.Process?.WaitForExit(10_000);
        _etcd?.WaitForExit(10_000);
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
