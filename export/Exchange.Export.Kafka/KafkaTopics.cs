// The Kafka sink's topics and how a message finds its partition. Keys are decimal ids (a symbol's or an account's), and
// the partition is a fixed hash of the id modulo the topic's partition count, chosen by the exporter rather than the
// client's partitioner so that the exporter can tell, for any message it is about to write, which partition's tail
// says whether it is there already. Order is kept per key: a symbol's trades and book updates, an account's order events
// and balance movements, each in input order.
namespace Exchange.Export.Kafka;

public sealed class KafkaTopics(string prefix = KafkaTopics.DefaultPrefix)
{
    public const string DefaultPrefix = "exchange";

    /// <summary>Trades, both sides, keyed by symbol.</summary>
    public string Trades => $"{prefix}.trades";
    /// <summary>Order state changes (accepted, fill, replaced, reduced, cancelled, rejected), keyed by account.</summary>
    public string Orders => $"{prefix}.orders";
    /// <summary>Balance movements (deposit, withdrawal, hold, release, fill, fee), keyed by account.</summary>
    public string Ledger => $"{prefix}.ledger";
    /// <summary>Price level changes, keyed by symbol.</summary>
    public string Book => $"{prefix}.book";
    /// <summary>Its partition 0 (the only one when the exporter creates it): after each batch, the last input sequence whose every message is in the topics above.</summary>
    public string Position => $"{prefix}.export.position";

    public IEnumerable<string> Data => [Trades, Orders, Ledger, Book];

    public static int PartitionOf(long key, int partitions) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL >> 33) % (ulong)partitions);
}
