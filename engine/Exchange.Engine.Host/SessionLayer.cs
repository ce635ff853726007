// The binary session protocol: the challenge-response logon (LogonRequest naming a key by its id, LogonChallenge with a
// fresh server nonce, LogonProof; a trading account's key or an operator's), the per-message trailer of an
// authenticated session, heartbeats both ways, Logout, heartbeat timeouts, unsendable connections, and
// cancel-on-disconnect (asked of the service, which sequences and journals it like any input). The clear-key Logon is
// refused with UpgradeRequired unless the options accept it. Logon and logout may allocate; heartbeats, opening a
// sealed message and the duty cycle do not.
using System.Text;
using Exchange.Contract;
using Exchange.Sbe;

namespace Exchange.Engine.Host;

internal sealed class SessionLayer
{
    private const int HeaderLength = MessageHeaderDecoder.EncodedLength;
    /// <summary>Heartbeat intervals without a word from the client before its session is logged out.</summary>
    private const int HeartbeatTimeoutIntervals = 3;
    /// <summary>Between passes of <see cref="Duties"/>: a stall of this thread is not its clients' silence.</summary>
    private PassGap _passes;

    private readonly SessionTable _sessions;
    private readonly Outbound _outbound;
    private readonly IEngineLinks _links;
    private readonly EngineServiceOptions _options;
    private readonly Dictionary<string, long> _apiKeys;
    private readonly Dictionary<string, string> _operatorKeys;
    private readonly Action<long> _cancelAll;
    private readonly Action<int> _sendReferenceData;
    private readonly Exchange.Hosting.Log? _log;
    private readonly Action<string> _logRefusal;
    private readonly Action<int, int> _rejectMalformed;
    private readonly Func<long, AccountPermission> _permissionOf;
    private readonly long _unsendableNanos;
    private readonly byte[] _scratch = new byte[512];
    /// <summary>Key id (SessionAuth.KeyId) → the key: its secret and whose it is.</summary>
    private readonly Dictionary<string, KeyEntry> _keysById = new(StringComparer.Ordinal);
    /// <summary>Handshakes waiting for their LogonProof, by connection (at most one each).</summary>
    private readonly Handshake?[] _handshakes;
    private int _pendingHandshakes;
    private readonly long _handshakeNanos;

    private sealed record KeyEntry(byte[] Secret, long Account, string? Operator);

    private sealed class Handshake
    {
        public required KeyEntry Key;
        public required byte[] Request;
        public required byte[] ClientNonce;
        public required byte[] ServerNonce;
        public required string Channel;
        public required long Account;
        public required uint HeartbeatIntervalMs;
        public required bool CancelOnDisconnect;
        /// <summary>DoWork-clock time after which the proof is refused; Unstamped until the first DoWork.</summary>
        public long Expires;
    }

    /// <summary>Inbound messages of authenticated sessions refused: MAC wrong, too short, or a sequence not above the last.</summary>
    public long RefusedSealed { get; private set; }
    /// <summary>LogonRequests not answered because <see cref="EngineServiceOptions.MaxPendingHandshakes"/> were pending.</summary>
    public long HandshakesWithheld { get; private set; }

    public SessionLayer(SessionTable sessions, Outbound outbound, IEngineLinks links, EngineServiceOptions options, ShardConfig config,
        Action<long> cancelAll, Action<int> sendReferenceData, Exchange.Hosting.Log? log, Action<string> logRefusal, Action<int, int> rejectMalformed,
        Func<long, AccountPermission> permissionOf)
    {
        _permissionOf = permissionOf;
        _sessions = sessions;
        _outbound = outbound;
        _links = links;
        _options = options;
        _apiKeys = config.ApiKeys();
        _operatorKeys = config.OperatorKeys();
        _cancelAll = cancelAll;
        _sendReferenceData = sendReferenceData;
        _log = log;
        _logRefusal = logRefusal;
        _rejectMalformed = rejectMalformed;
        _unsendableNanos = options.UnsendableTimeout.Ticks * 100;
        _handshakeNanos = options.HandshakeTimeout.Ticks * 100;
        _handshakes = new Handshake?[sessions.Capacity];
        foreach (var (key, account) in _apiKeys) _keysById.Add(SessionAuth.KeyId(key), new KeyEntry(SessionAuth.SecretBytes(key), account, null));
        foreach (var (key, name) in _operatorKeys) _keysById.Add(SessionAuth.KeyId(key), new KeyEntry(SessionAuth.SecretBytes(key), 0, name));
    }

    /// <summary>Opens a message of an authenticated session: its MAC checked under the session key and its sequence
    /// above the last taken. On success <paramref name="message"/> is the SBE message without its trailer; otherwise
    /// the message is dropped (counted, and logged within the refusal throttle), and the session goes on.</summary>
    public bool Open(int connection, ref ReadOnlySpan<byte> message)
    {
        ref Session s = ref _sessions[connection];
        if (!s.Mac!.Open(message, out ulong sequence, out int length))
        {
            Refuse(connection, s.Id, "its MAC is wrong (tampered, forged, or sealed under another session's key)");
            return false;
        }
        if (sequence <= s.InboundSequence)
        {
            Refuse(connection, s.Id, "its sequence is not above the last taken (a replay)");
            return false;
        }
        s.InboundSequence = sequence;
        message = message[..length];
        return true;
    }

    private void Refuse(int connection, ulong sessionId, string why)
    {
        RefusedSealed++;
        _logRefusal($"message on connection {connection} (session {sessionId}) refused: {why}; {RefusedSealed} refused in all");
    }

    /// <summary>The challenge-response logon's first step: the key is looked up by its id, and a LogonChallenge with a
    /// fresh server nonce goes back on a small, budgeted path. A request repeated with the same client nonce while its
    /// handshake is pending gets the same challenge (a client may offer its request twice).</summary>
    public void OnLogonRequest(int connection, ReadOnlySpan<byte> message)
    {
        if (LogonRequestDecoder.TryWrapWithHeader(message, 0, out var request) != SbeError.None) { _rejectMalformed(connection, LogonRequestDecoder.TemplateId); return; }
        string keyId, channel;
        byte[] clientNonce;
        try
        {
            keyId = Encoding.ASCII.GetString(request.ReadKeyId());
            clientNonce = request.ReadClientNonce().ToArray();
            channel = Encoding.ASCII.GetString(request.ReadResponseChannel());
        }
        catch (SbeException)
        {
            _rejectMalformed(connection, LogonRequestDecoder.TemplateId);
            return;
        }
        if (RefusedConnection(connection, channel)) return;
        if (clientNonce.Length != SessionAuth.NonceLength)
        {
            RejectLogon(connection, channel, LogonRejectReason.BadProof, $"the client nonce must be {SessionAuth.NonceLength} bytes");
            return;
        }
        if (!_keysById.TryGetValue(keyId, out var key) || (key.Operator != null ? request.Account != 0 : request.Account != 0 && request.Account != key.Account))
        {
            Forget(connection);
            RejectLogon(connection, channel, LogonRejectReason.UnknownApiKey, "unknown key id");
            return;
        }
        var pending = _handshakes[connection];
        if (pending == null || !pending.ClientNonce.AsSpan().SequenceEqual(clientNonce) || pending.Channel != channel)
        {
            Forget(connection);
            if (_pendingHandshakes >= _options.MaxPendingHandshakes)
            {
                HandshakesWithheld++;
                _logRefusal($"logon request on connection {connection} not answered: {_pendingHandshakes} handshakes pending");
                return;
            }
            pending = new Handshake
            {
                Key = key, Request = message.ToArray(), ClientNonce = clientNonce, ServerNonce = SessionAuth.NewNonce(), Channel = channel,
                Account = key.Account, HeartbeatIntervalMs = request.HeartbeatIntervalMs, CancelOnDisconnect = request.CancelOnDisconnect == 1,
                Expires = Expiry(_sessions.Stamp()),
            };
        }
        if (_sessions[connection].State == SessionState.Closing) Free(connection);
        if (!_links.OpenResponses(connection, channel, ResponsePath.Challenge, out string? error))
        {
            Forget(connection);
            _logRefusal($"logon request on connection {connection} not answered: {error}");
            return;
        }
        if (_handshakes[connection] == null) _pendingHandshakes++;
        _handshakes[connection] = pending;
        var challenge = LogonChallengeEncoder.WrapAndApplyHeader(_scratch, 0);
        challenge.WriteClientNonce(pending.ClientNonce);
        challenge.WriteServerNonce(pending.ServerNonce);
        // Carried like a reject: a pseudo-session lets the transport take it when it can, then the path closes.
        _sessions.Closing(connection);
        _outbound.Send(connection, _scratch.AsSpan(0, HeaderLength + challenge.EncodedLength));
        if (_sessions[connection].Pending == 0) Free(connection);
    }

    private long Expiry(long now) => now == SessionTable.Unstamped ? SessionTable.Unstamped : now + _handshakeNanos;

    /// <summary>Drops the connection's pending handshake, if any.</summary>
    private void Forget(int connection)
    {
        if ((uint)connection >= (uint)_handshakes.Length || _handshakes[connection] == null) return;
        _handshakes[connection] = null;
        _pendingHandshakes--;
    }

    /// <summary>The challenge-response logon's last step: the proof is checked against the pending handshake (once: a
    /// wrong proof ends it), and the session starts with the key both sides derive.</summary>
    public void OnLogonProof(int connection, ReadOnlySpan<byte> message)
    {
        if (LogonProofDecoder.TryWrapWithHeader(message, 0, out var decoder) != SbeError.None) { _rejectMalformed(connection, LogonProofDecoder.TemplateId); return; }
        ReadOnlySpan<byte> proof;
        try { proof = decoder.ReadProof(); }
        catch (SbeException) { _rejectMalformed(connection, LogonProofDecoder.TemplateId); return; }
        if (!_sessions.Exists(connection)) return;
        if (_sessions[connection].State == SessionState.Active)
        {
            _outbound.Send(connection, LogonRejectMessage(LogonRejectReason.AlreadyLoggedOn, "this connection is already logged on"));
            return;
        }
        var h = _handshakes[connection];
        if (h == null)
        {
            _logRefusal($"logon proof on connection {connection} refused: no handshake pending (expired, replaced, or never started)");
            return; // no channel to answer on: the request that named one is gone
        }
        Forget(connection);
        long now = _sessions.Stamp();
        if (h.Expires != SessionTable.Unstamped && now != SessionTable.Unstamped && now > h.Expires)
        {
            RejectLogon(connection, h.Channel, LogonRejectReason.NoHandshake, "the challenge expired: send a new LogonRequest");
            return;
        }
        if (!SessionAuth.VerifyProof(h.Key.Secret, h.ServerNonce, h.Request, proof))
        {
            RejectLogon(connection, h.Channel, LogonRejectReason.BadProof, "the proof does not match the key's secret");
            return;
        }
        if (_sessions[connection].State == SessionState.Closing) Free(connection);
        Admit(connection, h.Channel, h.Account, h.Key.Operator, h.HeartbeatIntervalMs, h.CancelOnDisconnect,
            new SessionMac(SessionAuth.SessionKey(h.Key.Secret, h.ClientNonce, h.ServerNonce)));
    }

    /// <summary>Handshakes whose challenge expired are dropped (their connections may ask again).</summary>
    private int ExpireHandshakes(long now, long stall)
    {
        int work = 0;
        for (int c = 0; c < _handshakes.Length && _pendingHandshakes > 0; c++)
        {
            var h = _handshakes[c];
            if (h == null) continue;
            if (h.Expires == SessionTable.Unstamped) h.Expires = now + _handshakeNanos;
            else if (stall != 0) h.Expires += stall;
            else if (now > h.Expires) { Forget(c); work++; }
        }
        return work;
    }

    /// <summary>Anything a logged-on client sends keeps its session alive.</summary>
    public void Touch(int connection)
    {
        if (_sessions.IsActive(connection)) _sessions[connection].LastInbound = _sessions.Stamp();
    }

    /// <summary>A logon on a connection the engine does not serve, or on one already logged on (whose session goes on; the
    /// reject goes down its response path), is refused here; true when it was.</summary>
    private bool RefusedConnection(int connection, string channel)
    {
        if (!_sessions.Exists(connection))
        {
            RejectLogon(connection, channel, LogonRejectReason.AccountDisabled, $"the engine serves connections 0..{_sessions.Capacity - 1} only");
            return true;
        }
        if (_sessions[connection].State != SessionState.Active) return false;
        _outbound.Send(connection, LogonRejectMessage(LogonRejectReason.AlreadyLoggedOn, "this connection is already logged on"));
        return true;
    }

    /// <summary>The clear-key Logon (message 1): refused with UpgradeRequired unless the options accept it.</summary>
    public void OnLogon(int connection, ReadOnlySpan<byte> message)
    {
        if (LogonDecoder.TryWrapWithHeader(message, 0, out var logon) != SbeError.None) { _rejectMalformed(connection, LogonDecoder.TemplateId); return; }
        string apiKey, channel;
        try
        {
            apiKey = Encoding.ASCII.GetString(logon.ReadApiKey());
            channel = Encoding.ASCII.GetString(logon.ReadResponseChannel());
        }
        catch (SbeException)
        {
            _rejectMalformed(connection, LogonDecoder.TemplateId);
            return;
        }

        if (RefusedConnection(connection, channel)) return;
        if (!_options.AcceptClearKeyLogon)
        {
            RejectLogon(connection, channel, LogonRejectReason.UpgradeRequired,
                "the clear-key Logon is no longer accepted: upgrade the client to the challenge-response logon (LogonRequest, schema version 4)");
            return;
        }
        // A connection that logged out and logs on again: whatever did not drain from its last session is dropped.
        if (_sessions[connection].State == SessionState.Closing) Free(connection);

        long account = 0;
        string? operatorName = null;
        if (_operatorKeys.TryGetValue(apiKey, out string? name) && logon.Account == 0) operatorName = name;
        else if (!_apiKeys.TryGetValue(apiKey, out account) || (logon.Account != 0 && logon.Account != account))
        {
            RejectLogon(connection, channel, LogonRejectReason.UnknownApiKey, "unknown api key");
            return;
        }
        Admit(connection, channel, account, operatorName, logon.HeartbeatIntervalMs, logon.CancelOnDisconnect == 1, mac: null);
    }

    /// <summary>Starts an authenticated session (one per account, one per operator, within the session limit) on the
    /// response path its client named, and acknowledges it after the reference data.</summary>
    private void Admit(int connection, string channel, long account, string? operatorName, uint requested, bool cancelOnDisconnect, SessionMac? mac)
    {
        if (operatorName != null ? _sessions.HasOperator(operatorName) : _sessions.TryGetByAccount(account, out _))
        {
            mac?.Dispose();
            RejectLogon(connection, channel, LogonRejectReason.AlreadyLoggedOn,
                operatorName != null ? $"operator {operatorName} already has a session" : $"account {account} already has a session");
            return;
        }
        if (_sessions.TradingCount + _sessions.OperatorCount >= _options.EffectiveMaxSessions)
        {
            mac?.Dispose();
            RejectLogon(connection, channel, LogonRejectReason.AccountDisabled, $"the engine is at its limit of {_options.EffectiveMaxSessions} sessions");
            return;
        }
        if (!_links.OpenResponses(connection, channel, ResponsePath.Session, out string? error))
        {
            mac?.Dispose();
            _logRefusal($"logon of {Who(account, operatorName)} on connection {connection} refused: response channel unusable: {error}");
            return;
        }

        uint interval = requested == 0 || requested == LogonDecoder.HeartbeatIntervalMsNullValue
            ? _options.DefaultHeartbeatIntervalMs
            : Math.Clamp(requested, _options.MinHeartbeatIntervalMs, _options.MaxHeartbeatIntervalMs);
        // An operator has no orders to cancel.
        ref Session started = ref _sessions.Activate(connection, account, operatorName, interval, operatorName == null && cancelOnDisconnect);
        started.Mac = mac;
        started.InboundSequence = 0;

        _sendReferenceData(connection);
        var ack = LogonAckEncoder.WrapAndApplyHeader(_scratch, 0);
        ack.SessionId = started.Id;
        ack.Account = account;
        ack.HeartbeatIntervalMs = interval;
        var permission = operatorName != null ? AccountPermission.Admin : _permissionOf(account);
        ack.Permission = permission;
        _outbound.Send(connection, _scratch.AsSpan(0, HeaderLength + ack.EncodedLength));
        _log?.Info($"session {started.Id} logged on: {Who(account, operatorName)}, connection {connection}, heartbeat {interval} ms, permission {permission}" +
            (mac != null ? ", challenge-response, messages sealed" : ", clear-key logon") +
            (started.CancelOnDisconnect ? ", cancel on disconnect" : ""), ("session", started.Id), ("account", account), ("connection", connection));
    }

    /// <summary>A standby takes no sessions: the Logon is refused with NotPrimary, naming where the primary listens.</summary>
    public void RejectStandbyLogon(int connection, ReadOnlySpan<byte> message, string primary)
    {
        string channel;
        if (CommandCodec.TemplateOf(message) == LogonRequestDecoder.TemplateId)
        {
            if (LogonRequestDecoder.TryWrapWithHeader(message, 0, out var request) != SbeError.None) { _rejectMalformed(connection, LogonRequestDecoder.TemplateId); return; }
            try
            {
                request.ReadKeyId(); // var data is read in order
                request.ReadClientNonce();
                channel = Encoding.ASCII.GetString(request.ReadResponseChannel());
            }
            catch (SbeException) { _rejectMalformed(connection, LogonRequestDecoder.TemplateId); return; }
            RejectLogon(connection, channel, LogonRejectReason.NotPrimary, $"this engine is a standby; the primary is at {primary}");
            return;
        }
        if (LogonDecoder.TryWrapWithHeader(message, 0, out var logon) != SbeError.None) { _rejectMalformed(connection, LogonDecoder.TemplateId); return; }
        try
        {
            logon.ReadApiKey(); // var data is read in order; the key itself is not looked at
            channel = Encoding.ASCII.GetString(logon.ReadResponseChannel());
        }
        catch (SbeException) { _rejectMalformed(connection, LogonDecoder.TemplateId); return; }
        RejectLogon(connection, channel, LogonRejectReason.NotPrimary, $"this engine is a standby; the primary is at {primary}");
    }

    private static string Who(long account, string? operatorName) => operatorName != null ? $"operator {operatorName}" : $"account {account}";

    /// <summary>A refused logon: the response path is opened (if the links allow it: strangers have a budget) just long
    /// enough to carry the LogonReject. The connection holds a closing pseudo-session (id 0) meanwhile, so a reject the
    /// transport cannot take at once is retried like any response, and the path closes once it has gone.</summary>
    private void RejectLogon(int connection, string channel, LogonRejectReason reason, string text)
    {
        if (!_links.OpenResponses(connection, channel, reason == LogonRejectReason.NotPrimary ? ResponsePath.Redirect : ResponsePath.Reject, out string? unsent))
        {
            _logRefusal($"logon on connection {connection} rejected: {reason}: {text}; not answered: {unsent}");
            return;
        }
        _logRefusal($"logon on connection {connection} rejected: {reason}: {text}");
        if (!_sessions.Exists(connection))
        {
            _links.SendToConnection(connection, LogonRejectMessage(reason, text));
            _links.CloseResponses(connection);
            return;
        }
        _sessions.Closing(connection);
        _outbound.Send(connection, LogonRejectMessage(reason, text));
        if (_sessions[connection].Pending == 0) Free(connection);
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

    public void OnLogout(int connection)
    {
        if (_sessions.IsActive(connection)) End(connection, LogoutReason.ClientRequest, alive: true);
    }

    /// <summary>The client's stream went away (transport liveness timeout or end of stream).</summary>
    public void OnConnectionLost(int connection)
    {
        Forget(connection);
        if (!_sessions.Exists(connection)) return;
        switch (_sessions[connection].State)
        {
            case SessionState.Active: End(connection, LogoutReason.ClientRequest, alive: false); break;
            case SessionState.Closing: Free(connection); break;
        }
    }

    /// <summary>Ends an active session. Cancel-on-disconnect goes through the sequencer and the journal first. With the
    /// connection <paramref name="alive"/> (logout, heartbeat timeout, shutdown) the cancels and a Logout are sent and
    /// the path closes once they drain; a lost connection is dropped at once.</summary>
    public void End(int connection, LogoutReason reason, bool alive)
    {
        ref Session s = ref _sessions[connection];
        long account = s.Account;
        string who = Who(account, s.Operator);
        if (!alive) _sessions.Unindex(connection);
        if (s.CancelOnDisconnect) _cancelAll(account);
        _log?.Info($"session {s.Id} ({who}, connection {connection}) " + (alive ? $"logged out: {reason}" : "lost its connection") +
            (s.CancelOnDisconnect ? "; its orders were cancelled" : ""), ("session", s.Id), ("account", account), ("connection", connection));
        if (!alive)
        {
            Free(connection);
            return;
        }
        _sessions.Unindex(connection);
        _outbound.Send(connection, LogoutMessage(s.Id, reason));
        s.State = SessionState.Closing;
        if (s.Pending == 0) Free(connection);
    }

    /// <summary>Forgets a session and closes its response path; queued messages for it are dropped as the queue drains.</summary>
    public void Free(int connection)
    {
        _sessions.Free(connection);
        _links.CloseResponses(connection);
    }

    /// <summary>Closes the paths of sessions that finished draining.</summary>
    public void FreeDrained()
    {
        for (int c = 0; c < _sessions.HighWater; c++)
            if (_sessions[c].State == SessionState.Closing && _sessions[c].Pending == 0) Free(c);
    }

    /// <summary>Heartbeats after a heartbeat interval of outbound silence, logout after three of inbound silence,
    /// loss after <see cref="EngineServiceOptions.UnsendableTimeout"/> of failed sends, and closing of drained sessions.</summary>
    public int Duties(long now)
    {
        // Silence is counted only over time this thread ran: a gap between passes longer than a stall's (the thread or
        // the whole machine was stopped: a long fsync, a snapshot, a frozen VM) is credited to every session, whose
        // messages may not even have been sent yet when it resumes. A peer that really died is found a gap later.
        long gap = _passes.Next(now);
        long stall = gap > PassGap.StallNanos ? gap : 0;
        int work = _pendingHandshakes > 0 ? ExpireHandshakes(now, stall) : 0;
        for (int c = 0; c < _sessions.HighWater; c++)
        {
            ref Session s = ref _sessions[c];
            if (s.State == SessionState.Free) continue;
            if (s.LastInbound == SessionTable.Unstamped) s.LastInbound = now;
            else if (stall != 0) s.LastInbound += stall;
            if (s.LastOutbound == SessionTable.Unstamped) s.LastOutbound = now;
            if (s.BlockedSince == SessionTable.Unstamped) s.BlockedSince = now;
            else if (stall != 0 && s.BlockedSince != SessionTable.NotBlocked) s.BlockedSince += stall; // nothing was sent meanwhile

            if (s.BlockedSince != SessionTable.NotBlocked && now - s.BlockedSince > _unsendableNanos)
            {
                _log?.Warn($"connection {c} could not be sent to for {(now - s.BlockedSince) / 1_000_000} ms", ("session", s.Id), ("account", s.Account), ("connection", c));
                OnConnectionLost(c);
                work++;
                continue;
            }
            if (s.State == SessionState.Closing)
            {
                if (s.Pending == 0) { Free(c); work++; }
                continue;
            }
            // Silent for three intervals, unless its messages are waiting unread: then this thread was held up (an fsync
            // or the machine stalled it past the timeout), the client was not, and the backlog is read next cycle.
            if (now - s.LastInbound > HeartbeatTimeoutIntervals * s.HeartbeatNanos && !_links.HasUnread(c))
            {
                End(c, LogoutReason.HeartbeatTimeout, alive: true);
                work++;
                continue;
            }
            if (s.Pending == 0 && now - s.LastOutbound >= s.HeartbeatNanos)
            {
                var heartbeat = HeartbeatEncoder.WrapAndApplyHeader(_scratch, 0);
                heartbeat.SessionId = s.Id;
                _outbound.Send(c, _scratch.AsSpan(0, HeaderLength + heartbeat.EncodedLength));
                s.LastOutbound = now;
                work++;
            }
        }
        return work;
    }

    /// <summary>At shutdown: every active session gets a Logout(ShuttingDown), and its cancel-on-disconnect unless
    /// <paramref name="handingOver"/> (a cluster's leader handing over: its sessions follow to the new leader, and their
    /// orders must still be there).</summary>
    public void EndAll(bool handingOver = false)
    {
        for (int c = 0; c < _sessions.HighWater; c++)
        {
            ref Session s = ref _sessions[c];
            if (s.State != SessionState.Active) continue;
            if (s.CancelOnDisconnect && !handingOver) _cancelAll(s.Account);
            _outbound.Send(c, LogoutMessage(s.Id, LogoutReason.ShuttingDown));
            _sessions.Unindex(c);
            s.State = SessionState.Closing;
            _log?.Info($"session {s.Id} ({Who(s.Account, s.Operator)}, connection {c}) logged out: ShuttingDown", ("session", s.Id), ("account", s.Account), ("connection", c));
        }
    }

    /// <summary>Closes every path still open.</summary>
    public void FreeAll()
    {
        for (int c = 0; c < _sessions.HighWater; c++)
            if (_sessions[c].State != SessionState.Free) Free(c);
    }
}
