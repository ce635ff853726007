// Admission: what a new connection must do before it is a session's. Its first message must be a Logon a free session
// admits (FixSession.Admits), with the session's Username and a Password matching its PasswordHash; anything else is
// closed without a byte and logged with the reason. The password is hashed off the acceptor's thread (PBKDF2 is slow
// by design), one check at a time by default, so logging on never stalls the sessions already up. Failed logons are
// limited per source address and per session. Connections not logged on yet are bounded so that strangers cannot
// keep brokers out: a few per source address, a short logon timeout, a small buffer each, and a cap past which a new
// connection evicts the oldest.
using System.Net;
using Exchange.Fix;

namespace Exchange.Fix.Session;

public sealed partial class FixAcceptor
{
    // How many source addresses the failed-logon limit remembers at once.
    private const int FailedLogonTableCapacity = 4096;

    private readonly FixField[] _logonFields = new FixField[FixMessage.DefaultFieldCapacity];
    private readonly FailedLogonLimiter<IPAddress> _failedByAddress;
    private readonly FailedLogonLimiter<SessionId> _failedBySession;
    private readonly Dictionary<IPAddress, int> _pendingByAddress = [];
    private int _passwordChecksRunning;
    private long _now;

    // Admission lines are limited to this many a second: a flood is summed up, not written out line by line.
    private const int MaxAdmissionLinesPerSecond = 20;
    private long _logSecond;
    private int _logLines;
    private long _logSuppressed;

    private enum Refusal
    {
        TimedOut,
        Garbled,
        ClosedByPeer,
        RefusedLogon,
        WrongCredentials,
        Throttled,
        Evicted,
        TlsFailed,
        TlsTimedOut,
    }

    // The acceptor-wide keys of the settings (in [DEFAULT], the same for every session) over the options.
    private static FixAcceptorOptions WithAdmissionSettings(FixAcceptorOptions options, IReadOnlyList<SessionSettings> sessions)
    {
        foreach (string key in SessionSettings.AcceptorKeys)
        {
            var first = sessions[0];
            foreach (var other in sessions)
                if (other.Get(key) != first.Get(key))
                    throw new FixSessionException($"{other.Where(key)}: {key} is acceptor-wide: give it once, in [DEFAULT] (it differs from {first.Where(key)})");
        }
        var settings = sessions[0];
        return options with
        {
            LogonTimeout = settings.LogonTimeout ?? options.LogonTimeout,
            MaxPendingConnections = settings.MaxPendingConnections ?? options.MaxPendingConnections,
            MaxPendingConnectionsPerAddress = settings.MaxPendingConnectionsPerAddress ?? options.MaxPendingConnectionsPerAddress,
        };
    }

    private int PendingFrom(IPAddress address) => _pendingByAddress.GetValueOrDefault(address);

    private void AddPending(PendingConnection pending)
    {
        _pending.Add(pending);
        var address = pending.Connection.RemoteAddress;
        _pendingByAddress[address] = PendingFrom(address) + 1;
    }

    private void RemovePendingAt(int index)
    {
        var address = _pending[index].Connection.RemoteAddress;
        _pending.RemoveAt(index);
        int left = PendingFrom(address) - 1;
        if (left > 0) _pendingByAddress[address] = left;
        else _pendingByAddress.Remove(address);
    }

    // Makes room for a new connection: the oldest that has sent nothing valid goes, else the oldest whose Logon waits
    // for its password check to start. False when every waiting connection is having its password checked.
    private bool EvictOldest(long now)
    {
        int victim = _pending.FindIndex(p => p.Session == null);
        if (victim < 0) victim = _pending.FindIndex(p => p.PasswordCheck == null);
        if (victim < 0) return false;
        var pending = _pending[victim];
        RemovePendingAt(victim);
        Refuse(pending, pending.Session, Refusal.Evicted,
            $"evicted after {(now - pending.AcceptedAt) / 1_000_000} ms without logging on, to make room for a new connection ({_options.MaxPendingConnections} may wait at once)");
        return true;
    }

    // Admission's lines, at most MaxAdmissionLinesPerSecond a second; the rest are counted and summed up.
    private void LogAdmission(FixSession? session, string text)
    {
        SummarizeSuppressedLines();
        if (_logLines++ >= MaxAdmissionLinesPerSecond)
        {
            _logSuppressed++;
            return;
        }
        if (session == null) _screen.Event("acceptor", text);
        else session.Log.Event(text);
    }

    private void SummarizeSuppressedLines()
    {
        long second = _now / 1_000_000_000;
        if (second == _logSecond) return;
        if (_logSuppressed > 0)
            _screen.Event("acceptor", $"{_logSuppressed} more admission events not logged in the last second; since start-up: {Counters}");
        _logSecond = second;
        _logLines = 0;
        _logSuppressed = 0;
    }

    /// <summary>A connection accepted and not yet a session's.</summary>
    private sealed class PendingConnection(FixConnection connection, Listener listener, long acceptedAt)
    {
        public FixConnection Connection { get; } = connection;
        public Listener Listener { get; } = listener;
        public long AcceptedAt { get; } = acceptedAt;
        /// <summary>The TLS handshake is still running.</summary>
        public bool Handshaking;
        /// <summary>When the logon timeout started: at the accept, or over TLS once the handshake was done.</summary>
        public long LogonClockFrom = acceptedAt;
        /// <summary>Set once its Logon passed every check but the credentials.</summary>
        public FixSession? Session;
        public int LogonLength;
        public bool UsernameMatches;
        public byte[]? Password;
        public Task<bool>? PasswordCheck;
    }

    // Each pending connection, oldest first, moves on as far as it can: true once it has left the list.
    private int AdmitPending(long now)
    {
        _now = now;
        SummarizeSuppressedLines();
        int work = 0;
        for (int i = 0; i < _pending.Count;)
        {
            if (Advance(_pending[i], now))
            {
                RemovePendingAt(i);
                work++;
            }
            else
            {
                i++;
            }
        }
        return work;
    }

    private bool Advance(PendingConnection pending, long now)
    {
        if (pending.Handshaking) return Handshake(pending, now);
        if (pending.Session == null) return ReadLogon(pending, now);
        if (pending.PasswordCheck == null)
        {
            if (_passwordChecksRunning >= _options.MaxConcurrentPasswordChecks) return false;
            StartPasswordCheck(pending);
            return false;
        }
        if (!pending.PasswordCheck.IsCompleted) return false;
        _passwordChecksRunning--;
        bool passwordMatches = pending.PasswordCheck.IsCompletedSuccessfully && pending.PasswordCheck.Result;
        pending.PasswordCheck = null;
        if (!passwordMatches || !pending.UsernameMatches)
        {
            RefuseFailedLogon(pending, now);
            return true;
        }
        return LogOn(pending, now);
    }

    // Waits for the TLS handshake to end; true once the connection has been refused.
    private bool Handshake(PendingConnection pending, long now)
    {
        if (!pending.Connection.HandshakeDone(out string? failure))
        {
            if (now - pending.AcceptedAt < _tlsHandshakeTimeoutNanos) return false;
            Refuse(pending, null, Refusal.TlsTimedOut, $"TLS handshake not done within the handshake timeout ({_tls!.HandshakeTimeout.TotalSeconds:0.###} s)");
            return true;
        }
        if (failure != null)
        {
            Refuse(pending, null, Refusal.TlsFailed, failure);
            return true;
        }
        pending.Handshaking = false;
        pending.LogonClockFrom = now;
        // The Logon may have come with the handshake's last flight.
        return ReadLogon(pending, now);
    }

    // Waits for the first message; once it is whole, checks everything but the password, which is checked next.
    private bool ReadLogon(PendingConnection pending, long now)
    {
        var connection = pending.Connection;
        connection.Receive();
        var received = connection.Received;
        // Nothing longer than a Logon may be is buffered for a connection no session owns.
        if (!FixFraming.TryFrame(received, _options.MaxLogonLength, out int length, out var error))
        {
            if (error == FramingError.Incomplete && !connection.PeerClosed && !connection.Failed && now - pending.LogonClockFrom < _logonTimeoutNanos)
                return false;
            if (error == FramingError.MessageTooLong)
                Refuse(pending, null, Refusal.Garbled, $"first message longer than a Logon may be ({_options.MaxLogonLength} bytes)");
            else if (error != FramingError.Incomplete)
                Refuse(pending, null, Refusal.Garbled, $"garbled first message ({error})");
            else if (connection.PeerClosed || connection.Failed)
                Refuse(pending, null, Refusal.ClosedByPeer, "closed by the peer before a Logon");
            else
                Refuse(pending, null, Refusal.TimedOut, $"no Logon within the logon timeout ({_options.LogonTimeout.TotalSeconds:0.###} s)");
            return true;
        }
        pending.LogonLength = length;
        if (!FixMessage.TryParse(received[..length], _logonFields, out var logon, out _))
        {
            Refuse(pending, null, Refusal.Garbled, "first message does not parse");
            return true;
        }
        FixSession? session = null;
        foreach (var candidate in pending.Listener.Sessions)
            if (candidate.IsAddressedBy(logon)) session = candidate;
        if (session == null)
        {
            _failedByAddress.RecordFailure(connection.RemoteAddress, now);
            Refuse(pending, null, Refusal.RefusedLogon, "its first message names no session of this acceptor");
            return true;
        }
        if (session.Admits(logon, now) is { } refusal)
        {
            Refuse(pending, session, Refusal.RefusedLogon, refusal);
            return true;
        }
        if (_failedByAddress.IsBlocked(connection.RemoteAddress, now))
        {
            Refuse(pending, session, Refusal.Throttled, $"{_failedByAddress.MaxFailures} failed logons from this address within {_options.FailedLogonWindow.TotalSeconds:0} s; try later");
            return true;
        }
        // A stranger failing logons for a session must not lock out the broker it belongs to: past the session's limit,
        // only addresses it has logged on from before get their password checked.
        if (_failedBySession.IsBlocked(session.Id, now) && !session.HasLoggedOnFrom(connection.RemoteAddress))
        {
            Refuse(pending, session, Refusal.Throttled, $"{_failedBySession.MaxFailures} failed logons for this session within {_options.FailedLogonWindow.TotalSeconds:0} s, " +
                "and this address has not logged on to it before; try later");
            return true;
        }
        pending.Session = session;
        pending.UsernameMatches = session.UsernameMatches(logon);
        if (session.Settings.PasswordHash == null)
        {
            if (pending.UsernameMatches) return LogOn(pending, now);
            RefuseFailedLogon(pending, now);
            return true;
        }
        pending.Password = logon.TryGetValue(FixTag.Password, out var password) ? password.ToArray() : [];
        if (_passwordChecksRunning < _options.MaxConcurrentPasswordChecks) StartPasswordCheck(pending);
        return false;
    }

    private void StartPasswordCheck(PendingConnection pending)
    {
        var hash = pending.Session!.Settings.PasswordHash!;
        byte[] password = pending.Password!;
        pending.Password = null;
        _passwordChecksRunning++;
        pending.PasswordCheck = Task.Run(() =>
        {
            try
            {
                return hash.Verify(password);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(password);
                _wake.Set();
            }
        });
    }

    // The credentials are right: the session takes the connection, unless something changed while they were checked
    // (another connection logged on).
    private bool LogOn(PendingConnection pending, long now)
    {
        var session = pending.Session!;
        var logonBytes = pending.Connection.Received[..pending.LogonLength];
        string? refusal = FixMessage.TryParse(logonBytes, _logonFields, out var logon, out _) ? session.Admits(logon, now) : "first message does not parse";
        if (refusal != null)
        {
            Refuse(pending, session, Refusal.RefusedLogon, $"{refusal} (while its password was checked)");
            return true;
        }
        // Mutual TLS: the sender proved who it is by its credentials, so it is told why its certificate is refused.
        if (_tls?.RefusesClient(session.Settings, pending.Connection) is { } certificateRefusal)
        {
            Counters.CertificateRefused++;
            LogAdmission(session, $"Logon from {pending.Connection.Remote} refused: {certificateRefusal}");
            session.Logon(pending.Connection, pending.LogonLength, now, certificateRefusal);
            return true;
        }
        Counters.LoggedOn++;
        session.Logon(pending.Connection, pending.LogonLength, now);
        return true;
    }

    private void RefuseFailedLogon(PendingConnection pending, long now)
    {
        _failedByAddress.RecordFailure(pending.Connection.RemoteAddress, now);
        _failedBySession.RecordFailure(pending.Session!.Id, now);
        Refuse(pending, pending.Session, Refusal.WrongCredentials, "wrong Username or Password");
    }

    // Closes without a byte, counts it, and says why: in the session's logs when the first message named one, else the
    // acceptor's.
    private void Refuse(PendingConnection pending, FixSession? session, Refusal refusal, string reason)
    {
        switch (refusal)
        {
            case Refusal.TimedOut: Counters.TimedOut++; break;
            case Refusal.Garbled: Counters.Garbled++; break;
            case Refusal.ClosedByPeer: Counters.ClosedByPeer++; break;
            case Refusal.RefusedLogon: Counters.RefusedLogon++; break;
            case Refusal.WrongCredentials: Counters.WrongCredentials++; break;
            case Refusal.Throttled: Counters.Throttled++; break;
            case Refusal.Evicted: Counters.Evicted++; break;
            case Refusal.TlsFailed: Counters.TlsFailed++; break;
            case Refusal.TlsTimedOut: Counters.TlsTimedOut++; break;
        }
        var connection = pending.Connection;
        if (session == null)
        {
            LogAdmission(null, $"connection from {connection.Remote} closed: {reason}");
        }
        else
        {
            if (pending.LogonLength > 0) session.Log.Incoming(connection.Received[..pending.LogonLength]);
            LogAdmission(session, $"Logon from {connection.Remote} refused: {reason}");
        }
        ConnectionCloser.Abort(connection);
    }
}
