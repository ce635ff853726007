// One TCP connection: a non-blocking socket with its own receive buffer and, once logged on, a send buffer that
// keeps what the socket did not take. "Would block", "peer closed" and errors are return values, never exceptions.
// Over TLS (FixConnection.Tls.cs) the same buffers sit on an SslStream driven without blocking.
using System.Net.Sockets;

namespace Exchange.Fix.Session;

internal sealed partial class FixConnection
{
    private readonly Socket _socket;
    private byte[] _receive;
    private int _receiveStart;
    private int _receiveEnd;
    private byte[] _send = [];
    private int _sendStart;
    private int _sendEnd;
    private bool _sendShutdown;
    private bool _disposed;

    public FixConnection(Socket socket, int receiveBufferLength, long acceptedAt)
    {
        _socket = socket;
        _receive = new byte[receiveBufferLength];
        AcceptedAt = acceptedAt;
        var remote = socket.RemoteEndPoint as System.Net.IPEndPoint;
        RemoteAddress = remote?.Address ?? System.Net.IPAddress.None;
        Remote = remote?.ToString() ?? "(unknown)";
    }

    public long AcceptedAt { get; }

    /// <summary>The socket's descriptor, for an agent that parks on it (-1 once closed).</summary>
    public int Descriptor => _disposed ? -1 : (int)_socket.Handle;

    /// <summary>Set when an operation running off the acceptor's thread (a TLS handshake, read or write) finishes, so an
    /// acceptor parked on it wakes; null: nobody is told (the next duty cycle finds it).</summary>
    public Exchange.Runtime.WakeSignal? Wake { get; set; }

    /// <summary>The peer's address, and address:port for logs.</summary>
    public System.Net.IPAddress RemoteAddress { get; }
    public string Remote { get; }

    /// <summary>Set by the closer: when the connection is closed even if bytes are still waiting.</summary>
    public long CloseDeadline { get; set; }

    /// <summary>The peer closed its side (end of stream); it may still read what we send.</summary>
    public bool PeerClosed { get; private set; }

    /// <summary>The connection failed (reset, error) or was disposed: nothing more is read or sent.</summary>
    public bool Failed { get; private set; }

    /// <summary>When bytes last left the send buffer (or it was last empty), for noticing a peer that stopped reading.</summary>
    public long LastSendProgressAt { get; private set; }

    public ReadOnlySpan<byte> Received => _receive.AsSpan(_receiveStart, _receiveEnd - _receiveStart);

    public void Consume(int count)
    {
        _receiveStart += count;
        if (_receiveStart == _receiveEnd) _receiveStart = _receiveEnd = 0;
    }

    /// <summary>Non-blocking reads into the receive buffer until the socket has nothing more (or the buffer is full);
    /// the number of bytes read. Reading on to "would block" also sees an end of stream that follows data, so a
    /// client that sent and closed frees its session in the same cycle.</summary>
    public int Receive()
    {
        int total = 0;
        while (!PeerClosed && !Failed)
        {
            if (_receiveStart > 0 && _receiveEnd == _receive.Length)
            {
                // Only a partial message is left at the end; moving it to the front is cheap.
                _receive.AsSpan(_receiveStart, _receiveEnd - _receiveStart).CopyTo(_receive);
                _receiveEnd -= _receiveStart;
                _receiveStart = 0;
            }
            var free = _receive.AsSpan(_receiveEnd);
            if (free.IsEmpty) break;
            if (_tls != null)
            {
                int decrypted = ReceiveTls(free);
                _receiveEnd += decrypted;
                total += decrypted;
                if (decrypted == 0) break;
                continue;
            }
            int read = _socket.Receive(free, SocketFlags.None, out SocketError error);
            if (error == SocketError.Success)
            {
                if (read == 0) PeerClosed = true;
                _receiveEnd += read;
                total += read;
                continue;
            }
            if (error is not (SocketError.WouldBlock or SocketError.Interrupted)) Failed = true;
            break;
        }
        return total;
    }

    /// <summary>A connection not logged on has a small receive buffer (a Logon's worth); its session gives it room for
    /// two of the largest messages.</summary>
    public void EnableReceiving(int receiveBufferLength)
    {
        if (_receive.Length >= receiveBufferLength) return;
        var larger = new byte[receiveBufferLength];
        _receive.AsSpan(_receiveStart, _receiveEnd - _receiveStart).CopyTo(larger);
        _receiveEnd -= _receiveStart;
        _receiveStart = 0;
        _receive = larger;
    }

    public void EnableSending(int sendBufferLength, long now)
    {
        if (_send.Length == 0) _send = new byte[sendBufferLength];
        LastSendProgressAt = now;
    }

    public int SendFree => _send.Length - (_sendEnd - _sendStart);

    public bool HasPendingSend => _sendEnd > _sendStart || TlsWriteInFlight;

    /// <summary>Sends <paramref name="bytes"/> or keeps them for <see cref="Flush"/>; false (nothing kept) when they do
    /// not fit in what is left of the send buffer.</summary>
    public bool Send(ReadOnlySpan<byte> bytes, long now)
    {
        if (Failed) return true; // the session learns of the loss on its next read
        if (!HasPendingSend)
        {
            int sent = SendToSocket(bytes, now);
            bytes = bytes[sent..];
            if (bytes.IsEmpty) return true;
        }
        if (_send.Length - _sendEnd < bytes.Length)
        {
            if (SendFree < bytes.Length) return false;
            _send.AsSpan(_sendStart, _sendEnd - _sendStart).CopyTo(_send);
            _sendEnd -= _sendStart;
            _sendStart = 0;
        }
        bytes.CopyTo(_send.AsSpan(_sendEnd));
        _sendEnd += bytes.Length;
        return true;
    }

    /// <summary>Hands the socket what it will take of the send buffer; the number of bytes sent.</summary>
    public int Flush(long now)
    {
        if (!HasPendingSend || Failed) return 0;
        if (_sendEnd == _sendStart) return SendToSocket([], now);
        int sent = SendToSocket(_send.AsSpan(_sendStart, _sendEnd - _sendStart), now);
        _sendStart += sent;
        if (_sendStart == _sendEnd) _sendStart = _sendEnd = 0;
        return sent;
    }

    private int SendToSocket(ReadOnlySpan<byte> bytes, long now)
    {
        if (_tls != null)
        {
            int taken = SendTls(bytes);
            if (taken > 0) LastSendProgressAt = now;
            return taken;
        }
        int sent = _socket.Send(bytes, SocketFlags.None, out SocketError error);
        if (error == SocketError.Success)
        {
            if (sent > 0) LastSendProgressAt = now;
            return sent;
        }
        if (error is not (SocketError.WouldBlock or SocketError.Interrupted)) Failed = true;
        return 0;
    }

    /// <summary>Sends FIN after what was sent, so the peer reads our last message before the end of the stream.</summary>
    public void ShutdownSend()
    {
        if (_sendShutdown || _disposed) return;
        _sendShutdown = true;
        if (_tls != null)
        {
            ShutdownTls();
            return;
        }
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Already reset by the peer: nothing left to tell it.
        }
    }

    /// <summary>Reads and drops whatever the peer still sends while we close, so closing does not turn into a reset
    /// that could destroy our last message.</summary>
    public void Discard()
    {
        _receiveStart = _receiveEnd = 0;
        Receive();
        _receiveStart = _receiveEnd = 0;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Failed = true;
        DisposeTls();
        _socket.Dispose();
    }
}
