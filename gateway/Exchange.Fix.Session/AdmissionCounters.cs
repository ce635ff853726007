// What admission did with the connections it was offered, by outcome, since start-up: for operators (logged with the
// summaries of a flood, and by the gateway when it stops) and for tests.
namespace Exchange.Fix.Session;

public sealed class AdmissionCounters
{
    public long Accepted { get; internal set; }
    public long LoggedOn { get; internal set; }
    /// <summary>Closed at once: the source address already had its limit of connections waiting to log on.</summary>
    public long RefusedPerAddress { get; internal set; }
    /// <summary>Closed at once: every waiting connection was having its password checked.</summary>
    public long RefusedFull { get; internal set; }
    /// <summary>Closed to make room for a newer connection.</summary>
    public long Evicted { get; internal set; }
    public long TimedOut { get; internal set; }
    /// <summary>A first message that is not FIX, or longer than a Logon may be.</summary>
    public long Garbled { get; internal set; }
    public long ClosedByPeer { get; internal set; }
    /// <summary>A first message naming no session, or not a valid Logon for the one it names.</summary>
    public long RefusedLogon { get; internal set; }
    public long WrongCredentials { get; internal set; }
    /// <summary>Refused unchecked: too many failed logons from the address or for the session.</summary>
    public long Throttled { get; internal set; }
    /// <summary>The TLS handshake failed (a client not speaking TLS, no common protocol, no client certificate, ...).</summary>
    public long TlsFailed { get; internal set; }
    /// <summary>The TLS handshake was not done within the handshake timeout.</summary>
    public long TlsTimedOut { get; internal set; }
    /// <summary>A Logon with the right credentials over a connection whose client certificate the session does not allow.</summary>
    public long CertificateRefused { get; internal set; }

    public override string ToString() =>
        $"accepted={Accepted} loggedOn={LoggedOn} perAddressLimit={RefusedPerAddress} full={RefusedFull} evicted={Evicted} " +
        $"timedOut={TimedOut} garbled={Garbled} closedByPeer={ClosedByPeer} refusedLogon={RefusedLogon} " +
        $"wrongCredentials={WrongCredentials} throttled={Throttled} tlsFailed={TlsFailed} tlsTimedOut={TlsTimedOut} certificateRefused={CertificateRefused}";
}
