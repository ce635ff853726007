// One logging setup for every process of the exchange. A line is an event: a time, a level, the component that wrote
// it (exchange-engine, exchange-gateway, ...), a message for people, and the ids that matter as fields of their own
// (shard, session, account, connection, sequence, clOrdId). On a terminal it reads like a tool's message,
// "exchange-engine: session 3 logged on: account 1001, connection 7"; anywhere else (a pipe, a file, journald) it is
// one JSON object per line for a collector, the fields included. EXCHANGE_LOG_FORMAT (auto, json, text) and EXCHANGE_LOG_LEVEL (debug,
// info, warning, error) choose. A field whose name says it holds a secret (password, secret, token, apiKey) is written
// as "***" whatever it holds; callers still never hand one over. Logging is for events (logons, alarms, refusals
// already throttled by their callers), not for the steady state: a line is formatted and written on the caller's
// thread, in order with everything else the process prints.
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
namespace Exchange.Hosting;

public enum LogFormat { Auto, Json, Text }

/// <summary>A line's level; the values are Microsoft.Extensions.Logging's, so a host on it maps one to the other.</summary>
public enum LogLevel { Trace, Debug, Information, Warning, Error, Critical, None }

/// <summary>How a process logs: the format and the lowest level written.</summary>
public sealed record LogSettings(LogFormat Format = LogFormat.Auto, LogLevel MinLevel = LogLevel.Information)
{
    public const string FormatVariable = "EXCHANGE_LOG_FORMAT";
    public const string LevelVariable = "EXCHANGE_LOG_LEVEL";

    /// <summary>The settings EXCHANGE_LOG_FORMAT and EXCHANGE_LOG_LEVEL give; an unknown value is a usage error naming it.</summary>
    public static LogSettings FromEnvironment() =>
        Parse(Environment.GetEnvironmentVariable(FormatVariable), Environment.GetEnvironmentVariable(LevelVariable));

    public static LogSettings Parse(string? format, string? level) => new(
        (format ?? "").Trim().ToLowerInvariant() switch
        {
            "" or "auto" => LogFormat.Auto,
            "json" => LogFormat.Json,
            "text" => LogFormat.Text,
            _ => throw new UsageException($"{FormatVariable}='{format}': give auto, json or text"),
        },
        (level ?? "").Trim().ToLowerInvariant() switch
        {
            "debug" => LogLevel.Debug,
            "" or "info" or "information" => LogLevel.Information,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => throw new UsageException($"{LevelVariable}='{level}': give debug, info, warning or error"),
        });
}

/// <summary>Where a process's log lines go (stderr unless told otherwise), with the fields every line carries. A host
/// built on Microsoft.Extensions.Logging (ASP.NET Core) logs the same way through a provider over <see cref="For"/>
/// (exchange-web's); nothing here depends on it, so the other processes do without that library.</summary>
public sealed class LogOutput : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Stream? _sink;
    private readonly Action<string>? _lines;
    private readonly bool _ownsSink;
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _line = new(512);
    private readonly List<(string Name, object? Value)> _context = [];
    private bool _failed;

    public LogOutput(LogSettings settings, Stream? sink = null, bool? sinkIsTerminal = null)
    {
        _ownsSink = sink == null;
        _sink = sink ?? Console.OpenStandardError();
        bool terminal = sinkIsTerminal ?? (sink == null && !Console.IsErrorRedirected);
        Json = settings.Format == LogFormat.Json || (settings.Format == LogFormat.Auto && !terminal);
        MinLevel = settings.MinLevel;
    }

    /// <summary>A log whose lines (without their newline) go to <paramref name="lines"/>: for a host that keeps them itself.</summary>
    public LogOutput(LogSettings settings, Action<string> lines)
    {
        _lines = lines;
        Json = settings.Format == LogFormat.Json;
        MinLevel = settings.MinLevel;
    }

    /// <summary>The process's log on stderr, as the environment asks.</summary>
    public static LogOutput FromEnvironment() => new(LogSettings.FromEnvironment());

    /// <summary>Whether lines are JSON objects (else text for people).</summary>
    public bool Json { get; }

    public LogLevel MinLevel { get; }

    /// <summary>A field every later line carries (the shard, a cluster member).</summary>
    public void AddContext(string name, object? value)
    {
        lock (_gate) _context.Add((name, value));
    }

    /// <summary>The log of one component.</summary>
    public Log For(string component) => new(this, component);

    public void Write(LogLevel level, string component, string message, ReadOnlySpan<(string Name, object? Value)> fields, Exception? exception)
    {
        if (level < MinLevel || level == LogLevel.None) return;
        lock (_gate)
        {
            if (_failed) return;
            _line.ResetWrittenCount();
            if (Json) FormatJson(level, component, message, fields, exception);
            else FormatText(level, component, message, exception);
            if (_lines != null)
            {
                _lines(Encoding.UTF8.GetString(_line.WrittenSpan[..^1]));
                return;
            }
            try
            {
                _sink!.Write(_line.WrittenSpan);
                _sink.Flush();
            }
            catch (IOException)
            {
                _failed = true; // stderr closed: the process goes on without its log rather than failing on it
            }
        }
    }

    private void FormatJson(LogLevel level, string component, string message, ReadOnlySpan<(string Name, object? Value)> fields, Exception? exception)
    {
        using (var json = new Utf8JsonWriter(_line, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("ts", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(level));
            json.WriteString("component", component);
            json.WriteString("msg", message);
            foreach (var (name, value) in _context) WriteField(json, name, value);
            foreach (var (name, value) in fields) WriteField(json, name, value);
            if (exception != null) json.WriteString("exception", exception.ToString());
            json.WriteEndObject();
        }
        _line.Write("\n"u8);
    }

    private static void WriteField(Utf8JsonWriter json, string name, object? value)
    {
        if (IsSecretName(name)) { json.WriteString(name, "***"); return; }
        switch (value)
        {
            case null: json.WriteNull(name); break;
            case bool b: json.WriteBoolean(name, b); break;
            case int i: json.WriteNumber(name, i); break;
            case long l: json.WriteNumber(name, l); break;
            case uint u: json.WriteNumber(name, u); break;
            case ulong ul: json.WriteNumber(name, ul); break;
            case short s: json.WriteNumber(name, s); break;
            case double d when double.IsFinite(d): json.WriteNumber(name, d); break;
            case IFormattable f: json.WriteString(name, f.ToString(null, CultureInfo.InvariantCulture)); break;
            default: json.WriteString(name, value.ToString()); break;
        }
    }

    // The message says what people need; the fields are for machines.
    private void FormatText(LogLevel level, string component, string message, Exception? exception)
    {
        var text = new StringBuilder(component.Length + message.Length + 64);
        text.Append(component).Append(": ");
        if (level >= LogLevel.Warning) text.Append(level == LogLevel.Warning ? "WARNING: " : "ERROR: ");
        text.Append(message);
        if (exception != null) text.Append(": ").Append(exception);
        text.Append('\n');
        Encoding.UTF8.GetBytes(text.ToString(), _line);
    }

    /// <summary>"debug", "info", "warning", "error", "critical".</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };

    /// <summary>Whether a field's name says it holds a secret, so its value is never written.</summary>
    public static bool IsSecretName(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase) ||
        name.Contains("token", StringComparison.OrdinalIgnoreCase) || name.Contains("apikey", StringComparison.OrdinalIgnoreCase) ||
        name.Contains("api_key", StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        lock (_gate)
        {
            if (_ownsSink) _sink?.Dispose();
            _failed = true;
        }
    }
}

/// <summary>One component's log: a message for people and the ids that matter as fields,
/// <c>log.Info("logged on", ("session", 3), ("account", 1001L))</c>.</summary>
public sealed class Log(LogOutput output, string component)
{
    /// <summary>A log that writes nothing (and formats nothing).</summary>
    public static Log Discard { get; } = new(new LogOutput(new LogSettings(MinLevel: LogLevel.None), _ => { }), "none");

    public string Component => component;

    public void Debug(string message, params ReadOnlySpan<(string Name, object? Value)> fields) =>
        output.Write(LogLevel.Debug, component, message, fields, null);

    public void Info(string message, params ReadOnlySpan<(string Name, object? Value)> fields) =>
        output.Write(LogLevel.Information, component, message, fields, null);

    public void Warn(string message, params ReadOnlySpan<(string Name, object? Value)> fields) =>
        output.Write(LogLevel.Warning, component, message, fields, null);

    public void Error(string message, params ReadOnlySpan<(string Name, object? Value)> fields) =>
        output.Write(LogLevel.Error, component, message, fields, null);

    /// <summary>Any level, with an exception (a host's own lines).</summary>
    public void Write(LogLevel level, string message, ReadOnlySpan<(string Name, object? Value)> fields, Exception? exception) =>
        output.Write(level, component, message, fields, exception);

    public bool IsEnabled(LogLevel level) => level >= output.MinLevel && level != LogLevel.None;
}
