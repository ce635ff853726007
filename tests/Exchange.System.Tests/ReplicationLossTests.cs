// A primary with a sync and an async standby whose replication streams cross a seeded relay that drops 5 % of the
// datagrams (the standbys' status messages, NAKs and acknowledgements are not dropped): retransmission on NAK, and the
// catch-up from the primary's journal when the live stream falls behind, still give each standby every record in
// order, so all three journals are byte-identical and the three state hashes equal. The helpers are those of
// ReplicationTests, kept here so that each file reads on its own.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Journal;
using Exchange.Testing;
using Exchange.Transport.Shim;

namespace Exchange.System.Tests;

public sealed class ReplicationLossTests : IDisposable
{
    private const int Btc = 1;
    private const long Lot = 1_000_000;
    private const double Loss = 0.05;
    private readonly TempDirectory _root = new("exchange-replication-loss-");
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned)) d.Dispose();
        _root.Dispose();
    }

    private T Own<T>(T d) where T : IDisposable { _owned.Add(d); return d; }

    private string Dir(string name) => _root.Combine(name);

    private EngineProcess Primary(int port, string journal, params string[] extra) =>
        Own(new EngineProcess(1, "BTC-USD", journal, port, durability: "none", extra: extra));

    private EngineProcess StandbyOf(int primaryPort, string name, int port, string journal) =>
        Own(new EngineProcess(1, "BTC-USD", journal, port, durability: "none",
            extra: ["--standby-of", EngineProcess.Channel(primaryPort), "--standby-name", name]));

    /// <summary>A relay on a port of its own to the standby's port, dropping <see cref="Loss"/> of what the primary sends.</summary>
    private LossyUdpProxy LossyTo(int standbyPort, int seed) =>
        Own(new LossyUdpProxy(new(global::System.Net.IPAddress.Loopback, 0), new(global::System.Net.IPAddress.Loopback, standbyPort),
            new ShimOptions { Seed = seed, DropRate = Loss }));

    private static NewOrder Limit(long id, Side side, long price) => new(0, id, Btc, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, Lot);

    /// <summary>Sends <paramref name="count"/> orders from two accounts that trade with each other, each answered before the run ends.</summary>
    private static void Trade(EngineProcess primary, int count, long firstId)
    {
        using var a = Clients.Connect("mm-1001-key", new ShardEndpoint(primary.ChannelUri, [Btc]));
        using var b = Clients.Connect("mm-1002-key", new ShardEndpoint(primary.ChannelUri, [Btc]));
        for (int i = 0; i < count; i++)
        {
            long id = firstId + i;
            var (client, side) = i % 2 == 0 ? (a, Side.Buy) : (b, Side.Sell);
            while (client.NewOrder(Limit(id, side, 59_900 + i % 7 * 10)) <= 0) { a.Poll(); b.Poll(); }
            a.Poll(); b.Poll();
        }
        int Answered() => a.Listener.Accepted.Count + a.Listener.Rejected.Count + b.Listener.Accepted.Count + b.Listener.Rejected.Count;
        Clients.PollUntil(() => Answered() == count, Timeouts.Process, () => $"a: {a.Listener.Describe()}; b: {b.Listener.Describe()}", () => a.Poll(), () => b.Poll());
        Assert.Empty(a.Listener.Rejected);
        Assert.Empty(b.Listener.Rejected);
        a.Logout(TimeSpan.FromSeconds(5));
        b.Logout(TimeSpan.FromSeconds(5));
    }

    /// <summary>The last status line of <paramref name="engine"/> once it stands at <paramref name="sequence"/>.</summary>
    private static string At(EngineProcess engine, long sequence) =>
        engine.Process.WaitForLine("status ", l => Lines.Field(l, "sequence") == sequence.ToString(), Timeouts.Process);

    /// <summary>Runs a trade on the primary and returns the status line it prints once its clients have gone (the
    /// cancels of their logouts included): its final sequence and state hash.</summary>
    private static string TradeAndSettle(EngineProcess primary, int count, long firstId)
    {
        int mark = primary.Process.StdoutLines.Count;
        Trade(primary, count, firstId);
        string? line = null;
        Eventually.True(() => (line = primary.Process.StdoutLines.Skip(mark)
            .LastOrDefault(l => l.StartsWith("status ", StringComparison.Ordinal) && Lines.Field(l, "sessions") == "0")) != null,
            "the primary settles with no sessions", Timeouts.Process);
        return line!;
    }

    private static long SequenceOf(string status) => long.Parse(Lines.Field(status, "sequence"));

    /// <summary>The bytes of the journal's one segment up to the end of record <paramref name="through"/>.</summary>
    private static byte[] JournalBytes(string directory, long through)
    {
        using var reader = JournalReader.Open(directory);
        long end = 0;
        string? segment = null;
        while (reader.NextSequence <= through && reader.TryRead(out var record) == ReadStatus.Record)
        {
            segment = reader.CurrentSegment;
            end = record.Offset + JournalFormat.Aligned(JournalFormat.RecordHeaderLength + record.Payload.Length);
        }
        Assert.Equal(through + 1, reader.NextSequence);
        using var file = File.OpenRead(segment!);
        var bytes = new byte[end];
        file.ReadExactly(bytes);
        return bytes;
    }

    [Fact]
    public void Through_five_percent_loss_a_sync_and_an_async_standby_journal_the_primarys_records_byte_for_byte_and_reach_its_state()
    {
        int p = Ports.FreeUdp(), s1 = Ports.FreeUdp(), s2 = Ports.FreeUdp();
        var sync = StandbyOf(p, "a", s1, Dir("a"));
        var async = StandbyOf(p, "b", s2, Dir("b"));
        var toSync = LossyTo(s1, seed: 1);
        var toAsync = LossyTo(s2, seed: 2);
        var primary = Primary(p, Dir("p"),
            "--standby", $"a,sync,{EngineProcess.Channel(toSync.ListenEndpoint.Port)}",
            "--standby", $"b,async,{EngineProcess.Channel(toAsync.ListenEndpoint.Port)}");
        Eventually.True(() => primary.Process.Stderr.Contains("sync standby a caught up", StringComparison.Ordinal), "the sync standby catches up", Timeouts.Process);

        string status = TradeAndSettle(primary, 3_000, 1);
        long last = SequenceOf(status);
        string hash = Lines.Field(status, "stateHash");
        Assert.Equal(hash, Lines.Field(At(sync, last), "stateHash"));
        Assert.Equal(hash, Lines.Field(At(async, last), "stateHash"));
        // The relays did drop their share: what the standbys hold came through loss.
        foreach (var relay in new[] { toSync, toAsync })
        {
            Assert.Null(relay.Fault);
            Assert.InRange(relay.DroppedCount, relay.ReceivedCount / 50 + 1, relay.ReceivedCount / 10);
        }

        foreach (var e in new[] { primary, sync, async }) Assert.True(e.Process.Terminate(Timeouts.Process), e.Process.Stderr);
        byte[] expected = JournalBytes(Dir("p"), last);
        Assert.Equal(expected, JournalBytes(Dir("a"), last));
        Assert.Equal(expected, JournalBytes(Dir("b"), last));
        Assert.DoesNotContain("DIVERGED", sync.Process.Stderr + async.Process.Stderr);
    }
}
