// The live path's lookahead: order entry held within a poll (EngineService.BeginPoll/EndPoll) and sequenced in
// arrival order before anything else is handled. With the window on and off, the same messages give the same journal,
// the same responses in the same order, the same market data and the same state; and what is held is sequenced at
// each of the moments it must be.
using Exchange.Contract;
using Exchange.Engine.Tests;
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public sealed class LookaheadTests
{
    private const long Lot = 1_000_000;

    private static byte[] Replace(long account, long orig, long id, long price, long lots)
    {
        var b = new byte[256];
        return b[..CommandCodec.Encode(new ReplaceOrder(account, orig, id, price, lots * Lot), b)];
    }

    /// <summary>A seeded mix of what two trading sessions send (connections 1 and 2, accounts 1001 and 1002): resting
    /// orders, crossing ones, cancels and replaces of their own earlier orders, and now and then a heartbeat, a query, a
    /// cancel of an unknown order, an order under the other session's account, a malformed message, a mass cancel.</summary>
    private static List<(int Connection, byte[] Message)> Script(int count, ulong sessionA, ulong sessionB)
    {
        var random = new Random(2024);
        var script = new List<(int, byte[])>();
        var open = new List<(int Connection, long Account, long Id)>();
        long nextId = 1;
        for (int i = 0; i < count; i++)
        {
            int connection = random.Next(2) + 1;
            long account = connection == 1 ? 1001 : 1002;
            int roll = random.Next(100);
            if (roll < 40)
            {
                long id = nextId++;
                var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                long price = side == Side.Buy ? 59_000 - random.Next(40) * 10 : 59_010 + random.Next(40) * 10;
                script.Add((connection, Client.Limit(account, id, side, price, lots: random.Next(1, 4))));
                open.Add((connection, account, id));
            }
            else if (roll < 55)
                script.Add((connection, Client.Limit(account, nextId++, random.Next(2) == 0 ? Side.Buy : Side.Sell, random.Next(2) == 0 ? 59_300 : 58_700,
                    lots: random.Next(1, 3), tif: TimeInForce.ImmediateOrCancel)));
            else if (roll < 75 && open.Count > 0)
            {
                int k = random.Next(open.Count);
                var (c, a, id) = open[k];
                open.RemoveAt(k);
                script.Add((c, Client.Cancel(a, id)));
            }
            else if (roll < 82 && open.Count > 0)
            {
                int k = random.Next(open.Count);
                var (c, a, id) = open[k];
                long newId = nextId++;
                open[k] = (c, a, newId);
                script.Add((c, Replace(a, id, newId, 58_000 + random.Next(30) * 10, random.Next(1, 5))));
            }
            else if (roll < 85) script.Add((connection, Client.Cancel(account, 1_000_000 + i)));
            else if (roll < 88) script.Add((connection, Client.Heartbeat(connection == 1 ? sessionA : sessionB)));
            else if (roll < 91 && open.Count > 0) script.Add((connection, Client.OrderStatus((ulong)i, account, open[^1].Id)));
            else if (roll < 94) script.Add((connection, Client.Limit(connection == 1 ? 1002 : 1001, nextId++, Side.Buy, 58_500)));
            else if (roll < 96) script.Add((connection, [0x01, 0x02, 0x03]));
            else if (roll < 97)
            {
                script.Add((connection, Client.Encode(new MassCancel(account, -1, Side.None))));
                open.RemoveAll(o => o.Account == account);
            }
            else script.Add((connection, Client.Limit(account, nextId++, Side.Sell, 59_500, lots: 2)));
        }
        return script;
    }

    private static (List<(long, ushort, byte[])> Journal, List<(int, byte[], bool)> Offered, List<byte[]> MarketData, long Hash, int MostHeld)
        Run(bool lookahead, int perPoll)
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.Batch, Lookahead = lookahead, LookaheadFromOpenOrders = 0, StageSampleEvery = 3 });
        ulong a = h.LogOn(1, "mm-1001-key");
        ulong b = h.LogOn(2, "mm-1002-key");
        h.Work();
        var script = Script(3_000, a, b);
        int mostHeld = 0;
        for (int at = 0; at < script.Count; at += perPoll)
        {
            h.Engine.BeginPoll();
            foreach (var (connection, message) in script.Skip(at).Take(perPoll))
            {
                h.Engine.OnMessage(connection, message);
                mostHeld = Math.Max(mostHeld, h.Engine.HeldCommands);
            }
            h.Engine.EndPoll();
            Assert.Equal(0, h.Engine.HeldCommands);
            h.Work(NanoClock.Millisecond);
        }
        long hash = h.Engine.StateHash();
        var journal = Read.Journal(dir.Path).Select(r => (r.Sequence, r.Type, r.Payload)).ToList();
        var offered = h.Links.Offered.Select(o => (o.Connection, o.Message, o.Sent)).ToList();
        var marketData = h.Links.MarketData.ToList();
        Assert.Contains("samples=", h.Engine.StageReport());
        return (journal, offered, marketData, hash, mostHeld);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(64)]
    public void With_the_window_the_journal_every_response_and_the_state_are_those_without_it(int perPoll)
    {
        var without = Run(lookahead: false, perPoll);
        var with = Run(lookahead: true, perPoll);

        Assert.Equal(0, without.MostHeld);
        if (perPoll > 1) Assert.True(with.MostHeld >= Math.Min(perPoll, EngineService.Window) - 1, $"at most {with.MostHeld} held");
        Assert.True(without.Journal.Count > 1_500, $"{without.Journal.Count} records");
        Assert.Equal(without.Journal.Count, with.Journal.Count);
        for (int i = 0; i < without.Journal.Count; i++)
        {
            Assert.Equal(without.Journal[i].Item1, with.Journal[i].Item1);
            Assert.Equal(without.Journal[i].Item2, with.Journal[i].Item2);
            Assert.True(without.Journal[i].Item3.AsSpan().SequenceEqual(with.Journal[i].Item3), $"journal record {without.Journal[i].Item1}");
        }
        Assert.Equal(without.Offered.Count, with.Offered.Count);
        for (int i = 0; i < without.Offered.Count; i++)
        {
            Assert.Equal(without.Offered[i].Item1, with.Offered[i].Item1);
            Assert.True(without.Offered[i].Item2.AsSpan().SequenceEqual(with.Offered[i].Item2), $"response {i} to connection {without.Offered[i].Item1}");
            Assert.Equal(without.Offered[i].Item3, with.Offered[i].Item3);
        }
        Assert.Equal(without.MarketData.Count, with.MarketData.Count);
        for (int i = 0; i < without.MarketData.Count; i++) Assert.True(without.MarketData[i].AsSpan().SequenceEqual(with.MarketData[i]), $"market data {i}");
        Assert.Equal(without.Hash, with.Hash);
        // The mix really traded, rejected before and after sequencing, and answered queries.
        var events = Read.Events(without.Offered.Select(o => o.Item2));
        Assert.Contains(events, e => e is Fill);
        Assert.Contains(without.Offered, o => Read.Template(o.Item2) == CommandRejectedDecoder.TemplateId && Read.Rejected(o.Item2).Sequence == 0);
        Assert.Contains(without.Offered, o => Read.Template(o.Item2) == OrderStatusDecoder.TemplateId);
    }

    [Fact]
    public void Held_order_entry_is_sequenced_when_the_window_fills_and_before_anything_else_in_its_poll()
    {
        using var h = new Harness(new EngineServiceOptions { LookaheadFromOpenOrders = 0 });
        ulong session = h.LogOn(1, "mm-1001-key");
        h.LogOn(2, "mm-1002-key");
        h.Work();
        long start = h.Engine.LastSequence;
        long id = 1;
        void Order() => h.Engine.OnMessage(1, Client.Limit(1001, id++, Side.Buy, 58_000 + id * 10));

        // Outside a poll nothing is held.
        Order();
        Assert.Equal(start + 1, h.Engine.LastSequence);

        h.Engine.BeginPoll();
        for (int i = 0; i < EngineService.Window; i++) Order();
        Assert.Equal((start + 1, EngineService.Window), (h.Engine.LastSequence, h.Engine.HeldCommands));
        Order(); // the window is full: the oldest goes
        Assert.Equal((start + 2, EngineService.Window), (h.Engine.LastSequence, h.Engine.HeldCommands));
        h.Engine.OnMessage(1, Client.Heartbeat(session)); // anything else: everything held first
        Assert.Equal((start + 2 + EngineService.Window, 0), (h.Engine.LastSequence, h.Engine.HeldCommands));

        long before = h.Engine.LastSequence;
        Order();
        Order();
        h.Engine.OnMessage(1, Client.Limit(1002, 999, Side.Buy, 58_000)); // refused before sequencing, after the two
        Assert.Equal((before + 2, 0), (h.Engine.LastSequence, h.Engine.HeldCommands));
        var rejected = h.Links.Received(1).Last();
        Assert.Equal((CommandKind.NewOrder, RejectReason.NotLoggedOn, 0L), (Read.Rejected(rejected).Command, Read.Rejected(rejected).Reason, Read.Rejected(rejected).Sequence));

        Order();
        h.Engine.OnConnectionLost(2); // a lost connection
        Assert.Equal((before + 3, 0), (h.Engine.LastSequence, h.Engine.HeldCommands));

        Order();
        h.Engine.EndPoll(); // the poll's end
        Assert.Equal((before + 4, 0), (h.Engine.LastSequence, h.Engine.HeldCommands));

        // Every order is in the book, in the order sent.
        for (long k = 1; k < id; k++) Assert.True(h.Engine.TryGetOrder(1001, k, out _), $"order {k}");
    }

    [Fact]
    public void Order_entry_is_held_only_while_the_book_is_deeper_than_the_threshold()
    {
        using var h = new Harness(new EngineServiceOptions { LookaheadFromOpenOrders = 3 });
        h.LogOn(1, "mm-1001-key");
        h.Work();
        long id = 1;
        void Order() => h.Engine.OnMessage(1, Client.Limit(1001, id++, Side.Buy, 58_000 + id * 10));

        h.Engine.BeginPoll(); // no open order yet: the poll holds nothing
        for (int i = 0; i < 4; i++) Order();
        Assert.Equal(0, h.Engine.HeldCommands);
        h.Engine.EndPoll();

        h.Engine.BeginPoll(); // four open orders: this one holds
        Order();
        Order();
        Assert.Equal(2, h.Engine.HeldCommands);
        h.Engine.EndPoll();
        Assert.Equal(0, h.Engine.HeldCommands);
        Assert.Equal(6, h.Engine.OpenOrderCount);

        using var off = new Harness(new EngineServiceOptions { Lookahead = false, LookaheadFromOpenOrders = 0 });
        off.LogOn(1, "mm-1001-key");
        off.Engine.BeginPoll();
        off.Engine.OnMessage(1, Client.Limit(1001, 1, Side.Buy, 58_000));
        Assert.Equal(0, off.Engine.HeldCommands);
        off.Engine.EndPoll();
    }
}
