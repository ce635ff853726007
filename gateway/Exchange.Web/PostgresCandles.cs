// Candles beyond what exchange-web holds in memory, from the exporter's PostgreSQL database (its candles_1m table,
// export/Exchange.Export.Postgres/Migrations): 5m and 1h candles are folded from the one-minute rows the same way
// exchange-web folds trades (first open, highest high, lowest low, last close, volumes and trade counts added), so the
// numbers are the same either way. The connection string comes only from the environment (EXCHANGE_WEB_POSTGRES),
// never the command line or the config file, and is described without its password.
using Npgsql;

namespace Exchange.Web;

public sealed class PostgresCandles : IDisposable
{
    public const string ConnectionVariable = "EXCHANGE_WEB_POSTGRES";
    private readonly NpgsqlDataSource _source;

    private PostgresCandles(NpgsqlDataSource source, string description)
    {
        _source = source;
        Description = description;
    }

    /// <summary>host:port/database, never the password.</summary>
    public string Description { get; }

    /// <summary>From <see cref="ConnectionVariable"/>, or null when it is not set.</summary>
    /// <exception cref="WebConfigException">It is set but not a connection string.</exception>
    public static PostgresCandles? FromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(text)) return null;
        NpgsqlConnectionStringBuilder settings;
        try { settings = new NpgsqlConnectionStringBuilder(text); }
        catch (ArgumentException) { throw new WebConfigException($"{ConnectionVariable} is not a PostgreSQL connection string"); }
        if (!settings.ContainsKey("Timeout") || settings.Timeout == 15) settings.Timeout = 5;
        if (string.IsNullOrEmpty(settings.ApplicationName)) settings.ApplicationName = "exchange-web";
        string description = $"{settings.Host}:{settings.Port}/{settings.Database}";
        return new PostgresCandles(new NpgsqlSlimDataSourceBuilder(settings.ConnectionString).Build(), description);
    }

    /// <summary>The newest <paramref name="limit"/> candles of <paramref name="intervalNanos"/> for a symbol, oldest first.</summary>
    public async Task<List<Candle>> Newest(int symbol, long intervalNanos, int limit, CancellationToken cancel)
    {
        long seconds = intervalNanos / 1_000_000_000L;
        await using var command = _source.CreateCommand("""
            SELECT bucket, (array_agg(open ORDER BY minute))[1], max(high), min(low), (array_agg(close ORDER BY minute DESC))[1],
                   sum(volume)::bigint, sum(trades)::integer
            FROM (SELECT *, (floor(extract(epoch FROM minute) / $2) * $2)::bigint AS bucket FROM candles_1m WHERE symbol = $1) AS m
            GROUP BY bucket ORDER BY bucket DESC LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = symbol });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = seconds });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var candles = new List<Candle>();
        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
            candles.Add(new Candle
            {
                Start = reader.GetInt64(0) * 1_000_000_000L, Open = reader.GetInt64(1), High = reader.GetInt64(2), Low = reader.GetInt64(3),
                Close = reader.GetInt64(4), Volume = reader.GetInt64(5), Trades = reader.GetInt32(6),
            });
        candles.Reverse();
        return candles;
    }

    public void Dispose() => _source.Dispose();
}
