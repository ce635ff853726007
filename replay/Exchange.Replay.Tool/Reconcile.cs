// reconcile: each sink given against the journal. A sink's exported position is read from the sink, the state at that
// position is rebuilt from the journal (from its start, or the newest snapshot at or before it), and the two are
// compared: PostgreSQL's balances, orders and trades; Redis's books, tickers and stream counts. Exit 1 on any difference.
using System.CommandLine;
using Exchange.Export;
using Exchange.Export.Kafka;
using Exchange.Export.Postgres;
using Exchange.Export.Redis;
using Exchange.Hosting;

namespace Exchange.Replay.Tool;

internal static class Reconcile
{
    public static Command Command()
    {
        var directory = Commands.Directory();
        var postgres = new Option<string?>("--postgres")
        {
            Description = $"the PostgreSQL sink's connection string (default: the {PostgresDatabase.ConnectionVariable} environment variable, " +
                "the better place for a password)",
            HelpName = "CONNECTION",
        };
        var redis = new Option<string?>("--redis")
        {
            Description = $"the Redis sink's configuration string (default: the {RedisDatabase.ConnectionVariable} environment variable)",
            HelpName = "CONFIGURATION",
        };
        var kafka = new Option<string?>("--kafka")
        {
            Description = $"the Kafka sink's bootstrap servers (client properties from the {KafkaCluster.SettingsVariable} environment variable)",
            HelpName = "SERVERS",
        };
        var config = Rebuild.Config();
        var fromSnapshot = new Option<bool>("--from-snapshot")
        {
            Description = "replay from the newest snapshot at or before the position, not the journal's start: faster, but orders and trades " +
                "are then checked only where they changed after the snapshot (balances, open orders and the trade count still whole)",
        };
        var show = Cli.Integer("--show", "differences to print at most", 20, 1, 1_000_000);
        var json = Commands.Json();
        var command = new Command("reconcile", """
            Compares each sink exchange-export writes with the state rebuilt from the journal DIR at that sink's exported
            position. PostgreSQL: balances per account and asset, the final state of every order, the trade count and sums.
            Redis: every symbol's top of book and ticker (last trade, best bid and offer, 24-hour figures), and the trade and
            book-update streams (entry counts, no gap or repeat). Kafka: per topic the message count and last sequence,
            trade ids and sums, and no message twice, out of order, missing from its input's or in the wrong partition. Prints the first differences and exits 1 if there are
            any; 0 if every sink matches the journal.
            The replay starts at the journal's first input, so every order and trade is checked, unless --from-snapshot is
            given or the journal's first segments are gone (then from the newest snapshot at or before the position).
            """) { directory, postgres, redis, kafka, config, fromSnapshot, show, json };
        command.SetAction(r =>
        {
            string dir = Commands.JournalDirectory(r.GetValue(directory)!);
            var sinks = new List<Sink>();
            if (Given(r.GetValue(postgres), PostgresDatabase.ConnectionVariable) is { } pg) sinks.Add(Postgres(pg));
            if (Given(r.GetValue(redis), RedisDatabase.ConnectionVariable) is { } rd) sinks.Add(Redis(rd));
            if (r.GetValue(kafka) is { Length: > 0 } servers)
            {
                try { sinks.Add(Kafka(new KafkaCluster(servers, KafkaCluster.ParseSettings(Environment.GetEnvironmentVariable(KafkaCluster.SettingsVariable))))); }
                catch (ArgumentException e) { throw new UsageException($"{KafkaCluster.SettingsVariable}: {e.Message}"); }
            }
            if (sinks.Count == 0)
                throw new UsageException($"no sink: give --postgres CONNECTION, --redis CONFIGURATION or --kafka SERVERS (or set {PostgresDatabase.ConnectionVariable} or {RedisDatabase.ConnectionVariable})");
            bool whole = !r.GetValue(fromSnapshot) && Exchange.Journal.SegmentDirectory.List(dir)[0].FirstSequence == 1;
            var engineConfig = ReplayConfig.Load(dir, r.GetValue(config)).Engine;
            int status = 0;
            foreach (var sink in sinks) status = Math.Max(status, Run(dir, sink, engineConfig, !whole, r.GetValue(show), r.GetValue(json)));
            return status;
        });
        return command;
    }

    /// <summary>A sink to check: its name and place (no secrets), how to read its position, and how to compare it.</summary>
    private sealed record Sink(string Name, string Target, Func<long> ReadPosition,
        Func<Exchange.Engine.MatchingEngine<Reconciliation.Tally>, Exchange.Engine.Recovery.RebuildReport, Reconciliation.Tally, int, ReconcileResult> Compare,
        Func<ReconcileResult, string> Summary);

    private static string? Given(string? option, string variable)
    {
        string? value = option ?? Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private static Sink Postgres(string connection)
    {
        long position = 0;
        return new("postgres", PostgresDatabase.Describe(connection), () => position = PostgresContents.ReadPosition(connection),
            (engine, report, tally, assets) => Reconciliation.Compare(engine, report, tally,
                PostgresContents.Read(connection, position, Reconciliation.TalliedAfter(report)), assets),
            r => $"balances {r.Balances:N0}, open orders {r.OpenOrders:N0}, orders checked {r.OrdersChecked:N0}, trades {r.Trades:N0}");
    }

    private static Sink Redis(string configuration)
    {
        MarketContents? contents = null;
        // Everything is read in one transaction up front, so the position and the data read agree.
        return new("redis", RedisDatabase.Describe(configuration), () => (contents = RedisContents.Read(configuration)).Position,
            (engine, report, tally, _) => MarketReconciliation.CompareMarket(engine, report, tally, contents!),
            r => $"books and tickers {r.OpenOrders:N0}, trades {r.Trades:N0}");
    }

    private static Sink Kafka(KafkaCluster cluster)
    {
        long position = 0;
        return new("kafka", cluster.Describe(), () => position = KafkaContents.ReadPosition(cluster),
            (engine, report, tally, _) => MarketReconciliation.CompareStreams(engine, report, tally,
                KafkaContents.Read(cluster, position, Reconciliation.TalliedAfter(report))),
            r => $"order events {r.OrdersChecked:N0}, trades {r.Trades:N0}");
    }

    private static int Run(string directory, Sink sink, Exchange.Engine.EngineConfig config, bool useSnapshots, int show, bool asJson)
    {
        string target = sink.Target;
        long position;
        try { position = sink.ReadPosition(); }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or ExportException or InvalidOperationException
            || PostgresDatabase.IsTransient(e) || RedisDatabase.IsTransient(e) || KafkaCluster.IsTransient(e)
            || e is Npgsql.PostgresException or StackExchange.Redis.RedisException or Confluent.Kafka.KafkaException)
        {
            throw new IOException($"cannot read the {sink.Name} sink at {target}: {e.Message}");
        }
        var (engine, report, tally) = Reconciliation.Rebuild(directory, config, position, useSnapshots);
        var result = sink.Compare(engine, report, tally, config.AssetCount);

        using var output = new Output();
        if (asJson)
        {
            var w = output.Json;
            w.WriteStartObject();
            w.WriteString("sink", sink.Name);
            w.WriteString("target", target);
            w.WriteNumber("position", result.Position);
            w.WriteString("start", result.Start);
            w.WriteBoolean("clean", result.Differences.Count == 0);
            w.WriteNumber("balances", result.Balances);
            w.WriteNumber("openOrders", result.OpenOrders);
            w.WriteNumber("ordersChecked", result.OrdersChecked);
            w.WriteNumber("trades", result.Trades);
            w.WriteNumber("differenceCount", result.Differences.Count);
            w.WriteStartArray("differences");
            foreach (string d in result.Differences.Take(show)) w.WriteStringValue(d);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            var text = output.Text;
            text.WriteLine(result.Differences.Count == 0 ? $"reconcile: clean: {sink.Name} {target} matches the journal at sequence {result.Position}"
                : $"reconcile: {result.Differences.Count} difference(s): {sink.Name} {target} against the journal at sequence {result.Position}");
            text.WriteLine($"  from {result.Start}; {sink.Summary(result)}");
            foreach (string d in result.Differences.Take(show)) text.WriteLine($"  difference: {d}");
            if (result.Differences.Count > show) text.WriteLine($"  ... and {result.Differences.Count - show} more");
        }
        output.Dispose();
        return result.Differences.Count == 0 ? 0 : 1;
    }
}
