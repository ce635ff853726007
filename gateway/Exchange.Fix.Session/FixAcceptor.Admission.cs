// Admission: what a new connection must do before it is a session's. Its first message must be a Logon a free session
// admits (FixSession.Admits), with the session's Username and a Password matching its PasswordHash; anything else is
// closed without a byte and logged with the reason. The password is hashed off the acceptor's thread (PBKDF2 is slow
// by design), one check at a time by default, so logging on never stalls the sessions already up. Failed logons are
// limited per source address and per session.
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
    private int _passwordChecksRunning;

    /// <summary>A connection accepted and not yet a session's.</summary>
    private sealed class PendingConnection(FixConnection connection, Listener listener, long acceptedAt)
    {
        public FixConnection Connection { get; } = connection;
        public Listener Listener { get; } = listener;
        public long AcceptedAt { get; } = acceptedAt;
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
        int work = 0;
        for (int i = 0; i < _pending.Count;)
        {
            if (Advance(_pending[i], now))
            {
                _pending.RemoveAt(i);
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

    // Waits for the first message; once it is whole, checks everything but the password, which is checked next.
    private bool ReadLogon(PendingConnection pending, long now)
    {
        var connection = pending.Connection;
        connection.Receive();
        var received = connection.Received;
        if (!FixFraming.TryFrame(received, _options.MaxMessageLength, out int length, out var error))
        {
            if (error == FramingError.Incomplete && !connection.PeerClosed && !connection.Failed && now - pending.AcceptedAt < _logonTimeoutNanos)
                return false;
            Refuse(pending, null, error != FramingError.Incomplete ? $"garbled first message ({error})"
                : connection.PeerClosed || connection.Failed ? "closed by the peer before a Logon"
                : "no Logon within the logon timeout");
            return true;
        }
        pending.LogonLength = length;
        if (!FixMessage.TryParse(received[..length], _logonFields, out var logon, out _))
        {
            Refuse(pending, null, "first message does not parse");
            return true;
        }
        FixSession? session = null;
        foreach (var candidate in pending.Listener.Sessions)
            if (candidate.IsAddressedBy(logon)) session = candidate;
        if (session == null)
        {
            _failedByAddress.RecordFailure(connection.RemoteAddress, now);
            Refuse(pending, null, "its first message names no session of this acceptor");
            return true;
        }
        if (session.Admits(logon, now) is { } refusal)
        {
            Refuse(pending, session, refusal);
            return true;
        }
        if (_failedByAddress.IsBlocked(connection.RemoteAddress, now))
        {
            Refuse(pending, session, $"{_failedByAddress.MaxFailures} failed logons from this address within {_options.FailedLogonWindow.TotalSeconds:0} s; try later");
            return true;
        }
        // A stranger failing logons for a session must not lock out the broker it belongs to: past the session's limit,
        // only addresses it has logged on from before get their password checked.
        if (_failedBySession.IsBlocked(session.Id, now) && !session.HasLoggedOnFrom(connection.RemoteAddress))
        {
            Refuse(pending, session, $"{_failedBySession.MaxFailures} failed logons for this session within {_options.FailedLogonWindow.TotalSeconds:0} s, " +
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
            }
        });
    }

    // The credentials are right: the session takes the connection, unless something changed while they were checked
    // (another connection logged on).
    private bool LogOn(PendingConnection pending, long now)
    {
        var session = pending.Session!;
        var logonBytes = pending.Connection.Received[..pending.LogonLength];
        if (!FixMessage.TryParse(logonBytes, _logonFields, out var logon, out _) || session.Admits(logon, now) is not null)
        {
            Refuse(pending, session, "the session was taken while the password was checked");
            return true;
        }
        session.Logon(pending.Connection, pending.LogonLength, now);
        return true;
    }

    private void RefuseFailedLogon(PendingConnection pending, long now)
    {
        _failedByAddress.RecordFailure(pending.Connection.RemoteAddress, now);
        _failedBySession.RecordFailure(pending.Session!.Id, now);
        Refuse(pending, pending.Session, "wrong Username or Password");
    }

    // Closes without a byte, and says why: in the session's logs when the first message named one, else the acceptor's.
    private void Refuse(PendingConnection pending, FixSession? session, string reason)
    {
        var connection = pending.Connection;
        if (session == null)
        {
            _screen.Event("acceptor", $"connection from {connection.Remote} closed: {reason}");
        }
        else
        {
            if (pending.LogonLength > 0) session.Log.Incoming(connection.Received[..pending.LogonLength]);
            session.Log.Event($"Logon from {connection.Remote} refused: {reason}");
        }
        ConnectionCloser.Abort(connection);
    }
}
