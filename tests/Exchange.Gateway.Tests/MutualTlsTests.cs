// Mutual TLS against a real engine and gateway process: the gateway asks every connection for a client certificate
// (TlsRequireClientCertificate=Y), and each session allows its own: BROKER1 and DROP by SHA-256 thumbprint, BROKER2
// by subject in a chain to the test CA (TlsClientCAFile). A broker with the right password and a certificate its
// session does not allow gets a Logout saying why; one without a certificate does not get past the handshake.
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class MutualTlsGatewayFixture : IDisposable
{
    private readonly TempDirectory _dir = new("gateway-mtls-");
    private readonly ChildProcess _engine, _gateway;

    public MutualTlsGatewayFixture()
    {
        Certificates = new TestCertificates(_dir.Combine("tls"));
        Broker1 = Certificates.Client("CN=broker1, O=Broker One");
        Broker2 = Certificates.Client("CN=broker2, O=Broker Two");
        Drop = Certificates.Client("CN=drop copy");
        _engine = Processes.StartEngine(out int enginePort);
        try
        {
            string sessions = Processes.BrokerSessions(_dir.Combine("store"),
                Certificates.TlsSettings($"TlsRequireClientCertificate=Y\nTlsClientCAFile={Certificates.CaFile}"));
            // Each session's allow-list, after its TargetCompID.
            sessions = sessions
                .Replace("TargetCompID=BROKER1\n", $"TargetCompID=BROKER1\nTlsClientCertificateThumbprints={Colons(TestCertificates.Thumbprint(Broker1))}\n", StringComparison.Ordinal)
                .Replace("TargetCompID=BROKER2\n", "TargetCompID=BROKER2\nTlsClientCertificateSubjects=CN=broker2, O=Broker Two\n", StringComparison.Ordinal)
                .Replace("TargetCompID=DROP\n", $"TargetCompID=DROP\nTlsClientCertificateThumbprints={TestCertificates.Thumbprint(Drop).ToLowerInvariant()}\n", StringComparison.Ordinal);
            Assert.Equal(3, sessions.Split("TlsClientCertificate").Length - 1);
            string settings = _dir.Combine("sessions.cfg");
            File.WriteAllText(settings, sessions);
            _gateway = Processes.StartGateway(settings, enginePort, out int port);
            Port = port;
        }
        catch
        {
            _engine.Dispose();
            _dir.Dispose();
            throw;
        }
    }

    // Thumbprints are accepted as operators copy them from openssl: with colons.
    private static string Colons(string hex) => string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(2 * i, 2)));

    internal TestCertificates Certificates { get; }
    internal System.Security.Cryptography.X509Certificates.X509Certificate2 Broker1 { get; }
    internal System.Security.Cryptography.X509Certificates.X509Certificate2 Broker2 { get; }
    internal System.Security.Cryptography.X509Certificates.X509Certificate2 Drop { get; }
    public int Port { get; }
    public string GatewayStderr => _gateway.Stderr;

    public void Dispose()
    {
        _gateway.Dispose();
        _engine.Dispose();
        Certificates.Dispose();
        _dir.Dispose();
    }
}

[Collection(TlsCollection.Name)]
public sealed class MutualTlsTests(MutualTlsGatewayFixture gateway) : IClassFixture<MutualTlsGatewayFixture>
{
    private FixTestClient Connect(string broker, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate, string? from = null) =>
        new(gateway.Port, broker, from: from, tls: gateway.Certificates.ClientOptions(certificate));

    private bool LoggedLine(string from, string text) => LogLines.AsText(gateway.GatewayStderr).Split('\n')
        .Any(l => l.Contains($"from {from}:", StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal));

    [Fact]
    public void Sessions_log_on_with_the_certificates_they_allow_by_thumbprint_and_by_subject_and_trade()
    {
        using var broker1 = Connect("BROKER1", gateway.Broker1);
        Assert.Equal("A", broker1.Logon().MsgType);
        using var broker2 = Connect("BROKER2", gateway.Broker2);
        Assert.Equal("A", broker2.Logon().MsgType);
        using var drop = Connect("DROP", gateway.Drop);
        Assert.Equal("A", drop.Logon().MsgType);

        string id = $"M-{Guid.NewGuid():N}"[..20];
        broker2.Send("D", $"11={id}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=61000|59=1|");
        Assert.Equal("0", broker2.WaitFor("8", m => m[11] == id)[150]);
        Assert.Equal("0", drop.WaitFor("8", m => m[11] == id)[150]);
    }

    [Fact]
    public void A_certificate_the_session_does_not_allow_is_refused_with_a_Logout_giving_the_reason()
    {
        // BROKER2's certificate, valid under the CA, presented for BROKER1 with BROKER1's password.
        using var client = Connect("BROKER1", gateway.Broker2, from: "127.0.0.21");
        client.Send("A", $"98=0|108=30|141=Y|{FixTestClient.CredentialFields("BROKER1")}");
        var logout = client.WaitFor("5");
        Assert.StartsWith("Client certificate not allowed for this session: subject CN=broker2, O=Broker Two, SHA-256 ", logout[58]);
        Assert.Contains(TestCertificates.Thumbprint(gateway.Broker2), logout[58]);
        Assert.True(client.WaitClosed(TimeSpan.FromSeconds(20)), "the connection is closed after the Logout");
        Assert.DoesNotContain(client.Received, m => m.MsgType == "A");
        Eventually.True(() => LoggedLine("127.0.0.21", "refused: Client certificate not allowed for this session"), "the refusal is logged with its reason");
        Assert.DoesNotContain(Processes.Credentials("BROKER1").Password, gateway.GatewayStderr);

        // The session is free for its own certificate afterwards.
        using var broker1 = Connect("BROKER1", gateway.Broker1);
        Assert.Equal("A", broker1.Logon().MsgType);
    }

    [Fact]
    public void A_self_signed_certificate_with_an_allowed_subject_is_refused()
    {
        // Anyone can write "CN=broker2, O=Broker Two" into a certificate: the subject counts only under the CA.
        using var forged = gateway.Certificates.Client("CN=broker2, O=Broker Two", selfSigned: true);
        using var client = Connect("BROKER2", forged, from: "127.0.0.22");
        client.Send("A", $"98=0|108=30|141=Y|{FixTestClient.CredentialFields("BROKER2")}");
        var logout = client.WaitFor("5");
        Assert.Contains("does not chain to the client CA", logout[58]);
        Assert.Contains(TestCertificates.Thumbprint(forged), logout[58]);
    }

    [Fact]
    public void A_client_without_a_certificate_is_refused_and_the_reason_logged()
    {
        bool refused;
        try
        {
            using var client = Connect("BROKER1", certificate: null, from: "127.0.0.23");
            // A TLS 1.3 client finishes its side before the gateway has refused; it learns of it on its next read.
            client.Send("A", $"98=0|108=30|141=Y|{FixTestClient.CredentialFields("BROKER1")}");
            refused = client.WaitClosed(TimeSpan.FromSeconds(20)) && client.Received.Count == 0;
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            refused = true;
        }
        Assert.True(refused, "a connection without a client certificate gets no FIX answer, only its end");
        Eventually.True(() => LoggedLine("127.0.0.23", "closed: no client certificate presented (this acceptor requires one)"),
            $"the refusal is logged with its reason: {gateway.GatewayStderr}");
    }

    [Fact]
    public void Settings_that_allow_a_subject_without_a_client_CA_stop_the_start_naming_the_key()
    {
        using var dir = new TempDirectory();
        string settings = dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(dir.Combine("store"), gateway.Certificates.TlsSettings("TlsRequireClientCertificate=Y"))
            .Replace("TargetCompID=BROKER1\n", "TargetCompID=BROKER1\nTlsClientCertificateSubjects=CN=broker1\n", StringComparison.Ordinal));
        var result = Processes.RunGateway("--settings", settings);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("TlsClientCertificateSubjects needs TlsClientCAFile", result.Stderr);
    }
}
