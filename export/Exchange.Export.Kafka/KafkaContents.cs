// What the Kafka sink holds, for reconciliation: the position (the position topic's last message), then every message
// of the four topics read from the start to the end: per topic the messages at or before the position and after the
// replay's start, the last input sequence, the trades' ids and sums, and anything out of place: a message twice or out
// of order within its partition, in the wrong partition for its key, an input missing some of its messages of a topic
// (their idx against their count), or not one of the exporter's.
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
            var inputs = new Dictionary<(string Topic, long Sequence), (int Count, int Seen)>();
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
                Decoded m;
                try { m = Decode(topics, r.Topic, r.Message.Value); }
                catch (InvalidDataException e) { Problem(contents, $"{where}: {e.Message}"); continue; }
                var order = new MessageOrder(m.Sequence, m.Index);
                if (last.TryGetValue(r.TopicPartition, out var before) && !(order > before))
                    Problem(contents, $"{where}: message {order} after {before}: twice or out of order");
                last[r.TopicPartition] = order;
                string key = System.Text.Encoding.ASCII.GetString(r.Message.Key ?? []);
                if (key != m.Key.ToString(System.Globalization.CultureInfo.InvariantCulture) || KafkaTopics.PartitionOf(m.Key, partitions[r.Topic]) != r.Partition.Value)
                    Problem(contents, $"{where}: key \"{key}\" does not belong in this partition or message");

                var t = r.Topic == topics.Trades ? contents.Trades : r.Topic == topics.Orders ? contents.Orders : r.Topic == topics.Ledger ? contents.Ledger : contents.Book;
                if (order.Sequence > position) { t.Beyond++; continue; }
                t.Count++;
                t.LastSequence = Math.Max(t.LastSequence, order.Sequence);
                // An input's messages of a topic, over all its partitions: idx 0 .. count-1, each once.
                var input = (r.Topic, order.Sequence);
                inputs.TryGetValue(input, out var seen);
                if (m.Count <= 0 || order.Index >= m.Count || (seen.Count != 0 && seen.Count != m.Count))
                    Problem(contents, $"{where}: message {order} says its input has {m.Count} messages in the topic");
                inputs[input] = (m.Count, seen.Seen + 1);
                if (m.Trade is { } trade)
                {
                    contents.MaxTradeId = Math.Max(contents.MaxTradeId, trade.TradeId);
                    if (order.Sequence > since)
                        tradeTotals = new TradeTotals(tradeTotals.Count + 1, tradeTotals.Quantity + trade.Quantity,
                            tradeTotals.PriceTimesQuantity + (Int128)trade.Price * trade.Quantity, tradeTotals.Fees + trade.MakerFee + trade.TakerFee);
                }
                if (order.Sequence > since) t.CountSince++;
            }
            contents.TradesSince = tradeTotals;
            foreach (var ((topic, sequence), (count, seen)) in inputs)
                if (seen != count) Problem(contents, $"{topic}: input {sequence} has {seen} of its {count} messages: a gap");
        }
        finally { consumer.Close(); }
        return contents;
    }

    /// <summary>What every topic's message tells reconciliation: its order, its key's id, how many messages its input
    /// has in the topic, and for trades the trade.</summary>
    private readonly record struct Decoded(long Sequence, int Index, int Count, long Key, Proto.Trade? Trade);

    private static Decoded Decode(KafkaTopics topics, string topic, byte[]? value)
    {
        Decoded d;
        if (topic == topics.Trades) { var m = KafkaMessages.Parse(Proto.Trade.Parser, value); d = new(m.Seq, m.Idx, m.Count, m.Symbol, m); }
        else if (topic == topics.Orders) { var m = KafkaMessages.Parse(Proto.OrderEvent.Parser, value); d = new(m.Seq, m.Idx, m.Count, m.Account, null); }
        else if (topic == topics.Ledger) { var m = KafkaMessages.Parse(Proto.LedgerMovement.Parser, value); d = new(m.Seq, m.Idx, m.Count, m.Account, null); }
        else { var m = KafkaMessages.Parse(Proto.BookLevelChange.Parser, value); d = new(m.Seq, m.Idx, m.Count, m.Symbol, null); }
        if (d.Sequence <= 0) throw new InvalidDataException("not a message of the exporter's: no input sequence");
        return d;
    }

    private static void Problem(StreamContents contents, string text)
    {
        if (contents.Problems.Count < 20) contents.Problems.Add(text);
    }
}
