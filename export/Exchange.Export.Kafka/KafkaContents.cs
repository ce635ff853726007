// What the Kafka sink holds, for reconciliation: the position (the position topic's last message), then every message
// of the four topics read from the start to the end: per topic the messages at or before the position and after the
// replay's start, the last input sequence, the trades' ids and sums, and anything out of place: a message twice or out
// of order within its partition, in the wrong partition for its key, or not one of the exporter's.
using Confluent.Kafka;

namespace Exchange.Export.Kafka;

public static class KafkaContents
{
    public static long ReadPosition(KafkaCluster cluster, KafkaTopics? topics = null)
    {
        topics ??= new KafkaTopics();
        using var consumer = cluster.Consumer();
        var tp = new TopicPartition(topics.Position, 0);
        try
        {
            return KafkaCluster.Tails(consumer, [tp]).TryGetValue(tp, out var m) ? KafkaMessages.OrderOf(m.Value).Sequence : 0;
        }
        finally { consumer.Close(); }
    }

    public static StreamContents Read(KafkaCluster cluster, long position, long since, KafkaTopics? topics = null)
    {
        topics ??= new KafkaTopics();
        var contents = new StreamContents { Position = position };
        using var admin = cluster.Admin();
        var partitions = KafkaCluster.Partitions(admin, topics.Data);
        using var consumer = cluster.Consumer();
        try
        {
            var ends = new Dictionary<TopicPartition, long>();
            foreach (var (topic, count) in partitions)
                for (int p = 0; p < count; p++)
                {
                    var tp = new TopicPartition(topic, p);
                    var w = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
                    if (w.High > w.Low) ends[tp] = w.High;
                    if (w.Low > 0) Problem(contents, $"{topic} [{p}] starts at offset {w.Low.Value}: older messages are gone (retention), so counts cannot match");
                }
            var last = new Dictionary<TopicPartition, MessageOrder>();
            var tradeTotals = new TradeTotals();
            consumer.Assign(ends.Keys.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
            var waiting = ends.Keys.ToHashSet();
            var quiet = DateTime.UtcNow;
            while (waiting.Count > 0)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (r == null)
                {
                    if (DateTime.UtcNow - quiet > TimeSpan.FromSeconds(30))
                        throw new IOException($"kafka {cluster.Describe()}: nothing read for 30 s with {waiting.Count} partitions unfinished");
                    continue;
                }
                quiet = DateTime.UtcNow;
                if (r.IsPartitionEOF || r.Offset.Value >= ends[r.TopicPartition] - 1) waiting.Remove(r.TopicPartition);
                if (r.IsPartitionEOF) continue;
                string where = $"{r.Topic} [{r.Partition.Value}] offset {r.Offset.Value}";
                Dictionary<string, long> n;
                try { n = KafkaMessages.Numbers(r.Message.Value); }
                catch (InvalidDataException e) { Problem(contents, $"{where}: {e.Message}"); continue; }
                var order = new MessageOrder(n["seq"], (int)n["idx"]);
                if (last.TryGetValue(r.TopicPartition, out var before) && !(order > before))
                    Problem(contents, $"{where}: message {order} after {before}: twice or out of order");
                last[r.TopicPartition] = order;
                string keyField = r.Topic == topics.Trades || r.Topic == topics.Book ? "symbol" : "account";
                if (!n.TryGetValue(keyField, out long key) || System.Text.Encoding.ASCII.GetString(r.Message.Key ?? []) != key.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    || KafkaTopics.PartitionOf(key, partitions[r.Topic]) != r.Partition.Value)
                    Problem(contents, $"{where}: key \"{System.Text.Encoding.ASCII.GetString(r.Message.Key ?? [])}\" does not belong in this partition or message");

                var t = r.Topic == topics.Trades ? contents.Trades : r.Topic == topics.Orders ? contents.Orders : r.Topic == topics.Ledger ? contents.Ledger : contents.Book;
                if (order.Sequence > position) { t.Beyond++; continue; }
                t.Count++;
                t.LastSequence = Math.Max(t.LastSequence, order.Sequence);
                if (r.Topic == topics.Trades)
                {
                    contents.MaxTradeId = Math.Max(contents.MaxTradeId, n.GetValueOrDefault("tradeId"));
                    if (order.Sequence > since)
                        tradeTotals = new TradeTotals(tradeTotals.Count + 1, tradeTotals.Quantity + n["quantity"],
                            tradeTotals.PriceTimesQuantity + (Int128)n["price"] * n["quantity"], tradeTotals.Fees + n["makerFee"] + n["takerFee"]);
                }
                if (order.Sequence > since) t.CountSince++;
            }
            contents.TradesSince = tradeTotals;
        }
        finally { consumer.Close(); }
        return contents;
    }

    private static void Problem(StreamContents contents, string text)
    {
        if (contents.Problems.Count < 20) contents.Problems.Add(text);
    }
}
