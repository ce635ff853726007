// What every subcommand shares: buffered stdout (text or JSON), timestamps for people, and the progress line on
// a terminal's stderr.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Exchange.Replay.Tool;

/// <summary>Standard output through one buffer: text lines, or JSON (one object, or one per line).</summary>
internal sealed class Output : IDisposable
{
    private readonly Stream _stream = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
    private StreamWriter? _text;
    private Utf8JsonWriter? _json;
    private bool _disposed;

    public TextWriter Text => _text ??= new StreamWriter(_stream, new UTF8Encoding(false), 1 << 16) { AutoFlush = false };

    public Utf8JsonWriter Json => _json ??= new Utf8JsonWriter(_stream);

    /// <summary>Ends one JSON line (JSON Lines output) and readies the writer for the next.</summary>
    public void EndJsonLine()
    {
        Json.Flush();
        _stream.WriteByte((byte)'\n');
        Json.Reset();
    }

    /// <summary>Flushes everything written; commands call it before any closing warning on stderr, so the two stay in order.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _text?.Flush();
        if (_json != null && _json.BytesPending + _json.BytesCommitted > 0)
        {
            _json.Flush();
            if (_json.CurrentDepth == 0 && _json.BytesCommitted > 0) _stream.WriteByte((byte)'\n');
        }
        _stream.Flush();
    }
}

/// <summary>Sequencer timestamps (ns since the Unix epoch) for people: ISO-8601 UTC with nanoseconds, and back.</summary>
internal static partial class Timestamps
{
    public static string Iso(long ns)
    {
        long seconds = Math.DivRem(ns, 1_000_000_000L, out long fraction);
        if (fraction < 0) { seconds--; fraction += 1_000_000_000L; }
        if (seconds is < -62135596800L or > 253402300799L) return $"@{ns}ns";
        return DateTime.UnixEpoch.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + $".{fraction:D9}Z";
    }

    /// <summary>Nanoseconds since the epoch as a number, or an ISO-8601 time (UTC unless it says otherwise, up to 9 fraction digits).</summary>
    public static bool TryParse(string text, out long ns)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ns)) return true;
        var m = IsoTime().Match(text);
        string main = m.Success ? m.Groups[1].Value + (m.Groups[3].Success ? m.Groups[3].Value : "Z") : text;
        if (!DateTimeOffset.TryParse(main, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return false;
        long fraction = m.Success && m.Groups[2].Success ? long.Parse(m.Groups[2].Value.PadRight(9, '0'), CultureInfo.InvariantCulture) : 0;
        ns = (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100 + fraction;
        return true;
    }

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$")]
    private static partial Regex IsoTime();
}

/// <summary>A progress line on stderr for long runs, only when stderr is a terminal; redrawn at most ten times a second.</summary>
internal sealed class Progress(string verb, bool enabled = true) : IDisposable
{
    private static readonly long Interval = Stopwatch.Frequency / 10;
    private readonly bool _enabled = enabled && !Console.IsErrorRedirected;
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _lastDraw;
    private bool _drawn;

    public void Report(long sequence, long records)
    {
        if (!_enabled) return;
        long now = Stopwatch.GetTimestamp();
        if (now - _lastDraw < Interval) return;
        _lastDraw = now;
        double seconds = Math.Max(Stopwatch.GetElapsedTime(_start).TotalSeconds, 1e-9);
        Console.Error.Write($"\r{verb}: sequence {sequence:N0}, {records:N0} records, {records / seconds:N0} records/s   ");
        _drawn = true;
    }

    public void Dispose()
    {
        if (_drawn) Console.Error.Write("\r" + new string(' ', 100) + "\r");
    }
}
