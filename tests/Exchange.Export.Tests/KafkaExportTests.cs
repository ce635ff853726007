// The exporter against a Kafka cluster (librdkafka's mock cluster, in a process of its own): every message reconciles
// clean against the journal and reads back with kcat; a broker taken away and back, or the exporter killed mid-export,
// loses and repeats nothing, which a fault-free export of the same journal into a second cluster shows topic for topic.
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

    /// <summary>Each topic's messages as kcat prints them (partition, key, value), one partition after another, hashed.</summary>
    public static string Contents(KafkaMockCluster kafka)
    {
        var lines = new List<string>();
        foreach (string topic in new[] { "exchange.trades", "exchange.orders", "exchange.ledger", "exchange.book" })
        {
            var messages = kafka.Kcat("-C", "-t", topic, "-e", "-q", "-f", "%p %k %s\\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            // kcat interleaves partitions as it reads them; within one partition the order is the log's.
            string content = string.Join('\n', messages.Select((m, i) => (Partition: m[..m.IndexOf(' ', StringComparison.Ordinal)], i, m))
                .OrderBy(x => int.Parse(x.Partition)).ThenBy(x => x.i).Select(x => x.m));
            lines.Add($"{topic} {messages.Length}:{Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(content)))}");
        }
        return string.Join('\n', lines);
    }

    public static long Position(KafkaMockCluster kafka)
    {
        try
        {
            // The exporter writes its position to partition 0; more may arrive while kcat reads to the end.
            var lines = kafka.Kcat("-C", "-t", "exchange.export.position", "-p", "0", "-o", "-1", "-e", "-q", "-f", "%s\\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return lines.Length == 0 ? 0 : System.Text.Json.JsonDocument.Parse(lines[^1]).RootElement.GetProperty("seq").GetInt64();
        }
        catch (InvalidOperationException) { return 0; } // no such topic yet
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

        // kcat, a client of its own, sees the topics: trades keyed by symbol, order events by account, in input order per key.
        var trades = _kafka.Kcat("-C", "-t", "exchange.trades", "-e", "-q", "-f", "%k %s\\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(trades.Length > 1_000, $"{trades.Length} trades");
        var ids = trades.Select(t => System.Text.Json.JsonDocument.Parse(t[(t.IndexOf(' ') + 1)..]).RootElement).ToList();
        Assert.All(trades.Zip(ids), p => Assert.Equal(p.Second.GetProperty("symbol").GetInt64().ToString(), p.First[..p.First.IndexOf(' ')]));
        Assert.Equal(Enumerable.Range(1, trades.Length).Select(i => (long)i), ids.Select(t => t.GetProperty("tradeId").GetInt64()).Order());
        var orders = _kafka.Kcat("-C", "-t", "exchange.orders", "-e", "-q", "-f", "%k %s\\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var byAccount in orders.GroupBy(o => o[..o.IndexOf(' ')]))
        {
            var sequences = byAccount.Select(o => System.Text.Json.JsonDocument.Parse(o[(o.IndexOf(' ') + 1)..]).RootElement)
                .Select(o => (o.GetProperty("seq").GetInt64(), o.GetProperty("idx").GetInt64())).ToList();
            Assert.Equal(sequences.Order(), sequences);
            Assert.Equal(sequences.Count, sequences.Distinct().Count());
        }
        Assert.Equal(20_000, Position(_kafka));
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
        string line = _kafka.Kcat("-C", "-t", "exchange.trades", "-p", "0", "-o", "-1", "-e", "-q", "-f", "%k\\t%s\\n").Trim();
        string file = _temp.Combine("again.txt");
        File.WriteAllText(file, line + "\n");
        _kafka.Kcat("-P", "-t", "exchange.trades", "-p", "0", "-K", "\t", "-l", file);
        var reconcile = Tools.ReconcileSinks(journal, "--kafka", _kafka.BootstrapServers);
        Assert.True(reconcile.ExitCode == 1, reconcile.ToString());
        Assert.Contains("twice or out of order", reconcile.Stdout);
        Assert.Contains("difference: trades", reconcile.Stdout);
    }
}
