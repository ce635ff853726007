// The exporter against a real PostgreSQL: a journal exported whole reconciles clean against the journal; exporting
// again writes nothing twice; a database crash or an exporter killed mid-export loses and repeats nothing, which a
// fault-free export of the same journal into a second database shows row for row.
using System.Diagnostics;
using Exchange.Testing;

namespace Exchange.Export.Tests;

public sealed class PostgresExportTests : IDisposable
{
    private readonly TempDirectory _temp = new("export-tests-");
    private readonly PostgresServer _postgres = new();

    public void Dispose()
    {
        _postgres.Dispose();
        _temp.Dispose();
    }

    private string Journal(int inputs, int seed, int snapshotEvery = 0)
    {
        string dir = _temp.Combine($"journal-{seed}");
        Workload.Write(dir, inputs, seed, snapshotEvery);
        return dir;
    }

    /// <summary>The same journal exported without faults into a database of its own: what every export must hold.</summary>
    private string Reference(string journal)
    {
        _postgres.Sql("CREATE DATABASE reference");
        Tools.ExportOnce(journal, Tools.Connection(_postgres, "reference"));
        return Tools.Contents(_postgres, "reference");
    }

    [Fact]
    public void An_exported_journal_reconciles_clean_with_every_kind_of_row()
    {
        string journal = Journal(20_000, seed: 1, snapshotEvery: 5_000);
        var export = Tools.ExportOnce(journal, _postgres.ConnectionString, "--json");
        Assert.Contains("caught-up sink=postgres position=20000 ", export.Stdout);
        Tools.AssertReconcilesClean(journal, _postgres.ConnectionString);
        var summary = System.Text.Json.JsonDocument.Parse(export.Stdout.Split('\n')[^1]).RootElement;
        Assert.Equal(20_000, summary.GetProperty("position").GetInt64());
        Assert.Equal(long.Parse(_postgres.Sql("SELECT count(*) FROM trades")), summary.GetProperty("trades").GetInt64());
        // Rows written: every order, trade and ledger row, and each symbol change (a halted symbol's row is updated, not added).
        long stored = long.Parse(_postgres.Sql("SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM trades) + (SELECT count(*) FROM ledger)"));
        Assert.InRange(summary.GetProperty("rows").GetInt64() - stored, 3, 20_000 / 100);
        // Where the write time went, step by step: the steps add up to no more than the time spent writing.
        var phases = summary.GetProperty("phases").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(["lock", "orders", "trades", "candles", "ledger", "symbols", "position", "commit"], phases.Keys);
        Assert.True(phases["orders"] > 0 && phases["ledger"] > 0 && phases["commit"] > 0, summary.ToString());
        Assert.True(phases.Values.Sum() <= summary.GetProperty("writeSeconds").GetDouble() + 0.01, summary.ToString());

        Assert.Equal("accepted,cancelled,fill,reduced,rejected,replaced,triggered", _postgres.Sql("SELECT string_agg(DISTINCT event, ',' ORDER BY event) FROM orders"));
        Assert.Equal("limit,market,stop,stop_limit", _postgres.Sql("SELECT string_agg(DISTINCT order_type, ',' ORDER BY order_type) FROM orders"));
        // A stop is pending with its stop price until its trigger; the triggered row names the trade price that reached it.
        Assert.Equal("0", _postgres.Sql("""
            SELECT count(*) FROM orders WHERE (order_type IN ('stop', 'stop_limit') AND event <> 'rejected') <> (status = 'pending' OR (event = 'cancelled' AND stop_price IS NOT NULL))
            """));
        Assert.Equal("0", _postgres.Sql("""
            SELECT count(*) FROM orders WHERE event = 'triggered' AND (stop_price IS NULL OR last_price IS NULL
                OR (side = 'buy' AND last_price < stop_price) OR (side = 'sell' AND last_price > stop_price))
            """));
        Assert.NotEqual("0", _postgres.Sql("SELECT count(*) FROM orders WHERE event = 'triggered'"));
        // Day and GTD orders, and their expiries at the journal's timer inputs: cancelled rows with reason Expired.
        Assert.Equal("day,fok,gtc,gtd,ioc", _postgres.Sql("SELECT string_agg(DISTINCT time_in_force, ',' ORDER BY time_in_force) FROM orders"));
        Assert.NotEqual("0", _postgres.Sql("SELECT count(*) FROM orders WHERE event = 'cancelled' AND reason = 'Expired' AND time_in_force IN ('day', 'gtd')"));
        Assert.Equal("deposit,fee,fill,hold,release,withdrawal", _postgres.Sql("SELECT string_agg(DISTINCT kind, ',' ORDER BY kind) FROM ledger"));
        Assert.Equal("3", _postgres.Sql("SELECT count(*) FROM symbols"));
        // Every hold, release and fill says which order or trade moved the balance.
        Assert.Equal("0", _postgres.Sql("SELECT count(*) FROM ledger WHERE kind IN ('hold', 'release', 'fill') AND order_id IS NULL AND trade_id IS NULL"));
        // Both sides of every trade, and one fill row per side.
        Assert.Equal("0", _postgres.Sql("""
            SELECT count(*) FROM trades t WHERE 2 <> (SELECT count(*) FROM orders o WHERE o.event = 'fill' AND o.trade_id = t.trade_id
                AND o.order_id IN (t.maker_order_id, t.taker_order_id))
            """));
        // The ledger adds up: every account's movements sum to its last balance.
        Assert.Equal("0", _postgres.Sql("""
            SELECT count(*) FROM (
                SELECT account, asset, sum(delta_available) AS a, sum(delta_held) AS h,
                       (array_agg(available ORDER BY sequence DESC, idx DESC))[1] AS last_a, (array_agg(held ORDER BY sequence DESC, idx DESC))[1] AS last_h
                FROM ledger GROUP BY account, asset) s
            WHERE a <> last_a OR h <> last_h
            """));
        // Candles: one per symbol and minute of sequencer time, volumes adding up to the trades'.
        Assert.True(long.Parse(_postgres.Sql("SELECT count(DISTINCT minute) FROM candles_1m")) >= 2);
        Assert.Equal(_postgres.Sql("SELECT symbol || ':' || sum(quantity) || ':' || count(*) FROM trades GROUP BY symbol ORDER BY symbol"),
            _postgres.Sql("SELECT symbol || ':' || sum(volume) || ':' || sum(trades) FROM candles_1m GROUP BY symbol ORDER BY symbol"));
    }

    [Fact]
    public void The_readmes_queries_run_as_written_and_answer()
    {
        string journal = Journal(20_000, seed: 7);
        Tools.ExportOnce(journal, _postgres.ConnectionString);
        string readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Readmes", "export", "README.md"));
        var blocks = System.Text.RegularExpressions.Regex.Matches(readme, "```sql\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(blocks.Count >= 5, $"the README documents {blocks.Count} queries");
        foreach (System.Text.RegularExpressions.Match block in blocks)
            foreach (string query in block.Groups[1].Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                Assert.True(_postgres.Sql(query).Length > 0, $"no rows from: {query}");
    }

    [Fact]
    public void Exporting_again_resumes_from_a_snapshot_at_the_position_and_writes_nothing_twice()
    {
        string journal = Journal(12_000, seed: 2, snapshotEvery: 4_000);
        Tools.ExportOnce(journal, _postgres.ConnectionString, "--batch-rows", "3000");
        string first = Tools.Contents(_postgres);

        var again = Tools.ExportOnce(journal, _postgres.ConnectionString);
        Assert.Contains("exporting sink=postgres", again.Stdout);
        Assert.Contains("position=12000 start=snapshot:12000", again.Stdout);
        Assert.Contains("rows=0 ", again.Stdout);
        Assert.Equal(first, Tools.Contents(_postgres));
        // Batch boundaries change nothing: one batch for everything holds the same rows.
        Assert.Equal(first, Reference(journal));
    }

    [Fact]
    public void Postgres_crashed_mid_export_and_restarted_loses_and_repeats_nothing()
    {
        string journal = Journal(100_000, seed: 3, snapshotEvery: 25_000);
        string expected = Reference(journal);

        using var export = Tools.StartExport(journal, _postgres.ConnectionString, "--once", "--batch-rows", "1000");
        Eventually.True(() => Tools.Position(_postgres) > 20_000, "the export is under way", Timeouts.Process);
        // The crash leaves the server's dynamic shared memory where the scratch directory removes it, not in /dev/shm.
        Assert.Equal("mmap", _postgres.Sql("SHOW dynamic_shared_memory_type"));
        _postgres.Stop("immediate");
        export.WaitForLine("sink=postgres state=down", Timeouts.Process);
        Thread.Sleep(1500);
        Assert.False(export.HasExited, $"the exporter waits for the database: {export.Stdout}\n{export.Stderr}");
        _postgres.Start();
        Assert.True(export.WaitForExit(Timeouts.Process), "the exporter finishes after the database is back");
        Assert.True(export.ExitCode == 0, $"{export.Stdout}\n{export.Stderr}");
        Assert.Contains("sink=postgres state=up", export.Stdout);
        Assert.Single(export.StdoutLines, l => l.StartsWith("sink=postgres state=down", StringComparison.Ordinal));

        Assert.Equal(expected, Tools.Contents(_postgres));
        Tools.AssertReconcilesClean(journal, _postgres.ConnectionString);
    }

    [Fact]
    public void Exporter_killed_at_random_points_resumes_with_nothing_lost_or_repeated()
    {
        string journal = Journal(100_000, seed: 4, snapshotEvery: 20_000);
        string expected = Reference(journal);
        var random = new Random(4);
        // Twenty kills, each once the export has passed a random point of the journal (and written since it started),
        // then a little later still: mid-batch, mid-commit or between batches, whatever the machine's speed.
        var targets = Enumerable.Range(0, 20).Select(_ => (long)random.Next(2_000, 85_000)).Order().ToList();
        var positions = new List<long>();
        foreach (long target in targets)
        {
            long before = Tools.Position(_postgres);
            using var export = Tools.StartExport(journal, _postgres.ConnectionString, "--once", "--batch-rows", "700");
            Eventually.True(() => export.HasExited || Tools.Position(_postgres) > Math.Max(before, target), "the exporter writes", Timeouts.Process);
            Thread.Sleep(random.Next(0, 40));
            Assert.False(export.HasExited, $"killed before the end (at {target}): {export.Stdout}");
            export.Kill();
            positions.Add(Tools.Position(_postgres));
        }
        // Each run resumed where the last one was killed and got further; every kill came before the end.
        Assert.True(positions.Zip(positions.Skip(1)).All(p => p.First < p.Second) && positions[^1] < 100_000, string.Join(", ", positions));
        Tools.ExportOnce(journal, _postgres.ConnectionString);

        Assert.Equal(expected, Tools.Contents(_postgres));
        Tools.AssertReconcilesClean(journal, _postgres.ConnectionString);
    }

    [Fact]
    public void Reconcile_finds_a_corrupted_balance_a_missing_trade_and_a_wrong_order_state()
    {
        string journal = Journal(15_000, seed: 5, snapshotEvery: 5_000);
        Tools.ExportOnce(journal, _postgres.ConnectionString);
        Tools.AssertReconcilesClean(journal, _postgres.ConnectionString);

        void Detects(string corrupt, string undo, string difference)
        {
            _postgres.Sql(corrupt);
            var reconcile = Tools.Reconcile(journal, _postgres.ConnectionString);
            Assert.True(reconcile.ExitCode == 1, $"{corrupt}: {reconcile}");
            Assert.Contains(difference, reconcile.Stdout);
            _postgres.Sql(undo);
            Tools.AssertReconcilesClean(journal, _postgres.ConnectionString);
        }

        // A balance a cent off: the last ledger row of the account with the most movements.
        Detects("UPDATE ledger SET available = available + 1 WHERE (sequence, idx) = (SELECT sequence, idx FROM ledger WHERE account = 1003 ORDER BY sequence DESC, idx DESC LIMIT 1)",
            "UPDATE ledger SET available = available - 1 WHERE (sequence, idx) = (SELECT sequence, idx FROM ledger WHERE account = 1003 ORDER BY sequence DESC, idx DESC LIMIT 1)",
            "difference: balance account=1003 ");
        // A trade gone missing.
        Detects("CREATE TABLE kept AS SELECT * FROM trades WHERE trade_id = 7; DELETE FROM trades WHERE trade_id = 7",
            "INSERT INTO trades SELECT * FROM kept; DROP TABLE kept",
            "difference: trades");
        // An order that was filled, shown as cancelled.
        Detects("UPDATE orders SET status = 'cancelled' WHERE (sequence, idx) = (SELECT sequence, idx FROM orders WHERE status = 'filled' ORDER BY sequence, idx LIMIT 1)",
            "UPDATE orders SET status = 'filled' WHERE (sequence, idx) = (SELECT sequence, idx FROM orders WHERE event = 'fill' AND leaves = 0 AND status = 'cancelled' ORDER BY sequence, idx LIMIT 1)",
            "status=filled");
    }

    [Fact]
    public void A_database_written_under_the_first_schema_is_migrated_at_start_and_the_export_carries_on_from_its_position()
    {
        const long Position = 6_000;
        string journal = Journal(12_000, seed: 9, snapshotEvery: 4_000);
        string reference = Reference(journal);

        // A database as an exporter of migration 0001 alone left it at input 6,000: the rows up to there (candles
        // summed from those trades), the position, and only version 1 recorded.
        _postgres.Sql("CREATE DATABASE upgraded");
        string upgraded = Tools.Connection(_postgres, "upgraded");
        var first = Exchange.Export.Postgres.Migrations.All()[0];
        Assert.Equal(1, first.Version);
        _postgres.Sql("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", "upgraded");
        _postgres.Sql(first.Sql, "upgraded");
        _postgres.Sql($"INSERT INTO schema_migrations (version, name) VALUES (1, '{first.Name}')", "upgraded");
        using (var from = new Npgsql.NpgsqlConnection(Tools.Connection(_postgres, "reference")))
        using (var to = new Npgsql.NpgsqlConnection(upgraded))
        {
            from.Open();
            to.Open();
            foreach (var (table, upTo) in new[] { ("orders", "sequence"), ("trades", "sequence"), ("ledger", "sequence"), ("symbols", "updated_sequence") })
            {
                // The first schema's columns only: later migrations added some (orders.stop_price).
                string columns = _postgres.Sql(
                    $"SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '{table}'", "upgraded");
                using var source = from.BeginRawBinaryCopy($"COPY (SELECT {columns} FROM {table} WHERE {upTo} <= {Position}) TO STDOUT (FORMAT BINARY)");
                using var target = to.BeginRawBinaryCopy($"COPY {table} FROM STDIN (FORMAT BINARY)");
                source.CopyTo(target);
            }
        }
        _postgres.Sql("""
            INSERT INTO candles_1m SELECT symbol, date_trunc('minute', ts), (array_agg(price ORDER BY trade_id))[1], max(price), min(price),
                (array_agg(price ORDER BY trade_id DESC))[1], sum(quantity), sum(notional), count(*) FROM trades GROUP BY 1, 2
            """, "upgraded");
        _postgres.Sql($"UPDATE export_position SET last_sequence = {Position}, last_ts_ns = (SELECT max(ts_ns) FROM orders)", "upgraded");
        Assert.Equal("ledger_pkey,orders_pkey", _postgres.Sql(
            "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE contype = 'p' AND conrelid IN ('ledger'::regclass, 'orders'::regclass)", "upgraded"));

        var export = Tools.ExportOnce(journal, upgraded);
        Assert.Contains($"position={Position} start=snapshot:4000", export.Stdout);
        Assert.Equal(string.Join(",", Exchange.Export.Postgres.Migrations.All().Select(m => m.Version)),
            _postgres.Sql("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations", "upgraded"));
        // Migration 0002 on tables holding rows: no (sequence, idx) key left on ledger and orders, a BRIN index instead.
        Assert.Equal("0", _postgres.Sql("SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid IN ('ledger'::regclass, 'orders'::regclass)", "upgraded"));
        Assert.Equal("ledger_by_sequence,orders_by_sequence",
            _postgres.Sql("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE indexdef LIKE '%USING brin%'", "upgraded"));
        // Migration 0003: stop prices from the position on; the rows written before it have none (no column for them).
        Assert.NotEqual("0", _postgres.Sql($"SELECT count(*) FROM orders WHERE stop_price IS NOT NULL AND sequence > {Position}", "upgraded"));
        _postgres.Sql($"UPDATE orders SET stop_price = NULL WHERE sequence <= {Position}", "reference");
        reference = Tools.Contents(_postgres, "reference");
        // And what it holds is what an export under the newest schema from the start holds, row for row.
        Assert.Equal(reference, Tools.Contents(_postgres, "upgraded"));
        Tools.AssertReconcilesClean(journal, upgraded);
    }

    [Fact]
    public void A_password_given_in_the_environment_is_never_printed()
    {
        string journal = Journal(2_000, seed: 8);
        const string password = "pw-never-printed-7f3a";
        // The test server trusts loopback, so any password gets in; what matters is that none is shown.
        var export = ChildProcess.Run(ChildProcess.StartDll("exchange-export.dll", [journal, "--once"],
            new Dictionary<string, string> { ["EXCHANGE_EXPORT_POSTGRES"] = $"{_postgres.ConnectionString};Password={password}" }), Timeouts.Process);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains($"target=127.0.0.1:{_postgres.Port}/exchange ", export.Stdout);
        var reconcile = ChildProcess.Run(ChildProcess.StartDll("exchange-replay.dll", ["reconcile", journal],
            new Dictionary<string, string> { ["EXCHANGE_EXPORT_POSTGRES"] = $"{_postgres.ConnectionString};Password={password}" }), Timeouts.Process);
        Assert.True(reconcile.ExitCode == 0, reconcile.ToString());
        Assert.DoesNotContain(password, export.ToString());
        Assert.DoesNotContain(password, reconcile.ToString());
    }

    [Fact]
    public void A_sink_ahead_of_the_journal_stops_the_export_and_fails_reconcile()
    {
        Tools.ExportOnce(Journal(3_000, seed: 9), _postgres.ConnectionString);
        string shorter = Journal(1_000, seed: 10);
        string before = Tools.Contents(_postgres);

        var export = ChildProcess.Run(Tools.StartExport(shorter, _postgres.ConnectionString, "--once"), Timeouts.Process);
        Assert.True(export.ExitCode == 1, export.ToString());
        Assert.Contains("is at sequence 3000 but the journal", export.Stderr);
        Assert.Equal(before, Tools.Contents(_postgres));
        var reconcile = Tools.Reconcile(shorter, _postgres.ConnectionString);
        Assert.True(reconcile.ExitCode == 1, reconcile.ToString());
        Assert.Contains("difference: position: the sink is at sequence 3000 but the journal ends at 1000", reconcile.Stdout);
    }

    [Fact]
    public void A_sink_is_never_written_by_two_exporters_at_once()
    {
        string journal = Journal(40_000, seed: 6);
        string expected = Reference(journal);
        using var a = Tools.StartExport(journal, _postgres.ConnectionString, "--once", "--batch-rows", "500");
        using var b = Tools.StartExport(journal, _postgres.ConnectionString, "--once", "--batch-rows", "500");
        Assert.True(a.WaitForExit(Timeouts.Process) && b.WaitForExit(Timeouts.Process));
        // Whichever lost a race for the position stopped, saying so; the other (or a rerun) finishes the export.
        foreach (var e in new[] { a, b })
            Assert.True(e.ExitCode == 0 || e.Stderr.Contains("the sink's position is", StringComparison.Ordinal), $"{e.Stdout}\n{e.Stderr}");
        Tools.ExportOnce(journal, _postgres.ConnectionString);
        Assert.Equal(expected, Tools.Contents(_postgres));
    }
}
