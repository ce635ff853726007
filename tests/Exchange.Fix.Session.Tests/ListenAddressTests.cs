// Where the acceptor listens: loopback unless the settings say otherwise, so a gateway started with a sample file is
// not reachable from the network by accident. Linux routes all of 127/8 to lo, so 127.0.0.2 stands for "another
// address of this machine".
using System.Net;
using System.Net.Sockets;

namespace Exchange.Fix.Session.Tests;

public class ListenAddressTests
{
    private static FixAcceptor Acceptor(string store, string addressLine) => new(SessionSettings.Parse($"""
        [SESSION]
        ConnectionType=acceptor
        BeginString=FIX.4.4
        SenderCompID=EXCH
        TargetCompID=BROKER
        SocketAcceptPort=0
        FileStorePath={store}
        AllowNoPassword=Y
        {addressLine}
        """, "listen.cfg"), new TestApplication(), () => 0, new FixAcceptorOptions { ScreenLog = Stream.Null });

    private static bool Connects(IPAddress address, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }

    [Fact]
    public void Without_an_accept_address_the_acceptor_listens_on_loopback_only()
    {
        using var store = new TempStore();
        using var acceptor = Acceptor(store.Path, "");
        Assert.Equal(IPAddress.Loopback, acceptor.EndPoints[0].Address);
        Assert.True(Connects(IPAddress.Loopback, acceptor.Port));
        Assert.False(Connects(IPAddress.Parse("127.0.0.2"), acceptor.Port));
    }

    [Fact]
    public void SocketAcceptAddress_0_0_0_0_listens_on_every_address()
    {
        using var store = new TempStore();
        using var acceptor = Acceptor(store.Path, "SocketAcceptAddress=0.0.0.0\nTransport=tcp");
        Assert.Equal(IPAddress.Any, acceptor.EndPoints[0].Address);
        Assert.True(Connects(IPAddress.Parse("127.0.0.2"), acceptor.Port));
    }
}
