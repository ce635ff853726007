// One FIX 4.4 session (one SessionId): its state, its public surface for the application, and its duty cycle. The
// rules are split by direction: FixSession.Logon.cs (admission and logon), FixSession.Inbound.cs (what each received
// message does), FixSession.Outbound.cs (what we send, the store, resends). Single-threaded: everything runs on
// the thread that calls FixAcceptor.DoWork, and the application calls back on that thread.
using System.Text;
using Exchange.Fix;

namespace Exchange.Fix.Session;

public sealed partial class FixSession
{
    private const long NanosPerSecond = 1_000_000_000L;

    private readonly IFixApplication _application;
    private readonly Func<long> _clock;
    private readonly MessageStore _store;
    private readonly SessionLog _log;
    private readonly ConnectionCloser _closer;
    private readonly int _maxMessageLength;
    private readonly int _sendBufferLength;
    private readonly byte[] _beginString;
    private readonly byte[] _senderCompId;
    private readonly byte[] _targetCompId;
    private readonly byte[]? _username;
    // Addresses this session has logged on from since start-up (a few, for the failed-logon limit).
    private readonly HashSet<System.Net.IPAddress> _loggedOnFrom = [];
    private const int LoggedOnFromCapacity = 64;
    private readonly byte[][] _applicationMessageTypes;
    private readonly long _maxLatencyNanos;
    private readonly long _logoutTimeoutNanos;
    private readonly InboundQueue _queue;
    private readonly MessageRateLimiter? _rateLimiter;

    // Preallocated so that no message on the way in or out allocates.
    private readonly FixField[] _inboundFields = new FixField[FixMessage.DefaultFieldCapacity];
    private readonly FixField[] _validationFields = new FixField[FixMessage.DefaultFieldCapacity];
    private readonly FixField[] _outboundFields = new FixField[FixMessage.DefaultFieldCapacity];
    private readonly FixField[] _storedFields = new FixField[FixMessage.DefaultFieldCapacity];
    private readonly byte[] _validationBytes;
    private readonly byte[] _queuedMessage;
    private readonly byte[] _outbound;

    private FixConnection? _connection;
    private State _state;
    private long _now;
    private long _heartBtIntNanos;
    private long _lastSentAt;
    private long _lastReceivedAt;
    private bool _testRequestOutstanding;
    private long _logoutDeadline;
    private long _rateLimitLoggedAt;

    // The last MsgSeqNum of the gap our outstanding ResendRequest covers; 0 when none is outstanding.
    private int _gapEnd;

    private enum State
    {
        Disconnected,
        LoggedOn,
        // We sent Logout and wait for the peer's, or for the timeout.
        LogoutSent,
    }

    internal FixSession(SessionSettings settings, IFixApplication application, Func<long> clock, FixAcceptorOptions options,
        MessageStore store, SessionLog log, ConnectionCloser closer)
    {
        Settings = settings;
        Id = settings.Id;
        _application = application;
        _clock = clock;
        _store = store;
        _log = log;
        _closer = closer;
        _maxMessageLength = options.MaxMessageLength;
        _sendBufferLength = Math.Max(options.SendBufferLength, 4 * options.MaxMessageLength);
        _beginString = Encoding.ASCII.GetBytes(Id.BeginString);
        _senderCompId = Encoding.ASCII.GetBytes(Id.SenderCompID);
        _targetCompId = Encoding.ASCII.GetBytes(Id.TargetCompID);
        _username = settings.Username is { } user ? Encoding.ASCII.GetBytes(user) : null;
        _applicationMessageTypes = [.. options.ApplicationMessageTypes.Select(Encoding.ASCII.GetBytes)];
        _maxLatencyNanos = (long)settings.MaxLatency.TotalSeconds * NanosPerSecond;
        _logoutTimeoutNanos = (long)(settings.LogoutTimeout.TotalMilliseconds * 1_000_000);
        _queue = new InboundQueue(options.InboundQueueCapacity, options.MaxMessageLength);
        _rateLimiter = settings.MaxMessagesPerSecond > 0 ? new MessageRateLimiter(settings.MaxMessagesPerSecond) : null;
        _validationBytes = new byte[options.MaxMessageLength];
        _queuedMessage = new byte[options.MaxMessageLength];
        // A resent message gains 43 and 122 over the original.
        _outbound = new byte[options.MaxMessageLength + 256];
        _storeRead = new byte[2 * options.MaxMessageLength];
    }

    public SessionId Id { get; }

    public SessionSettings Settings { get; }

    /// <summary>Logon exchanged and no Logout sent yet: application messages may be sent.</summary>
    public bool IsLoggedOn => _state == State.LoggedOn;

    /// <summary>A connection is attached (logged on, or logging out).</summary>
    public bool IsConnected => _connection != null;
    /// <summary>The connection the session is logged on over, if any.</summary>
    internal FixConnection? Connection => _connection;

    public int NextSenderMsgSeqNum => _store.NextSenderMsgSeqNum;

    public int NextTargetMsgSeqNum => _store.NextTargetMsgSeqNum;

    /// <summary>The HeartBtInt (108) agreed at logon, in seconds.</summary>
    public int HeartBtInt { get; private set; }

    /// <summary>Why the last connection ended, for logs; null while none has.</summary>
    public string? LastDisconnectReason { get; private set; }

    internal MessageStore Store => _store;

    internal SessionLog Log => _log;

    /// <summary>Writes <paramref name="text"/> to the session's event log (and stderr, with ScreenLogShowEvents): for
    /// the application's own events about this session. Never pass a secret.</summary>
    public void LogEvent(string text) => _log.Event(text);

    /// <summary>A resend (or a backlog the socket could not take) is going out from the store.</summary>
    internal bool IsStreaming => _transmitNext != 0;

    /// <summary>Starts a logout: sends Logout (with <paramref name="text"/> as 58) and disconnects when the peer answers
    /// or after LogoutTimeout. Nothing happens when not logged on.</summary>
    public void Logout(string? text = null) => BeginLogout(text == null ? default : Encoding.ASCII.GetBytes(text));

    /// <summary>One duty cycle: read and process what arrived, stream a pending resend, run the timers, flush.</summary>
    internal int DoWork(long now)
    {
        _now = now;
        var connection = _connection;
        if (connection == null) return 0;
        int work = 0;
        if (_transmitNext != 0) work += Pump();
        // Nothing is read while a resend streams out, so that nothing we answer can overtake it.
        if (_transmitNext == 0 && _connection == connection)
        {
            int read = connection.Receive();
            if (read > 0)
            {
                _lastReceivedAt = now;
                _testRequestOutstanding = false;
                work++;
            }
            work += ProcessReceived();
            if (_connection == connection && (connection.PeerClosed || connection.Failed))
            {
                Disconnect("connection closed by the peer");
                return work + 1;
            }
        }
        if (_connection != null) work += RunTimers(now);
        if (_connection != null) work += _connection.Flush(now) > 0 ? 1 : 0;
        return work;
    }

    private int RunTimers(long now)
    {
        var connection = _connection!;
        // A peer that stops reading while we have bytes for it is as dead as a silent one.
        long stallLimit = _heartBtIntNanos > 0 ? _heartBtIntNanos * 24 / 10 : 60 * NanosPerSecond;
        if (connection.HasPendingSend && now - connection.LastSendProgressAt >= stallLimit)
        {
            Disconnect("the peer stopped reading");
            return 1;
        }
        if (_transmitNext != 0) return 0;
        if (_state == State.LogoutSent)
        {
            if (now < _logoutDeadline) return 0;
            Disconnect("no Logout from the peer within LogoutTimeout");
            return 1;
        }
        if (_heartBtIntNanos == 0) return 0;
        int work = 0;
        long silence = now - _lastReceivedAt;
        if (silence >= _heartBtIntNanos * 24 / 10)
        {
            Disconnect("nothing received for 2.4 x HeartBtInt");
            return 1;
        }
        if (silence >= _heartBtIntNanos * 12 / 10 && !_testRequestOutstanding)
        {
            _testRequestOutstanding = true;
            _log.Event("nothing received for 1.2 x HeartBtInt: TestRequest sent");
            SendTestRequest(now);
            work++;
        }
        if (_connection != null && now - _lastSentAt >= _heartBtIntNanos)
        {
            SendHeartbeat();
            work++;
        }
        return work;
    }

    /// <summary>Lets the connection go (flushed, then closed by the closer) and frees the session for a new Logon.</summary>
    private void Disconnect(string reason)
    {
        var connection = _connection;
        if (connection == null) return;
        bool wasLoggedOn = _state != State.Disconnected;
        _connection = null;
        _state = State.Disconnected;
        _closer.Close(connection, _now);
        _queue.Clear();
        _gapEnd = 0;
        _transmitNext = 0;
        _resendThrough = 0;
        _unsentFrom = 0;
        _pendingLogoutText = null;
        _testRequestOutstanding = false;
        _rateLimiter?.Clear();
        LastDisconnectReason = reason;
        _log.Event($"disconnected: {reason}");
        if (Settings.ResetOnDisconnect)
        {
            _store.Reset();
            _log.Event("sequence numbers reset to 1 (ResetOnDisconnect)");
        }
        if (wasLoggedOn) _application.OnLogout(this);
    }

    /// <summary>Closes the connection without a word, for the acceptor's shutdown.</summary>
    internal void Abort()
    {
        if (_connection is { } connection) ConnectionCloser.Abort(connection);
        _connection = null;
        _state = State.Disconnected;
    }

    public override string ToString() => Id.ToString();
}
