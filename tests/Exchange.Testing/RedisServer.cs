// A real Redis for a test, started by the project's own script (ops/servers/redis.sh: installs it if missing, writes its
// config) on a free loopback port in a temporary directory; it dies with the test. It can be killed (SIGKILL, no chance
// to save) and started again on the same data and port.
using System.Net.Sockets;

namespace Exchange.Testing;

public sealed class RedisServer : IDisposable
{
    private readonly TempDirectory _data = new("redis-");
    private ChildProcess? _process;

    public RedisServer()
    {
        Port = Ports.FreeTcp();
        Start();
    }

    public int Port { get; }

    /// <summary>For StackExchange.Redis.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException("Redis is already running");
        _process?.Dispose();
        _process = ChildProcess.Start(ServerScripts.Path("redis.sh"), [_data.Path, Port.ToString()], name: "redis");
        var process = _process;
        Eventually.True(() =>
        {
            if (process.HasExited) throw new InvalidOperationException($"redis exited ({process.ExitCode}): {process.Stdout}\n{process.Stderr}");
            return Accepts() && Cli("PING") == "PONG";
        }, "Redis answers PING", TimeSpan.FromSeconds(120));
    }

    /// <summary>SIGKILL: whatever Redis had not written to its append-only file is gone.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>Runs one command through redis-cli and returns what it printed.</summary>
    public string Cli(params string[] command)
    {
        var cli = ChildProcess.Run(ChildProcess.Start("redis-cli", ["-h", "127.0.0.1", "-p", Port.ToString(), .. command], name: "redis-cli"), TimeSpan.FromSeconds(60));
        if (cli.ExitCode != 0) throw new InvalidOperationException($"redis-cli {string.Join(' ', command)}: {cli}");
        return cli.Stdout.Trim();
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

    public void Dispose()
    {
        _process?.Dispose();
        _data.Dispose();
    }
}
