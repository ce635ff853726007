// Clients of the exporter's Kafka cluster: the settings every client gets (bootstrap servers plus any librdkafka
// property the operator adds, such as security settings, which are never printed), the tail of a partition, and
// which failures are worth retrying.
using Confluent.Kafka;

namespace Exchange.Export.Kafka;

public sealed class KafkaCluster
{
    /// <summary>The environment variable extra client properties may come from ("name=value;name=value"), the place for
    /// a SASL password.</summary>
    public const string SettingsVariable = "EXCHANGE_EXPORT_KAFKA_SETTINGS";

    private readonly IReadOnlyDictionary<string, string>? settings;

    public KafkaCluster(string bootstrapServers, IReadOnlyDictionary<string, string>? settings = null)
    {
        BootstrapServers = bootstrapServers;
        this.settings = settings;
        LoadBundledLibrary();
    }

    private static readonly Lock LoadLock = new();
    private static bool _loaded;

    /// <summary>Makes the client load the librdkafka it was built against (librdkafka.redist's, next to the executable once
    /// published, under runtimes/ in a build), never the machine's own: Debian's (the mock cluster's, 2.0) lacks
    /// functions the client calls, and the client would otherwise take it whenever the redist's main build cannot load
    /// (it needs libsasl2.so.3, which Debian does not have; the redist's CentOS 8 build loads here).</summary>
    public static void LoadBundledLibrary()
    {
        lock (LoadLock)
        {
            if (_loaded) return;
            _loaded = true;
            string arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "x64";
            string native = Path.Combine(AppContext.BaseDirectory, "runtimes", $"linux-{arch}", "native");
            IntPtr handle = IntPtr.Zero;
            foreach (string candidate in new[] {
                Path.Combine(AppContext.BaseDirectory, "librdkafka.so"), Path.Combine(native, "librdkafka.so"),
                Path.Combine(AppContext.BaseDirectory, "centos8-librdkafka.so"), Path.Combine(native, "centos8-librdkafka.so") })
                if (File.Exists(candidate) && System.Runtime.InteropServices.NativeLibrary.TryLoad(candidate, out handle)) break;
            if (handle == IntPtr.Zero) return;
            System.Runtime.InteropServices.NativeLibrary.SetDllImportResolver(typeof(Library).Assembly,
                (name, _, _) => name.Contains("librdkafka", StringComparison.Ordinal) ? handle : IntPtr.Zero);
        }
    }

    public string BootstrapServers { get; }

    /// <summary>The bootstrap servers only: settings may hold secrets.</summary>
    public string Describe() => BootstrapServers;

    public static Dictionary<string, string> ParseSettings(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ArgumentException($"\"{pair.Split('=')[0]}\" is not name=value");
            result[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return result;
    }

    private T With<T>(T config) where T : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;
        config.ClientId = "exchange-export";
        config.SocketTimeoutMs = 10_000;
        config.LogConnectionClose = false;
        if (settings != null) foreach (var (k, v) in settings) config.Set(k, v);
        return config;
    }

    public IProducer<byte[], byte[]> Producer()
    {
        var config = With(new ProducerConfig
        {
            EnableIdempotence = true, Acks = Acks.All, LingerMs = 5, MessageTimeoutMs = 15_000, RequestTimeoutMs = 5_000,
            QueueBufferingMaxMessages = 1_000_000, QueueBufferingMaxKbytes = 1_048_576, BatchNumMessages = 10_000,
        });
        return new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
    }

    public IConsumer<byte[], byte[]> Consumer()
    {
        var config = With(new ConsumerConfig
        {
            GroupId = "exchange-export-reader", EnableAutoCommit = false, EnablePartitionEof = true, AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = IsolationLevel.ReadUncommitted,
        });
        return new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
    }

    public IAdminClient Admin() => new AdminClientBuilder(With(new AdminClientConfig())).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();

    /// <summary>Partition counts of <paramref name="topics"/> (0 for a topic the cluster does not have). Asks for the
    /// cluster's whole metadata: asking for a topic by name would have a broker that auto-creates topics create it.</summary>
    public static Dictionary<string, int> Partitions(IAdminClient admin, IEnumerable<string> topics)
    {
        var meta = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string topic in topics)
        {
            var t = meta.Topics.FirstOrDefault(x => x.Topic == topic);
            if (t == null || t.Error.Code == ErrorCode.UnknownTopicOrPart || t.Partitions.Count == 0) { result[topic] = 0; continue; }
            if (t.Error.IsError) throw new KafkaException(t.Error);
            result[topic] = t.Partitions.Count;
        }
        return result;
    }

    /// <summary>The last message of each partition given (absent for an empty partition), read by one consumer.</summary>
    public static Dictionary<TopicPartition, Message<byte[], byte[]>> Tails(IConsumer<byte[], byte[]> consumer, IEnumerable<TopicPartition> partitions)
    {
        var tails = new Dictionary<TopicPartition, Message<byte[], byte[]>>();
        var assign = new List<TopicPartitionOffset>();
        foreach (var tp in partitions)
        {
            var w = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
            if (w.High > w.Low) assign.Add(new TopicPartitionOffset(tp, w.High - 1));
        }
        if (assign.Count == 0) return tails;
        var waiting = assign.Select(a => a.TopicPartition).ToHashSet();
        consumer.Assign(assign);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        try
        {
            while (waiting.Count > 0)
            {
                if (DateTime.UtcNow > deadline) throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"reading the tails of {waiting.Count} partitions timed out"));
                var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (result == null) continue;
                if (result.IsPartitionEOF) { waiting.Remove(result.TopicPartition); continue; }
                tails[result.TopicPartition] = result.Message;
            }
        }
        finally { consumer.Unassign(); }
        return tails;
    }

    /// <summary>A broker away, a timeout, a lost connection: retry. A bad setting, a missing authorisation or a message
    /// the cluster refuses: stop.</summary>
    public static bool IsTransient(Exception error) => error switch
    {
        KafkaRetryableException => true,
        KafkaException k => k.Error.Code is not (ErrorCode.TopicAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed or ErrorCode.GroupAuthorizationFailed
            or ErrorCode.TransactionalIdAuthorizationFailed or ErrorCode.SaslAuthenticationFailed or ErrorCode.Local_InvalidArg
            or ErrorCode.MsgSizeTooLarge or ErrorCode.InvalidConfig
            or ErrorCode.InvalidReplicationFactor or ErrorCode.InvalidPartitions),
        TimeoutException or IOException => true,
        _ => false,
    };
}

/// <summary>A delivery the cluster did not acknowledge in time, or refused for a reason it says may pass.</summary>
public sealed class KafkaRetryableException(string message) : Exception(message);
