// The floor a run's round trip is set beside: a bare transport ping-pong (exchange-stream ping and pong, two processes
// as the client and the engine are) on the same media and with the engine's idle strategy, measured in the same
// sitting just before the runs. What the round trip takes above it is the engine, the client library, the gateway where
// there is one, and (at the run's rate) queueing; what it shares with it is the transport and the wake-ups.
using System.Text.Json;

namespace Exchange.Perf.E2e;

public sealed record FloorResult(string Media, string Idle, long Messages, double P50Us, double P90Us, double P99Us)
{
    /// <summary>Set instead of the figures when the ping-pong could not be run.</summary>
    public string? Failure { get; init; }
}

internal static class TransportFloor
{
    public const long WarmupMessages = 20_000, Messages = 100_000;

    public static FloorResult Measure(E2eOptions options, TextWriter progress)
    {
        string media = options.Client == "binary" ? options.Media : "udp";
        string idle = options.EngineIdle ?? "backoff";
        var exe = EngineUnderTest.ExecutableOf(options.StreamExecutable, "exchange-stream");
        string ping, pong;
        if (media == "ipc")
        {
            ping = $"aeron:ipc?name=floor-ping-{Environment.ProcessId}";
            pong = $"aeron:ipc?name=floor-pong-{Environment.ProcessId}";
        }
        else
        {
            ping = $"aeron:udp?endpoint=127.0.0.1:{FreeUdpPort()}|term-length=1m";
            pong = $"aeron:udp?endpoint=127.0.0.1:{FreeUdpPort()}|term-length=1m";
        }
        progress.WriteLine($"e2e floor: exchange-stream ping/pong over {media}, idle {idle}, {Messages:N0} round trips");
        using var ponger = ChildProcesses.Start(exe.File, [.. exe.Prefix, "pong", "--ping-channel", ping, "--pong-channel", pong, "--idle", idle]);
        try
        {
            using var pinger = ChildProcesses.Start(exe.File, [.. exe.Prefix, "ping", "--ping-channel", ping, "--pong-channel", pong, "--idle", idle,
                "--warmup-messages", WarmupMessages.ToString(), "--messages", Messages.ToString(), "--connect-timeout", "10000", "--json"]);
            var stderr = pinger.StandardError.ReadToEndAsync();
            string stdout = pinger.StandardOutput.ReadToEnd();
            if (!pinger.WaitForExit(TimeSpan.FromSeconds(120))) ChildProcesses.KillGroup(pinger);
            if (pinger.ExitCode != 0)
                return new FloorResult(media, idle, 0, 0, 0, 0) { Failure = $"exchange-stream ping exited {pinger.ExitCode}: {stderr.Result.Trim()}" };
            using var json = JsonDocument.Parse(stdout);
            var root = json.RootElement;
            return new FloorResult(media, idle, root.GetProperty("messages").GetInt64(),
                root.GetProperty("p50Us").GetDouble(), root.GetProperty("p90Us").GetDouble(), root.GetProperty("p99Us").GetDouble());
        }
        finally
        {
            ChildProcesses.Terminate(ponger);
            if (!ponger.WaitForExit(TimeSpan.FromSeconds(5))) ChildProcesses.KillGroup(ponger);
        }
    }

    private static int FreeUdpPort()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
