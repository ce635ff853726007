// The acceptor's side of FIX over TLS: the gateway's certificate loaded once from its PEM files, the handshake's rules
// (TLS 1.2 and 1.3 only, no renegotiation, a client certificate asked for when mutual TLS is on), and the check of a
// connection's client certificate against the allow-list of the session its Logon names.
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Fix.Session;

internal sealed class TlsServer : IDisposable
{
    // id-kp-clientAuth: a certificate allowed by its subject must be meant for TLS clients (or for any purpose).
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly SslStreamCertificateContext _certificate;
    private readonly X509Certificate2Collection? _clientAuthorities;

    /// <summary>Loads the certificate and key named by <paramref name="settings"/> (acceptor-wide keys); throws
    /// <see cref="FixSessionException"/> naming the file and what is wrong with it.</summary>
    public TlsServer(SessionSettings settings)
    {
        string certificateFile = settings.TlsCertificateFile!, keyFile = settings.TlsPrivateKeyFile!;
        X509Certificate2 certificate;
        var chain = new X509Certificate2Collection();
        try
        {
            using var fromPem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            // A key imported from PEM is ephemeral; SslStream wants one it can hand to the TLS library as a PKCS#12
            // certificate would (required on Windows, harmless here).
            certificate = X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), null);
            chain.ImportFromPemFile(certificateFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new FixSessionException($"TlsCertificateFile={certificateFile}, TlsPrivateKeyFile={keyFile}: cannot load the certificate and its key: {e.Message}");
        }
        if (!certificate.HasPrivateKey) throw new FixSessionException($"TlsPrivateKeyFile={keyFile}: no private key for the certificate");
        // The leaf comes first in the file; what follows it is the chain sent to clients.
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain)
            if (c.Thumbprint != certificate.Thumbprint) intermediates.Add(c);
        _certificate = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        Certificate = certificate;
        RequireClientCertificate = settings.TlsRequireClientCertificate;
        HandshakeTimeout = settings.TlsHandshakeTimeout ?? DefaultHandshakeTimeout;
        if (settings.TlsClientCAFile is { } caFile)
        {
            _clientAuthorities = [];
            try { _clientAuthorities.ImportFromPemFile(caFile); }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new FixSessionException($"TlsClientCAFile={caFile}: cannot load it: {e.Message}");
            }
            if (_clientAuthorities.Count == 0) throw new FixSessionException($"TlsClientCAFile={caFile}: no certificate in it");
        }
    }

    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(5);

    public X509Certificate2 Certificate { get; }
    public bool RequireClientCertificate { get; }
    public TimeSpan HandshakeTimeout { get; }

    /// <summary>What the start-up log says about it (no secret in it).</summary>
    public string Describe() =>
        $"FIX over TLS 1.2/1.3, certificate {Certificate.Subject} (SHA-256 {Certificate.GetCertHashString(HashAlgorithmName.SHA256)}, " +
        $"valid until {Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC), " +
        (RequireClientCertificate ? "client certificates required" : "no client certificate asked for") +
        $", handshake timeout {HandshakeTimeout.TotalSeconds:0.###} s";

    /// <summary>The handshake's options for one connection; its validation callback notes the client certificate on
    /// <paramref name="connection"/> (the allow-list is checked at the Logon, when the session is known).</summary>
    public SslServerAuthenticationOptions OptionsFor(FixConnection connection) => new()
    {
        ServerCertificateContext = _certificate,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ClientCertificateRequired = RequireClientCertificate,
        AllowRenegotiation = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => AcceptClient(connection, certificate),
    };

    // Runs on the handshake's thread, once, before the handshake completes.
    private bool AcceptClient(FixConnection connection, X509Certificate? presented)
    {
        if (presented == null)
        {
            if (!RequireClientCertificate) return true;
            connection.TlsRefusal = "no client certificate presented (this acceptor requires one)";
            return false;
        }
        var certificate = presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        connection.ClientCertificate = certificate;
        connection.ClientCertificateChainsToAuthority = ChainsToAuthority(certificate);
        return true;
    }

    private bool ChainsToAuthority(X509Certificate2 certificate)
    {
        if (_clientAuthorities == null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_clientAuthorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
        return chain.Build(certificate);
    }

    /// <summary>Null when <paramref name="connection"/>'s client certificate may log on to <paramref name="session"/>
    /// (or mutual TLS is off), else why not: the text of the Logout that refuses it (a thumbprint and a subject are
    /// not secrets).</summary>
    public string? RefusesClient(SessionSettings session, FixConnection connection)
    {
        if (!RequireClientCertificate) return null;
        if (connection.ClientCertificate is not { } certificate) return "no client certificate";
        string thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        foreach (string allowed in session.TlsClientCertificateThumbprints)
            if (allowed == thumbprint) return null;
        if (connection.ClientCertificateChainsToAuthority)
            foreach (string allowed in session.TlsClientCertificateSubjects)
                if (string.Equals(allowed, certificate.SubjectName.Name, StringComparison.OrdinalIgnoreCase)) return null;
        string why = session.TlsClientCertificateSubjects.Count > 0 && !connection.ClientCertificateChainsToAuthority
            ? "not allowed for this session (its thumbprint is not listed, and it does not chain to the client CA)"
            : "not allowed for this session";
        return $"Client certificate {why}: subject {certificate.Subject}, SHA-256 {thumbprint}";
    }

    public void Dispose() => Certificate.Dispose();
}
