// A plain UDP socket on loopback that sends and receives datagrams carrying a sequence number.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Exchange.Transport.Shim.Tests;

internal sealed class UdpPeer : IDisposable
{
    public const int DatagramLength = 32;

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _buffer = new byte[2048];

    public UdpPeer()
    {
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.SendBufferSize = 4 * 1024 * 1024;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Endpoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint Endpoint { get; }

    public static long SequenceOf(ReadOnlySpan<byte> datagram) => BinaryPrimitives.ReadInt64LittleEndian(datagram);

    public void Send(long sequence, EndPoint to)
    {
        Span<byte> datagram = stackalloc byte[DatagramLength];
        datagram.Clear();
        BinaryPrimitives.WriteInt64LittleEndian(datagram, sequence);
        _socket.SendTo(datagram, SocketFlags.None, to);
    }

    public void SendEmpty(EndPoint to) => _socket.SendTo(ReadOnlySpan<byte>.Empty, SocketFlags.None, to);

    /// <summary>Takes one datagram if one is waiting (an empty one as sequence -1); never blocks.</summary>
    public bool TryReceive(out long sequence, out IPEndPoint from)
    {
        sequence = 0;
        from = null!;
        if (!_socket.Poll(0, SelectMode.SelectRead)) return false;
        EndPoint sender = new IPEndPoint(IPAddress.Any, 0);
        int length = _socket.ReceiveFrom(_buffer, ref sender);
        if (length != 0) Assert.Equal(DatagramLength, length);
        sequence = length == 0 ? -1 : SequenceOf(_buffer);
        from = (IPEndPoint)sender;
        return true;
    }

    public bool TryReceive(out long sequence) => TryReceive(out sequence, out _);

    public void Dispose() => _socket.Dispose();
}
