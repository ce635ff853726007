// A non-blocking UDP socket. The .NET Socket creates, configures and binds it; datagrams move through
// recvmmsg/sendto on its descriptor so that "nothing to read" and "send buffer full" are return values.
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Exchange.Transport;

public sealed unsafe class UdpSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly int _descriptor;

    private UdpSocket(Socket socket)
    {
        _socket = socket;
        _descriptor = (int)socket.SafeHandle.DangerousGetHandle();
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The socket's file descriptor, for waiting on it.</summary>
    internal int Descriptor => _descriptor;

    /// <summary>Errors other than "would block" seen by <see cref="Receive"/> and <see cref="Send"/>.</summary>
    public long Errors { get; private set; }

    /// <summary>Opens a socket bound to <paramref name="local"/> (port 0: any free port). Start-up only; throws on failure.</summary>
    public static UdpSocket Bind(IPEndPoint local, int receiveBufferLength, int sendBufferLength)
    {
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (receiveBufferLength > 0) socket.ReceiveBufferSize = receiveBufferLength;
            if (sendBufferLength > 0) socket.SendBufferSize = sendBufferLength;
            socket.Blocking = false;
            socket.Bind(local);
            return new UdpSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads up to <paramref name="limit"/> (at most the batch's slots) datagrams waiting, in one system call:
    /// how many, 0 when none is waiting (errors count and also return 0).</summary>
    internal int Receive(ReceiveBatch batch, int limit)
    {
        int received = Native.recvmmsg(_descriptor, batch.Messages, (uint)Math.Min(limit, batch.Slots), Native.MsgDontWait, null);
        if (received > 0)
        {
            batch.Received(received);
            return received;
        }
        if (received < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Native.EAgain && errno != Native.EIntr) Errors++;
        }
        return 0;
    }

    /// <summary>Sends one datagram; false if the socket's buffer is full or the send failed.</summary>
    public bool Send(ReadOnlySpan<byte> datagram, in PeerAddress to)
    {
        fixed (byte* data = datagram)
        fixed (PeerAddress* address = &to)
        {
            nint sent = Native.sendto(_descriptor, data, datagram.Length, Native.MsgDontWait, address->Pointer, address->Length);
            if (sent >= 0) return true;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Native.EAgain) Errors++;
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();
}
