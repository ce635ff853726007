// The engine an e2e run measures: an exchange-engine process this harness starts (on a free loopback port, a fresh
// journal, one account per session) and stops with SIGTERM, or one already running that it only connects to.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Exchange.Hosting;

namespace Exchange.Perf.E2e;

public sealed class EngineUnderTest : IDisposable
{
    private readonly Process? _process;
    private Process? _gateway;
    private readonly string? _scratch;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private EngineUnderTest(string channel, string[] apiKeys, SymbolMarket[] markets, Process? process, string? scratch, string description)
    {
        Channel = channel;
        ApiKeys = apiKeys;
        Markets = markets;
        _process = process;
        _scratch = scratch;
        Description = description;
    }

    public string Channel { get; private set; }
    public string[] ApiKeys { get; }
    public SymbolMarket[] Markets { get; }
    public string Description { get; private set; }
    /// <summary>With --client fix: the gateway's FIX port, its session CompIDs (PERF1..N) and its symbols by engine id.</summary>
    public int GatewayPort { get; private set; }
    public Dictionary<int, FixSymbol> FixSymbols { get; } = [];
    /// <summary>The engine's 'stopped …' line after <see cref="Dispose"/> (final sequence and state hash), if it printed one.</summary>
    public string? StoppedLine { get; private set; }
    public int? ExitCode { get; private set; }

    public static EngineUnderTest Attach(E2eOptions options)
    {
        string config = options.EngineConfig != null ? File.ReadAllText(options.EngineConfig) : PrintConfig(Executable(options));
        return new EngineUnderTest(options.EngineChannel!, options.ApiKeys, MarketsOf(config, options.Symbols), null, null,
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
        // The harness's streams use 16 MiB terms (as Aeron's default), beyond the engine's default limit for clients.
        config["limits"]!["maxTermLength"] = 16 << 20;
        var engine = config["engine"]!.AsObject();
        long orders = Math.Max(engine["maxOrders"]!.GetValue<long>(), Math.Min(1L << 24, options.TotalCommands + 1024));
        engine["maxOrders"] = orders;
        engine["maxOpenOrdersPerAccount"] = orders;

        string scratch = Directory.CreateTempSubdirectory("exchange-perf-e2e-").FullName;
        string configPath = Path.Combine(scratch, "engine.json");
        File.WriteAllText(configPath, config.ToJsonString());
        var args = new List<string>(prefix)
        {
            "--config", configPath, "--listen", "aeron:udp?endpoint=127.0.0.1:0|term-length=16m",
            "--journal", Path.Combine(scratch, "journal"), "--durability", options.Durability, "--idle", options.EngineIdle ?? IdlePlan.Shared,
        };
        if (options.GroupCommitMicros is { } groupCommit)
            args.AddRange(["--group-commit-us", groupCommit.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (options.StallEvery > 0)
            args.AddRange(["--stall-every", options.StallEvery.ToString(), "--stall-us", options.StallMicros.ToString()]);
        var process = ChildProcesses.Start(file, args);
        var started = new EngineUnderTest("", keys, markets, process, scratch,
            $"exchange-engine started by the harness: durability {options.Durability}, idle {options.EngineIdle ?? IdlePlan.Shared}" +
            (options.GroupCommitMicros is { } gcu ? $", group commit {gcu} µs" : "") +
            (options.StallEvery > 0 ? $", stalling {options.StallMicros} µs every {options.StallEvery} commands" : ""));
        string? listening = null;
        // Generous: a JIT-compiled engine on a loaded 2-core machine can take many seconds to come up.
        var waited = Stopwatch.StartNew();
        var startup = TimeSpan.FromSeconds(120);
        while (listening == null)
        {
            var next = process.StandardOutput.ReadLineAsync();
            string? line = next.Wait(startup - waited.Elapsed is { Ticks: > 0 } left ? left : TimeSpan.Zero) ? next.Result : null;
            if (line == null)
            {
                ChildProcesses.KillGroup(process);
                string errors = process.StandardError.ReadToEnd().Trim();
                started.Dispose();
                throw new IOException(waited.Elapsed >= startup
                    ? $"the engine did not start within {startup.TotalSeconds:0} s{(errors.Length > 0 ? ": " + errors : "")}"
                    : $"the engine did not start: {errors}");
            }
            if (line.StartsWith("listening ", StringComparison.Ordinal)) listening = line;
        }
        string port = listening.Split(' ').First(p => p.StartsWith("port=", StringComparison.Ordinal))[5..];
        started.Channel = $"aeron:udp?endpoint=127.0.0.1:{port}|term-length=16m";
        started.DrainOutput();
        if (options.Client == "fix")
        {
            try { started.StartGateway(options, scratch, baseConfig); }
            catch
            {
                started.Dispose();
                throw;
            }
        }
        return started;
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
        new Thread(() => { while (g.StandardOutput.ReadLine() != null) { } }) { IsBackground = true }.Start();
        new Thread(() => { while (g.StandardError.ReadLine() is { } l) lock (_stderr) _stderr.Add("gateway: " + l); }) { IsBackground = true }.Start();
        Description += $", behind exchange-gateway (FIX 4.4, idle {options.GatewayIdle ?? IdlePlan.Shared})";
    }

    /// <summary>Keeps reading the engine's output on background threads so its status lines never block it.</summary>
    private void DrainOutput()
    {
        var p = _process!;
        new Thread(() => { while (p.StandardOutput.ReadLine() is { } line) lock (_stdout) _stdout.Add(line); }) { IsBackground = true, Name = "engine-stdout" }.Start();
        new Thread(() => { while (p.StandardError.ReadLine() is { } line) lock (_stderr) _stderr.Add(line); }) { IsBackground = true, Name = "engine-stderr" }.Start();
    }

    public string RecentErrors()
    {
        lock (_stderr) return string.Join('\n', _stderr.TakeLast(20));
    }

    public bool HasExited => _process?.HasExited ?? false;

    /// <summary>Stops a started engine in order (SIGTERM, as an operator would) and removes its journal.</summary>
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
        if (_process != null)
        {
            if (!_process.HasExited)
            {
                ChildProcesses.Terminate(_process);
                if (!_process.WaitForExit(30_000)) ChildProcesses.KillGroup(_process);
            }
            _process.WaitForExit();
            ExitCode = _process.ExitCode;
            lock (_stdout) StoppedLine = _stdout.LastOrDefault(l => l.StartsWith("stopped ", StringComparison.Ordinal));
            _process.Dispose();
        }
        if (_scratch != null)
        {
            try { Directory.Delete(_scratch, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>exchange-engine next to this executable: the native one, or its .dll through the dotnet host.</summary>
    private static (string File, string[] Prefix) Executable(E2eOptions options) => Executable(options.EngineExecutable, "exchange-engine");

    private static (string File, string[] Prefix) Executable(string? given, string name)
    {
        if (given != null) return (given, []);
        string dir = AppContext.BaseDirectory;
        string native = Path.Combine(dir, name);
        if (File.Exists(native)) return (native, []);
        string dll = Path.Combine(dir, name + ".dll");
        if (File.Exists(dll)) return (Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet", [dll]);
        throw new UsageException($"no {name} next to {dir} (give its path with --{(name == "exchange-engine" ? "engine" : "gateway")}-exe)");
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
