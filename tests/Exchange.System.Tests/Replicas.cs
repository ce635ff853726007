// What the replication tests share: two accounts trading on a primary until it settles, where an engine stands by its
// status lines, and a journal's bytes up to a record, for comparing replicas byte for byte.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Journal;
using Exchange.Testing;

namespace Exchange.System.Tests;

internal static class Replicas
{
    private const int Btc = 1;
    private const long Lot = 1_000_000;

    public static NewOrder Limit(long id, Side side, long price) => new(0, id, Btc, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, Lot);

    /// <summary>Sends <paramref name="count"/> orders from two accounts that trade with each other, each answered before the run ends.</summary>
    public static void Trade(EngineProcess primary, int count, long firstId, Action<int>? sent = null)
    {
        using var a = Clients.Connect("mm-1001-key", new ShardEndpoint(primary.ChannelUri, [Btc]));
        using var b = Clients.Connect("mm-1002-key", new ShardEndpoint(primary.ChannelUri, [Btc]));
        for (int i = 0; i < count; i++)
        {
            long id = firstId + i;
            var (client, side) = i % 2 == 0 ? (a, Side.Buy) : (b, Side.Sell);
            while (client.NewOrder(Limit(id, side, 59_900 + i % 7 * 10)) <= 0) { a.Poll(); b.Poll(); }
            a.Poll(); b.Poll();
            sent?.Invoke(i);
        }
        int Answered() => a.Listener.Accepted.Count + a.Listener.Rejected.Count + b.Listener.Accepted.Count + b.Listener.Rejected.Count;
        Clients.PollUntil(() => Answered() == count, Timeouts.Process, () => $"a: {a.Listener.Describe()}; b: {b.Listener.Describe()}", () => a.Poll(), () => b.Poll());
        Assert.Empty(a.Listener.Rejected);
        Assert.Empty(b.Listener.Rejected);
        a.Logout(TimeSpan.FromSeconds(5));
        b.Logout(TimeSpan.FromSeconds(5));
    }

    /// <summary>The line of <paramref name="engine"/> that shows it at <paramref name="sequence"/>: its listening line if it
    /// started there, else the status line it prints once it stands there.</summary>
    public static string At(EngineProcess engine, long sequence) =>
        StatusLines.Field(engine.ListenLine, "sequence") == sequence.ToString()
            ? engine.ListenLine
            : engine.Process.WaitForLine("status ", l => StatusLines.Field(l, "sequence") == sequence.ToString(), Timeouts.Process);

    /// <summary>Runs a trade on the primary and returns the status line it prints once its clients have gone (the
    /// cancels of their logouts included): its final sequence and state hash.</summary>
    public static string TradeAndSettle(EngineProcess primary, int count, long firstId, Action<int>? sent = null)
    {
        int mark = primary.Process.StdoutLines.Count;
        Trade(primary, count, firstId, sent);
        // Its newest status line, with no session, standing for a second: a status line printed after the mark for what
        // came before the trade (on a loaded machine) is not taken for the trade's end.
        string? line = null;
        var since = global::System.Diagnostics.Stopwatch.StartNew();
        Eventually.True(() =>
        {
            string? last = primary.Process.StdoutLines.Skip(mark).LastOrDefault(l => l.StartsWith("status ", StringComparison.Ordinal));
            if (last == null || StatusLines.Field(last, "sessions") != "0") { line = null; return false; }
            if (!ReferenceEquals(last, line)) { line = last; since.Restart(); return false; }
            return since.ElapsedMilliseconds >= 1_000;
        }, "the primary settles with no sessions", Timeouts.Process);
        return line!;
    }

    public static long SequenceOf(string status) => long.Parse(StatusLines.Field(status, "sequence"));

    /// <summary>The bytes of the journal's one segment up to the end of record <paramref name="through"/>.</summary>
    public static byte[] JournalBytes(string directory, long through)
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
}
