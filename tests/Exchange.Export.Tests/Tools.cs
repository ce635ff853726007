// The exporter and the replay tool as child processes (they die with the test), and what a database holds, condensed
// into one line per table so two exports can be compared whole.
using Exchange.Testing;

namespace Exchange.Export.Tests;

public static class Tools
{
    public static ChildProcess StartExport(string journal, string connection, params string[] extra) =>
        ChildProcess.StartDll("exchange-export.dll", [journal, "--postgres", connection, .. extra]);

    /// <summary>The exporter with any sinks: <paramref name="args"/> names them (--redis ..., --kafka ...).</summary>
    public static ChildProcess StartExporter(string journal, params string[] args) => ChildProcess.StartDll("exchange-export.dll", [journal, .. args]);

    /// <summary>The exporter publishing its counters in <paramref name="countersDirectory"/>.</summary>
    public static ChildProcess StartExporterCounted(string countersDirectory, string journal, params string[] args) =>
        ChildProcess.StartDll("exchange-export.dll", [journal, .. args], new Dictionary<string, string> { ["EXCHANGE_COUNTERS_DIR"] = countersDirectory });

    /// <summary>The exporter's counter <paramref name="name"/> for <paramref name="sink"/>, as exchange-stat reads it.</summary>
    public static long Counter(string countersDirectory, string name, string sink)
    {
        var readers = Exchange.Runtime.CountersReader.OpenAll(countersDirectory);
        try
        {
            var process = Assert.Single(readers);
            Assert.Equal("exchange-export", process.ProcessName);
            return process.Read().Single(c => c.Name == name && c.Labels == $"sink=\"{sink}\"").Value;
        }
        finally { foreach (var r in readers) r.Dispose(); }
    }

    public static ProcessResult ExportAll(string journal, params string[] args)
    {
        var result = ChildProcess.Run(StartExporter(journal, ["--once", .. args]), TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, $"exchange-export: {result}");
        return result;
    }

    /// <summary>reconcile with the sinks <paramref name="args"/> names.</summary>
    public static ProcessResult ReconcileSinks(string journal, params string[] args) =>
        ChildProcess.Run(ChildProcess.StartDll("exchange-replay.dll", ["reconcile", journal, .. args]), TimeSpan.FromMinutes(5));

    public static void AssertSinksReconcileClean(string journal, params string[] args)
    {
        var reconcile = ReconcileSinks(journal, args);
        Assert.True(reconcile.ExitCode == 0, $"reconcile: {reconcile}");
        Assert.DoesNotContain("difference", reconcile.Stdout);
        Assert.Equal(args.Count(a => a.StartsWith("--", StringComparison.Ordinal) && a is "--postgres" or "--redis" or "--kafka"),
            reconcile.Stdout.Split('\n').Count(l => l.StartsWith("reconcile: clean: ", StringComparison.Ordinal)));
    }

    /// <summary>Exports the whole journal and returns the exporter's output; fails the test unless it exits 0.</summary>
    public static ProcessResult ExportOnce(string journal, string connection, params string[] extra)
    {
        var result = ChildProcess.Run(StartExport(journal, connection, ["--once", .. extra]), TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, $"exchange-export: {result}");
        return result;
    }

    public static ProcessResult Reconcile(string journal, string connection, params string[] extra) =>
        ChildProcess.Run(ChildProcess.StartDll("exchange-replay.dll", ["reconcile", journal, "--postgres", connection, .. extra]), TimeSpan.FromMinutes(5));

    public static void AssertReconcilesClean(string journal, string connection)
    {
        var reconcile = Reconcile(journal, connection);
        Assert.True(reconcile.ExitCode == 0, $"reconcile: {reconcile}");
        Assert.StartsWith("reconcile: clean", reconcile.Stdout);
    }

    /// <summary>Per table: its row count and an md5 of every row in a fixed order; the position's sequence.</summary>
    public static string Contents(PostgresServer server, string database = "exchange")
    {
        string Table(string table, string order) =>
            $"(SELECT '{table}=' || count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY {order})), '') FROM {table} t)";
        string sql = "SELECT " + string.Join(" || ' ' || ", Table("orders", "sequence, idx"), Table("trades", "trade_id"),
            Table("ledger", "sequence, idx"), Table("candles_1m", "symbol, minute"), Table("symbols", "symbol"),
            "(SELECT 'position=' || last_sequence FROM export_position)");
        return server.Sql(sql, database);
    }

    public static long Position(PostgresServer server, string database = "exchange")
    {
        try { return long.Parse(server.Sql("SELECT last_sequence FROM export_position", database)); }
        catch (InvalidOperationException) { return 0; } // not created yet
    }

    public static string Connection(PostgresServer server, string database) => server.ConnectionString.Replace("Database=exchange", $"Database={database}");
}
