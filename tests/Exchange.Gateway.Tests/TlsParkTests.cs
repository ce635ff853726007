// Over TLS the acceptor's connections are read and written by the TLS library off the agent's thread, so a parked
// agent cannot wait on their sockets: the handshake's, each read's and each write's completion sets the acceptor's
// wake signal instead. Here an acceptor in this process, whose thread only parks and pumps: each step of a broker's
// TLS session ends a ten-second park at once.
using System.Diagnostics;
using Exchange.Fix;
using Exchange.Fix.Session;
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

[Collection(TlsCollection.Name)]
public sealed class TlsParkTests
{
    private const long TenSeconds = 10L * 1_000_000_000;

    private sealed class Application : IFixApplication
    {
        public void OnLogon(FixSession session) { }
        public void OnLogout(FixSession session) { }
        public void OnApplicationMessage(FixSession session, in FixMessage message) { }
    }

    [Fact]
    public async Task The_handshake_and_a_record_read_each_end_the_park_of_an_acceptor_serving_tls()
    {
        using var dir = new TempDirectory("tls-park-");
        using var certificates = new TestCertificates(dir.Combine("tls"));
        var settings = SessionSettings.Parse($"""
            [DEFAULT]
            ConnectionType=acceptor
            BeginString=FIX.4.4
            SocketAcceptPort=0
            FileStorePath={dir.Combine("store")}
            {certificates.TlsSettings()}
            [SESSION]
            SenderCompID=EXCH
            TargetCompID=BROKER
            AllowNoPassword=Y
            """, "tls-park.cfg");
        using var acceptor = new FixAcceptor(settings, new Application(), UtcTimestamp.Now, new FixAcceptorOptions { ScreenLog = Stream.Null });
        var parker = new DescriptorParker(acceptor);

        // The client's constructor connects and then waits for its handshake, which needs the acceptor to accept it.
        var connecting = Task.Run(() => new FixTestClient(acceptor.Port, "BROKER", tls: certificates.ClientOptions()));
        var clock = Stopwatch.StartNew();
        parker.Park(TenSeconds); // the listener is readable once the connection arrives
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the park lasted {clock.Elapsed.TotalMilliseconds:F0} ms though a connection came");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (acceptor.Counters.Accepted == 0 && DateTime.UtcNow < deadline) acceptor.DoWork(UtcTimestamp.Now());
        Assert.Equal(1, acceptor.Counters.Accepted);

        // Accepted: the handshake runs on the TLS library's threads; its end wakes the park.
        clock.Restart();
        parker.Park(TenSeconds);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the park lasted {clock.Elapsed.TotalMilliseconds:F0} ms though the handshake was under way");
        using var client = await connecting;
        for (int i = 0; i < 10; i++) acceptor.DoWork(UtcTimestamp.Now()); // the handshake seen done: a read is in flight

        // A Logon's record completes that read.
        var logon = Task.Run(() =>
        {
            Thread.Sleep(100);
            client.Send("A", "98=0|108=30|");
        });
        clock.Restart();
        parker.Park(TenSeconds);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the park lasted {clock.Elapsed.TotalMilliseconds:F0} ms though a Logon came over TLS after 100 ms");
        await logon;
        deadline = DateTime.UtcNow.AddSeconds(20);
        while (!acceptor.Sessions[0].IsLoggedOn && DateTime.UtcNow < deadline)
        {
            acceptor.DoWork(UtcTimestamp.Now());
            parker.Park(1_000_000);
        }
        Assert.True(acceptor.Sessions[0].IsLoggedOn);
    }
}
