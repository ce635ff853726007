// exchange-stream run the way an operator runs it: each mode a real process (the built tool through the dotnet host),
// talking to the others over loopback UDP. Every process dies with its test (ChildProcess).
using System.Text.Json;
using Exchange.Testing;

namespace Exchange.Transport.Tests;

public class StreamToolTests
{
    private static ChildProcess Start(params string[] args) => ChildProcess.StartDll("exchange-stream.dll", args);

    private static string Channel(int port) => $"aeron:udp?endpoint=127.0.0.1:{port}";

    /// <summary>Waits for the process to end and returns its exit code and the JSON summary it printed last.</summary>
    private static (int ExitCode, JsonElement Summary) Finish(ChildProcess process)
    {
        Assert.True(process.WaitForExit(Timeouts.Process), $"{process.Name} did not finish; stderr:\n{process.Stderr}");
        string? last = process.StdoutLines.LastOrDefault(l => l.StartsWith('{'));
        Assert.True(last != null, $"{process.Name} printed no summary (exit {process.ExitCode}); stdout:\n{process.Stdout}\nstderr:\n{process.Stderr}");
        return (process.ExitCode, JsonDocument.Parse(last).RootElement.Clone());
    }

    [Fact]
    public void Pub_to_sub_delivers_every_message_in_order_and_ends_the_stream()
    {
        string channel = Channel(Ports.FreeUdp());
        // The publisher first: it repeats SETUP until a subscriber answers, as Aeron's does.
        using var pub = Start("pub", "--channel", channel, "--stream-id", "7", "--messages", "50000", "--length", "100", "--idle", "backoff", "--json");
        using var sub = Start("sub", "--channel", channel, "--stream-id", "7", "--messages", "50000", "--verify", "--idle", "backoff", "--json");

        var (pubExit, sent) = Finish(pub);
        var (subExit, received) = Finish(sub);
        Assert.Equal(0, pubExit);
        Assert.Equal(0, subExit);
        Assert.Equal(50_000, sent.GetProperty("messages").GetInt64());
        Assert.Equal(50_000, received.GetProperty("messages").GetInt64());
        Assert.Equal(50_000 * 100, received.GetProperty("bytes").GetInt64());
        Assert.Equal(0, received.GetProperty("outOfOrder").GetInt64());
        Assert.Equal(1, received.GetProperty("imagesEnded").GetInt32()); // the publisher ended its stream
    }

    [Fact]
    public void Ping_and_pong_report_round_trip_percentiles()
    {
        string[] channels = ["--ping-channel", Channel(Ports.FreeUdp()), "--pong-channel", Channel(Ports.FreeUdp())];
        using var pong = Start(["pong", .. channels, "--messages", "2200", "--idle", "backoff", "--json"]);
        using var ping = Start(["ping", .. channels, "--messages", "2000", "--warmup-messages", "200", "--idle", "backoff", "--json"]);

        var (pingExit, latency) = Finish(ping);
        var (pongExit, answers) = Finish(pong);
        Assert.Equal(0, pingExit);
        Assert.Equal(0, pongExit);
        Assert.Equal(2000, latency.GetProperty("messages").GetInt64());
        Assert.Equal(2200, answers.GetProperty("answered").GetInt64());
        double p50 = latency.GetProperty("p50Us").GetDouble(), p99 = latency.GetProperty("p99Us").GetDouble(), max = latency.GetProperty("maxUs").GetDouble();
        Assert.InRange(p50, 0.001, 1_000_000);
        Assert.InRange(p99, p50, max);
    }

    [Fact]
    public void Ping_and_pong_run_over_ipc_between_two_processes()
    {
        using var dir = new IpcDirectory();
        var environment = new Dictionary<string, string> { ["EXCHANGE_IPC_DIR"] = dir.Path };
        string[] channels = ["--ping-channel", "aeron:ipc?name=ping", "--pong-channel", "aeron:ipc?name=pong"];
        using var pong = ChildProcess.StartDll("exchange-stream.dll", ["pong", .. channels, "--messages", "2200", "--idle", "yield", "--json"], environment);
        using var ping = ChildProcess.StartDll("exchange-stream.dll", ["ping", .. channels, "--messages", "2000", "--warmup-messages", "200", "--idle", "yield", "--json"], environment);

        var (pingExit, latency) = Finish(ping);
        var (pongExit, answers) = Finish(pong);
        Assert.Equal(0, pingExit);
        Assert.Equal(0, pongExit);
        Assert.Equal(2000, latency.GetProperty("messages").GetInt64());
        Assert.Equal(2200, answers.GetProperty("answered").GetInt64());
        Assert.Empty(dir.Logs("ping"));
    }

    [Fact]
    public void Stat_shows_the_counters_of_its_own_subscription_as_a_publisher_sends_to_it()
    {
        string channel = Channel(Ports.FreeUdp());
        using var stat = Start("stat", "--channel", channel, "--seconds", "3", "--interval", "500", "--idle", "backoff", "--json");
        using var pub = Start("pub", "--channel", channel, "--messages", "1000", "--idle", "backoff", "--json");

        Assert.Equal(0, Finish(pub).ExitCode);
        var (exit, counters) = Finish(stat);
        Assert.Equal(0, exit);
        Assert.Equal(1000, counters.GetProperty("messages").GetInt64());
        Assert.Equal(1000, counters.GetProperty("data_frames_received").GetInt64());
        Assert.True(counters.GetProperty("setups_received").GetInt64() >= 1);
        Assert.True(counters.GetProperty("status_messages_sent").GetInt64() >= 1);
    }

    [Fact]
    public void A_channel_that_does_not_parse_is_a_one_line_usage_error()
    {
        var result = ChildProcess.Run(Start("sub", "--channel", "aeron:udp?endpoint=127.0.0.1:1|colour=blue"));
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("exchange-stream: ", result.Stderr);
        Assert.Contains("colour", result.Stderr);
        Assert.DoesNotContain('\n', result.Stderr.TrimEnd());
    }
}
