// The process's log on stderr (QuickFIX's screen log): events of the acceptor and of each session, and, where a session
// asks for them, the messages it receives and sends ('|' for SOH). One buffer for every session, written once per cycle.
// As text, "time scope: text"; as JSON (the process logs JSON lines), one object per line with the fields every
// process of the exchange writes (ts, level, component, msg) and the session it concerns.
namespace Exchange.Fix.Session;

internal sealed class ScreenLog(Stream stream, Func<long> clock, string? jsonComponent = null) : IDisposable
{
    private readonly LogWriter _writer = new(stream, ownsSink: false);

    /// <summary>"time scope: text".</summary>
    public void Event(string scope, string text)
    {
        if (jsonComponent != null)
        {
            StartJson(scope);
            _writer.Append(text);
            EndJson();
            return;
        }
        _writer.Timestamp(clock());
        _writer.Append(scope);
        _writer.Append(": "u8);
        _writer.Append(text);
        _writer.EndLine();
    }

    /// <summary>"time scope direction: message", the message with its secrets masked.</summary>
    public void Message(ReadOnlySpan<byte> scope, ReadOnlySpan<byte> direction, ReadOnlySpan<byte> message)
    {
        if (jsonComponent != null)
        {
            StartJson(scope);
            _writer.Append(direction.Trim((byte)' '));
            _writer.Append(" "u8);
            _writer.AppendMessage(message, sohAsBar: true);
            EndJson();
            return;
        }
        _writer.Timestamp(clock());
        _writer.Append(scope);
        _writer.Append(direction);
        _writer.AppendMessage(message, sohAsBar: true);
        _writer.EndLine();
    }

    private void StartJson(string scope)
    {
        StartJsonFields();
        _writer.Append(scope);
        _writer.EscapeJson = false;
        _writer.AppendVerbatim("\",\"msg\":\""u8);
        _writer.EscapeJson = true;
    }

    private void StartJson(ReadOnlySpan<byte> scope)
    {
        StartJsonFields();
        _writer.Append(scope);
        _writer.EscapeJson = false;
        _writer.AppendVerbatim("\",\"msg\":\""u8);
        _writer.EscapeJson = true;
    }

    // {"ts":"2026-12-05T12:00:00.123456Z","level":"info","component":"...","session":"  (the session's name follows)
    private void StartJsonFields()
    {
        _writer.AppendVerbatim("{\"ts\":\""u8);
        Span<byte> time = stackalloc byte[32];
        var at = DateTime.UnixEpoch.AddTicks(clock() / 100);
        if (at.TryFormat(time, out int written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture))
            _writer.AppendVerbatim(time[..written]);
        _writer.AppendVerbatim("\",\"level\":\"info\",\"component\":\""u8);
        _writer.EscapeJson = true;
        _writer.Append(jsonComponent!);
        _writer.EscapeJson = false;
        _writer.AppendVerbatim("\",\"session\":\""u8);
        _writer.EscapeJson = true;
    }

    private void EndJson()
    {
        _writer.EscapeJson = false;
        _writer.AppendVerbatim("\"}"u8);
        _writer.EndLine();
    }

    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
