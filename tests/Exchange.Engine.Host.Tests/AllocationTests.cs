// Proves the steady state of the engine process allocates nothing: after warm-up, ~100k orders through OnMessage
// (decode, sequence, journal, match, route) and DoWork (group commit with fsync, release, heartbeats) leave the
// thread's allocated-bytes counter where it was.
using Exchange.Contract;
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public sealed class AllocationTests
{
    /// <summary>A transport that accepts everything and only counts, so it allocates nothing itself.</summary>
    private sealed class CountingLinks : IEngineLinks
    {
        public long ToConnections, MarketData, Trades;
        public bool OpenResponses(int connection, string responseChannel, ResponsePath purpose, out string? error) { error = null; return true; }
        public bool SendToConnection(int connection, ReadOnlySpan<byte> message) { ToConnections++; return true; }
        public void SendMarketData(ReadOnlySpan<byte> message)
        {
            MarketData++;
            if (CommandCodec.TemplateOf(message) == TradeDecoder.TemplateId) Trades++;
        }
        public void CloseResponses(int connection) { }
    }

    [Fact]
    public void A_hundred_thousand_orders_through_OnMessage_and_DoWork_allocate_nothing_after_warm_up()
    {
        using var dir = new TempDirectory();
        var links = new CountingLinks();
        using var engine = EngineService.Open(new ShardConfig(), links, new EngineServiceOptions
        {
            JournalDirectory = dir.Path, Durability = Durability.Batch, BatchMaxDelay = TimeSpan.Zero, Clock = () => 7,
        });
        long now = 1_000_000_000_000;
        engine.DoWork(now);
        engine.OnMessage(1, Client.Logon("mm-1001-key", heartbeatMs: 100));
        engine.OnMessage(2, Client.Logon("mm-1002-key", heartbeatMs: 100));
        var buffer = new byte[256];
        long clientOrderId = 1;

        Run(engine, buffer, 20_000, ref clientOrderId, ref now);
        long sentBefore = links.ToConnections, tradesBefore = links.Trades, fsyncsBefore = engine.Fsyncs;

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(engine, buffer, 100_000, ref clientOrderId, ref now);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        // The run really matched, journaled, committed and sent.
        Assert.True(links.Trades - tradesBefore > 40_000, $"only {links.Trades - tradesBefore} trades");
        Assert.True(links.ToConnections - sentBefore > 300_000, $"only {links.ToConnections - sentBefore} responses");
        Assert.True(engine.Fsyncs - fsyncsBefore >= 1_000, $"only {engine.Fsyncs - fsyncsBefore} fsyncs");
        Assert.Equal(engine.LastSequence, engine.DurableSequence);
        Assert.Equal(2, engine.ActiveSessions);
    }

    /// <summary>Rounds of four: 1001 rests a sell and 1002 takes it with an IOC buy, then the other way round (so
    /// balances stay put); the last step also rests a bid and cancels it. DoWork after every 64 orders, with the
    /// clock moving on.</summary>
    private static void Run(EngineService engine, byte[] buffer, int orders, ref long clientOrderId, ref long now)
    {
        for (int i = 0; i < orders; i++)
        {
            long price = 60_000 + (i % 50);
            switch (i % 4)
            {
                case 0: Sell(engine, 1, 1001, clientOrderId++, price, buffer); break;
                case 1: TakeAsk(engine, 2, 1002, clientOrderId++, buffer); break;
                case 2: Sell(engine, 2, 1002, clientOrderId++, price, buffer); break;
                case 3:
                    TakeAsk(engine, 1, 1001, clientOrderId++, buffer);
                    long id = clientOrderId++;
                    Send(engine, 1, buffer, CommandCodec.Encode(
                        new NewOrder(1001, id, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000 - (i % 100), 1_000_000), buffer));
                    Send(engine, 1, buffer, CommandCodec.Encode(new CancelOrder(1001, id), buffer));
                    break;
            }
            if ((i & 63) == 63)
            {
                now += 20_000_000;
                engine.DoWork(now);
            }
        }
        engine.DoWork(now);
    }

    private static void Sell(EngineService engine, int connection, long account, long clientOrderId, long price, byte[] buffer) =>
        Send(engine, connection, buffer, CommandCodec.Encode(
            new NewOrder(account, clientOrderId, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, price, 1_000_000), buffer));

    private static void TakeAsk(EngineService engine, int connection, long account, long clientOrderId, byte[] buffer) =>
        Send(engine, connection, buffer, CommandCodec.Encode(
            new NewOrder(account, clientOrderId, 1, Side.Buy, OrderType.Limit, TimeInForce.ImmediateOrCancel, 60_100, 1_000_000), buffer));

    private static void Send(EngineService engine, int connection, byte[] buffer, int length) => engine.OnMessage(connection, buffer.AsSpan(0, length));
}
