// The real processes a web test runs, as children that die with the test: an engine in memory on the built-in demo
// shard, and exchange-web on a config written for the test: two web accounts (alice → 3001, bob → 2002), an HS256
// secret given through the environment and an RS256 public key in a file, and the limits the test asks for.
using System.Security.Cryptography;
using System.Text.Json;
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class WebProcesses : IDisposable
{
    public const string Hs256Secret = "a-test-secret-of-more-than-thirty-two-bytes";
    private readonly TempDirectory _dir = new("web-tests-");
    private ChildProcess _engine;
    private readonly string? _journal;
    private readonly string? _engineConfig;
    private readonly ChildProcess _web;

    /// <summary>The RSA key pair RS256 test tokens are signed with; exchange-web gets the public half in a file.</summary>
    public static readonly RSA Rsa = RSA.Create(2048);

    /// <param name="journal">Journal the engine's inputs (so it can be restarted with its state) instead of running in memory.</param>
    /// <param name="beforeWeb">Runs once the engine listens and before exchange-web starts, given the engine's channel.</param>
    /// <param name="engineConfig">A shard config for the engine (null: its built-in demo config).</param>
    public WebProcesses(string limitsJson = "{}", bool devTokens = false, bool withKeys = true, bool journal = false, int operatorPort = 0,
        Action<string>? beforeWeb = null, Dictionary<string, string>? webEnvironment = null, string? engineConfig = null)
    {
        _journal = journal ? _dir.Combine("journal") : null;
        _engineConfig = engineConfig;
        _engine = StartEngine(0);
        try
        {
            EnginePort = PortOf(_engine.WaitForLine("listening "));
            beforeWeb?.Invoke(EngineChannel);
            string pem = _dir.Combine("rs256.pem");
            File.WriteAllText(pem, Rsa.ExportSubjectPublicKeyInfoPem());
            string config = _dir.Combine("web.json");
            File.WriteAllText(config, $$"""
                {
                  "engines": [ { "channel": "aeron:udp?endpoint=127.0.0.1:{{EnginePort}}" } ],
                  "listen": "http://127.0.0.1:0",{{(operatorPort != 0 ? $"\n  \"operatorListen\": \"127.0.0.1:{operatorPort}\"," : "")}}
                  "accounts": [
                    { "subject": "alice", "account": 3001, "apiKey": "web-3001-key" },
                    { "subject": "bob", "account": 2002, "apiKey": "broker-2002-key" }
                  ],
                  "jwt": { {{(withKeys ? $"\"rs256PublicKeyFile\": {JsonSerializer.Serialize(pem)}" : "")}} },
                  "devTokens": {{(devTokens ? "true" : "false")}},
                  "limits": {{limitsJson}}
                }
                """);
            var environment = new Dictionary<string, string> { ["EXCHANGE_COUNTERS_DIR"] = CountersDirectory };
            if (withKeys) environment["EXCHANGE_WEB_JWT_HS256_KEY"] = Hs256Secret;
            foreach (var (name, value) in webEnvironment ?? []) environment[name] = value;
            // EXCHANGE_WEB_BINARY runs these tests against a published native executable instead of the built dll.
            _web = Environment.GetEnvironmentVariable("EXCHANGE_WEB_BINARY") is { Length: > 0 } binary
                ? ChildProcess.Start(binary, ["--config", config], environment)
                : ChildProcess.StartDll("exchange-web.dll", ["--config", config], environment);
            try { Port = PortOf(_web.WaitForLine("listening ")); }
            catch
            {
                _web.Dispose();
                throw;
            }
        }
        catch
        {
            _engine.Dispose();
            _dir.Dispose();
            throw;
        }
    }

    public int EnginePort { get; }
    /// <summary>The engine's journal directory (with journal: true).</summary>
    public string? JournalDirectory => _journal;
    /// <summary>Where exchange-web publishes its counters.</summary>
    public string CountersDirectory => _dir.Combine("counters");

    /// <summary>The value of exchange-web's counter <paramref name="name"/>.</summary>
    public long Counter(string name)
    {
        var readers = CountersReader.OpenAll(CountersDirectory);
        try { return readers.Single(r => r.ProcessName == "exchange-web").Read().Single(c => c.Name == name).Value; }
        finally { foreach (var r in readers) r.Dispose(); }
    }
    public int Port { get; }
    public string EngineChannel => $"aeron:udp?endpoint=127.0.0.1:{EnginePort}";
    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/ws");
    public ChildProcess Web => _web;

    private ChildProcess StartEngine(int port) => ChildProcess.StartDll("exchange-engine.dll",
        ["--listen", $"aeron:udp?endpoint=127.0.0.1:{port}", "--idle", "backoff", .. _journal == null ? new[] { "--in-memory" } : ["--journal", _journal],
            .. _engineConfig == null ? Array.Empty<string>() : ["--config", _engineConfig]]);

    /// <summary>Kills the engine outright (SIGKILL: no logout, no snapshot).</summary>
    public void KillEngine() => _engine.Kill();

    /// <summary>Starts the engine again on its port and journal; returns once it listens.</summary>
    public void RestartEngine()
    {
        _engine.Dispose();
        _engine = StartEngine(EnginePort);
        _engine.WaitForLine("listening ");
    }

    public static int PortOf(string line) =>
        int.Parse(line.Split(' ').First(p => p.StartsWith("port=", StringComparison.Ordinal))[5..], System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _web.Dispose();
        _engine.Dispose();
        _dir.Dispose();
    }
}

/// <summary>One engine and one exchange-web with the default limits, shared by the tests of a class.</summary>
public sealed class WebFixture : IDisposable
{
    public WebProcesses Processes { get; } = new();
    public void Dispose() => Processes.Dispose();
}
