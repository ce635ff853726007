// What the two kinds of channel endpoint share: one socket, sends counted, and a receive loop that hands each
// datagram to the endpoint's dispatch.
using System.Net;

namespace Exchange.Transport;

internal abstract class UdpChannelEndpoint : IDisposable
{
    protected readonly Transport Transport;
    private readonly UdpSocket _socket;

    protected UdpChannelEndpoint(Transport transport, IPEndPoint local, ChannelUri channel)
    {
        Transport = transport;
        int buffer = transport.Options.SocketBufferLength;
        _socket = UdpSocket.Bind(local, channel.SocketReceiveBufferLength ?? buffer, channel.SocketSendBufferLength ?? buffer);
    }

    public IPEndPoint LocalEndPoint => _socket.LocalEndPoint;

    internal int Descriptor => _socket.Descriptor;

    /// <summary>Streams registered or about to be (guarded by the transport's registry lock).</summary>
    public int Reserved;

    public bool Send(ReadOnlySpan<byte> datagram, in PeerAddress to)
    {
        var counters = Transport.Counters;
        if (!_socket.Send(datagram, to))
        {
            counters.SendFailuresValue++;
            return false;
        }
        counters.BytesSentValue += datagram.Length;
        counters.DatagramsSentValue++;
        return true;
    }

    /// <summary>Reads up to a cycle's worth of datagrams and dispatches each; returns how many were read. A receive that
    /// brings fewer datagrams than it had room for emptied the socket: no second call to learn that.</summary>
    public int Receive(long now, ReceiveBatch batch, Span<byte> scratch)
    {
        var counters = Transport.Counters;
        int limit = Transport.Options.MaxDatagramsPerReceiveCycle;
        int datagrams = 0;
        while (datagrams < limit)
        {
            int asked = Math.Min(limit - datagrams, batch.Slots);
            int received = _socket.Receive(batch, asked);
            counters.ReceiveCallsValue++;
            for (int i = 0; i < received; i++)
            {
                var datagram = batch.Datagram(i);
                counters.BytesReceivedValue += datagram.Length;
                counters.DatagramsReceivedValue++;
                Dispatch(datagram, batch.From(i), now, scratch);
            }
            datagrams += received;
            if (received < asked) break;
        }
        return datagrams;
    }

    protected abstract void Dispatch(ReadOnlySpan<byte> datagram, in PeerAddress from, long now, Span<byte> scratch);

    public void Dispose() => _socket.Dispose();
}
