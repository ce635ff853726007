// The Kafka sink. Each batch's messages go out through an idempotent producer (no duplicates, no reordering within a
// partition while the producer lives), and only once every one of them is acknowledged does a message with the batch's
// last sequence go to the position topic. After a crash the position is the last such message; messages of later inputs
// may already be in some partitions, so before writing the sink reads the tail of every partition it writes to and
// skips each message whose (seq, idx) is not past that partition's tail: a partition holds a prefix of what the exporter
// writes to it, so what is skipped is exactly what is there. The same happens after any failed write (the producer is
// replaced and the tails read again), so a retried batch repeats nothing. Kafka transactions were the other way; this one
// needs no read_committed readers and works with any broker, including librdkafka's mock cluster, which keeps aborted
// transactions visible and so could not show exactly-once for them.
using Confluent.Kafka;
using Google.Protobuf;

namespace Exchange.Export.Kafka;

public sealed class KafkaSink(KafkaCluster cluster, int partitions = KafkaSink.DefaultPartitions, KafkaTopics? topics = null) : IExportSink
{
    public const int DefaultPartitions = 6;

    private readonly KafkaTopics _topics = topics ?? new KafkaTopics();
    private readonly Dictionary<string, int> _partitions = new(StringComparer.Ordinal);
    private readonly Dictionary<TopicPartition, MessageOrder> _tails = [];
    private IProducer<byte[], byte[]>? _producer;
    private IConsumer<byte[], byte[]>? _consumer;
    private string? _deliveryError;
    private long _pending;

    public string Name => "kafka";

    public string Describe() => cluster.Describe();

    public bool IsTransient(Exception error) => KafkaCluster.IsTransient(error);

    private IConsumer<byte[], byte[]> Reader => _consumer ??= cluster.Consumer();

    public long Open()
    {
        using (var admin = cluster.Admin())
        {
            var counts = KafkaCluster.Partitions(admin, [.. _topics.Data, _topics.Position]);
            var missing = counts.Where(c => c.Value == 0).Select(c => c.Key).ToList();
            if (missing.Count > 0)
            {
                string? refused = null;
                try
                {
                    admin.CreateTopicsAsync(missing.Select(t => new Confluent.Kafka.Admin.TopicSpecification
                    {
                        Name = t, NumPartitions = t == _topics.Position ? 1 : partitions, ReplicationFactor = -1,
                    }), new Confluent.Kafka.Admin.CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(5), OperationTimeout = TimeSpan.FromSeconds(5) })
                        .GetAwaiter().GetResult();
                }
                catch (Confluent.Kafka.Admin.CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists)) { }
                catch (KafkaException e) { refused = e.Error.Reason; }
                // A cluster without CreateTopics (librdkafka's mock) creates a topic on first mention instead, where allowed.
                if (refused != null)
                    foreach (string topic in missing) admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
                counts = KafkaCluster.Partitions(admin, [.. _topics.Data, _topics.Position]);
                if (counts.Any(c => c.Value == 0))
                    throw new KafkaRetryableException($"topics {string.Join(", ", counts.Where(c => c.Value == 0).Select(c => c.Key))} are missing and could not be created ({refused ?? "no reason given"})");
            }
            foreach (var (topic, count) in counts) _partitions[topic] = count;
        }
        ReadTails();
        return ReadPosition();
    }

    public long ReadPosition()
    {
        var tp = new TopicPartition(_topics.Position, 0);
        return KafkaCluster.Tails(Reader, [tp]).TryGetValue(tp, out var m) ? Parse(m, tp).Sequence : 0;
    }

    private void ReadTails()
    {
        _tails.Clear();
        var all = _topics.Data.SelectMany(t => Enumerable.Range(0, _partitions[t]).Select(p => new TopicPartition(t, p)));
        foreach (var (tp, m) in KafkaCluster.Tails(Reader, all)) _tails[tp] = Parse(m, tp);
    }

    private static MessageOrder Parse(Message<byte[], byte[]> m, TopicPartition tp)
    {
        try { return KafkaMessages.OrderOf(m.Value); }
        catch (InvalidDataException e) { throw new ExportException($"kafka {tp.Topic} [{tp.Partition.Value}]: its last message is {e.Message}: not this exporter's topic"); }
    }

    public void Write(ExportBatch batch)
    {
        try
        {
            if (_producer == null)
            {
                // A fresh start or a failed write: whatever the last producer got in is in the tails.
                ReadTails();
                _producer = cluster.Producer();
            }
            long position = ReadPositionIfUnsure(batch);
            if (position != batch.FirstSequence - 1) throw new PositionMismatchException(batch.FirstSequence - 1, position);

            for (int i = 0, n; i < batch.Trades.Count; i += n)
            {
                // An input's trades: idx is the k-th of them, count how many.
                n = RunLength(batch.Trades, i, static t => t.Sequence);
                for (int k = 0; k < n; k++)
                {
                    var t = batch.Trades[i + k];
                    int index = k, count = n;
                    Send(_topics.Trades, t.Symbol, new MessageOrder(t.Sequence, k), () => KafkaMessages.Trade(t, index, count).ToByteArray());
                }
            }
            SendRuns(_topics.Orders, batch.Orders, static o => o.Sequence, static o => o.Account, static o => o.Index, static (o, n) => KafkaMessages.Order(o, n).ToByteArray());
            SendRuns(_topics.Ledger, batch.Ledger, static l => l.Sequence, static l => l.Account, static l => l.Index, static (l, n) => KafkaMessages.Ledger(l, n).ToByteArray());
            SendRuns(_topics.Book, batch.Levels, static l => l.Sequence, static l => l.Symbol, static l => l.Index, static (l, n) => KafkaMessages.Level(l, n).ToByteArray());
            AwaitDeliveries();

            _producer.Produce(new TopicPartition(_topics.Position, 0),
                new Message<byte[], byte[]> { Key = "position"u8.ToArray(), Value = KafkaMessages.Position(batch.LastSequence, batch.LastTimestamp) }, Delivered);
            Interlocked.Increment(ref _pending);
            AwaitDeliveries();
            _knownPosition = batch.LastSequence;
        }
        catch
        {
            // In doubt about what got in: the next write starts from the tails again, with a new producer (the old one's
            // undelivered messages are dropped with it, not sent later).
            _producer?.Dispose();
            _producer = null;
            Interlocked.Exchange(ref _pending, 0);
            Interlocked.Exchange(ref _deliveryError, null);
            _knownPosition = -1;
            throw;
        }
    }

    private long _knownPosition = -1;

    private long ReadPositionIfUnsure(ExportBatch batch) => _knownPosition >= 0 ? _knownPosition : (_knownPosition = ReadPosition());

    /// <summary>How many rows from <paramref name="start"/> on belong to the same input.</summary>
    private static int RunLength<T>(List<T> rows, int start, Func<T, long> sequence)
    {
        long s = sequence(rows[start]);
        int end = start + 1;
        while (end < rows.Count && sequence(rows[end]) == s) end++;
        return end - start;
    }

    /// <summary>Rows of one topic whose index within their input is already theirs: each message says how many its input has.</summary>
    private void SendRuns<T>(string topic, List<T> rows, Func<T, long> sequence, Func<T, long> key, Func<T, int> index, Func<T, int, byte[]> encode)
    {
        for (int i = 0, n; i < rows.Count; i += n)
        {
            n = RunLength(rows, i, sequence);
            for (int k = i; k < i + n; k++)
            {
                var row = rows[k];
                int count = n;
                Send(topic, key(row), new MessageOrder(sequence(row), index(row)), () => encode(row, count));
            }
        }
    }

    private void Send(string topic, long key, MessageOrder order, Func<byte[]> value)
    {
        var tp = new TopicPartition(topic, KafkaTopics.PartitionOf(key, _partitions[topic]));
        if (_tails.TryGetValue(tp, out var tail) && !(order > tail)) return; // in already, before a crash or a failed write
        var message = new Message<byte[], byte[]> { Key = KafkaMessages.Key(key), Value = value() };
        while (true)
        {
            try
            {
                _producer!.Produce(tp, message, Delivered);
                Interlocked.Increment(ref _pending);
                _tails[tp] = order;
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer!.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    // Called on the producer's own polling thread.
    private void Delivered(DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError)
            Interlocked.CompareExchange(ref _deliveryError, $"{report.TopicPartition.Topic} [{report.TopicPartition.Partition.Value}]: {report.Error.Reason}", null);
        Interlocked.Decrement(ref _pending);
    }

    /// <summary>Waits until every message produced is acknowledged (or has failed, which fails the write).</summary>
    private void AwaitDeliveries()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Volatile.Read(ref _pending) > 0 && Volatile.Read(ref _deliveryError) == null)
        {
            if (DateTime.UtcNow > deadline) throw new KafkaRetryableException($"{_pending} messages unacknowledged after 60 s");
            _producer!.Flush(TimeSpan.FromMilliseconds(200));
        }
        if (Interlocked.Exchange(ref _deliveryError, null) is { } error) throw new KafkaRetryableException($"delivery failed: {error}");
    }

    public void Dispose()
    {
        _producer?.Dispose();
        _consumer?.Close();
        _consumer?.Dispose();
    }
}
