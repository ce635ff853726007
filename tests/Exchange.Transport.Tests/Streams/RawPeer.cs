// The other end of a stream written by hand: a plain UDP socket on loopback that records every datagram it gets and
// sends frames built with the frame encoders, so a test sees exactly what our side puts on the wire and answers as
// an Aeron peer would (or would not).
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Exchange.Transport.Tests.Streams;

internal sealed class RawPeer : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;
    /// <summary>Where the last datagram came from: the address to answer.</summary>
    public IPEndPoint? LastSource { get; private set; }
    public List<byte[]> Received { get; } = [];

    /// <summary>Reads every datagram waiting; returns how many.</summary>
    public int Pump()
    {
        int count = 0;
        while (_socket.Available > 0)
        {
            IPEndPoint? from = null;
            Received.Add(_socket.Receive(ref from));
            LastSource = from;
            count++;
        }
        return count;
    }

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint to) => _socket.Send(datagram, to);

    public void Send(ReadOnlySpan<byte> datagram) => Send(datagram, LastSource ?? throw new InvalidOperationException("nothing received yet"));

    /// <summary>Frames received of one type (the first frame of each datagram).</summary>
    public IEnumerable<byte[]> OfType(FrameType type) => Received.Where(d => d.Length >= 8 && BinaryPrimitives.ReadInt16LittleEndian(d.AsSpan(6)) == (short)type);

    public static byte Flags(byte[] frame) => frame[FrameHeader.FlagsOffset];

    public static bool IsHeartbeat(byte[] frame) =>
        BinaryPrimitives.ReadInt16LittleEndian(frame.AsSpan(6)) == (short)FrameType.Data && BinaryPrimitives.ReadInt32LittleEndian(frame) == 0;

    public void Dispose() => _socket.Dispose();
}
