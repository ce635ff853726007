// The TLS keys of the settings: plain TCP beyond loopback only when written down, TLS with its files named, and
// client-certificate allow-lists that mean something (a subject only under a client CA), each refusal naming the key.
namespace Exchange.Fix.Session.Tests;

public class TlsSettingsTests
{
    private const string Defaults = """
        [DEFAULT]
        ConnectionType=acceptor
        BeginString=FIX.4.4
        SenderCompID=EXCH
        SocketAcceptPort=0
        FileStorePath=store
        AllowNoPassword=Y

        """;

    private static SessionSettings Session(string lines) => SessionSettings.Parse(Defaults + "[SESSION]\nTargetCompID=B\n" + lines, "fix.cfg")[0];

    private static string Refusal(string lines) => Assert.Throws<FixSessionException>(() => Session(lines)).Message;

    [Theory]
    [InlineData("")]
    [InlineData("SocketAcceptAddress=127.0.0.1\n")]
    [InlineData("SocketAcceptAddress=localhost\n")]
    [InlineData("SocketAcceptAddress=::1\n")]
    public void Loopback_without_Transport_is_plain_tcp(string address) => Assert.False(Session(address).UseTls);

    [Fact]
    public void Another_address_without_Transport_is_refused_naming_the_choice()
    {
        Assert.Contains("SocketAcceptAddress=0.0.0.0 is not loopback: say Transport=tls", Refusal("SocketAcceptAddress=0.0.0.0\n"));
        Assert.False(Session("SocketAcceptAddress=0.0.0.0\nTransport=tcp\n").UseTls);
    }

    [Fact]
    public void Tls_takes_its_certificate_and_key_files_and_a_handshake_timeout()
    {
        var session = Session("Transport=TLS\nTlsCertificateFile=gw.crt\nTlsPrivateKeyFile=gw.key\nTlsHandshakeTimeout=3\n");
        Assert.True(session.UseTls);
        Assert.Equal(("gw.crt", "gw.key", TimeSpan.FromSeconds(3)), (session.TlsCertificateFile, session.TlsPrivateKeyFile, session.TlsHandshakeTimeout));
        Assert.Contains("Transport=tls needs TlsPrivateKeyFile", Refusal("Transport=tls\nTlsCertificateFile=gw.crt\n"));
        Assert.Contains("TlsHandshakeTimeout=0: must be an integer from 1 to 60", Refusal("Transport=tls\nTlsCertificateFile=a\nTlsPrivateKeyFile=b\nTlsHandshakeTimeout=0\n"));
    }

    [Fact]
    public void Tls_keys_without_Transport_tls_are_refused()
    {
        Assert.Contains("TlsCertificateFile needs Transport=tls", Refusal("TlsCertificateFile=gw.crt\n"));
    }

    [Fact]
    public void Thumbprints_are_taken_with_colons_and_in_either_case()
    {
        string hex = string.Concat(Enumerable.Repeat("ab", 32));
        string colons = string.Join(':', Enumerable.Repeat("AB", 32));
        var session = Session($"Transport=tls\nTlsCertificateFile=a\nTlsPrivateKeyFile=b\nTlsRequireClientCertificate=Y\nTlsClientCertificateThumbprints={hex}, {colons}\n");
        Assert.Equal([hex.ToUpperInvariant(), hex.ToUpperInvariant()], session.TlsClientCertificateThumbprints);
        Assert.Contains("'abc' is not a SHA-256 thumbprint", Refusal("Transport=tls\nTlsCertificateFile=a\nTlsPrivateKeyFile=b\nTlsRequireClientCertificate=Y\nTlsClientCertificateThumbprints=abc\n"));
    }

    [Fact]
    public void Mutual_tls_needs_an_allow_list_and_a_subject_needs_a_client_CA()
    {
        const string Tls = "Transport=tls\nTlsCertificateFile=a\nTlsPrivateKeyFile=b\n";
        Assert.Contains("the session allows no client certificate", Refusal(Tls + "TlsRequireClientCertificate=Y\n"));
        Assert.Contains("a client certificate allow-list needs TlsRequireClientCertificate=Y", Refusal(Tls + "TlsClientCertificateSubjects=CN=b\n"));
        Assert.Contains("TlsClientCertificateSubjects needs TlsClientCAFile", Refusal(Tls + "TlsRequireClientCertificate=Y\nTlsClientCertificateSubjects=CN=b\n"));
        var session = Session(Tls + "TlsRequireClientCertificate=Y\nTlsClientCAFile=ca.crt\nTlsClientCertificateSubjects=CN=b, O=Broker B|CN=c\n");
        Assert.Equal(["CN=b, O=Broker B", "CN=c"], session.TlsClientCertificateSubjects);
    }
}
