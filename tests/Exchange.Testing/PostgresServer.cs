// A real PostgreSQL for a test, started by the project's own script (ops/servers/postgres.sh: installs it if missing,
// creates the cluster, runs as the postgres user under root) on a free loopback port in a temporary directory; it dies
// with the test. It can be crashed (pg_ctl stop -m immediate) and started again on the same data and port.
using System.Net.Sockets;

namespace Exchange.Testing;

public sealed class PostgresServer : IDisposable
{
    private readonly TempDirectory _data = new("postgres-");
    private ChildProcess? _process;

    public PostgresServer()
    {
        Port = Ports.FreeTcp();
        Start();
    }

    public int Port { get; }

    /// <summary>For Npgsql: the cluster's superuser on its "exchange" database, trusted on loopback (no password).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database=exchange;Username=exchange";

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException("PostgreSQL is already running");
        _process?.Dispose();
        _process = ChildProcess.Start(Script(), [_data.Path, Port.ToString()], name: "postgres");
        var process = _process;
        Eventually.True(() =>
        {
            if (process.HasExited) throw new InvalidOperationException($"postgres exited ({process.ExitCode}): {process.Stderr}");
            return process.Stderr.Contains("database system is ready to accept connections", StringComparison.Ordinal) && Accepts();
        }, "PostgreSQL accepts connections", TimeSpan.FromSeconds(120));
    }

    /// <summary>pg_ctl stop in <paramref name="mode"/>: "immediate" is a crash (no checkpoint; recovery replays the WAL
    /// at the next start), "fast" a clean shutdown.</summary>
    public void Stop(string mode = "fast")
    {
        var stop = ChildProcess.Run(ChildProcess.Start(Script(), ["stop", _data.Path, mode], name: "pg_ctl"), TimeSpan.FromSeconds(60));
        if (stop.ExitCode != 0) throw new InvalidOperationException($"pg_ctl stop -m {mode}: {stop}");
        if (_process != null && !_process.WaitForExit(TimeSpan.FromSeconds(30))) throw new TimeoutException("postgres did not exit after pg_ctl stop");
    }

    /// <summary>Runs SQL through psql on <paramref name="database"/> and returns what it printed (unaligned, tuples only).</summary>
    public string Sql(string sql, string database = "exchange")
    {
        var psql = ChildProcess.Run(ChildProcess.Start("psql", ["-h", "127.0.0.1", "-p", Port.ToString(), "-U", "exchange", "-d", database,
            "-v", "ON_ERROR_STOP=1", "-At", "-c", sql], name: "psql"), TimeSpan.FromSeconds(60));
        if (psql.ExitCode != 0) throw new InvalidOperationException($"psql -c \"{sql}\": {psql}");
        return psql.Stdout.Trim();
    }

    private bool Accepts()
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect("127.0.0.1", Port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>ops/servers/postgres.sh of the checkout this test was built from.</summary>
    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string script = Path.Combine(dir.FullName, "ops", "servers", "postgres.sh");
            if (File.Exists(script)) return script;
        }
        throw new InvalidOperationException($"no ops/servers/postgres.sh above {AppContext.BaseDirectory}");
    }

    public void Dispose()
    {
        _process?.Dispose();
        _data.Dispose();
    }
}
