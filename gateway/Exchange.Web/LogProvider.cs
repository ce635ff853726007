// ASP.NET Core's logging into the log every process of the exchange writes (Exchange.Hosting.LogOutput): one format,
// one setup; a structured state's values become fields (its template does not).
using System.Runtime.InteropServices;
using Exchange.Hosting;

namespace Exchange.Web;

internal sealed class LogProvider(LogOutput output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output.For(categoryName));

    public void Dispose() { } // the output is the process's, not the host's

    private sealed class Logger(Log log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => log.IsEnabled((Exchange.Hosting.LogLevel)(int)logLevel);

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var level = (Exchange.Hosting.LogLevel)(int)logLevel;
            if (!log.IsEnabled(level)) return;
            var fields = new List<(string, object?)>();
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
                foreach (var (name, value) in values)
                    if (name != "{OriginalFormat}") fields.Add((name, value));
            if (eventId.Id != 0) fields.Add(("eventId", eventId.Id));
            log.Write(level, formatter(state, exception), CollectionsMarshal.AsSpan(fields), exception);
        }
    }
}
