// Connections to the exporter's PostgreSQL database: Npgsql's slim data source (native-AOT friendly), built with
// the features the sink uses (arrays for the candle upsert), no pool (one connection per user, reopened after a
// failure, so a restarted server is met with a fresh connection), and a description that never shows the password.
using Npgsql;

namespace Exchange.Export.Postgres;

public static class PostgresDatabase
{
    /// <summary>The environment variable a connection string may come from instead of the command line, where any
    /// user of the machine could read a password.</summary>
    public const string ConnectionVariable = "EXCHANGE_EXPORT_POSTGRES";

    public static NpgsqlDataSource Open(string connectionString)
    {
        NpgsqlConnectionStringBuilder settings;
        try { settings = new NpgsqlConnectionStringBuilder(connectionString); }
        catch (ArgumentException e) { throw new ArgumentException($"not a PostgreSQL connection string: {e.Message}"); }
        settings.Pooling = false;
        if (!settings.ContainsKey("Timeout") || settings.Timeout == 15) settings.Timeout = 5;
        if (string.IsNullOrEmpty(settings.ApplicationName)) settings.ApplicationName = "exchange-export";
        var builder = new NpgsqlSlimDataSourceBuilder(settings.ConnectionString);
        builder.EnableArrays();
        return builder.Build();
    }

    /// <summary>host:port/database, never the password.</summary>
    public static string Describe(string connectionString)
    {
        try
        {
            var s = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{s.Host}:{s.Port}/{s.Database}";
        }
        catch (ArgumentException) { return "(unparsable connection string)"; }
    }

    /// <summary>Unreachable, restarting or shutting down, a dropped connection, a timeout: worth retrying. A
    /// constraint violated or a table missing is not.</summary>
    public static bool IsTransient(Exception error) => error switch
    {
        PostgresException p => p.IsTransient || p.SqlState.StartsWith("08", StringComparison.Ordinal)
            || p.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "40001" or "40P01",
        NpgsqlException => true,
        System.Net.Sockets.SocketException or IOException or TimeoutException => true,
        InvalidOperationException i when i.InnerException is NpgsqlException => true,
        _ => false,
    };
}
