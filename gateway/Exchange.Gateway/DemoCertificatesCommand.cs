// `exchange-gateway demo-certificates DIR`: a demo CA and a server certificate it signed for this machine's loopback
// names (localhost, 127.0.0.1, ::1), as PEM files, so that the example settings run FIX over TLS out of the box. For
// demos only: a real gateway's certificate comes from the operator's CA. The CA's private key is not kept.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Hosting;

namespace Exchange.Gateway;

internal static class DemoCertificatesCommand
{
    public static int Run(string directory)
    {
        string caPath = Path.Combine(directory, "ca.crt"), certificatePath = Path.Combine(directory, "server.crt"), keyPath = Path.Combine(directory, "server.key");
        if (File.Exists(certificatePath) && File.Exists(keyPath) && File.Exists(caPath))
        {
            Console.WriteLine($"kept the certificates already in {directory}");
            return 0;
        }
        try
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"demo-certificates: cannot create {directory}: {e.Message}");
        }

        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=exchange demo CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = request.Create(ca, now.AddMinutes(-5), now.AddYears(1), RandomNumberGenerator.GetBytes(16));

        const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        Write(caPath, ca.ExportCertificatePem(), Public);
        Write(certificatePath, server.ExportCertificatePem(), Public);
        Write(keyPath, serverKey.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Console.WriteLine($"wrote {certificatePath} and {keyPath} (localhost, 127.0.0.1, ::1; until {server.NotAfter.ToUniversalTime():yyyy-MM-dd}), " +
            $"signed by the demo CA in {caPath}: clients trust that file");
        return 0;
    }

    private static void Write(string path, string pem, UnixFileMode mode)
    {
        try
        {
            using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = mode });
            using var writer = new StreamWriter(file);
            writer.Write(pem);
            writer.Write('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"demo-certificates: cannot write {path}: {e.Message}");
        }
    }
}
