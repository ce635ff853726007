// The process's log on stderr (QuickFIX's screen log): events of the acceptor and of each session, and, where a session
// asks for them, the messages it receives and sends ('|' for SOH). One buffer for every session, written once per cycle.
namespace Exchange.Fix.Session;

internal sealed class ScreenLog(Stream stream, Func<long> clock) : IDisposable
{
    private readonly LogWriter _writer = new(stream, ownsSink: false);

    /// <summary>"time scope: text".</summary>
    public void Event(string scope, string text)
    {
        _writer.Timestamp(clock());
        _writer.Append(scope);
        _writer.Append(": "u8);
        _writer.Append(text);
        _writer.EndLine();
    }

    /// <summary>"time scope direction: message", the message with its secrets masked.</summary>
    public void Message(ReadOnlySpan<byte> scope, ReadOnlySpan<byte> direction, ReadOnlySpan<byte> message)
    {
        _writer.Timestamp(clock());
        _writer.Append(scope);
        _writer.Append(direction);
        _writer.AppendMessage(message, sohAsBar: true);
        _writer.EndLine();
    }

    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
