// The exporter against a Kafka cluster (librdkafka's mock cluster, in a process of its own): every message reconciles
// clean against the journal and reads back with kcat; a broker taken away and back, or the exporter killed mid-export,
// loses and repeats nothing, which a fault-free export of the same journal into a second cluster shows topic for topic.
using Exchange.Export.Kafka;
using Proto = Exchange.Export.Kafka.Proto;
using Exchange.Testing;

namespace Exchange.Export.Tests;

public sealed class KafkaExportTests : IDisposable
{
    private readonly TempDirectory _temp = new("export-kafka-");
    private readonly KafkaMockCluster _kafka = new();

    public void Dispose()
    {
        _kafka.Dispose();
        _temp.Dispose();
    }

    private string Journal(int inputs, int seed, int snapshotEvery = 0)
    {
        string dir = _temp.Combine($"journal-{seed}");
        Workload.Write(dir, inputs, seed, snapshotEvery);
        return dir;
    }

    public static readonly string[] DataTopics = ["exchange.trades", "exchange.orders", "exchange.ledger", "exchange.book"];

    /// <summary>Every message of <paramref name="topic"/>, as stored (partition by partition, in offset order), read by a
    /// consumer of the test's own.</summary>
    public static List<(int Partition, long Offset, string Key, byte[] Value)> Messages(KafkaMockCluster kafka, string topic)
    {
        var cluster = new KafkaCluster(kafka.BootstrapServers);
        using var admin = cluster.Admin();
        int partitions = KafkaCluster.Partitions(admin, [topic])[topic];
        using var consumer = cluster.Consumer();
        var result = new List<(int Partition, long Offset, string Key, byte[] Value)>();
        try
        {
            for (int p = 0; p < partitions; p++)
            {
                var tp = new Confluent.Kafka.TopicPartition(topic, p);
                var w = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
                if (w.High <= w.Low) continue;
                consumer.Assign(new Confluent.Kafka.TopicPartitionOffset(tp, w.Low));
                while (true)
                {
                    var r = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException($"{topic} [{p}]: nothing read for 30 s");
                    if (r.IsPartitionEOF) break;
                    result.Add((p, r.Offset.Value, System.Text.Encoding.ASCII.GetString(r.Message.Key ?? []), r.Message.Value));
                    if (r.Offset.Value >= w.High - 1) break;
                }
                consumer.Unassign();
            }
        }
        finally { consumer.Close(); }
        return result;
    }

    /// <summary>Each topic's messages (partition, key, value bytes), one partition after another, hashed.</summary>
    public static string Contents(KafkaMockCluster kafka)
    {
        var lines = new List<string>();
        foreach (string topic in DataTopics)
        {
            var messages = Messages(kafka, topic);
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.MD5);
            foreach (var m in messages)
            {
                hash.AppendData(System.Text.Encoding.ASCII.GetBytes($"{m.Partition} {m.Key} {m.Value.Length} "));
                hash.AppendData(m.Value);
            }
            lines.Add($"{topic} {messages.Count}:{Convert.ToHexString(hash.GetHashAndReset())}");
        }
        return string.Join('\n', lines);
    }

    public static long Position(KafkaMockCluster kafka)
    {
        try { return KafkaContents.ReadPosition(new KafkaCluster(kafka.BootstrapServers)); }
        catch (Confluent.Kafka.KafkaException) { return 0; } // no such topic yet
    }

    private static string Reference(string journal)
    {
        using var reference = new KafkaMockCluster();
        Tools.ExportAll(journal, "--kafka", reference.BootstrapServers, "--batch-rows", "100000");
        return Contents(reference);
    }

    [Fact]
    public void An_exported_journal_reconciles_clean_and_reads_back_with_kcat()
    {
        string journal = Journal(20_000, seed: 21, snapshotEvery: 5_000);
        var export = Tools.ExportAll(journal, "--kafka", _kafka.BootstrapServers, "--batch-rows", "3000");
        Assert.Contains("caught-up sink=kafka position=20000 ", export.Stdout);
        Tools.AssertSinksReconcileClean(journal, "--kafka", _kafka.BootstrapServers);

        // kcat, a client of its own, sees the topics: each partition's offsets from 0 with none missing, and every key
        // (a symbol for trades, an account for order events) in the partition its id hashes to.
        foreach (string topic in DataTopics)
        {
            var lines = _kafka.Kcat("-C", "-t", topic, "-e", "-q", "-f", "%p %o %k %S\\n").Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ')).Select(f => (Partition: int.Parse(f[0]), Offset: long.Parse(f[1]), Key: long.Parse(f[2]), Size: int.Parse(f[3]))).ToList();
            Assert.True(lines.Count > 1_000, $"{topic}: {lines.Count} messages");
            foreach (var partition in lines.GroupBy(l => l.Partition))
            {
                Assert.Equal(Enumerable.Range(0, partition.Count()).Select(i => (long)i), partition.Select(l => l.Offset).Order());
                Assert.All(partition, l => Assert.Equal(partition.Key, KafkaTopics.PartitionOf(l.Key, 16)));
                Assert.All(partition, l => Assert.InRange(l.Size, 8, 200));
            }
        }

        // protoc, with the repository's .proto file, decodes a message kcat reads: the last trade of a partition.
        string last = Protoc.Decode(_kafka, "exchange.trades", partition: 0, "exchange.export.v1.Trade");
        Assert.Matches(@"(?m)^seq: \d+$", last);
        Assert.Matches(@"(?m)^trade_id: \d+$", last);
        Assert.Matches(@"(?m)^taker_side: SIDE_(BUY|SELL)$", last);
        var generated = Proto.Trade.Parser.ParseFrom(Messages(_kafka, "exchange.trades").Last(m => m.Partition == 0).Value);
        Assert.Contains($"trade_id: {generated.TradeId}\n", last);
        Assert.Contains($"price: {generated.Price}\n", last);
        Assert.Equal(20_000, Position(_kafka));
    }

    private static readonly Dictionary<Proto.OrderStatus, string> Statuses = new()
    {
        [Proto.OrderStatus.New] = "new", [Proto.OrderStatus.PartiallyFilled] = "partially_filled", [Proto.OrderStatus.Filled] = "filled",
        [Proto.OrderStatus.Cancelled] = "cancelled", [Proto.OrderStatus.Rejected] = "rejected", [Proto.OrderStatus.Pending] = "pending",
    };

    [Fact]
    public void Every_topic_decodes_with_the_generated_classes_to_the_state_rebuilt_from_the_journal()
    {
        string journal = Journal(20_000, seed: 25, snapshotEvery: 5_000);
        Tools.ExportAll(journal, "--kafka", _kafka.BootstrapServers, "--batch-rows", "2500");
        var (engine, _, tally) = Reconciliation.Rebuild(journal, Workload.Config, 20_000, useSnapshots: false);

        var trades = Messages(_kafka, "exchange.trades").Select(m => (m.Key, T: Proto.Trade.Parser.ParseFrom(m.Value))).ToList();
        var orders = Messages(_kafka, "exchange.orders").Select(m => (m.Key, O: Proto.OrderEvent.Parser.ParseFrom(m.Value))).ToList();
        var ledger = Messages(_kafka, "exchange.ledger").Select(m => (m.Key, L: Proto.LedgerMovement.Parser.ParseFrom(m.Value))).ToList();
        var book = Messages(_kafka, "exchange.book").Select(m => (m.Key, B: Proto.BookLevelChange.Parser.ParseFrom(m.Value))).ToList();

        // Every input's messages of a topic are all there: idx 0 .. count-1 over the topic's partitions.
        void Complete(IEnumerable<(long Seq, int Idx, int Count)> messages, long expectedTotal)
        {
            var list = messages.ToList();
            Assert.Equal(expectedTotal, list.Count);
            foreach (var input in list.GroupBy(m => m.Seq))
                Assert.Equal(Enumerable.Range(0, input.First().Count), input.Select(m => m.Idx).Order());
        }
        Complete(trades.Select(t => (t.T.Seq, t.T.Idx, t.T.Count)), tally.Trades.Count);
        Complete(orders.Select(o => (o.O.Seq, o.O.Idx, o.O.Count)), tally.OrderEvents);
        Complete(ledger.Select(l => (l.L.Seq, l.L.Idx, l.L.Count)), tally.LedgerMovements);
        Complete(book.Select(b => (b.B.Seq, b.B.Idx, b.B.Count)), tally.LevelChanges);

        // Trades: ids 1..N, keyed by symbol, notional and sums as the engine's.
        long tradeCount = engine.Capture().NextTradeId - 1;
        Assert.Equal(Enumerable.Range(1, (int)tradeCount).Select(i => (long)i), trades.Select(t => t.T.TradeId).Order());
        Assert.All(trades, t => Assert.Equal(t.T.Symbol.ToString(), t.Key));
        Assert.All(trades, t =>
        {
            Assert.True(engine.TryGetSymbol(t.T.Symbol, out var spec, out _));
            Assert.Equal(t.T.Price * t.T.Quantity / spec.LotSize, t.T.Notional);
            Assert.NotEqual(Proto.Side.Unspecified, t.T.TakerSide);
        });
        Assert.Equal(tally.Trades, new TradeTotals(trades.Count, trades.Sum(t => t.T.Quantity),
            trades.Aggregate(Int128.Zero, (sum, t) => sum + (Int128)t.T.Price * t.T.Quantity), trades.Sum(t => t.T.MakerFee + t.T.TakerFee)));

        // Ledger: per account and asset the movements chain (balance after = before + change), and end at the engine's balance.
        var balances = new Dictionary<(long, int), (long Available, long Held)>();
        foreach (var (key, l) in ledger.OrderBy(l => l.L.Seq).ThenBy(l => l.L.Idx))
        {
            Assert.Equal(l.Account.ToString(), key);
            var before = balances.GetValueOrDefault((l.Account, l.Asset));
            Assert.Equal(before.Available + l.DeltaAvailable, l.Available);
            Assert.Equal(before.Held + l.DeltaHeld, l.Held);
            Assert.NotEqual(Proto.LedgerKind.Unspecified, l.Kind);
            balances[(l.Account, l.Asset)] = (l.Available, l.Held);
        }
        int checkedBalances = 0;
        foreach (long account in engine.AccountIds())
            for (int asset = 0; asset < Workload.Config.AssetCount; asset++)
            {
                engine.TryGetBalance(account, asset, out var b);
                Assert.Equal((b.Available, b.Held), balances.GetValueOrDefault((account, asset)));
                checkedBalances++;
            }
        Assert.True(checkedBalances >= Workload.Accounts.Length * Workload.Config.AssetCount);

        // Orders: each order's last event has the outcome the replay saw, and the resting ones their terms in the book.
        var lastEvent = orders.Where(o => o.O.OrderId != 0).OrderBy(o => o.O.Seq).ThenBy(o => o.O.Idx)
            .GroupBy(o => o.O.OrderId).ToDictionary(g => g.Key, g => g.Last().O);
        Assert.All(orders, o => Assert.Equal(o.O.Account.ToString(), o.Key));
        Assert.Equal(tally.Orders.Count, lastEvent.Count);
        foreach (var (id, final) in tally.Orders)
        {
            var o = lastEvent[id];
            Assert.Equal(final.Status, Statuses[o.Status]);
            Assert.Equal(final.Filled, o.Filled);
        }
        Assert.Equal(tally.Rejected, orders.Count(o => o.O.Event == Proto.OrderEventKind.Rejected && o.O.OrderId == 0 && o.O.Reason.Length > 0));
        int resting = 0;
        foreach (int symbol in engine.SymbolIds())
            foreach (var side in new[] { Side.Buy, Side.Sell })
                foreach (var r in engine.Orders(symbol, side))
                {
                    var o = lastEvent[r.OrderId];
                    Assert.Equal((r.Account, r.ClientOrderId, r.Symbol, r.Price, r.Quantity, r.Filled, r.Leaves),
                        (o.Account, o.ClientOrderId, o.Symbol, o.Price, o.Quantity, o.Filled, o.Leaves));
                    Assert.Equal(KafkaMessages.Of(side), o.Side);
                    resting++;
                }
        Assert.True(resting > 0, "some orders rest at the end");
        // Pending stops: their last event is a pending one with the stop's type and stop price.
        int pending = 0;
        foreach (int symbol in engine.SymbolIds())
            foreach (var side in new[] { Side.Buy, Side.Sell })
                foreach (var stop in engine.PendingStops(symbol, side))
                {
                    var o = lastEvent[stop.Order.OrderId];
                    Assert.Equal((Proto.OrderStatus.Pending, stop.StopPrice, stop.Type == OrderType.Stop ? Proto.OrderType.Stop : Proto.OrderType.StopLimit),
                        (o.Status, o.StopPrice, o.Type));
                    pending++;
                }
        Assert.True(pending > 0, "some stops wait at the end");
        // Every trigger names the last trade price that reached its stop.
        var triggered = orders.Where(o => o.O.Event == Proto.OrderEventKind.Triggered).ToList();
        Assert.NotEmpty(triggered);
        Assert.All(triggered, t => Assert.True(t.O.StopPrice > 0 && t.O.LastPrice > 0
            && (t.O.Side == Proto.Side.Buy ? t.O.LastPrice >= t.O.StopPrice : t.O.LastPrice <= t.O.StopPrice), t.O.ToString()));

        // Book: the level changes, applied in input order, leave each symbol's book as the engine's.
        var levels = new Dictionary<(int Symbol, Proto.Side Side, long Price), (long Quantity, int Orders)>();
        foreach (var (key, b) in book.OrderBy(b => b.B.Seq).ThenBy(b => b.B.Idx))
        {
            Assert.Equal(b.Symbol.ToString(), key);
            if (b.Quantity == 0) Assert.True(levels.Remove((b.Symbol, b.Side, b.Price)), $"level {b.Price} removed that was not there");
            else levels[(b.Symbol, b.Side, b.Price)] = (b.Quantity, b.Orders);
        }
        var expected = new Dictionary<(int Symbol, Proto.Side Side, long Price), (long Quantity, int Orders)>();
        foreach (int symbol in engine.SymbolIds())
            foreach (var side in new[] { Side.Buy, Side.Sell })
                foreach (var level in engine.Levels(symbol, side))
                    expected[(symbol, KafkaMessages.Of(side), level.Price)] = (level.Quantity, level.OrderCount);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(e => e.Key).ToList(), levels.OrderBy(e => e.Key).ToList());

        // The position: the journal's last input and its sequencer time.
        var position = Proto.ExportPosition.Parser.ParseFrom(Messages(_kafka, "exchange.export.position").Last().Value);
        Assert.Equal((20_000L, engine.LastTimestamp), (position.Seq, position.Ts));
    }

    [Fact]
    public void Exporting_again_writes_nothing_twice()
    {
        string journal = Journal(8_000, seed: 22, snapshotEvery: 4_000);
        Tools.ExportAll(journal, "--kafka", _kafka.BootstrapServers, "--batch-rows", "2000");
        string first = Contents(_kafka);
        var again = Tools.ExportAll(journal, "--kafka", _kafka.BootstrapServers);
        Assert.Contains("position=8000 start=snapshot:8000", again.Stdout);
        Assert.Equal(first, Contents(_kafka));
        Assert.Equal(first, Reference(journal));
    }

    [Fact]
    public void A_broker_taken_down_mid_export_and_brought_back_loses_and_repeats_nothing()
    {
        string journal = Journal(60_000, seed: 23, snapshotEvery: 20_000);
        string expected = Reference(journal);
        using var export = Tools.StartExporter(journal, "--kafka", _kafka.BootstrapServers, "--once", "--batch-rows", "500");
        Eventually.True(() => Position(_kafka) > 10_000, "the export is under way", Timeouts.Process);
        _kafka.BrokerDown(2);
        // Messages for the partitions it leads cannot be delivered: the export stalls, then says the sink is down.
        export.WaitForLine("sink=kafka state=down", Timeouts.Process);
        Assert.False(export.HasExited, $"the exporter waits for the broker: {export.Stdout}\n{export.Stderr}");
        _kafka.BrokerUp(2);
        Assert.True(export.WaitForExit(Timeouts.Process), "the exporter finishes after the broker is back");
        Assert.True(export.ExitCode == 0, $"{export.Stdout}\n{export.Stderr}");
        Assert.Contains("sink=kafka state=up", export.Stdout);

        Tools.AssertSinksReconcileClean(journal, "--kafka", _kafka.BootstrapServers);
        Assert.Equal(expected, Contents(_kafka));
    }

    [Fact]
    public void Reconcile_finds_a_message_written_twice()
    {
        string journal = Journal(5_000, seed: 24);
        Tools.ExportAll(journal, "--kafka", _kafka.BootstrapServers);
        Tools.AssertSinksReconcileClean(journal, "--kafka", _kafka.BootstrapServers);
        // One trade produced again, by another client, into its own partition.
        var last = Messages(_kafka, "exchange.trades").Last(m => m.Partition == 0);
        using (var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build())
        {
            producer.Produce(new Confluent.Kafka.TopicPartition("exchange.trades", 0),
                new Confluent.Kafka.Message<byte[], byte[]> { Key = System.Text.Encoding.ASCII.GetBytes(last.Key), Value = last.Value });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        var reconcile = Tools.ReconcileSinks(journal, "--kafka", _kafka.BootstrapServers);
        Assert.True(reconcile.ExitCode == 1, reconcile.ToString());
        Assert.Contains("twice or out of order", reconcile.Stdout);
        Assert.Contains("difference: trades", reconcile.Stdout);
    }
}
