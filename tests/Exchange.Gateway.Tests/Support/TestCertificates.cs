// Certificates made by the tests with CertificateRequest, as an operator's CA would issue them: a test CA, the
// gateway's server certificate for 127.0.0.1/localhost (written as PEM files its settings name), and client
// certificates for brokers (signed by the CA, or self-signed by a stranger), ECDSA P-256 all.
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Gateway.Tests;

internal sealed class TestCertificates : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1", ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private readonly List<X509Certificate2> _made = [];

    /// <summary>A CA, and a server certificate it signed written to <paramref name="directory"/> as server.crt,
    /// server.key and ca.crt (PEM).</summary>
    public TestCertificates(string directory, string caName = "CN=test CA")
    {
        Ca = NewCa(caName);
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication)], false));
        using var server = request.Create(Ca, DateTimeOffset.UtcNow.AddMinutes(-5), new DateTimeOffset(Ca.NotAfter), RandomNumberGenerator.GetBytes(8));
        Directory.CreateDirectory(directory);
        CertificateFile = Path.Combine(directory, "server.crt");
        KeyFile = Path.Combine(directory, "server.key");
        CaFile = Path.Combine(directory, "ca.crt");
        File.WriteAllText(CertificateFile, server.ExportCertificatePem());
        File.WriteAllText(KeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(CaFile, Ca.ExportCertificatePem());
    }

    public X509Certificate2 Ca { get; }
    public string CertificateFile { get; }
    public string KeyFile { get; }
    public string CaFile { get; }

    /// <summary>The [DEFAULT] lines of a gateway serving FIX over TLS with this server certificate.</summary>
    public string TlsSettings(string more = "") =>
        $"Transport=tls\nTlsCertificateFile={CertificateFile}\nTlsPrivateKeyFile={KeyFile}\n{more}";

    public X509Certificate2 NewCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return Keep(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1)));
    }

    /// <summary>A client certificate for <paramref name="subject"/>, signed by <paramref name="issuer"/> (the test CA
    /// when null) or self-signed.</summary>
    public X509Certificate2 Client(string subject, X509Certificate2? issuer = null, bool selfSigned = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ClientAuthentication)], false));
        var from = DateTimeOffset.UtcNow.AddMinutes(-5);
        if (selfSigned) return Keep(request.CreateSelfSigned(from, from.AddDays(1)));
        using var signed = request.Create(issuer ?? Ca, from, from.AddDays(1), RandomNumberGenerator.GetBytes(8));
        return Keep(signed.CopyWithPrivateKey(key));
    }

    public static string Thumbprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>A broker's TLS client: trusts <paramref name="trusted"/> only (this CA when null), and presents
    /// <paramref name="clientCertificate"/> when given.</summary>
    public SslClientAuthenticationOptions ClientOptions(X509Certificate2? clientCertificate = null, X509Certificate2? trusted = null)
    {
        var anchor = trusted ?? Ca;
        return new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { anchor },
                RevocationMode = X509RevocationMode.NoCheck,
            },
            LocalCertificateSelectionCallback = clientCertificate == null ? null : (_, _, _, _, _) => clientCertificate,
            ClientCertificates = clientCertificate == null ? null : [clientCertificate],
        };
    }

    private X509Certificate2 Keep(X509Certificate2 certificate)
    {
        _made.Add(certificate);
        return certificate;
    }

    public void Dispose()
    {
        foreach (var certificate in _made) certificate.Dispose();
    }
}
