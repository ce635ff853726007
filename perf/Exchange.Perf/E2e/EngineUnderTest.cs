// The engine an e2e run measures: an exchange-engine process this harness starts (on a free loopback port, a fresh
// journal, one account per session) and stops with SIGTERM, or one already running that it only connects to. With
// standbys, it is their primary: the standbys start first (each on a port chosen before the primary's, which they
// need to say hello to), then the primary naming them, and the load waits until every standby is connected (the sync
// one caught up, so responses wait for it from the first command). After the load, once the primary is quiet and the
// standbys have reached its sequence, everything stops and their final sequences and state hashes are compared.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Exchange.Hosting;
using Exchange.Transport.Shim;

namespace Exchange.Perf.E2e;

/// <summary>One standby at the end of a run: where it stopped, against the primary, and the lag the primary's status
/// lines showed for it (the status lines come only when the primary has been quiet a while: at the end of the load,
/// not during it).</summary>
public sealed record ReplicaOutcome(string Name, string Mode, long Sequence, string StateHash, bool Equal,
    long MaxLagRecords, long MaxLagMicros, long LastLagRecords, long LastLagMicros, long DroppedDatagrams, long ReplicationDatagrams);

/// <summary>A run's replication: the primary's final sequence and state hash, each standby's, and whether they are equal.</summary>
public sealed record ReplicationOutcome(string Mode, long PrimarySequence, string PrimaryStateHash, IReadOnlyList<ReplicaOutcome> Replicas,
    int SyncAlarms, string? Failure)
{
    public bool ReplicasEqual => Failure == null && Replicas.All(r => r.Equal);
}

public sealed class EngineUnderTest : IDisposable
{
    /// <summary>How long the standbys get to connect before the load, and to reach the primary after it.</summary>
    private static readonly TimeSpan ReplicationTimeout = TimeSpan.FromSeconds(120);

    private EngineChild? _primary;
    private readonly List<EngineChild> _standbys = [];
    private readonly List<(string Name, string Mode, LossyUdpProxy? Proxy)> _replicas = [];
    private Process? _gateway;
    private readonly string? _scratch;
    private string? _ipcDirectory;
    private readonly List<string> _stderr = [];
    private int _loadMark;

    private EngineUnderTest(string channel, string[] apiKeys, SymbolMarket[] markets, string? scratch, string description)
    {
        Channel = channel;
        ApiKeys = apiKeys;
        Markets = markets;
        _scratch = scratch;
        Description = description;
    }

    public string Channel { get; private set; }
    public string[] ApiKeys { get; }
    public SymbolMarket[] Markets { get; }
    public string Description { get; private set; }
    /// <summary>The started engine's journal (null when attached to a running one): what an exporter follows.</summary>
    public string? JournalDirectory => _scratch == null ? null : Path.Combine(_scratch, "journal");
    /// <summary>With --client ws: the HS256 secret exchange-web checks the load sessions' tokens with: 64 hex
    /// characters, as text, because exchange-web drops a key file's trailing newline bytes (raw random bytes end with
    /// 0x0A or 0x0D one time in 128, and the key read would be shorter than the one that signed).</summary>
    public byte[] WebSecret { get; } = System.Text.Encoding.ASCII.GetBytes(
        Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
    /// <summary>With --client fix: the gateway's FIX port, its session CompIDs (PERF1..N) and its symbols by engine id.</summary>
    public int GatewayPort { get; private set; }
    public Dictionary<int, FixSymbol> FixSymbols { get; } = [];

    /// <summary>With --fix-tls, the CA that signed the started gateway's certificate (what the FIX load trusts).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? FixTlsAuthority { get; private set; }
    /// <summary>The engine's 'stopped …' line after <see cref="Dispose"/> (final sequence and state hash), if it printed one.</summary>
    public string? StoppedLine => _primary?.StoppedLine;
    /// <summary>The engine's 'stages …' line after <see cref="Dispose"/>, if it printed one.</summary>
    public string? StagesLine => _primary?.StagesLine;
    public int? ExitCode => _primary?.ExitCode;
    /// <summary>The standbys' exit codes after <see cref="Dispose"/> (a standby that diverged stops with 3).</summary>
    public IEnumerable<(string Name, int? ExitCode)> StandbyExitCodes => _standbys.Select(s => (s.Name, s.ExitCode));

    public static EngineUnderTest Attach(E2eOptions options)
    {
        string config = options.EngineConfig != null ? File.ReadAllText(options.EngineConfig) : PrintConfig(Executable(options));
        return new EngineUnderTest(options.EngineChannel!, options.ApiKeys, MarketsOf(config, options.Symbols), null,
            $"running engine at {options.EngineChannel}");
    }

    public static EngineUnderTest Start(E2eOptions options)
    {
        var (file, prefix) = Executable(options);
        string baseConfig = options.EngineConfig != null ? File.ReadAllText(options.EngineConfig) : PrintConfig((file, prefix));
        var markets = MarketsOf(baseConfig, options.Symbols);
        // One account per session, funded far beyond what the run can hold, and room for every order it sends.
        var config = JsonNode.Parse(baseConfig)!.AsObject();
        var assets = config["assets"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToArray();
        var accounts = new JsonArray();
        var keys = new string[options.Sessions];
        for (int i = 0; i < options.Sessions; i++)
        {
            keys[i] = $"perf-{9001 + i}-key";
            var balances = new JsonObject();
            foreach (string asset in assets) balances[asset] = 1_000_000_000_000_000L;
            accounts.Add((JsonNode)new JsonObject { ["id"] = 9001 + i, ["balances"] = balances, ["apiKey"] = keys[i] });
        }
        config["accounts"] = accounts;
        // The printed config leaves keys out; the harness needs no operator.
        config["operators"] = new JsonArray();
        // The harness's streams use 16 MiB terms (as Aeron's default), beyond the engine's default limit for clients.
        config["limits"]!["maxTermLength"] = 16 << 20;
        if (options.Auth == "clear") config["limits"]!["acceptClearKeyLogon"] = true;
        var engine = config["engine"]!.AsObject();
        long orders = Math.Max(engine["maxOrders"]!.GetValue<long>(), Math.Min(1L << 24, options.TotalCommands + 1024));
        engine["maxOrders"] = orders;
        engine["maxOpenOrdersPerAccount"] = orders;

        string scratch = Directory.CreateTempSubdirectory("exchange-perf-e2e-").FullName;
        string configPath = Path.Combine(scratch, "engine.json");
        File.WriteAllText(configPath, config.ToJsonString());
        // Primary and standbys alike: the same config, durability and group commit, a journal each.
        List<string> Common(string journal, string idle)
        {
            var args = new List<string>(prefix)
            {
                "--config", configPath, "--journal", Path.Combine(scratch, journal), "--durability", options.Durability, "--idle", idle,
            };
            if (options.GroupCommitMicros is { } groupCommit)
                args.AddRange(["--group-commit-us", groupCommit.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (options.JournalSync is { } journalSync) args.AddRange(["--journal-sync", journalSync]);
            return args;
        }
        int standbys = options.StandbysStarted;
        string description = $"exchange-engine started by the harness: durability {options.Durability}, idle {options.EngineIdle ?? IdlePlan.Shared}" +
            (options.Media == "ipc" ? (options.Client == "binary" ? ", binary sessions over ipc (shared memory)" : ", the gateway linked to it over ipc (shared memory)") : "") +
            (options.GroupCommitMicros is { } gcu ? $", group commit {gcu} µs" : "") +
            (options.Durability == "batch" ? $", journal fsynced by {(options.JournalSync switch { "engine" => "the engine thread", "thread" => "its sync thread", _ => "the engine's default for the cores" })}" : "") +
            (options.StallEvery > 0 ? $", stalling {options.StallMicros} µs every {options.StallEvery} commands" : "") +
            (standbys > 0 ? $", primary of {standbys} standby(s) ({Modes(options.ReplicationMode, standbys)}; idle {options.StandbyIdle ?? IdlePlan.Shared}" +
                (options.StandbyLoss > 0 ? $", {options.StandbyLoss:P1} of replication datagrams dropped" : "") + ")" : "");
        var started = new EngineUnderTest("", keys, markets, scratch, description);
        // Generous: a JIT-compiled engine on a loaded 2-core machine can take many seconds to come up.
        var startup = TimeSpan.FromSeconds(120);
        try
        {
            var args = Common("journal", options.EngineIdle ?? IdlePlan.Shared);
            string listen = "aeron:udp?endpoint=127.0.0.1:0|term-length=16m";
            if (options.Media == "ipc")
            {
                // In the ipc directory the engine and the load's clients share by default (the process's user's).
                string name = $"e2e-{Environment.ProcessId}";
                listen = $"aeron:ipc?name={name}|term-length=16m";
                started._ipcDirectory = Path.Combine(new Exchange.Transport.TransportOptions().IpcDirectory, name);
            }
            if (standbys > 0)
            {
                listen = LoopbackChannel(FreeUdpPort());
                for (int i = 1; i <= standbys; i++)
                {
                    string name = $"standby-{i}";
                    int standbyPort = FreeUdpPort();
                    var child = new EngineChild(name, ChildProcesses.Start(file,
                        [.. Common(name, options.StandbyIdle ?? IdlePlan.Shared), "--listen", LoopbackChannel(standbyPort), "--standby-of", listen, "--standby-name", name]));
                    started._standbys.Add(child);
                    child.WaitForListening(startup);
                    // With loss, the primary sends to a relay that drops its share and passes the rest (and the
                    // standby's status messages and NAKs back); the acknowledgements go straight to the primary.
                    LossyUdpProxy? proxy = options.StandbyLoss > 0
                        ? new LossyUdpProxy(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, standbyPort),
                            new ShimOptions { Seed = unchecked((int)options.Seed + i), DropRate = options.StandbyLoss })
                        : null;
                    string mode = i == 1 ? options.ReplicationMode : "async";
                    started._replicas.Add((name, mode, proxy));
                    args.AddRange(["--standby", $"{name},{mode},{LoopbackChannel(proxy?.ListenEndpoint.Port ?? standbyPort)}"]);
                }
            }
            args.AddRange(["--listen", listen]);
            if (options.StallEvery > 0)
                args.AddRange(["--stall-every", options.StallEvery.ToString(), "--stall-us", options.StallMicros.ToString()]);
            started._primary = new EngineChild("engine", ChildProcesses.Start(file, args));
            string listening = started._primary.WaitForListening(startup);
            string port = listening.Split(' ').First(p => p.StartsWith("port=", StringComparison.Ordinal))[5..];
            started.Channel = options.Media == "ipc" ? listen : $"aeron:udp?endpoint=127.0.0.1:{port}|term-length=16m";
            if (standbys > 0) started.AwaitStandbys();
            if (options.Client == "fix") started.StartGateway(options, scratch, baseConfig);
            if (options.Client == "ws") started.StartWeb(options, scratch, baseConfig);
        }
        catch
        {
            started.Dispose();
            throw;
        }
        return started;
    }

    private static string Modes(string first, int standbys) =>
        string.Join(", ", Enumerable.Range(1, standbys).Select(i => $"standby-{i} {(i == 1 ? first : "async")}"));

    private static string LoopbackChannel(int port) => $"aeron:udp?endpoint=127.0.0.1:{port}|term-length=16m";

    /// <summary>A loopback UDP port nothing is bound to now (the standbys and their primary must know each other's before
    /// either starts, so port 0 will not do).</summary>
    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Until the primary has heard every standby's hello and the sync one has caught up: before that, responses
    /// would not wait for it and the first seconds would measure no replication at all.</summary>
    private void AwaitStandbys()
    {
        var waited = Stopwatch.StartNew();
        foreach (var (name, mode, _) in _replicas)
        {
            string hello = $"replication: standby {name} ({mode}) holds", caughtUp = $"replication: sync standby {name} caught up";
            while (!_primary!.ErrorsContain(hello) || (mode == "sync" && !_primary.ErrorsContain(caughtUp)))
            {
                if (_primary.Process.HasExited || _standbys.Find(s => s.Name == name) is { Process.HasExited: true })
                    throw new IOException($"standby {name} or its primary ended before replication started:\n{RecentErrors()}");
                if (waited.Elapsed > ReplicationTimeout)
                    throw new IOException($"standby {name} did not connect to its primary within {ReplicationTimeout.TotalSeconds:0} s:\n{RecentErrors()}");
                Thread.Sleep(10);
            }
        }
    }

    /// <summary>Marks where the load starts in the primary's output: the status lines after it are the run's.</summary>
    public void MarkLoad()
    {
        if (_primary != null) _loadMark = _primary.StdoutCount;
    }

    /// <summary>After the load: waits until the primary is quiet with its clients gone (a status line with no sessions)
    /// and every standby's status line stands at the primary's sequence. Null when they did; else what went wrong.</summary>
    public string? SettleStandbys()
    {
        if (_standbys.Count == 0 || _primary == null) return null;
        var waited = Stopwatch.StartNew();
        long sequence = -1;
        while (true)
        {
            if (_primary.LastStatus(_loadMark) is { } line && Field(line, "sessions") == "0") { sequence = long.Parse(Field(line, "sequence")); break; }
            if (_primary.Process.HasExited) return "the engine ended before its clients had gone";
            if (waited.Elapsed > ReplicationTimeout) return $"the engine was not quiet {ReplicationTimeout.TotalSeconds:0} s after the load";
            Thread.Sleep(20);
        }
        foreach (var standby in _standbys)
        {
            while (!(standby.LastStatus(0) is { } line && long.Parse(Field(line, "sequence")) >= sequence))
            {
                if (standby.Process.HasExited) return $"{standby.Name} ended before it reached the primary's sequence {sequence}";
                if (waited.Elapsed > ReplicationTimeout)
                    return $"{standby.Name} did not reach the primary's sequence {sequence} within {ReplicationTimeout.TotalSeconds:0} s " +
                        $"(its last status: {standby.LastStatus(0) ?? "none"})";
                Thread.Sleep(20);
            }
        }
        return null;
    }

    /// <summary>After <see cref="Dispose"/>: the standbys' final sequences and state hashes next to the primary's, and
    /// the lag the primary's status lines reported during the run. Null without standbys.</summary>
    public ReplicationOutcome? ReplicationOutcome(string mode, string? settleFailure)
    {
        if (_standbys.Count == 0 || _primary == null) return null;
        string? failure = settleFailure;
        long primarySequence = -1;
        string primaryHash = "";
        if (_primary.StoppedLine is { } stopped) { primarySequence = long.Parse(Field(stopped, "sequence")); primaryHash = Field(stopped, "stateHash"); }
        else failure ??= "the engine printed no final state";
        var lags = LagsOf(_primary.StdoutSince(_loadMark));
        var replicas = new List<ReplicaOutcome>();
        foreach (var (name, replicaMode, proxy) in _replicas)
        {
            var standby = _standbys.Find(s => s.Name == name)!;
            long sequence = -1;
            string hash = "";
            if (standby.StoppedLine is { } line) { sequence = long.Parse(Field(line, "sequence")); hash = Field(line, "stateHash"); }
            else failure ??= $"{name} printed no final state (exit code {standby.ExitCode})";
            var lag = lags.GetValueOrDefault(name);
            replicas.Add(new ReplicaOutcome(name, replicaMode, sequence, hash, sequence == primarySequence && hash == primaryHash,
                lag.MaxRecords, lag.MaxMicros, lag.LastRecords, lag.LastMicros, proxy?.DroppedCount ?? 0, proxy?.ReceivedCount ?? 0));
        }
        int alarms = _primary.StderrSince(0).Count(l => l.Contains("ALARM: sync standby", StringComparison.Ordinal));
        return new ReplicationOutcome(mode, primarySequence, primaryHash, replicas, alarms, failure);
    }

    private readonly record struct Lag(long MaxRecords, long MaxMicros, long LastRecords, long LastMicros);

    /// <summary>Per standby, the largest and the last lagRecords/lagUs of the primary's status lines.</summary>
    private static Dictionary<string, Lag> LagsOf(IEnumerable<string> lines)
    {
        var lags = new Dictionary<string, Lag>();
        foreach (string line in lines)
        {
            if (!line.StartsWith("status ", StringComparison.Ordinal)) continue;
            string? replica = null;
            long records = 0;
            foreach (string part in line.Split(' '))
            {
                if (part.StartsWith("replica=", StringComparison.Ordinal)) replica = part[8..];
                else if (replica != null && part.StartsWith("lagRecords=", StringComparison.Ordinal)) records = long.Parse(part[11..]);
                else if (replica != null && part.StartsWith("lagUs=", StringComparison.Ordinal))
                {
                    long micros = long.Parse(part[6..]);
                    var before = lags.GetValueOrDefault(replica);
                    lags[replica] = new Lag(Math.Max(before.MaxRecords, records), Math.Max(before.MaxMicros, micros), records, micros);
                }
            }
        }
        return lags;
    }

    /// <summary>key=value of an engine's output line.</summary>
    private static string Field(string line, string key)
    {
        foreach (string part in line.Split(' '))
            if (part.StartsWith(key + "=", StringComparison.Ordinal)) return part[(key.Length + 1)..];
        throw new IOException($"no {key} in the engine's line '{line}'");
    }

    /// <summary>exchange-gateway in front of the engine: one order-entry FIX session per load session, on a free port.
    /// The load's FIX symbols are what the gateway takes from the engine: names and decimals of the engine's config.</summary>
    private void StartGateway(E2eOptions options, string scratch, string engineConfig)
    {
        var (file, prefix) = Executable(options.GatewayExecutable, "exchange-gateway");
        foreach (var symbol in FixSymbolsOf(engineConfig)) FixSymbols[symbol.Id] = symbol.Fix;
        var settings = new System.Text.StringBuilder();
        settings.AppendLine("[DEFAULT]\nConnectionType=acceptor\nBeginString=FIX.4.4\nSenderCompID=EXCH\nSocketAcceptPort=0");
        // The harness's own gateway on loopback: its load sessions log on without a password (the gateway refuses a
        // session without credentials unless told so explicitly, as here).
        settings.AppendLine($"FileStorePath={Path.Combine(scratch, "fix-store")}\nHeartBtInt=30\nCancelOnDisconnect=Y\nAllowNoPassword=Y");
        // The logon is not what a run measures: its sessions get longer than the gateway's 2 s default (meant to bound what
        // a stranger's connection costs) to send their Logon, which a loaded 2-core machine has exceeded after a TLS handshake.
        settings.AppendLine("LogonTimeout=10");
        // Loopback in plain TCP unless the run measures FIX over TLS, with a certificate made for it.
        if (options.FixTls)
        {
            FixTlsAuthority = FixTlsCertificates.Write(Path.Combine(scratch, "fix-tls"), out string certificate, out string key);
            settings.AppendLine($"Transport=tls\nTlsCertificateFile={certificate}\nTlsPrivateKeyFile={key}");
        }
        else
        {
            settings.AppendLine("Transport=tcp");
        }
        for (int i = 0; i < ApiKeys.Length; i++)
            settings.AppendLine($"[SESSION]\nTargetCompID=PERF{i + 1}\nApiKey={ApiKeys[i]}");
        string settingsPath = Path.Combine(scratch, "sessions.cfg");
        File.WriteAllText(settingsPath, settings.ToString());
        _gateway = ChildProcesses.Start(file, [.. prefix, "--settings", settingsPath, "--engine", Channel, "--idle", options.GatewayIdle ?? IdlePlan.Shared]);
        string? line;
        while ((line = _gateway.StandardOutput.ReadLine()) != null && !line.StartsWith("listening ", StringComparison.Ordinal)) { }
        if (line == null) throw new IOException($"the gateway did not start: {_gateway.StandardError.ReadToEnd()}");
        GatewayPort = int.Parse(line.Split(' ').First(p => p.StartsWith("port=", StringComparison.Ordinal))[5..], System.Globalization.CultureInfo.InvariantCulture);
        var g = _gateway;
        OutputReader.Start(g.StandardOutput, null);
        OutputReader.Start(g.StandardError, l => { lock (_stderr) _stderr.Add("gateway: " + l); });
        Description += $", behind exchange-gateway (FIX 4.4{(options.FixTls ? " over TLS" : "")}, idle {options.GatewayIdle ?? IdlePlan.Shared})";
    }

    /// <summary>exchange-web in front of the engine: one web account per load session (subject perfN, the session's
    /// engine account), tokens checked with <see cref="WebSecret"/> (in a key file of the scratch directory), its limits
    /// raised out of the load's way; the port goes to <see cref="GatewayPort"/>.</summary>
    private void StartWeb(E2eOptions options, string scratch, string engineConfig)
    {
        var (file, prefix) = Executable(options.GatewayExecutable, "exchange-web");
        foreach (var symbol in FixSymbolsOf(engineConfig)) FixSymbols[symbol.Id] = symbol.Fix;
        string keyPath = Path.Combine(scratch, "web-hs256.key");
        File.WriteAllBytes(keyPath, WebSecret);
        var accounts = new JsonArray();
        for (int i = 0; i < ApiKeys.Length; i++)
            accounts.Add((JsonNode)new JsonObject { ["subject"] = $"perf{i + 1}", ["account"] = 9001 + i, ["apiKey"] = ApiKeys[i] });
        const long Unlimited = 1_000_000_000;
        var config = new JsonObject
        {
            ["engines"] = new JsonArray((JsonNode)new JsonObject { ["channel"] = Channel }),
            ["listen"] = "http://127.0.0.1:0",
            ["accounts"] = accounts,
            ["jwt"] = new JsonObject { ["hs256KeyFile"] = keyPath },
            ["limits"] = new JsonObject
            {
                ["messagesPerSecond"] = Unlimited, ["messageBurst"] = Unlimited, ["ordersPerSecond"] = Unlimited, ["orderBurst"] = Unlimited,
                ["privateQueueFrames"] = 1 << 24,
            },
        };
        string configPath = Path.Combine(scratch, "web.json");
        File.WriteAllText(configPath, config.ToJsonString());
        _gateway = ChildProcesses.Start(file, [.. prefix, "--config", configPath]);
        string? line;
        while ((line = _gateway.StandardOutput.ReadLine()) != null && !line.StartsWith("listening ", StringComparison.Ordinal)) { }
        if (line == null) throw new IOException($"exchange-web did not start: {_gateway.StandardError.ReadToEnd()}");
        GatewayPort = int.Parse(line.Split(' ').First(p => p.StartsWith("port=", StringComparison.Ordinal))[5..], System.Globalization.CultureInfo.InvariantCulture);
        var g = _gateway;
        OutputReader.Start(g.StandardOutput, null);
        OutputReader.Start(g.StandardError, l => { lock (_stderr) _stderr.Add("web: " + l); });
        Description += ", behind exchange-web (JSON over WebSocket)";
    }

    public string RecentErrors()
    {
        var lines = new List<string>();
        if (_primary != null) lines.AddRange(_primary.StderrSince(0).TakeLast(20));
        foreach (var standby in _standbys) lines.AddRange(standby.StderrSince(0).TakeLast(5).Select(l => $"{standby.Name}: {l}"));
        lock (_stderr) lines.AddRange(_stderr.TakeLast(20));
        return string.Join('\n', lines);
    }

    public bool HasExited => _primary?.Process.HasExited ?? false;

    /// <summary>The processes this run started (engine, standbys, gateway), by name, for their CPU.</summary>
    public IEnumerable<(string Name, Process Process)> Processes
    {
        get
        {
            if (_primary != null) yield return ("engine", _primary.Process);
            foreach (var standby in _standbys) yield return (standby.Name, standby.Process);
            if (_gateway != null) yield return ("gateway", _gateway);
        }
    }

    /// <summary>CPU time used so far by each process of the run and by this one ("harness"); a process that has ended is left out.</summary>
    public Dictionary<string, TimeSpan> CpuTimes()
    {
        var times = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (name, process) in Processes.Append(("harness", Process.GetCurrentProcess())))
        {
            try
            {
                process.Refresh();
                times[name] = process.TotalProcessorTime;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException) { }
        }
        return times;
    }

    /// <summary>Stops a started engine in order (SIGTERM, as an operator would), then its standbys (after it, so they
    /// miss nothing it journaled), and removes the journals.</summary>
    public void Dispose()
    {
        if (_gateway != null)
        {
            if (!_gateway.HasExited)
            {
                ChildProcesses.Terminate(_gateway);
                if (!_gateway.WaitForExit(10_000)) ChildProcesses.KillGroup(_gateway);
            }
            _gateway.Dispose();
        }
        _primary?.Stop();
        foreach (var standby in _standbys) standby.Stop();
        foreach (var (_, _, proxy) in _replicas) proxy?.Dispose();
        // An engine stopped in order leaves nothing in its ipc channel's directory; one that had to be killed leaves its lock.
        if (_ipcDirectory != null)
        {
            try { Directory.Delete(_ipcDirectory, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        if (_scratch != null)
        {
            try { Directory.Delete(_scratch, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>An exchange-engine child (the primary or a standby) and its output, kept line by line: read on background
    /// threads once it listens, so its status lines never block it.</summary>
    private sealed class EngineChild(string name, Process process)
    {
        private readonly List<string> _stdout = [], _stderr = [];
        private readonly List<Thread> _readers = [];
        private bool _stopped;

        public string Name { get; } = name;
        public Process Process { get; } = process;
        public string? StoppedLine { get; private set; }
        /// <summary>Its 'stages …' line at the stop: where sampled commands spent their time inside it.</summary>
        public string? StagesLine { get; private set; }
        public int? ExitCode { get; private set; }

        public int StdoutCount { get { lock (_stdout) return _stdout.Count; } }

        /// <summary>Reads its output up to its 'listening …' line (returned), then keeps reading in the background.</summary>
        public string WaitForListening(TimeSpan startup)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var next = Process.StandardOutput.ReadLineAsync();
                string? line = next.Wait(startup - waited.Elapsed is { Ticks: > 0 } left ? left : TimeSpan.Zero) ? next.Result : null;
                if (line == null)
                {
                    ChildProcesses.KillGroup(Process);
                    string errors = Process.StandardError.ReadToEnd().Trim();
                    string who = Name == "engine" ? "the engine" : $"{Name} (a standby engine)";
                    throw new IOException(waited.Elapsed >= startup
                        ? $"{who} did not start within {startup.TotalSeconds:0} s{(errors.Length > 0 ? ": " + errors : "")}"
                        : $"{who} did not start: {errors}");
                }
                if (!line.StartsWith("listening ", StringComparison.Ordinal)) continue;
                var p = Process;
                _readers.Add(OutputReader.Start(p.StandardOutput, l => { lock (_stdout) _stdout.Add(l); }, $"{Name}-stdout", start: false));
                _readers.Add(OutputReader.Start(p.StandardError, l => { lock (_stderr) _stderr.Add(l); }, $"{Name}-stderr", start: false));
                foreach (var reader in _readers) reader.Start();
                return line;
            }
        }

        public string[] StdoutSince(int mark) { lock (_stdout) return _stdout.Skip(mark).ToArray(); }

        public string[] StderrSince(int mark) { lock (_stderr) return _stderr.Skip(mark).ToArray(); }

        public bool ErrorsContain(string text) { lock (_stderr) return _stderr.Exists(l => l.Contains(text, StringComparison.Ordinal)); }

        /// <summary>Its last status line after line <paramref name="mark"/> of its output, if any.</summary>
        public string? LastStatus(int mark)
        {
            lock (_stdout)
                for (int i = _stdout.Count - 1; i >= mark; i--)
                    if (_stdout[i].StartsWith("status ", StringComparison.Ordinal)) return _stdout[i];
            return null;
        }

        public void Stop()
        {
            if (_stopped) return;
            _stopped = true;
            if (!Process.HasExited)
            {
                ChildProcesses.Terminate(Process);
                if (!Process.WaitForExit(30_000)) ChildProcesses.KillGroup(Process);
            }
            Process.WaitForExit();
            // Its last lines (the 'stopped …' one) are read once the readers have reached the end of its output.
            foreach (var reader in _readers) reader.Join(TimeSpan.FromSeconds(10));
            ExitCode = Process.ExitCode;
            lock (_stdout)
            {
                StoppedLine = _stdout.LastOrDefault(l => l.StartsWith("stopped ", StringComparison.Ordinal));
                StagesLine = _stdout.LastOrDefault(l => l.StartsWith("stages ", StringComparison.Ordinal));
            }
            Process.Dispose();
        }
    }

    /// <summary>exchange-engine next to this executable: the native one, or its .dll through the dotnet host.</summary>
    private static (string File, string[] Prefix) Executable(E2eOptions options) => Executable(options.EngineExecutable, "exchange-engine");

    internal static (string File, string[] Prefix) ExecutableOf(string? given, string name) => Executable(given, name);

    internal static string RunOnce((string File, string[] Prefix) exe, string argument) => Run(exe, argument);

    internal static (string File, string[] Prefix) Executable(string? given, string name)
    {
        if (given != null) return (given, []);
        string dir = AppContext.BaseDirectory;
        string native = Path.Combine(dir, name);
        if (File.Exists(native)) return (native, []);
        string dll = Path.Combine(dir, name + ".dll");
        if (File.Exists(dll)) return (Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet", [dll]);
        throw new UsageException($"no {name} next to {dir} (give its path with --{(name switch { "exchange-engine" => "engine", "exchange-export" => "exporter", "exchange-stream" => "stream", _ => "gateway" })}-exe)");
    }

    private static string PrintConfig((string File, string[] Prefix) exe) => Run(exe, "--print-config");

    private static string Run((string File, string[] Prefix) exe, string argument)
    {
        using var p = ChildProcesses.Start(exe.File, [.. exe.Prefix, argument]);
        string text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new IOException($"{exe.File} {argument} failed: {p.StandardError.ReadToEnd()}");
        return text;
    }

    /// <summary>Each symbol of an engine config as a broker writes it over FIX: its name, and the decimals its assets and
    /// lot size give (as the engine's reference data tells the gateway).</summary>
    internal static List<(int Id, FixSymbol Fix)> FixSymbolsOf(string configJson)
    {
        using var doc = JsonDocument.Parse(configJson);
        var decimals = new Dictionary<int, int>();
        foreach (var asset in doc.RootElement.GetProperty("assets").EnumerateArray())
            decimals[asset.GetProperty("id").GetInt32()] = asset.TryGetProperty("decimals", out var d) ? d.GetInt32() : 0;
        var symbols = new List<(int, FixSymbol)>();
        foreach (var symbol in doc.RootElement.GetProperty("symbols").EnumerateArray())
        {
            var spec = symbol.GetProperty("spec");
            string name = symbol.GetProperty("name").GetString()!;
            int id = spec.GetProperty("id").GetInt32(), baseAsset = spec.GetProperty("baseAsset").GetInt32();
            var reference = new SymbolReference(name,
                new SymbolSpec(id, baseAsset, spec.GetProperty("quoteAsset").GetInt32(), 0, spec.GetProperty("lotSize").GetInt64(), 0, 0, 0, 0, 0, 0, 0),
                SymbolStatus.Open, "", decimals.GetValueOrDefault(baseAsset), "", decimals.GetValueOrDefault(spec.GetProperty("quoteAsset").GetInt32()));
            if (reference.PriceDecimals is int priceDecimals) symbols.Add((id, new FixSymbol(name, priceDecimals, reference.QuantityDecimals)));
        }
        return symbols;
    }

    /// <summary>The symbols to trade, from the engine's config: each one's reference price is the generator's middle.</summary>
    internal static SymbolMarket[] MarketsOf(string configJson, int[] only)
    {
        using var doc = JsonDocument.Parse(configJson);
        var all = new List<SymbolMarket>();
        foreach (var symbol in doc.RootElement.GetProperty("symbols").EnumerateArray())
        {
            var spec = symbol.GetProperty("spec");
            all.Add(new SymbolMarket(spec.GetProperty("id").GetInt32(), spec.GetProperty("referencePrice").GetInt64(),
                spec.GetProperty("tickSize").GetInt64(), spec.GetProperty("lotSize").GetInt64()));
        }
        if (only.Length == 0) return all.ToArray();
        return only.Select(id => all.Find(m => m.Id == id) is { Id: > 0 } m ? m : throw new UsageException($"--symbols: symbol {id} is not in the engine's config")).ToArray();
    }
}
