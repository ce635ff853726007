// The engine as a real child process for the system tests.
using Exchange.Testing;

namespace Exchange.System.Tests;

internal sealed class EngineProcess : IDisposable
{
    public readonly ChildProcess Process;
    public readonly int Port;
    public readonly string Journal;
    public readonly string ListenLine;

    public EngineProcess(int shardId, string symbols, string journal, int port = 0, string durability = "batch", IEnumerable<string>? extra = null,
        string? mountScript = null)
    {
        Port = port == 0 ? Ports.FreeUdp() : port;
        Journal = journal;
        Process = Start(Arguments(shardId, symbols, journal, Port, durability, extra), mountScript);
        ListenLine = Process.WaitForLine("listening");
    }

    public static List<string> Arguments(int shardId, string symbols, string journal, int port, string durability = "batch", IEnumerable<string>? extra = null) =>
    [
        "--shard-id", shardId.ToString(), "--symbols", symbols, "--journal", journal, "--durability", durability,
        "--listen", Channel(port), "--idle", "backoff", .. extra ?? [],
    ];

    /// <summary>Starts the engine with <paramref name="args"/>; with <paramref name="mountScript"/>, inside a mount
    /// namespace of its own where that shell script runs first (to mount a tiny or read-only file system, say).</summary>
    public static ChildProcess Start(IEnumerable<string> args, string? mountScript = null)
    {
        if (mountScript == null) return ChildProcess.StartDll("exchange-engine.dll", args);
        string dll = Path.Combine(AppContext.BaseDirectory, "exchange-engine.dll");
        string command = string.Join(' ', new[] { ChildProcess.DotnetHost, dll }.Concat(args).Select(Quote));
        return ChildProcess.Start("unshare", ["--user", "--map-root-user", "--mount", "setpriv", "--pdeathsig", "KILL", "--",
            "sh", "-c", $"set -e; {mountScript}; exec {command}"], name: "exchange-engine");
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    public static string Channel(int port) => $"aeron:udp?endpoint=127.0.0.1:{port}|term-length=1m";

    public string ChannelUri => Channel(Port);

    public string StateHashAtStart => StatusLines.Field(ListenLine, "stateHash");

    /// <summary>The engine's resident memory, from /proc.</summary>
    public long ResidentBytes
    {
        get
        {
            foreach (string line in File.ReadLines($"/proc/{Process.Id}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            throw new InvalidOperationException("no VmRSS");
        }
    }

    public void Dispose() => Process.Dispose();
}
