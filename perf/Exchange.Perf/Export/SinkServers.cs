// The servers `exchange-perf export` exports into, started by the project's own scripts (ops/servers/, found above
// this executable or given with --servers) on free loopback ports in a scratch directory, each a child process that
// dies with the harness: PostgreSQL (fsync on, as the tests run it), Redis (append-only file) and librdkafka's mock
// Kafka cluster (in memory). A fresh server per measurement, so every export starts from an empty sink.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Exchange.Hosting;

namespace Exchange.Perf.Export;

public sealed class SinkServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private SinkServer(string sink, Process process, string directory, string[] exporterArgs)
    {
        Sink = sink;
        _process = process;
        _directory = directory;
        ExporterArgs = exporterArgs;
    }

    public string Sink { get; }
    /// <summary>What exchange-export is given to write into it (--postgres CONNECTION, ...).</summary>
    public string[] ExporterArgs { get; }

    public static readonly string[] Sinks = ["postgres", "redis", "kafka"];
    private static int _started;

    public static SinkServer Start(string sink, string scratch, string? scriptsDirectory)
    {
        // A directory the script makes; PostgreSQL's owner (not root) must be able to pass through the scratch directory to it.
        string directory = Path.Combine(scratch, $"{sink}-{Interlocked.Increment(ref _started)}");
        File.SetUnixFileMode(scratch, File.GetUnixFileMode(scratch) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        int port = FreeTcpPort();
        string script = Script(sink switch { "postgres" => "postgres.sh", "redis" => "redis.sh", _ => "kafka-mock.sh" }, scriptsDirectory);
        string[] args = sink switch
        {
            "kafka" => [directory, "3", .. new[] { "trades", "orders", "ledger", "book" }.Select(t => $"exchange.{t}:6"), "exchange.export.position:1"],
            _ => [directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        };
        var process = ChildProcesses.Start(script, args);
        var lines = new System.Collections.Concurrent.BlockingCollection<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lines.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lines.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // PostgreSQL says when it is ready (a port that accepts may still be starting up), the mock cluster says where it is,
        // Redis is ready once it accepts.
        string ready = sink switch { "postgres" => "database system is ready to accept connections", "redis" => "Ready to accept connections", _ => "bootstrap " };
        var deadline = Stopwatch.StartNew();
        string? found = null;
        var seen = new List<string>();
        while (found == null)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(180) || process.HasExited && lines.Count == 0)
            {
                ChildProcesses.KillGroup(process);
                throw new IOException($"{Path.GetFileName(script)} did not come up: {string.Join(" | ", seen.TakeLast(5))}");
            }
            if (lines.TryTake(out var line, 200)) { seen.Add(line); if (line.Contains(ready, StringComparison.Ordinal)) found = line; }
            else if (sink == "redis" && Accepts(port)) found = "";
        }
        string[] exporter = sink switch
        {
            "postgres" => ["--postgres", $"Host=127.0.0.1;Port={port};Database=exchange;Username=exchange"],
            "redis" => ["--redis", $"127.0.0.1:{port}"],
            _ => ["--kafka", found[(found.IndexOf("bootstrap ", StringComparison.Ordinal) + "bootstrap ".Length)..].Trim(), "--kafka-partitions", "6"],
        };
        return new SinkServer(sink, process, directory, exporter);
    }

    private static string Script(string name, string? given)
    {
        if (given != null)
        {
            string path = Path.Combine(given, name);
            return File.Exists(path) ? path : throw new UsageException($"--servers: no {name} in {given}");
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string script = Path.Combine(dir.FullName, "ops", "servers", name);
            if (File.Exists(script)) return script;
        }
        throw new UsageException($"no ops/servers/{name} above {AppContext.BaseDirectory} (give the directory with --servers)");
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    private static int FreeTcpPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        ChildProcesses.Terminate(_process);
        if (!_process.WaitForExit(30_000)) ChildProcesses.KillGroup(_process);
        _process.WaitForExit();
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
