// Versioned schema migrations: Migrations/NNNN_name.sql, embedded in this assembly, applied in order at start, each
// in its own transaction with its version recorded in schema_migrations. An advisory lock held throughout keeps
// two exporters starting together from applying the same one twice.
using System.Reflection;
using Npgsql;

namespace Exchange.Export.Postgres;

public static class Migrations
{
    private const long LockKey = 0x45584348_4D494752; // any constant the exporter alone uses

    /// <summary>The migrations this build carries, by version.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> All()
    {
        var assembly = typeof(Migrations).Assembly;
        var list = new List<(int, string, string)>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith("Migrations/", StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal)) continue;
            string name = resource["Migrations/".Length..^".sql".Length];
            int underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name[..underscore], out int version))
                throw new InvalidOperationException($"migration {resource} is not named NNNN_name.sql");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var text = new StreamReader(stream);
            list.Add((version, name, text.ReadToEnd()));
        }
        list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return list;
    }

    /// <summary>Applies the migrations the database lacks; returns how many.</summary>
    public static int Apply(NpgsqlConnection connection)
    {
        Execute(connection, null, $"SELECT pg_advisory_lock({LockKey})");
        try { return ApplyLocked(connection); }
        finally { Execute(connection, null, $"SELECT pg_advisory_unlock({LockKey})"); }
    }

    private static int ApplyLocked(NpgsqlConnection connection)
    {
        Execute(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """);
        int applied = 0;
        foreach (var (version, name, sql) in All())
        {
            using var transaction = connection.BeginTransaction();
            using (var check = new NpgsqlCommand("SELECT count(*) FROM schema_migrations WHERE version = $1", connection, transaction))
            {
                check.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                if ((long)check.ExecuteScalar()! > 0) { transaction.Commit(); continue; }
            }
            Execute(connection, transaction, sql);
            using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                record.ExecuteNonQuery();
            }
            transaction.Commit();
            applied++;
        }
        return applied;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
