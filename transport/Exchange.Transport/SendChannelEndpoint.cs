// The socket publications of one channel send from: DATA, SETUP and heartbeats go to the channel's endpoint;
// status messages, NAKs and RTT measurements come back to it and are dispatched by session and stream.
using System.Net;

namespace Exchange.Transport;

internal sealed class SendChannelEndpoint : IDisposable
{
    private readonly Transport _transport;
    private readonly UdpSocket _socket;
    private readonly List<Publication> _publications = [];
    private PeerAddress _destination;

    public SendChannelEndpoint(Transport transport, string key, ChannelUri channel)
    {
        _transport = transport;
        Key = key;
        var destination = Transport.Resolve(channel.Endpoint);
        _destination = PeerAddress.From(destination);
        var local = channel.Interface is { } nic
            ? new IPEndPoint(Transport.ResolveHost(nic.Host, destination.AddressFamily), nic.Port ?? 0)
            : new IPEndPoint(destination.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        int buffer = transport.Options.SocketBufferLength;
        _socket = UdpSocket.Bind(local, channel.SocketReceiveBufferLength ?? buffer, channel.SocketSendBufferLength ?? buffer);
        Destination = destination;
    }

    public string Key { get; }
    public IPEndPoint Destination { get; }
    public IPEndPoint LocalEndPoint => _socket.LocalEndPoint;

    /// <summary>Publications registered or about to be (guarded by the transport's registry lock).</summary>
    public int Reserved;

    private readonly List<Publication> _registered = [];

    /// <summary>Every publication of this endpoint, started or pending (guarded by the registry lock).</summary>
    public IEnumerable<Publication> Registered => _registered;

    public void Register(Publication publication) => _registered.Add(publication);

    public void Unregister(Publication publication) => _registered.Remove(publication);

    public long MessagesOffered()
    {
        long total = 0;
        foreach (var publication in _registered) total += publication.MessagesOffered;
        return total;
    }

    public void Add(Publication publication) => _publications.Add(publication);

    public void Remove(Publication publication) => _publications.Remove(publication);

    public bool Send(ReadOnlySpan<byte> datagram)
    {
        var counters = _transport.Counters;
        if (!_socket.Send(datagram, _destination))
        {
            counters.SendFailuresValue++;
            return false;
        }
        counters.BytesSentValue += datagram.Length;
        counters.DatagramsSentValue++;
        return true;
    }

    /// <summary>Reads control frames sent back by receivers.</summary>
    public int Receive(long now, Span<byte> buffer, Span<byte> scratch)
    {
        var counters = _transport.Counters;
        int limit = _transport.Options.MaxDatagramsPerReceiveCycle;
        int datagrams = 0;
        var from = new PeerAddress();
        while (datagrams < limit)
        {
            int length = _socket.Receive(buffer, ref from);
            if (length == 0) break;
            datagrams++;
            counters.BytesReceivedValue += length;
            counters.DatagramsReceivedValue++;
            Dispatch(buffer[..length], now, scratch);
        }
        return datagrams;
    }

    private void Dispatch(ReadOnlySpan<byte> datagram, long now, Span<byte> scratch)
    {
        var counters = _transport.Counters;
        if (!FrameHeader.TryWrap(datagram, out var header, out var error)) { counters.Drop(error); return; }
        switch (header.Type)
        {
            case FrameType.StatusMessage:
                if (!StatusMessageFrame.TryWrap(datagram, out var sm, out error)) { counters.Drop(error); return; }
                var target = Find(sm.SessionId, sm.StreamId);
                if (target == null) counters.Drop(DropReason.UnknownPublication);
                else target.OnStatusMessage(sm, now);
                return;
            case FrameType.Nak:
                if (!NakFrame.TryWrap(datagram, out var nak, out error)) { counters.Drop(error); return; }
                var nakTarget = Find(nak.SessionId, nak.StreamId);
                if (nakTarget == null) counters.Drop(DropReason.UnknownPublication);
                else nakTarget.OnNak(nak, now);
                return;
            case FrameType.Rttm:
                if (!RttMeasurementFrame.TryWrap(datagram, out var rttm, out error)) { counters.Drop(error); return; }
                var rttmTarget = Find(rttm.SessionId, rttm.StreamId);
                if (rttmTarget == null) counters.Drop(DropReason.UnknownPublication);
                else rttmTarget.OnRttMeasurement(rttm, scratch);
                return;
            default:
                counters.Drop(DropReason.UnexpectedType);
                return;
        }
    }

    private Publication? Find(int sessionId, int streamId)
    {
        foreach (var publication in _publications)
            if (publication.SessionId == sessionId && publication.StreamId == streamId) return publication;
        return null;
    }

    public void Dispose() => _socket.Dispose();
}
