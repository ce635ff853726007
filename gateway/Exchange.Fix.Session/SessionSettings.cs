// One session's settings: every key of its [SESSION] merged over [DEFAULT], the ones the session layer knows typed
// and checked once at start-up, the rest kept for the application (Get).
using Exchange.Fix;

namespace Exchange.Fix.Session;

public sealed class SessionSettings
{
    public const int DefaultHeartBtIntMin = 1;
    public const int DefaultHeartBtIntMax = 300;
    public const int MaxMessagesPerSecondLimit = 1_000_000;
    public const string DefaultSocketAcceptAddress = "127.0.0.1";

    /// <summary>The keys the session layer reads.</summary>
    public static readonly IReadOnlySet<string> SessionKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "ConnectionType", "BeginString", "SenderCompID", "TargetCompID", "SocketAcceptPort", "SocketAcceptAddress",
        "SocketAcceptHost", "FileStorePath", "FileStoreSync", "PersistMessages", "HeartBtIntMin", "HeartBtIntMax",
        "ResetOnLogon", "ResetOnLogout", "ResetOnDisconnect", "TimeStampPrecision", "TimestampPrecision", "MaxLatency",
        "CheckLatency", "Username", "PasswordHash", "AllowNoPassword", "ValidateUserDefinedFields", "MaxMessagesPerSecond", "RateLimitAction",
        "LogoutTimeout", "FileLogPath", "ScreenLogShowIncoming", "ScreenLogShowOutgoing", "ScreenLogShowEvents",
        "LogonTimeout", "MaxPendingConnections", "MaxPendingConnectionsPerAddress",
        "Transport", "TlsCertificateFile", "TlsPrivateKeyFile", "TlsHandshakeTimeout", "TlsRequireClientCertificate",
        "TlsClientCAFile", "TlsClientCertificateThumbprints", "TlsClientCertificateSubjects",
    };

    /// <summary>Keys that set the acceptor's admission limits: they concern connections no session owns yet, so they
    /// belong in [DEFAULT] and must not differ between sessions.</summary>
    public static readonly IReadOnlyList<string> AcceptorKeys =
    [
        "LogonTimeout", "MaxPendingConnections", "MaxPendingConnectionsPerAddress",
        // TLS is negotiated before the Logon names a session: one certificate and one client-certificate rule for all.
        "Transport", "TlsCertificateFile", "TlsPrivateKeyFile", "TlsHandshakeTimeout", "TlsRequireClientCertificate", "TlsClientCAFile",
    ];

    /// <summary>QuickFIX keys that change nothing here, with why: accepted so that a file written for QuickFIX loads, and
    /// named in <see cref="Warnings"/>. Any other key the session layer or the application does not read is an error,
    /// since ignoring it could silently change what an operator asked for (StartTime, DataDictionary, …).</summary>
    public static readonly IReadOnlyDictionary<string, string> IgnoredQuickFixKeys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["HeartBtInt"] = "an acceptor takes the HeartBtInt (108) of the client's Logon",
        ["SocketConnectHost"] = "initiators only",
        ["SocketConnectPort"] = "initiators only",
        ["ReconnectInterval"] = "initiators only",
        ["SocketNodelay"] = "TCP_NODELAY is always on",
        ["SocketReuseAddress"] = "SO_REUSEADDR is always on",
        ["ScreenLogShowHeartBeats"] = "heartbeats are logged like every message",
        ["FileLogHeartbeats"] = "heartbeats are logged like every message",
        ["SendRedundantResendRequests"] = "one ResendRequest is sent per gap",
        ["MillisecondsInTimeStamp"] = "TimeStampPrecision decides",
    };

    private readonly Dictionary<string, string> _values;
    private readonly Func<string, string> _where;

    private SessionSettings(Dictionary<string, string> values, Func<string, string> where, IReadOnlyCollection<string> applicationKeys)
    {
        _values = values;
        _where = where;
        Source = where("");
        var warnings = new List<string>();
        foreach (string key in values.Keys)
        {
            if (SessionKeys.Contains(key) || applicationKeys.Contains(key, StringComparer.OrdinalIgnoreCase)) continue;
            if (key.Equals("Password", StringComparison.OrdinalIgnoreCase))
                throw Bad(key, "Password: a password in clear is not accepted; give its PasswordHash instead (exchange-gateway hash-password makes one)");
            if (IgnoredQuickFixKeys.TryGetValue(key, out string? why)) warnings.Add($"{where(key)}: {key} is ignored ({why})");
            else throw Bad(key, $"{key} is not a setting this acceptor implements; remove it (the settings it takes are listed in its README)");
        }
        Warnings = warnings;
        string connectionType = Required("ConnectionType");
        if (!connectionType.Equals("acceptor", StringComparison.OrdinalIgnoreCase))
            throw Bad("ConnectionType", $"ConnectionType={connectionType}: only acceptor sessions are supported");
        string beginString = Required("BeginString");
        if (beginString != "FIX.4.4") throw Bad("BeginString", $"BeginString={beginString}: only FIX.4.4 is supported");
        Id = new SessionId(beginString, CompId("SenderCompID"), CompId("TargetCompID"));

        SocketAcceptPort = Int("SocketAcceptPort", null, 0, 65535);
        // QuickFIX/J's key; QuickFIX/n spells it SocketAcceptHost. Without either, loopback only: listening wider is a
        // decision an operator writes down, never a default.
        string? acceptAddress = Get("SocketAcceptAddress"), acceptHost = Get("SocketAcceptHost");
        if (!string.IsNullOrEmpty(acceptAddress) && !string.IsNullOrEmpty(acceptHost) && acceptAddress != acceptHost)
            throw Bad("SocketAcceptHost", $"SocketAcceptHost={acceptHost} and SocketAcceptAddress={acceptAddress}: give one of them");
        SocketAcceptAddress = acceptAddress is { Length: > 0 } ? acceptAddress : acceptHost is { Length: > 0 } ? acceptHost : DefaultSocketAcceptAddress;
        FileStorePath = Required("FileStorePath");
        HeartBtIntMin = Int("HeartBtIntMin", DefaultHeartBtIntMin, 0, 86_400);
        HeartBtIntMax = Int("HeartBtIntMax", DefaultHeartBtIntMax, 0, 86_400);
        if (HeartBtIntMax < HeartBtIntMin) throw Bad("HeartBtIntMax", $"HeartBtIntMax={HeartBtIntMax} is below HeartBtIntMin={HeartBtIntMin}");
        ResetOnLogon = Bool("ResetOnLogon", false);
        ResetOnLogout = Bool("ResetOnLogout", false);
        ResetOnDisconnect = Bool("ResetOnDisconnect", false);
        // QuickFIX spells it TimeStampPrecision; both are read, the QuickFIX spelling first.
        string precisionKey = Get("TimeStampPrecision") != null ? "TimeStampPrecision" : "TimestampPrecision";
        int digits = Int(precisionKey, 3, 0, 9);
        if (digits is not (0 or 3 or 6 or 9)) throw Bad(precisionKey, $"{precisionKey}={digits}: must be 0, 3, 6 or 9");
        TimestampPrecision = (TimestampPrecision)digits;
        MaxLatency = TimeSpan.FromSeconds(Int("MaxLatency", 120, 1, 86_400));
        CheckLatency = Bool("CheckLatency", true);
        Username = Get("Username") is { Length: > 0 } username ? username : null;
        if (Get("PasswordHash") is { Length: > 0 } hashText)
        {
            if (!PasswordHash.TryParse(hashText, out var hash, out string problem)) throw Bad("PasswordHash", $"PasswordHash: {problem}");
            PasswordHash = hash;
        }
        AllowNoPassword = Bool("AllowNoPassword", false);
        if (PasswordHash == null && !AllowNoPassword)
            throw Bad("", $"session {Id} has no PasswordHash: every session logs on with Username (553) and Password (554) checked " +
                "against a PasswordHash (exchange-gateway hash-password makes one); AllowNoPassword=Y lets it go without");
        if (PasswordHash != null && Username == null) throw Bad("PasswordHash", $"session {Id}: PasswordHash needs a Username beside it");
        if (PasswordHash != null && AllowNoPassword) throw Bad("AllowNoPassword", $"session {Id}: AllowNoPassword=Y and a PasswordHash: give one of them");
        ValidateUserDefinedFields = Bool("ValidateUserDefinedFields", true);
        MaxMessagesPerSecond = Int("MaxMessagesPerSecond", 0, 0, MaxMessagesPerSecondLimit);
        RateLimitAction = Get("RateLimitAction")?.ToLowerInvariant() switch
        {
            null or "reject" => RateLimitAction.Reject,
            "logout" => RateLimitAction.Logout,
            _ => throw Bad("RateLimitAction", $"RateLimitAction={Get("RateLimitAction")}: must be reject or logout"),
        };
        PersistMessages = Bool("PersistMessages", true);
        FileStoreSync = Bool("FileStoreSync", false);
        LogoutTimeout = TimeSpan.FromSeconds(Int("LogoutTimeout", 2, 1, 3600));
        if (Get("LogonTimeout") is { Length: > 0 }) LogonTimeout = TimeSpan.FromSeconds(Int("LogonTimeout", null, 1, 3600));
        if (Get("MaxPendingConnections") is { Length: > 0 }) MaxPendingConnections = Int("MaxPendingConnections", null, 1, 100_000);
        if (Get("MaxPendingConnectionsPerAddress") is { Length: > 0 }) MaxPendingConnectionsPerAddress = Int("MaxPendingConnectionsPerAddress", null, 1, 100_000);
        ReadTls();
        FileLogPath = Get("FileLogPath") is { Length: > 0 } logPath ? logPath : null;
        ScreenLogShowIncoming = Bool("ScreenLogShowIncoming", false);
        ScreenLogShowOutgoing = Bool("ScreenLogShowOutgoing", false);
        ScreenLogShowEvents = Bool("ScreenLogShowEvents", true);

        void ReadTls()
        {
            string? transport = Get("Transport") is { Length: > 0 } t ? t.ToLowerInvariant() : null;
            if (transport is not (null or "tls" or "tcp"))
                throw Bad("Transport", $"Transport={Get("Transport")}: must be tls or tcp");
            // Plain TCP beyond this machine is a decision written down, never a default: brokers' orders and passwords
            // would cross the network in clear.
            if (transport == null && !IsLoopback(SocketAcceptAddress))
                throw Bad("SocketAcceptAddress", $"SocketAcceptAddress={SocketAcceptAddress} is not loopback: say Transport=tls (with TlsCertificateFile " +
                    "and TlsPrivateKeyFile) or, knowing that orders and passwords then cross the network in clear, Transport=tcp");
            UseTls = transport == "tls";
            TlsCertificateFile = Get("TlsCertificateFile") is { Length: > 0 } certificate ? certificate : null;
            TlsPrivateKeyFile = Get("TlsPrivateKeyFile") is { Length: > 0 } key ? key : null;
            TlsClientCAFile = Get("TlsClientCAFile") is { Length: > 0 } ca ? ca : null;
            if (Get("TlsHandshakeTimeout") is { Length: > 0 }) TlsHandshakeTimeout = TimeSpan.FromSeconds(Int("TlsHandshakeTimeout", null, 1, 60));
            TlsRequireClientCertificate = Bool("TlsRequireClientCertificate", false);
            var thumbprints = new List<string>();
            foreach (string item in (Get("TlsClientCertificateThumbprints") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string hex = item.Replace(":", "", StringComparison.Ordinal).ToUpperInvariant();
                if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
                    throw Bad("TlsClientCertificateThumbprints", $"TlsClientCertificateThumbprints: '{item}' is not a SHA-256 thumbprint (64 hex digits, colons allowed)");
                thumbprints.Add(hex);
            }
            var subjects = new List<string>();
            foreach (string item in (Get("TlsClientCertificateSubjects") ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                try { subjects.Add(new System.Security.Cryptography.X509Certificates.X500DistinguishedName(item).Name); }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    throw Bad("TlsClientCertificateSubjects", $"TlsClientCertificateSubjects: '{item}' is not a distinguished name (e.g. CN=broker1, O=Broker One)");
                }
            }
            TlsClientCertificateThumbprints = thumbprints;
            TlsClientCertificateSubjects = subjects;

            if (!UseTls)
            {
                foreach (string tlsKey in (string[])["TlsCertificateFile", "TlsPrivateKeyFile", "TlsHandshakeTimeout", "TlsRequireClientCertificate", "TlsClientCAFile",
                             "TlsClientCertificateThumbprints", "TlsClientCertificateSubjects"])
                    if (Get(tlsKey) is { Length: > 0 }) throw Bad(tlsKey, $"{tlsKey} needs Transport=tls");
                return;
            }
            if (TlsCertificateFile == null) throw Bad("Transport", "Transport=tls needs TlsCertificateFile (the gateway's certificate, PEM, its chain after it)");
            if (TlsPrivateKeyFile == null) throw Bad("Transport", "Transport=tls needs TlsPrivateKeyFile (the certificate's private key, PEM)");
            if ((thumbprints.Count > 0 || subjects.Count > 0) && !TlsRequireClientCertificate)
                throw Bad(thumbprints.Count > 0 ? "TlsClientCertificateThumbprints" : "TlsClientCertificateSubjects",
                    $"session {Id}: a client certificate allow-list needs TlsRequireClientCertificate=Y");
            if (TlsRequireClientCertificate && thumbprints.Count == 0 && subjects.Count == 0)
                throw Bad("TlsRequireClientCertificate", $"session {Id}: TlsRequireClientCertificate=Y, and the session allows no client certificate: " +
                    "give TlsClientCertificateThumbprints (SHA-256) or TlsClientCertificateSubjects");
            // Anyone can make a certificate with any subject: a subject means something only in a chain to a CA we trust.
            if (subjects.Count > 0 && TlsClientCAFile == null)
                throw Bad("TlsClientCertificateSubjects", $"session {Id}: TlsClientCertificateSubjects needs TlsClientCAFile (the CA the subjects' certificates must chain to)");
        }

        static bool IsLoopback(string host) =>
            host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));

        string Required(string key) => Get(key) is { Length: > 0 } value ? value : throw Bad(key, $"[SESSION] is missing {key}");

        string CompId(string key)
        {
            string value = Required(key);
            foreach (char c in value)
                if (c is <= ' ' or > '~') throw Bad(key, $"{key}={value}: only printable ASCII without spaces is allowed");
            return value;
        }

        int Int(string key, int? fallback, int min, int max)
        {
            string? text = Get(key);
            if (string.IsNullOrEmpty(text)) return fallback ?? throw Bad(key, $"[SESSION] is missing {key}");
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, null, out int value) || value < min || value > max)
                throw Bad(key, $"{key}={text}: must be an integer from {min} to {max}");
            return value;
        }

        bool Bool(string key, bool fallback) => Get(key) switch
        {
            null or "" => fallback,
            "Y" => true,
            "N" => false,
            var other => throw Bad(key, $"{key}={other}: must be Y or N"),
        };

        FixSessionException Bad(string key, string message) => new($"{where(key)}: {message}");
    }

    /// <summary>Settings from key/value pairs, as one [SESSION] with its [DEFAULT] merged in; <paramref name="source"/>
    /// names them in error messages. Throws <see cref="FixSessionException"/> on a missing or bad value, or a key
    /// neither the session layer nor <paramref name="applicationKeys"/> has (see <see cref="IgnoredQuickFixKeys"/>).</summary>
    public static SessionSettings Create(IEnumerable<KeyValuePair<string, string>> values, string source = "settings", IReadOnlyCollection<string>? applicationKeys = null)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values) map[key] = value;
        return new SessionSettings(map, _ => source, applicationKeys ?? []);
    }

    internal static SessionSettings Create(Dictionary<string, string> values, Func<string, string> where, IReadOnlyCollection<string> applicationKeys) =>
        new(values, where, applicationKeys);

    /// <summary>Reads a QuickFIX-style settings file: [DEFAULT] and [SESSION] sections, Key=Value lines, # comments.
    /// <paramref name="applicationKeys"/> are the keys the application reads itself; any key that is neither its nor
    /// the session layer's (nor a harmless QuickFIX one) is an error naming the file and line.</summary>
    public static IReadOnlyList<SessionSettings> Load(string path, IReadOnlyCollection<string>? applicationKeys = null) =>
        SessionSettingsFile.Load(path, applicationKeys ?? []);

    /// <summary>Parses settings text; <paramref name="fileName"/> names it in error messages.</summary>
    public static IReadOnlyList<SessionSettings> Parse(string text, string fileName, IReadOnlyCollection<string>? applicationKeys = null) =>
        SessionSettingsFile.Parse(text, fileName, applicationKeys ?? []);

    public SessionId Id { get; }

    /// <summary>Where these settings came from ("file:line" of the [SESSION] header), for messages.</summary>
    public string Source { get; }

    public int SocketAcceptPort { get; }
    /// <summary>The address (or host name) to listen on: SocketAcceptAddress, or its other spelling SocketAcceptHost;
    /// 127.0.0.1 when neither is given.</summary>
    public string SocketAcceptAddress { get; }
    public string FileStorePath { get; }

    /// <summary>The client's HeartBtInt (108) is accepted within these bounds, in seconds; 0 turns heartbeats off.</summary>
    public int HeartBtIntMin { get; }
    public int HeartBtIntMax { get; }

    public bool ResetOnLogon { get; }
    public bool ResetOnLogout { get; }
    public bool ResetOnDisconnect { get; }

    /// <summary>Of SendingTime (52) and OrigSendingTime (122) on outgoing messages.</summary>
    public TimestampPrecision TimestampPrecision { get; }

    /// <summary>How far an incoming SendingTime may be from our clock when <see cref="CheckLatency"/> is on.</summary>
    public TimeSpan MaxLatency { get; }
    public bool CheckLatency { get; }

    /// <summary>The Logon's Username (553) must be this, when set (always, with a <see cref="PasswordHash"/>).</summary>
    public string? Username { get; }

    /// <summary>What the Logon's Password (554) must hash to; null only with <see cref="AllowNoPassword"/>.</summary>
    public PasswordHash? PasswordHash { get; }

    /// <summary>The session logs on without a password: only when the settings say so.</summary>
    public bool AllowNoPassword { get; }

    /// <summary>Off: user-defined fields (5000–9999) are accepted in any message instead of rejected as not defined.</summary>
    public bool ValidateUserDefinedFields { get; }

    /// <summary>Application messages a client may send per second (sliding one-second window); 0 is no limit.</summary>
    public int MaxMessagesPerSecond { get; }
    public RateLimitAction RateLimitAction { get; }

    /// <summary>Off: sent application messages are not stored, and a ResendRequest is answered by gap fills only.</summary>
    public bool PersistMessages { get; }
    /// <summary>fsync the store once per duty cycle (QuickFIX/J's FileStoreSync, default N as there): without it every
    /// record still reaches the OS before its bytes reach the socket, so a gateway crash loses nothing and only a
    /// machine crash can; with it, each cycle that sent something pays an fsync (a fraction of a millisecond here).</summary>
    public bool FileStoreSync { get; }

    /// <summary>How long our Logout waits for the peer's before disconnecting.</summary>
    public TimeSpan LogoutTimeout { get; }

    /// <summary>Acceptor-wide admission limits (<see cref="AcceptorKeys"/>) when the settings give them; they override
    /// <see cref="FixAcceptorOptions"/>' values of the same names. LogonTimeout is in seconds.</summary>
    public TimeSpan? LogonTimeout { get; }
    public int? MaxPendingConnections { get; }
    public int? MaxPendingConnectionsPerAddress { get; }

    /// <summary>FIX over TLS (Transport=tls); plain TCP otherwise, which a non-loopback SocketAcceptAddress must ask for.</summary>
    public bool UseTls { get; private set; }

    /// <summary>The gateway's certificate (PEM; any intermediate certificates after it) and its private key (PEM).</summary>
    public string? TlsCertificateFile { get; private set; }
    public string? TlsPrivateKeyFile { get; private set; }

    /// <summary>How long a connection may take to finish its TLS handshake (TlsHandshakeTimeout, seconds); the
    /// acceptor's default when null.</summary>
    public TimeSpan? TlsHandshakeTimeout { get; private set; }

    /// <summary>Mutual TLS: every connection presents a client certificate, and a session takes a Logon only over a
    /// connection whose certificate is on its allow-list.</summary>
    public bool TlsRequireClientCertificate { get; private set; }

    /// <summary>The CA certificates (PEM) that a client certificate allowed by its subject must chain to.</summary>
    public string? TlsClientCAFile { get; private set; }

    /// <summary>This session's allowed client certificates by SHA-256 thumbprint (upper-case hex, no colons).</summary>
    public IReadOnlyList<string> TlsClientCertificateThumbprints { get; private set; } = [];

    /// <summary>This session's allowed client certificate subjects (as X500DistinguishedName.Name renders them), each
    /// accepted only in a chain to <see cref="TlsClientCAFile"/>.</summary>
    public IReadOnlyList<string> TlsClientCertificateSubjects { get; private set; } = [];

    /// <summary>Where each key was given ("file:line"), for messages.</summary>
    internal string Where(string key) => _where(key);

    /// <summary>The directory of this session's message log (every message in and out) and event log; null: no files.</summary>
    public string? FileLogPath { get; }

    /// <summary>What of this session goes to stderr: messages received, messages sent (both off by default: a busy
    /// session would flood it), events (on).</summary>
    public bool ScreenLogShowIncoming { get; }
    public bool ScreenLogShowOutgoing { get; }
    public bool ScreenLogShowEvents { get; }

    /// <summary>Keys accepted but ignored (<see cref="IgnoredQuickFixKeys"/>), each as "file:line: Key is ignored (why)".</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Any key of this session, [DEFAULT] merged in, case-insensitive; null when absent.</summary>
    public string? Get(string key) => _values.TryGetValue(key, out var value) ? value : null;

    public IReadOnlyDictionary<string, string> Values => _values;

    public override string ToString() => $"{Id} ({Source})";
}
