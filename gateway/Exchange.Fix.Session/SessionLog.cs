// One session's logs, as QuickFIX keeps them. With FileLogPath: <BeginString>-<SenderCompID>-<TargetCompID>
// .messages.current.log (every message received and sent, "time : message", SOH kept) and .event.current.log (what
// happened to the session: connects, logons, rejects with their reason, logouts, disconnects, sequence resets). On
// stderr, through the screen log, what ScreenLogShowIncoming / ScreenLogShowOutgoing / ScreenLogShowEvents ask for.
// Messages are logged without allocating; secrets in them (Password, NewPassword, RawData) are masked.
using System.Text;

namespace Exchange.Fix.Session;

internal sealed class SessionLog : IDisposable
{
    private readonly LogWriter? _messages;
    private readonly LogWriter? _events;
    private readonly ScreenLog _screen;
    private readonly Func<long> _clock;
    private readonly string _name;
    private readonly byte[] _screenScope;
    private readonly bool _showIncoming, _showOutgoing, _showEvents;

    private SessionLog(SessionSettings settings, ScreenLog screen, Func<long> clock, LogWriter? messages, LogWriter? events)
    {
        _screen = screen;
        _clock = clock;
        _messages = messages;
        _events = events;
        _name = settings.Id.ToString();
        _screenScope = Encoding.ASCII.GetBytes(_name);
        _showIncoming = settings.ScreenLogShowIncoming;
        _showOutgoing = settings.ScreenLogShowOutgoing;
        _showEvents = settings.ScreenLogShowEvents;
    }

    /// <summary>Opens (appending; creating when absent) the session's log files when FileLogPath is set. Throws
    /// <see cref="FixSessionException"/> when they cannot be opened.</summary>
    public static SessionLog Open(SessionSettings settings, ScreenLog screen, Func<long> clock)
    {
        if (settings.FileLogPath is not { } directory) return new SessionLog(settings, screen, clock, null, null);
        string prefix = Path.Combine(directory, settings.Id.FilePrefix);
        LogWriter? messages = null;
        try
        {
            PrivateFiles.CreateDirectory(directory);
            messages = new LogWriter(PrivateFiles.Open(prefix + ".messages.current.log", FileMode.Append, FileAccess.Write), ownsSink: true);
            var events = new LogWriter(PrivateFiles.Open(prefix + ".event.current.log", FileMode.Append, FileAccess.Write), ownsSink: true);
            return new SessionLog(settings, screen, clock, messages, events);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            messages?.Dispose();
            throw new FixSessionException($"{prefix}: cannot open the session's log: {e.Message}");
        }
    }

    public void Incoming(ReadOnlySpan<byte> message)
    {
        if (_messages != null) WriteMessage(_messages, message);
        if (_showIncoming) _screen.Message(_screenScope, " incoming: "u8, message);
    }

    public void Outgoing(ReadOnlySpan<byte> message)
    {
        if (_messages != null) WriteMessage(_messages, message);
        if (_showOutgoing) _screen.Message(_screenScope, " outgoing: "u8, message);
    }

    private void WriteMessage(LogWriter log, ReadOnlySpan<byte> message)
    {
        log.Timestamp(_clock());
        log.Append(": "u8);
        log.AppendMessage(message, sohAsBar: false);
        log.EndLine();
    }

    /// <summary>Something that happened to the session, in words; never a secret.</summary>
    public void Event(string text)
    {
        if (_events != null)
        {
            _events.Timestamp(_clock());
            _events.Append(": "u8);
            _events.Append(text);
            _events.EndLine();
        }
        if (_showEvents) _screen.Event(_name, text);
    }

    /// <summary>Writes what was logged since the last call (once per duty cycle).</summary>
    public void Flush()
    {
        _messages?.Flush();
        _events?.Flush();
    }

    public void Dispose()
    {
        _messages?.Dispose();
        _events?.Dispose();
    }
}
