// Good-till-date orders that expire in a real engine process with a sync standby: the primary's own timer inputs expire
// them (the client hears OrderCancelled(Expired) without asking), the standby journals the same records byte for byte
// and reaches the same state without injecting any of its own, and exchange-replay of the primary's journal alone
// rebuilds the state hash the primary printed.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Journal;
using Exchange.Testing;

using static Exchange.System.Tests.Replicas;

namespace Exchange.System.Tests;

public sealed class ExpiryReplicationTests() : ProcessTest("exchange-expiry-")
{
    private const int Btc = 1;
    private const long Lot = 1_000_000;

    private static long UtcNanos(TimeSpan after) => (DateTime.UtcNow.Add(after).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    [Fact]
    public void Gtd_orders_expire_at_the_primarys_timer_inputs_which_the_standby_and_a_replay_apply_at_the_same_sequences()
    {
        int p = Ports.FreeUdp(), s = Ports.FreeUdp();
        var standby = Own(new EngineProcess(1, "BTC-USD", Dir("a"), s, durability: "none",
            extra: ["--standby-of", EngineProcess.Channel(p), "--standby-name", "a"]));
        var primary = Own(new EngineProcess(1, "BTC-USD", Dir("p"), p, durability: "none",
            extra: ["--standby", $"a,sync,{EngineProcess.Channel(s)}"]));

        using (var client = Clients.Connect("mm-1001-key", new ShardEndpoint(primary.ChannelUri, [Btc])))
        {
            var orders = new[]
            {
                new NewOrder(0, 1, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillDate, 59_000, Lot, ExpireTime: UtcNanos(TimeSpan.FromSeconds(1.2))),
                new NewOrder(0, 2, Btc, Side.Sell, OrderType.Limit, TimeInForce.GoodTillDate, 61_000, Lot, ExpireTime: UtcNanos(TimeSpan.FromSeconds(0.8))),
                new NewOrder(0, 3, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillDate, 58_900, Lot, ExpireTime: UtcNanos(TimeSpan.FromSeconds(0.8))),
                new NewOrder(0, 4, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 58_800, Lot),
                new NewOrder(0, 5, Btc, Side.Buy, OrderType.Limit, TimeInForce.Day, 58_700, Lot), // the demo sessions end at midnight
            };
            foreach (var order in orders)
                while (client.NewOrder(order) <= 0) client.Poll();
            Clients.PollUntil(() => client.Listener.Accepted.Count == orders.Length, Timeouts.Process, client.Listener.Describe, () => client.Poll());
            Assert.Empty(client.Listener.Rejected);

            Clients.PollUntil(() => client.Listener.Cancelled.Count == 3, Timeouts.Process, client.Listener.Describe, () => client.Poll());
            Assert.All(client.Listener.Cancelled, c => Assert.Equal(CancelReason.Expired, c.E.Reason));
            // Orders 2 and 3 expire at the same instant: by order id. Order 1 later.
            Assert.Equal([2L, 3L, 1L], client.Listener.Cancelled.Select(c => c.E.ClientOrderId));
            client.Logout(TimeSpan.FromSeconds(5));
        }

        string status = SettledStatus(primary);
        long last = SequenceOf(status);
        string hash = StatusLines.Field(status, "stateHash");
        Assert.Equal(hash, StatusLines.Field(At(standby, last), "stateHash"));

        foreach (var e in new[] { primary, standby }) Assert.True(e.Process.Terminate(Timeouts.Process), e.Process.Stderr);
        Assert.DoesNotContain("DIVERGED", standby.Process.Stderr);
        // The standby holds the primary's records, timer inputs included, byte for byte; it sequenced none of its own.
        Assert.Equal(JournalBytes(Dir("p"), last), JournalBytes(Dir("a"), last));
        var timers = TimerSequences(Dir("p"));
        Assert.InRange(timers.Count, 2, 3); // 2 and 3 together (or, on a slow cycle, apart), then 1
        Assert.Equal(timers, TimerSequences(Dir("a")));

        // The journal alone (no snapshot) replays to the hash the primary printed.
        var rebuild = ChildProcess.Run(ChildProcess.StartDll("exchange-replay.dll", ["rebuild", Dir("p"), "--no-snapshots", "--to-seq", last.ToString(), "--json"]));
        Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        Assert.Contains($"\"stateHash\":\"{hash}\"", rebuild.Stdout.Replace(" ", ""), StringComparison.OrdinalIgnoreCase);
        var dump = ChildProcess.Run(ChildProcess.StartDll("exchange-replay.dll", ["dump", Dir("p"), "--type", "ExpireOrders"]));
        Assert.True(dump.ExitCode == 0, dump.ToString());
        Assert.Equal(timers.Count, dump.Stdout.Split('\n').Count(l => l.Contains("ExpireOrders dueAt=", StringComparison.Ordinal)));
    }

    private static List<long> TimerSequences(string directory)
    {
        var sequences = new List<long>();
        using var reader = JournalReader.Open(directory);
        while (reader.TryRead(out var record) == ReadStatus.Record)
            if (record.Type == ExpireOrdersDecoder.TemplateId) sequences.Add(record.Sequence);
        return sequences;
    }

    /// <summary>The primary's newest status line once it has stood with no session for a second.</summary>
    private static string SettledStatus(EngineProcess primary)
    {
        string? line = null;
        var since = global::System.Diagnostics.Stopwatch.StartNew();
        Eventually.True(() =>
        {
            string? latest = primary.Process.StdoutLines.LastOrDefault(l => l.StartsWith("status ", StringComparison.Ordinal));
            if (latest == null || StatusLines.Field(latest, "sessions") != "0") { line = null; return false; }
            if (!ReferenceEquals(latest, line)) { line = latest; since.Restart(); return false; }
            return since.ElapsedMilliseconds >= 1_000;
        }, "the primary settles with no sessions", Timeouts.Process);
        return line!;
    }
}
