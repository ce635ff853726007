// The certificate a --fix-tls run's gateway serves: a CA made for the run and a server certificate it signed for
// 127.0.0.1, as PEM files in the run's scratch directory (the CA's key is not kept).
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Perf.E2e;

internal static class FixTlsCertificates
{
    /// <summary>Writes the server certificate and key under <paramref name="directory"/>; returns the CA the clients trust.</summary>
    public static X509Certificate2 Write(string directory, out string certificateFile, out string keyFile)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=exchange-perf CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var server = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        Directory.CreateDirectory(directory);
        certificateFile = Path.Combine(directory, "server.crt");
        keyFile = Path.Combine(directory, "server.key");
        File.WriteAllText(certificateFile, server.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return X509CertificateLoader.LoadCertificate(ca.RawData);
    }
}
