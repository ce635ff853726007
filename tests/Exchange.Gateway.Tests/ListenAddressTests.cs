// The gateway listens on loopback unless its settings say otherwise (SocketAcceptAddress), so a gateway started from a
// sample file is not reachable from the network by accident. Linux routes all of 127/8 to lo, so 127.0.0.2 stands for
// "another address of this machine".
using System.Net;
using System.Net.Sockets;
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class ListenAddressTests
{
    private static bool Connects(string address, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(new IPEndPoint(IPAddress.Parse(address), port));
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }

    private static ChildProcess Gateway(TempDirectory dir, int enginePort, string defaults, out int port)
    {
        string settings = dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(dir.Combine("store"), defaults));
        return Processes.StartGateway(settings, enginePort, out port);
    }

    [Fact]
    public void Without_SocketAcceptAddress_the_gateway_accepts_on_loopback_only()
    {
        using var dir = new TempDirectory();
        using var engine = Processes.StartEngine(out int enginePort);
        using var gateway = Gateway(dir, enginePort, "", out int port);
        Assert.True(Connects("127.0.0.1", port));
        Assert.False(Connects("127.0.0.2", port));
    }

    [Fact]
    public void SocketAcceptAddress_0_0_0_0_makes_the_gateway_accept_on_every_address()
    {
        using var dir = new TempDirectory();
        using var engine = Processes.StartEngine(out int enginePort);
        using var gateway = Gateway(dir, enginePort, "SocketAcceptAddress=0.0.0.0\nTransport=tcp", out int port);
        Assert.True(Connects("127.0.0.2", port));
    }
}
