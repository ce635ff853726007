// Real child processes for the system tests: the engine and the example market maker, started through the
// dotnet host from this test's output folder, with their stdout lines collected for the test to wait on.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Exchange.System.Tests;

internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    public ChildProcess(string dll, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (string arg in args) info.ArgumentList.Add(arg);
        _process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {dll}");
        _process.OutputDataReceived += (_, e) => { if (e.Data != null) _lines.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) _stderr.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public string Stderr => string.Join('\n', _stderr);

    /// <summary>The next stdout line starting with <paramref name="prefix"/> (earlier lines are skipped).</summary>
    public string WaitForLine(string prefix, TimeSpan timeout) => WaitForLine(prefix, timeout, _ => true);

    /// <summary>The next stdout line starting with <paramref name="prefix"/> that satisfies <paramref name="match"/>.</summary>
    public string WaitForLine(string prefix, TimeSpan timeout, Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.TryTake(out string? line, TimeSpan.FromMilliseconds(50)))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal) && match(line)) return line;
            }
            else if (_process.HasExited && _lines.Count == 0)
            {
                throw new InvalidOperationException($"process exited ({_process.ExitCode}) before printing '{prefix}': {Stderr}");
            }
        }
        throw new TimeoutException($"no '{prefix}' line within {timeout}; stderr: {Stderr}");
    }

    /// <summary>SIGKILL: the process gets no chance to flush or clean up.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, then wait for the exit.</summary>
    public bool Terminate(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) kill.WaitForExit();
        return _process.WaitForExit(timeout);
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }

    /// <summary>A UDP port free right now on loopback.</summary>
    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>key=value from a status line such as 'status sequence=12 stateHash=ab…'.</summary>
    public static string Field(string line, string key)
    {
        foreach (string part in line.Split(' '))
            if (part.StartsWith(key + "=", StringComparison.Ordinal)) return part[(key.Length + 1)..];
        throw new KeyNotFoundException($"no {key} in '{line}'");
    }
}

internal sealed class EngineProcess : IDisposable
{
    public readonly ChildProcess Process;
    public readonly int Port;
    public readonly string Journal;
    public readonly string ListenLine;

    public EngineProcess(int shardId, string symbols, string journal, int port = 0, string durability = "batch")
    {
        Port = port == 0 ? ChildProcess.FreeUdpPort() : port;
        Journal = journal;
        Process = new ChildProcess("exchange-engine.dll",
        [
            "--shard-id", shardId.ToString(), "--symbols", symbols, "--journal", journal, "--durability", durability,
            "--listen", Channel(Port), "--idle", "backoff",
        ]);
        ListenLine = Process.WaitForLine("listening", TimeSpan.FromSeconds(30));
    }

    public static string Channel(int port) => $"aeron:udp?endpoint=127.0.0.1:{port}|term-length=1m";

    public string ChannelUri => Channel(Port);

    public string StateHashAtStart => ChildProcess.Field(ListenLine, "stateHash");

    public void Dispose() => Process.Dispose();
}
