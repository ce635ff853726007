// Connections to the exporter's Redis: StackExchange.Redis's multiplexer, which reconnects by itself; commands fail
// fast while the server is away (the pipeline retries them), and the description never shows a password.
using StackExchange.Redis;

namespace Exchange.Export.Redis;

public static class RedisDatabase
{
    /// <summary>The environment variable a configuration string may come from instead of the command line, where any
    /// user of the machine could read a password.</summary>
    public const string ConnectionVariable = "EXCHANGE_EXPORT_REDIS";

    public static ConfigurationOptions Options(string configuration)
    {
        ConfigurationOptions options;
        try { options = ConfigurationOptions.Parse(configuration); }
        catch (ArgumentException e) { throw new ArgumentException($"not a Redis configuration string: {e.Message}"); }
        if (options.EndPoints.Count == 0) throw new ArgumentException("not a Redis configuration string: no host:port in it");
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 3_000;
        options.SyncTimeout = 15_000;
        options.AsyncTimeout = 15_000;
        options.ConnectRetry = 1;
        options.ClientName ??= "exchange-export";
        return options;
    }

    public static ConnectionMultiplexer Connect(string configuration) => ConnectionMultiplexer.Connect(Options(configuration), TextWriter.Null);

    /// <summary>host:port and database, never the password.</summary>
    public static string Describe(string configuration)
    {
        try
        {
            var o = ConfigurationOptions.Parse(configuration);
            return string.Join(",", o.EndPoints.Select(e => e.ToString()?.Replace("Unspecified/", ""))) + (o.DefaultDatabase is int db ? $"/{db}" : "");
        }
        catch (ArgumentException) { return "(unparsable configuration string)"; }
    }

    /// <summary>Unreachable, loading its data after a restart, a timeout, a dropped connection: worth retrying.</summary>
    public static bool IsTransient(Exception error) => error switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException or System.Net.Sockets.SocketException or IOException => true,
        RedisServerException s => s.Message.StartsWith("LOADING", StringComparison.Ordinal) || s.Message.StartsWith("BUSY", StringComparison.Ordinal)
            || s.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal) || s.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal),
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsTransient),
        TaskCanceledException => true,
        _ => false,
    };
}
