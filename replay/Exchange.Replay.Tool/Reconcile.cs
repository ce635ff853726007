// reconcile: a sink against the journal. The sink's exported position is read from the sink, the state at that position
// is rebuilt from the journal (newest snapshot at or before it, then the journal), and the two are compared: balances
// of every account and asset, the final state of every order, the trade count and sums. Exit 1 on any difference.
using System.CommandLine;
using Exchange.Export;
using Exchange.Export.Postgres;
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
        var config = Rebuild.Config();
        var fromSnapshot = new Option<bool>("--from-snapshot")
        {
            Description = "replay from the newest snapshot at or before the position, not the journal's start: faster, but orders and trades " +
                "are then checked only where they changed after the snapshot (balances, open orders and the trade count still whole)",
        };
        var show = Cli.Integer("--show", "differences to print at most", 20, 1, 1_000_000);
        var json = Commands.Json();
        var command = new Command("reconcile", """
            Compares a sink exchange-export writes with the state rebuilt from the journal DIR at the sink's exported
            position: balances per account and asset, the final state of every order, the trade count and sums.
            Prints the first differences and exits 1 if there are any; 0 if the sink matches the journal.
            The replay starts at the journal's first input, so every order and trade is checked, unless --from-snapshot is
            given or the journal's first segments are gone (then from the newest snapshot at or before the position).
            """) { directory, postgres, config, fromSnapshot, show, json };
        command.SetAction(r =>
        {
            string dir = Commands.JournalDirectory(r.GetValue(directory)!);
            string? connection = r.GetValue(postgres) ?? Environment.GetEnvironmentVariable(PostgresDatabase.ConnectionVariable);
            if (string.IsNullOrWhiteSpace(connection))
                throw new UsageException($"no sink: give --postgres CONNECTION (or set {PostgresDatabase.ConnectionVariable})");
            bool whole = !r.GetValue(fromSnapshot) && Exchange.Journal.SegmentDirectory.List(dir)[0].FirstSequence == 1;
            return Run(dir, connection, ReplayConfig.Load(dir, r.GetValue(config)).Engine, !whole, r.GetValue(show), r.GetValue(json));
        });
        return command;
    }

    private static int Run(string directory, string connection, Exchange.Engine.EngineConfig config, bool useSnapshots, int show, bool asJson)
    {
        string target = PostgresDatabase.Describe(connection);
        long position;
        try { position = PostgresContents.ReadPosition(connection); }
        catch (Exception e) when (e is ArgumentException || PostgresDatabase.IsTransient(e) || e is Npgsql.PostgresException)
        {
            throw new IOException($"cannot read the position of postgres {target}: {e.Message}");
        }
        var (engine, report, tally) = Reconciliation.Rebuild(directory, config, position, useSnapshots);
        var contents = PostgresContents.Read(connection, position, Reconciliation.TalliedAfter(report));
        var result = Reconciliation.Compare(engine, report, tally, contents, config.AssetCount);

        using var output = new Output();
        if (asJson)
        {
            var w = output.Json;
            w.WriteStartObject();
            w.WriteString("sink", "postgres");
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
            text.WriteLine(result.Differences.Count == 0 ? $"reconcile: clean: postgres {target} matches the journal at sequence {result.Position}"
                : $"reconcile: {result.Differences.Count} difference(s): postgres {target} against the journal at sequence {result.Position}");
            text.WriteLine($"  from {result.Start}; balances {result.Balances:N0}, open orders {result.OpenOrders:N0}, orders checked {result.OrdersChecked:N0}, trades {result.Trades:N0}");
            foreach (string d in result.Differences.Take(show)) text.WriteLine($"  difference: {d}");
            if (result.Differences.Count > show) text.WriteLine($"  ... and {result.Differences.Count - show} more");
        }
        output.Dispose();
        return result.Differences.Count == 0 ? 0 : 1;
    }
}
