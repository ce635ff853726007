// One exporter, several sinks: each follows the journal from its own position on its own thread, so one that is down
// holds no other back, and catches up once it is back; and an exporter killed at random points with Redis and Kafka
// sinks resumes each from its own position with nothing lost or repeated in either.
using Exchange.Testing;

namespace Exchange.Export.Tests;

public sealed class MultiSinkExportTests : IDisposable
{
    private readonly TempDirectory _temp = new("export-multi-");

    public void Dispose() => _temp.Dispose();

    private string Journal(int inputs, int seed, int snapshotEvery = 0)
    {
        string dir = _temp.Combine($"journal-{seed}");
        Workload.Write(dir, inputs, seed, snapshotEvery);
        return dir;
    }

    [Fact]
    public void A_sink_that_is_down_holds_the_others_back_not_at_all_and_catches_up_after()
    {
        using var postgres = new PostgresServer();
        using var redis = new RedisServer();
        using var kafka = new KafkaMockCluster();
        string journal = Journal(40_000, seed: 31, snapshotEvery: 10_000);
        redis.Kill();

        string counters = _temp.Combine("counters");
        using var export = Tools.StartExporterCounted(counters, journal, "--postgres", postgres.ConnectionString, "--redis", redis.Configuration,
            "--kafka", kafka.BootstrapServers, "--once", "--batch-rows", "2000", "--status-seconds", "1");
        export.WaitForLine("sink=redis state=down", Timeouts.Process);
        // PostgreSQL and Kafka export the whole journal while Redis is away; the exporter keeps counting Redis's lag.
        Eventually.True(() => Tools.Position(postgres) == 40_000 && KafkaExportTests.Position(kafka) == 40_000,
            $"the other sinks reach the end: {export.Stdout}", Timeouts.Process);
        export.WaitForLine("status sink=redis position=0 lag=40000 ", Timeouts.Process);
        Assert.False(export.HasExited, "the exporter waits for Redis");
        // Operators see the same in the counters file: Redis down and 40,000 behind, the others at the end and up.
        Eventually.True(() => Tools.Counter(counters, "export_lag", "redis") == 40_000, "the lag is counted", TimeSpan.FromSeconds(10));
        Assert.Equal(0, Tools.Counter(counters, "export_sink_up", "redis"));
        Assert.True(Tools.Counter(counters, "export_retries", "redis") > 0);
        Assert.Equal(40_000, Tools.Counter(counters, "export_position", "postgres"));
        Assert.Equal(1, Tools.Counter(counters, "export_sink_up", "kafka"));
        OpsFilesName.OnlyPublished(counters, "exchange_export_");

        redis.Start();
        Assert.True(export.WaitForExit(Timeouts.Process), "the exporter finishes once Redis is back");
        Assert.True(export.ExitCode == 0, $"{export.Stdout}\n{export.Stderr}");
        Assert.Single(export.StdoutLines, l => l.StartsWith("sink=redis state=down", StringComparison.Ordinal));
        Assert.Contains(export.StdoutLines, l => l.StartsWith("sink=redis state=up", StringComparison.Ordinal));
        Assert.DoesNotContain(export.StdoutLines, l => l.StartsWith("sink=postgres state=down", StringComparison.Ordinal) || l.StartsWith("sink=kafka state=down", StringComparison.Ordinal));
        Tools.AssertSinksReconcileClean(journal, "--postgres", postgres.ConnectionString, "--redis", redis.Configuration, "--kafka", kafka.BootstrapServers);
    }

    [Fact]
    public void Exporter_killed_at_random_points_with_redis_and_kafka_sinks_resumes_each_with_nothing_lost_or_repeated()
    {
        string journal = Journal(60_000, seed: 32, snapshotEvery: 15_000);
        string expectedRedis, expectedKafka;
        using (var redisReference = new RedisServer())
        using (var kafkaReference = new KafkaMockCluster())
        {
            Tools.ExportAll(journal, "--redis", redisReference.Configuration, "--kafka", kafkaReference.BootstrapServers, "--batch-rows", "100000");
            expectedRedis = RedisExportTests.Contents(redisReference);
            expectedKafka = KafkaExportTests.Contents(kafkaReference);
        }

        using var redis = new RedisServer();
        using var kafka = new KafkaMockCluster();
        var random = new Random(32);
        // Twelve kills, each once a sink has passed a random point of the journal, then a little later still: mid-batch,
        // mid-write or between batches. Redis is the faster sink: the first six kills come as it passes its points (Kafka
        // is killed wherever it is then), the last six as Kafka passes its points (Redis has finished by then).
        long Redis() => RedisExportTests.Position(redis);
        long Kafka() => KafkaExportTests.Position(kafka);
        var kills = Enumerable.Range(0, 6).Select(_ => (Sink: (Func<long>)Redis, Target: (long)random.Next(2_000, 50_000))).OrderBy(k => k.Target)
            .Concat(Enumerable.Range(0, 6).Select(_ => (Sink: (Func<long>)Kafka, Target: (long)random.Next(2_000, 50_000))).OrderBy(k => k.Target)).ToList();
        var positions = new List<(long Redis, long Kafka)>();
        foreach (var (sink, target) in kills)
        {
            long before = sink();
            if (before >= target) continue;
            using var export = Tools.StartExporter(journal, "--redis", redis.Configuration, "--kafka", kafka.BootstrapServers, "--once", "--batch-rows", "700");
            Eventually.True(() => export.HasExited || sink() > target, "the exporter writes", Timeouts.Process);
            Thread.Sleep(random.Next(0, 40));
            Assert.False(export.HasExited, $"killed before the end (at {target}): {export.Stdout}");
            export.Kill();
            positions.Add((Redis(), Kafka()));
        }
        // Each run resumed where the last was killed and got further; both sinks were killed mid-export. (How many of
        // the twelve points are still ahead when a run starts depends on the sinks' relative speed on a loaded machine.)
        Assert.True(positions.Count >= 6 && positions.Zip(positions.Skip(1)).All(p => p.First.Redis <= p.Second.Redis && p.First.Kafka <= p.Second.Kafka)
            && positions.Count(p => p.Redis < 60_000) >= 3 && positions[^1].Kafka < 60_000, string.Join(", ", positions));
        Tools.ExportAll(journal, "--redis", redis.Configuration, "--kafka", kafka.BootstrapServers);

        Tools.AssertSinksReconcileClean(journal, "--redis", redis.Configuration, "--kafka", kafka.BootstrapServers);
        Assert.Equal(expectedRedis, RedisExportTests.Contents(redis));
        Assert.Equal(expectedKafka, KafkaExportTests.Contents(kafka));
    }
}
