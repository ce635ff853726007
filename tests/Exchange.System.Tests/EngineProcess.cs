// The engine as a real child process for the system tests, and how to read its status lines.
using Exchange.Testing;

namespace Exchange.System.Tests;

internal static class Lines
{
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
        Port = port == 0 ? Ports.FreeUdp() : port;
        Journal = journal;
        Process = ChildProcess.StartDll("exchange-engine.dll",
        [
            "--shard-id", shardId.ToString(), "--symbols", symbols, "--journal", journal, "--durability", durability,
            "--listen", Channel(Port), "--idle", "backoff",
        ]);
        ListenLine = Process.WaitForLine("listening");
    }

    public static string Channel(int port) => $"aeron:udp?endpoint=127.0.0.1:{port}|term-length=1m";

    public string ChannelUri => Channel(Port);

    public string StateHashAtStart => Lines.Field(ListenLine, "stateHash");

    public void Dispose() => Process.Dispose();
}
