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
        public bool HasUnread(int connection) => false;
    }

    /// <summary>A batch journal in <paramref name="directory"/>, group commit at every duty cycle, a fixed clock, clear-key logons.</summary>
    private static EngineServiceOptions BatchOptions(string directory) => new()
    {
        JournalDirectory = directory, Durability = Durability.Batch, BatchMaxDelay = TimeSpan.Zero, Clock = () => 7, AcceptClearKeyLogon = true,
        LookaheadFromOpenOrders = 0,
    };

    /// <summary>Accounts 1001 and 1002 logged on, on connections 1 and 2.</summary>
    private static void LogOnBoth(EngineService engine, long now)
    {
        engine.DoWork(now);
        engine.OnMessage(1, Client.Logon("mm-1001-key", heartbeatMs: 100));
        engine.OnMessage(2, Client.Logon("mm-1002-key", heartbeatMs: 100));
    }

    [Fact]
    public void A_hundred_thousand_orders_through_OnMessage_and_DoWork_allocate_nothing_after_warm_up()
    {
        using var dir = new TempDirectory();
        var links = new CountingLinks();
        using var engine = EngineService.Open(new ShardConfig(), links, BatchOptions(dir.Path));
        long now = 1_000_000_000_000;
        LogOnBoth(engine, now);
        var buffer = new byte[256];
        long clientOrderId = 1;

        Run(engine, buffer, 20_000, ref clientOrderId, ref now);
        long sentBefore = links.ToConnections, tradesBefore = links.Trades, fsyncsBefore = engine.Fsyncs;

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(engine, buffer, 100_000, ref clientOrderId, ref now);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        // The run really matched, journaled, committed and sent, and the stage clock timed one command in 64 of it.
        Assert.True(links.Trades - tradesBefore > 40_000, $"only {links.Trades - tradesBefore} trades");
        string stages = engine.StageReport();
        long samples = long.Parse(stages.Split(' ').Single(w => w.StartsWith("samples=", StringComparison.Ordinal))[8..]);
        Assert.True(samples > 120_000 / 64 - 10, stages);
        Assert.True(links.ToConnections - sentBefore > 300_000, $"only {links.ToConnections - sentBefore} responses");
        Assert.True(engine.Fsyncs - fsyncsBefore >= 1_000, $"only {engine.Fsyncs - fsyncsBefore} fsyncs");
        Assert.Equal(engine.LastSequence, engine.DurableSequence);
        Assert.Equal(2, engine.ActiveSessions);
    }

    [Fact]
    public void With_the_journal_s_sync_thread_the_engine_thread_allocates_nothing_and_never_runs_ahead_of_the_disk()
    {
        using var dir = new TempDirectory();
        var links = new CountingLinks();
        using var engine = EngineService.Open(new ShardConfig(), links, BatchOptions(dir.Path) with { JournalSyncThread = true });
        long now = 1_000_000_000_000;
        LogOnBoth(engine, now);
        var buffer = new byte[256];
        long clientOrderId = 1;
        Run(engine, buffer, 20_000, ref clientOrderId, ref now);
        long fsyncsBefore = engine.Fsyncs, tradesBefore = links.Trades;

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(engine, buffer, 100_000, ref clientOrderId, ref now);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(links.Trades - tradesBefore > 40_000, $"only {links.Trades - tradesBefore} trades");
        Assert.True(engine.DurableSequence <= engine.LastSequence);
        // The fsyncs ran on the journal's thread while this one matched; what they covered is taken up by DoWork.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (engine.DurableSequence != engine.LastSequence)
        {
            Assert.True(DateTime.UtcNow < deadline, $"durable {engine.DurableSequence} reaches {engine.LastSequence}");
            engine.DoWork(now += 1_000_000);
            Thread.Sleep(1);
        }
        Assert.True(engine.Fsyncs - fsyncsBefore >= 2, $"only {engine.Fsyncs - fsyncsBefore} fsyncs");
        Assert.False(engine.AwaitingDisk);
    }

    [Fact]
    public void Under_none_with_the_journal_s_prefault_thread_the_engine_thread_allocates_nothing()
    {
        using var dir = new TempDirectory();
        var links = new CountingLinks();
        using var engine = EngineService.Open(new ShardConfig(), links, BatchOptions(dir.Path) with { Durability = Durability.None, JournalSyncThread = true });
        long now = 1_000_000_000_000;
        LogOnBoth(engine, now);
        var buffer = new byte[256];
        long clientOrderId = 1;
        Run(engine, buffer, 20_000, ref clientOrderId, ref now);
        long tradesBefore = links.Trades;

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(engine, buffer, 100_000, ref clientOrderId, ref now);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(links.Trades - tradesBefore > 40_000, $"only {links.Trades - tradesBefore} trades");
        Assert.Equal(engine.LastSequence, engine.DurableSequence);
        // The journal's thread faulted its pages in meanwhile (a million bytes of records and more: hundreds of pages).
        Assert.True(engine.JournalPagesPrefaulted >= 256, $"{engine.JournalPagesPrefaulted} pages prefaulted");
    }

    [Fact]
    public void With_snapshots_while_running_configured_the_inputs_between_snapshots_allocate_nothing()
    {
        using var dir = new TempDirectory();
        var links = new CountingLinks();
        using var engine = EngineService.Open(new ShardConfig(), links, BatchOptions(dir.Path) with
        {
            SnapshotEveryInputs = 10_000_000, SnapshotEvery = TimeSpan.FromDays(1), JournalRetention = JournalRetentionMode.Delete,
        });
        long now = 1_000_000_000_000;
        LogOnBoth(engine, now);
        var buffer = new byte[256];
        long clientOrderId = 1;
        Run(engine, buffer, 20_000, ref clientOrderId, ref now);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(engine, buffer, 100_000, ref clientOrderId, ref now);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Null(engine.LastSnapshot);
    }

    [Fact]
    public void With_a_sync_standby_on_the_live_stream_the_orders_and_their_replication_allocate_nothing_after_warm_up()
    {
        using var dir = new TempDirectory();
        var links = new CountingLinks();
        using var transport = new Transport.Transport(new Transport.TransportOptions());
        // The standby's side, played here on the same thread: records in on stream 13, acknowledgements out on 14.
        var records = transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0|term-length=16m", StreamIds.Replication);
        string standbyChannel = $"aeron:udp?endpoint=127.0.0.1:{records.LocalEndPoint.Port}|term-length=16m";
        using var engine = EngineService.Open(new ShardConfig(), links, BatchOptions(dir.Path));
        var replication = new ReplicationConfig { Standbys = [new StandbyConfig("a", standbyChannel, "sync")], SyncTimeoutMs = 3_600_000, StateCheckInterval = 1_000 };
        using var primary = new PrimaryReplication(transport, replication, "aeron:udp?endpoint=127.0.0.1:0|term-length=16m", dir.Path, Exchange.Hosting.Log.Discard, engine.StateHash, engine.Metrics);
        engine.Primary = primary;
        var standby = new Standby(transport.AddPublication($"aeron:udp?endpoint=127.0.0.1:{primary.AckPort}|term-length=16m", StreamIds.ReplicaAcks));
        long now = 1_000_000_000_000;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!standby.SaidHello(engine.Config.ShardId))
        {
            transport.DoWork();
            Assert.True(DateTime.UtcNow < deadline, "the standby's publication connects");
        }
        engine.OnMessage(1, Client.Logon("mm-1001-key", heartbeatMs: 100));
        engine.OnMessage(2, Client.Logon("mm-1002-key", heartbeatMs: 100));
        var buffer = new byte[256];
        long clientOrderId = 1;
        void Cycle(ref long time)
        {
            transport.DoWork();
            records.Poll(ref standby, 1024);
            standby.Acknowledge();
            engine.DoWork(time);
        }

        CycleAction cycle = Cycle;
        Run(engine, buffer, 20_000, ref clientOrderId, ref now, cycle);
        long sentBefore = links.ToConnections, recordsBefore = standby.Records, sequenceBefore = engine.LastSequence;
        Assert.Contains("state=live", primary.Describe(engine.LastSequence));

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(engine, buffer, 100_000, ref clientOrderId, ref now, cycle);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        // Every order went to the standby as it was journaled, with a state check every thousand, and the responses
        // were released by its acknowledgements.
        Assert.Contains("state=live", primary.Describe(engine.LastSequence));
        Assert.True(standby.Records - recordsBefore >= 100_000, $"only {standby.Records - recordsBefore} records");
        Assert.True(standby.Checks >= 100, $"only {standby.Checks} state checks");
        Assert.True(links.ToConnections - sentBefore > 300_000, $"only {links.ToConnections - sentBefore} responses");
        // Waited for (not degraded), and acknowledging as it went.
        Assert.InRange(primary.SyncDurable, sequenceBefore + 1, engine.LastSequence);
    }

    /// <summary>A standby reduced to what the primary sees of it: a hello, then an acknowledgement of every record it receives.</summary>
    private struct Standby(Transport.Publication toPrimary) : Transport.ISubscriptionHandler
    {
        private readonly byte[] _buffer = new byte[128];
        public long Records, Checks, Last;
        private long _acked;

        public bool SaidHello(int shard)
        {
            var hello = ReplicaHelloEncoder.WrapAndApplyHeader(_buffer, 0);
            hello.Shard = shard;
            hello.DurableSequence = 0;
            hello.WriteName("a"u8);
            return toPrimary.Offer(_buffer.AsSpan(0, MessageHeaderEncoder.EncodedLength + hello.EncodedLength)) > 0;
        }

        public void OnMessage(ReadOnlySpan<byte> message, Transport.Image image, long position)
        {
            switch (CommandCodec.TemplateOf(message))
            {
                case ReplicatedRecordDecoder.TemplateId:
                    Records++;
                    Last = ReplicatedRecordDecoder.WrapWithHeader(message).Sequence;
                    break;
                case StateCheckDecoder.TemplateId: Checks++; break;
            }
        }

        public void Acknowledge()
        {
            if (Last == _acked) return;
            var ack = ReplicaAckEncoder.WrapAndApplyHeader(_buffer, 0);
            ack.DurableSequence = Last;
            ack.AppliedSequence = Last;
            if (toPrimary.Offer(_buffer.AsSpan(0, MessageHeaderEncoder.EncodedLength + ack.EncodedLength)) > 0) _acked = Last;
        }

        public readonly void OnImageAvailable(Transport.Image image) { }
        public readonly void OnImageUnavailable(Transport.Image image) { }
    }

    private delegate void CycleAction(ref long now);

    /// <summary>Rounds of four: 1001 rests a sell and 1002 takes it with an IOC buy, then the other way round (so
    /// balances stay put); the last step also rests a bid and cancels it. DoWork after every 64 orders, with the
    /// clock moving on.</summary>
    [Fact]
    public void Queries_of_order_status_account_state_and_book_allocate_nothing_after_warm_up()
    {
        using var dir = new TempDirectory();
        var links = new CountingLinks();
        using var engine = EngineService.Open(new ShardConfig(), links, BatchOptions(dir.Path));
        long now = 1_000_000_000_000;
        LogOnBoth(engine, now);
        var buffer = new byte[256];
        long clientOrderId = 1;
        Run(engine, buffer, 2_000, ref clientOrderId, ref now);
        // 150 resting buys of 1001 on 150 levels: account answers of 5 pages of orders, book answers of 3 messages a side.
        for (int i = 0; i < 150; i++)
            Send(engine, 1, buffer, CommandCodec.Encode(
                new NewOrder(1001, 1_000_000 + i, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 58_000 - i, 1_000_000), buffer));
        engine.DoWork(now += 20_000_000);

        // Warm up until the JIT has settled: tiered compilation promotes methods in the background some time after
        // they get hot (its instrumented tier may allocate while it does), so the warm-up spans pauses, not only calls.
        for (int i = 0; i < 3; i++)
        {
            Queries(engine, buffer, 5_000, ref now);
            Thread.Sleep(300);
        }
        long sentBefore = links.ToConnections;
        long before = GC.GetAllocatedBytesForCurrentThread();
        Queries(engine, buffer, 10_000, ref now);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        // Each round: an OrderStatus; balances, 5 order pages and the end; 3 book messages and the end.
        Assert.True(links.ToConnections - sentBefore >= 10_000 * 12, $"only {links.ToConnections - sentBefore} answers");
        Assert.Equal(2, engine.ActiveSessions);
    }

    private static void Queries(EngineService engine, byte[] buffer, int rounds, ref long now)
    {
        for (int i = 0; i < rounds; i++)
        {
            var status = OrderStatusRequestEncoder.WrapAndApplyHeader(buffer, 0);
            status.RequestId = (ulong)i;
            status.ClientOrderId = 1_000_000 + (i % 300);
            Send(engine, 1, buffer, MessageHeaderEncoder.EncodedLength + status.EncodedLength);
            var account = AccountStateRequestEncoder.WrapAndApplyHeader(buffer, 0);
            account.RequestId = (ulong)i;
            Send(engine, 1, buffer, MessageHeaderEncoder.EncodedLength + account.EncodedLength);
            var book = BookSnapshotRequestEncoder.WrapAndApplyHeader(buffer, 0);
            book.RequestId = (ulong)i;
            book.Symbol = 1;
            Send(engine, 2, buffer, MessageHeaderEncoder.EncodedLength + book.EncodedLength);
            if ((i & 15) == 15) engine.DoWork(now += 20_000_000);
        }
        engine.DoWork(now += 20_000_000);
    }

    private static void Run(EngineService engine, byte[] buffer, int orders, ref long clientOrderId, ref long now, CycleAction? cycle = null)
    {
        // In polls of 64 orders, as the loop delivers them: the order entry of each is held for lookahead.
        for (int i = 0; i < orders; i++)
        {
            if ((i & 63) == 0) engine.BeginPoll();
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
                engine.EndPoll();
                now += 20_000_000;
                if (cycle != null) cycle(ref now);
                else engine.DoWork(now);
            }
        }
        engine.EndPoll();
        if (cycle != null) cycle(ref now);
        else engine.DoWork(now);
    }

    private static void Sell(EngineService engine, int connection, long account, long clientOrderId, long price, byte[] buffer) =>
        Send(engine, connection, buffer, CommandCodec.Encode(
            new NewOrder(account, clientOrderId, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, price, 1_000_000), buffer));

    private static void TakeAsk(EngineService engine, int connection, long account, long clientOrderId, byte[] buffer) =>
        Send(engine, connection, buffer, CommandCodec.Encode(
            new NewOrder(account, clientOrderId, 1, Side.Buy, OrderType.Limit, TimeInForce.ImmediateOrCancel, 60_100, 1_000_000), buffer));

    private static void Send(EngineService engine, int connection, byte[] buffer, int length) => engine.OnMessage(connection, buffer.AsSpan(0, length));
}
