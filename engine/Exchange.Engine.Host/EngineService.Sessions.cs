// Binary sessions: Logon by API key, heartbeats both ways, Logout, heartbeat timeouts and cancel-on-disconnect.
// One session per connection (a client publication), at most one per account; sessions live in an array indexed
// by connection. Logon and logout may allocate; heartbeat handling does not.
using Exchange.Contract;
using System.Text;
using Exchange.Sbe;

namespace Exchange.Engine.Host;

internal enum SessionState : byte
{
    Free,
    Active,
    /// <summary>Logged out with the connection still there: its last responses and the Logout drain, then the path closes.</summary>
    Closing,
}

internal struct Session
{
    public SessionState State;
    public ulong Id;
    public long Account;
    public uint HeartbeatIntervalMs;
    public long HeartbeatNanos;
    public bool CancelOnDisconnect;
    /// <summary>DoWork-clock times; <see cref="EngineService.Unstamped"/> until the first DoWork after logon.</summary>
    public long LastInbound;
    public long LastOutbound;
    /// <summary>Since when sends to this connection fail; <see cref="EngineService.NotBlocked"/> while they succeed.</summary>
    public long BlockedSince;
    /// <summary>The release pass in which a send failed: later messages of the pass wait behind it.</summary>
    public int BlockedPass;
    /// <summary>Messages for this session in the outbound queue.</summary>
    public int Pending;
}

public sealed partial class EngineService
{
    internal const long Unstamped = long.MinValue + 1;
    internal const long NotBlocked = long.MinValue;

    private readonly Dictionary<string, long> _apiKeys;
    private readonly Session[] _sessions;
    private readonly Dictionary<long, int> _sessionByAccount = [];
    /// <summary>Heartbeat intervals without a word from the client before its session is logged out.</summary>
    private const int HeartbeatTimeoutIntervals = 3;
    private readonly long _unsendableNanos;
    /// <summary>One more than the highest connection that ever had a session: how far the duty cycle looks.</summary>
    private int _highWater;
    private ulong _nextSessionId = 1;
    private long _now;
    private bool _haveNow;

    private long Stamp() => _haveNow ? _now : Unstamped;

    public int ActiveSessions => _sessionByAccount.Count;

    /// <summary>The live session on <paramref name="connection"/>, if any.</summary>
    public bool TryGetSession(int connection, out ulong sessionId, out long account)
    {
        bool active = (uint)connection < (uint)_sessions.Length && _sessions[connection].State == SessionState.Active;
        sessionId = active ? _sessions[connection].Id : 0;
        account = active ? _sessions[connection].Account : 0;
        return active;
    }

    private void OnLogon(int connection, ReadOnlySpan<byte> message)
    {
        if (LogonDecoder.TryWrapWithHeader(message, 0, out var logon) != SbeError.None) { RejectMalformed(connection, LogonDecoder.TemplateId); return; }
        string apiKey, channel;
        try
        {
            apiKey = Encoding.ASCII.GetString(logon.ReadApiKey());
            channel = Encoding.ASCII.GetString(logon.ReadResponseChannel());
        }
        catch (SbeException)
        {
            RejectMalformed(connection, LogonDecoder.TemplateId);
            return;
        }

        if ((uint)connection >= (uint)_sessions.Length)
        {
            RejectLogon(connection, channel, LogonRejectReason.AccountDisabled, $"the engine serves connections 0..{_sessions.Length - 1} only");
            return;
        }
        ref Session session = ref _sessions[connection];
        if (session.State == SessionState.Active)
        {
            // The existing session goes on; the reject goes down its response path.
            Send(connection, LogonRejectMessage(LogonRejectReason.AlreadyLoggedOn, "this connection is already logged on"));
            return;
        }
        // A connection that logged out and logs on again: whatever did not drain from its last session is dropped.
        if (session.State == SessionState.Closing) FreeSession(connection);

        if (!_apiKeys.TryGetValue(apiKey, out long account) || (logon.Account != 0 && logon.Account != account))
        {
            RejectLogon(connection, channel, LogonRejectReason.UnknownApiKey, "unknown api key");
            return;
        }
        if (_sessionByAccount.ContainsKey(account))
        {
            RejectLogon(connection, channel, LogonRejectReason.AlreadyLoggedOn, $"account {account} already has a session");
            return;
        }
        if (_sessionByAccount.Count >= _options.EffectiveMaxSessions)
        {
            RejectLogon(connection, channel, LogonRejectReason.AccountDisabled, $"the engine is at its limit of {_options.EffectiveMaxSessions} sessions");
            return;
        }
        if (!_links.OpenResponses(connection, channel, ResponsePath.Session, out string? error))
        {
            LogRefusal($"logon of account {account} on connection {connection} refused: response channel unusable: {error}");
            return;
        }

        uint requested = logon.HeartbeatIntervalMs;
        uint interval = requested == 0 || requested == LogonDecoder.HeartbeatIntervalMsNullValue
            ? _options.DefaultHeartbeatIntervalMs
            : Math.Clamp(requested, _options.MinHeartbeatIntervalMs, _options.MaxHeartbeatIntervalMs);
        session = new Session
        {
            State = SessionState.Active, Id = _nextSessionId++, Account = account, HeartbeatIntervalMs = interval,
            HeartbeatNanos = interval * 1_000_000L, CancelOnDisconnect = logon.CancelOnDisconnect == 1,
            LastInbound = Stamp(), LastOutbound = Stamp(), BlockedSince = NotBlocked, BlockedPass = 0, Pending = 0,
        };
        _sessionByAccount.Add(account, connection);
        _highWater = Math.Max(_highWater, connection + 1);

        var ack = LogonAckEncoder.WrapAndApplyHeader(_scratch, 0);
        ack.SessionId = session.Id;
        ack.Account = account;
        ack.HeartbeatIntervalMs = interval;
        Send(connection, _scratch.AsSpan(0, HeaderLength + ack.EncodedLength));
        Log($"session {session.Id} logged on: account {account}, connection {connection}, heartbeat {interval} ms" +
            (session.CancelOnDisconnect ? ", cancel on disconnect" : ""));
    }

    /// <summary>A refused logon: the response path is opened just long enough to carry the LogonReject. The
    /// connection holds a closing pseudo-session (id 0) meanwhile, so a reject the transport cannot take at once (a
    /// publication still connecting) is retried like any response, and the path closes once it has gone.</summary>
    private void RejectLogon(int connection, string channel, LogonRejectReason reason, string text)
    {
        if (!_links.OpenResponses(connection, channel, ResponsePath.Reject, out string? unsent))
        {
            LogRefusal($"logon on connection {connection} rejected: {reason}: {text}; not answered: {unsent}");
            return;
        }
        LogRefusal($"logon on connection {connection} rejected: {reason}: {text}");
        if ((uint)connection >= (uint)_sessions.Length)
        {
            _links.SendToConnection(connection, LogonRejectMessage(reason, text));
            _links.CloseResponses(connection);
            return;
        }
        _sessions[connection] = new Session
        {
            State = SessionState.Closing, Id = 0, LastInbound = Stamp(), LastOutbound = Stamp(), BlockedSince = NotBlocked,
        };
        _highWater = Math.Max(_highWater, connection + 1);
        Send(connection, LogonRejectMessage(reason, text));
        if (_sessions[connection].Pending == 0) FreeSession(connection);
    }

    private ReadOnlySpan<byte> LogonRejectMessage(LogonRejectReason reason, string text)
    {
        var reject = LogonRejectEncoder.WrapAndApplyHeader(_scratch, 0);
        reject.Reason = reason;
        reject.WriteText(Encoding.ASCII.GetBytes(text));
        return _scratch.AsSpan(0, HeaderLength + reject.EncodedLength);
    }

    private ReadOnlySpan<byte> LogoutMessage(ulong sessionId, LogoutReason reason)
    {
        var logout = LogoutEncoder.WrapAndApplyHeader(_scratch, 0);
        logout.SessionId = sessionId;
        logout.Reason = reason;
        return _scratch.AsSpan(0, HeaderLength + logout.EncodedLength);
    }

    /// <summary>Ends an active session. Cancel-on-disconnect goes through the sequencer and the journal first. With the
    /// connection <paramref name="alive"/> (logout, heartbeat timeout) the cancels and a Logout are sent and the path
    /// closes once they drain; a lost connection is dropped at once.</summary>
    private void EndSession(int connection, LogoutReason reason, bool alive)
    {
        ref Session s = ref _sessions[connection];
        long account = s.Account;
        if (!alive) _sessionByAccount.Remove(account);
        if (s.CancelOnDisconnect) CancelAll(account);
        Log($"session {s.Id} (account {account}, connection {connection}) " + (alive ? $"logged out: {reason}" : "lost its connection") +
            (s.CancelOnDisconnect ? "; its orders were cancelled" : ""));
        if (!alive)
        {
            FreeSession(connection);
            return;
        }
        _sessionByAccount.Remove(account);
        Send(connection, LogoutMessage(s.Id, reason));
        s.State = SessionState.Closing;
        if (s.Pending == 0) FreeSession(connection);
    }

    /// <summary>Forgets a session and closes its response path; queued messages for it are dropped as the queue drains.</summary>
    private void FreeSession(int connection)
    {
        ref Session s = ref _sessions[connection];
        if (s.State == SessionState.Active) _sessionByAccount.Remove(s.Account);
        s = default;
        _links.CloseResponses(connection);
    }

    /// <summary>Heartbeats after a heartbeat interval of outbound silence, logout after three of inbound silence,
    /// loss after <see cref="EngineServiceOptions.UnsendableTimeout"/> of failed sends, and closing of drained sessions.</summary>
    private int SessionDuties(long now)
    {
        int work = 0;
        for (int c = 0; c < _highWater; c++)
        {
            ref Session s = ref _sessions[c];
            if (s.State == SessionState.Free) continue;
            if (s.LastInbound == Unstamped) s.LastInbound = now;
            if (s.LastOutbound == Unstamped) s.LastOutbound = now;
            if (s.BlockedSince == Unstamped) s.BlockedSince = now;

            if (s.BlockedSince != NotBlocked && now - s.BlockedSince > _unsendableNanos)
            {
                Log($"connection {c} could not be sent to for {(now - s.BlockedSince) / 1_000_000} ms");
                OnConnectionLost(c);
                work++;
                continue;
            }
            if (s.State == SessionState.Closing)
            {
                if (s.Pending == 0) { FreeSession(c); work++; }
                continue;
            }
            if (now - s.LastInbound > HeartbeatTimeoutIntervals * s.HeartbeatNanos)
            {
                EndSession(c, LogoutReason.HeartbeatTimeout, alive: true);
                work++;
                continue;
            }
            if (s.Pending == 0 && now - s.LastOutbound >= s.HeartbeatNanos)
            {
                var heartbeat = HeartbeatEncoder.WrapAndApplyHeader(_scratch, 0);
                heartbeat.SessionId = s.Id;
                Send(c, _scratch.AsSpan(0, HeaderLength + heartbeat.EncodedLength));
                s.LastOutbound = now;
                work++;
            }
        }
        return work;
    }
}
