// FIX over TLS, against a real engine and a real gateway process whose settings say Transport=tls with a certificate
// the test's CA signed: brokers log on and trade over TLS; a client that does not trust the certificate, a plain-TCP
// client, and connections that never finish their handshake are refused (logged with the reason) while the sessions
// already up keep trading.
using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class TlsGatewayFixture : IDisposable
{
    private readonly TempDirectory _dir = new("gateway-tls-");
    private readonly ChildProcess _engine, _gateway;

    public TlsGatewayFixture()
    {
        Certificates = new TestCertificates(_dir.Combine("tls"));
        _engine = Processes.StartEngine(out int enginePort);
        try
        {
            string settings = _dir.Combine("sessions.cfg");
            File.WriteAllText(settings, Processes.BrokerSessions(_dir.Combine("store"), Certificates.TlsSettings($"TlsHandshakeTimeout={HandshakeTimeoutSeconds}")));
            _gateway = Processes.StartGateway(settings, enginePort, out int port);
            Port = port;
            ListeningLine = _gateway.StdoutLines.First(l => l.StartsWith("listening ", StringComparison.Ordinal));
        }
        catch
        {
            _engine.Dispose();
            _dir.Dispose();
            throw;
        }
    }

    public const int HandshakeTimeoutSeconds = 2;
    internal TestCertificates Certificates { get; }
    public int Port { get; }
    public string ListeningLine { get; }
    public string GatewayStderr => _gateway.Stderr;

    internal FixTestClient LoggedOn(string broker, string? from = null)
    {
        var client = new FixTestClient(Port, broker, from: from, tls: Certificates.ClientOptions());
        Assert.Equal("A", client.Logon().MsgType);
        return client;
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _engine.Dispose();
        Certificates.Dispose();
        _dir.Dispose();
    }
}

// The TLS classes run one after the other (each has an engine and a gateway of its own, and handshakes cost CPU), and
// after the parallel classes rather than beside them: on a 2-core machine they would otherwise take the cores that
// SoakTests' latency bounds count on.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TlsCollection
{
    public const string Name = "tls";
}

[Collection(TlsCollection.Name)]
public sealed class TlsTests(TlsGatewayFixture gateway) : IClassFixture<TlsGatewayFixture>
{
    private static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static string NewOrder(string clOrdId, char side, string qty, string price) =>
        $"11={clOrdId}|55=BTC-USD|54={side}|60={FixTestClient.Timestamp()}|38={qty}|40=2|44={price}|59=1|";

    // One order placed and answered: the session trades.
    private static void PlacesAnOrder(FixTestClient broker, string price)
    {
        string id = Id("P");
        broker.Send("D", NewOrder(id, '1', "0.01", price));
        Assert.Equal("0", broker.WaitFor("8", m => m[11] == id)[150]);
        string cancel = Id("C");
        broker.Send("F", $"11={cancel}|41={id}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|");
        Assert.Equal("4", broker.WaitFor("8", m => m[11] == cancel)[150]);
    }

    private bool Logged(string text) => LogLines.AsText(gateway.GatewayStderr).Contains(text, StringComparison.Ordinal);

    [Fact]
    public void The_gateway_says_it_listens_over_tls_and_logs_its_certificate_without_its_key()
    {
        Assert.Contains("transport=tls", gateway.ListeningLine);
        Eventually.True(() => Logged("FIX over TLS 1.2/1.3, certificate CN=localhost"), "the start-up log names the certificate");
        string key = File.ReadAllText(gateway.Certificates.KeyFile);
        string keyBody = key.Split('\n')[1];
        Assert.DoesNotContain(keyBody, gateway.GatewayStderr);
    }

    [Fact]
    public void Two_brokers_log_on_and_trade_with_each_other_over_tls()
    {
        using var seller = gateway.LoggedOn("BROKER1");
        using var buyer = gateway.LoggedOn("BROKER2");
        Assert.True(seller.Protocol is SslProtocols.Tls13 or SslProtocols.Tls12, $"negotiated {seller.Protocol}");
        string sell = Id("S"), buy = Id("B");
        seller.Send("D", NewOrder(sell, '2', "0.1", "68100"));
        seller.WaitFor("8", m => m[11] == sell && m[150] == "0");
        buyer.Send("D", NewOrder(buy, '1', "0.1", "68100"));
        var taker = buyer.WaitFor("8", m => m[11] == buy && m[150] == "F");
        Assert.Equal(("2", "0.1", "68100"), (taker[39], taker[32], taker[31]));
        var maker = seller.WaitFor("8", m => m[11] == sell && m[150] == "F");
        Assert.Equal(("2", "0.1"), (maker[39], maker[32]));
        seller.Send("5");
        seller.WaitFor("5");
    }

    [Fact]
    public void A_client_that_does_not_trust_the_gateways_certificate_fails_its_handshake()
    {
        using var otherCa = gateway.Certificates.NewCa("CN=some other CA");
        var e = Assert.ThrowsAny<AuthenticationException>(() => new FixTestClient(gateway.Port, "BROKER1", from: "127.0.0.11",
            tls: gateway.Certificates.ClientOptions(trusted: otherCa)));
        Assert.Contains("remote certificate", e.Message, StringComparison.OrdinalIgnoreCase);
        // The gateway sees the client give up: with TLS 1.2 or a client that sends its alert, in the handshake; with a
        // TLS 1.3 client that checks the certificate after its Finished (as .NET's does), as a close before any Logon.
        Eventually.True(() => LogLines.AsText(gateway.GatewayStderr).Split('\n').Any(l => l.Contains("connection from 127.0.0.11:", StringComparison.Ordinal)
            && (l.Contains("closed: TLS handshake failed", StringComparison.Ordinal) || l.Contains("closed: closed by the peer before a Logon", StringComparison.Ordinal))),
            $"the client's leaving is logged with its reason: {gateway.GatewayStderr}");
    }

    [Fact]
    public void A_plain_tcp_client_on_the_tls_port_is_refused_and_the_sessions_up_keep_trading()
    {
        using var broker = gateway.LoggedOn("BROKER2");
        using (var plain = new FixTestClient(gateway.Port, "BROKER1", from: "127.0.0.12"))
        {
            plain.Send("A", $"98=0|108=30|141=Y|{FixTestClient.CredentialFields("BROKER1")}");
            // No FIX answer, only the end of the connection (a TLS alert at most).
            Assert.True(plain.WaitClosed(TimeSpan.FromSeconds(20)), "the gateway closes a plain-TCP connection on its TLS port");
            Assert.Empty(plain.Received);
        }
        Eventually.True(() => LogLines.AsText(gateway.GatewayStderr).Split('\n').Any(l => l.Contains("connection from 127.0.0.12:", StringComparison.Ordinal)
            && l.Contains("closed: TLS handshake failed", StringComparison.Ordinal)), "the refusal is logged with its reason");
        Assert.DoesNotContain(Processes.Credentials("BROKER1").Password, gateway.GatewayStderr);
        PlacesAnOrder(broker, "60100");
    }

    [Fact]
    public void Connections_that_never_finish_their_handshake_are_cut_after_the_timeout_while_a_session_keeps_trading()
    {
        using var broker = gateway.LoggedOn("BROKER1");
        // Four connections from one address, as many as may wait at once: two send nothing, two the start of a TLS
        // record (a handshake begun and never continued).
        var stalled = new List<Socket>();
        try
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 4; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.0.13"), 0));
                socket.Connect("127.0.0.1", gateway.Port);
                if (i % 2 == 1) socket.Send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]);
                stalled.Add(socket);
            }
            // A fifth from the same address is closed at once: it counts against the address's limit.
            using (var fifth = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                fifth.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.0.13"), 0));
                fifth.Connect("127.0.0.1", gateway.Port);
                Assert.True(ClosedWithin(fifth, TimeSpan.FromSeconds(TlsGatewayFixture.HandshakeTimeoutSeconds - 1)), "a fifth connection from the address is closed before the timeout");
            }
            // Meanwhile the session trades.
            PlacesAnOrder(broker, "60200");
            foreach (var socket in stalled)
                Assert.True(ClosedWithin(socket, TimeSpan.FromSeconds(30)), "a stalled handshake is cut");
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(TlsGatewayFixture.HandshakeTimeoutSeconds - 0.5), $"cut after {clock.Elapsed}, before the timeout");
            PlacesAnOrder(broker, "60300");
            Eventually.True(() => LogLines.AsText(gateway.GatewayStderr).Split('\n').Count(l => l.Contains("connection from 127.0.0.13:", StringComparison.Ordinal)
                && l.Contains($"closed: TLS handshake not done within the handshake timeout ({TlsGatewayFixture.HandshakeTimeoutSeconds} s)", StringComparison.Ordinal)) == 4,
                "each cut is logged with its reason");
        }
        finally
        {
            foreach (var socket in stalled) socket.Dispose();
        }
    }

    [Theory]
    [InlineData("Transport=tls\n", "Transport=tls needs TlsCertificateFile")]
    [InlineData("SocketAcceptAddress=0.0.0.0\n", "SocketAcceptAddress=0.0.0.0 is not loopback: say Transport=tls")]
    [InlineData("Transport=tcp\nTlsRequireClientCertificate=Y\n", "TlsRequireClientCertificate needs Transport=tls")]
    [InlineData("Transport=ssl\n", "Transport=ssl: must be tls or tcp")]
    public void Settings_that_ask_for_tls_wrongly_or_plain_tcp_beyond_loopback_silently_stop_the_start(string defaults, string message)
    {
        using var dir = new TempDirectory();
        string settings = dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(dir.Combine("store"), defaults));
        var result = Processes.RunGateway("--settings", settings);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
    }

    [Fact]
    public void A_certificate_file_that_is_not_a_certificate_fails_the_start_naming_it()
    {
        using var dir = new TempDirectory();
        string settings = dir.Combine("sessions.cfg"), bad = dir.Combine("bad.crt");
        File.WriteAllText(bad, "not a certificate\n");
        File.WriteAllText(settings, Processes.BrokerSessions(dir.Combine("store"), $"Transport=tls\nTlsCertificateFile={bad}\nTlsPrivateKeyFile={gateway.Certificates.KeyFile}\n"));
        var result = Processes.RunGateway("--settings", settings, "--engine", "aeron:udp?endpoint=127.0.0.1:9");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"TlsCertificateFile={bad}", result.Stderr);
        Assert.Contains("cannot load the certificate and its key", result.Stderr);
    }

    [Fact]
    public void Demo_certificates_writes_a_CA_and_a_server_certificate_the_gateway_serves_and_a_client_trusting_the_CA_accepts()
    {
        using var dir = new TempDirectory();
        var made = ChildProcess.Run(ChildProcess.StartDll("exchange-gateway.dll", ["demo-certificates", dir.Combine("tls")]));
        Assert.True(made.ExitCode == 0, made.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.Combine("tls", "server.key")));
        using var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(dir.Combine("tls", "ca.crt"));
        using var server = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(dir.Combine("tls", "server.crt"));
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        Assert.True(chain.Build(server), "the server certificate chains to the demo CA");
        Assert.True(server.MatchesHostname("localhost") && server.MatchesHostname("127.0.0.1"), "it names the loopback host");
        // Run again: the files are kept.
        var again = ChildProcess.Run(ChildProcess.StartDll("exchange-gateway.dll", ["demo-certificates", dir.Combine("tls")]));
        Assert.Contains("kept", again.Stdout);
        Assert.Equal(server.Thumbprint, System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(dir.Combine("tls", "server.crt")).Thumbprint);
    }

    // Whether the peer closed (end of stream or reset) within the time.
    private static bool ClosedWithin(Socket socket, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var buffer = new byte[4096];
        while (DateTime.UtcNow < deadline)
        {
            if (!socket.Poll(200_000, SelectMode.SelectRead)) continue;
            try
            {
                if (socket.Receive(buffer) == 0) return true;
            }
            catch (SocketException)
            {
                return true;
            }
        }
        return false;
    }
}
