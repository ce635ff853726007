// The socket publications of one channel send from: DATA, SETUP and heartbeats go to the channel's endpoint;
// status messages, NAKs and RTT measurements come back to it and are dispatched by session and stream.
using System.Net;

namespace Exchange.Transport;

internal sealed class SendChannelEndpoint : UdpChannelEndpoint
{
    private readonly List<Publication> _publications = [];
    private readonly List<Publication> _registered = [];
    private readonly PeerAddress _destination;

    public SendChannelEndpoint(Transport transport, string key, ChannelUri channel, IPEndPoint destination)
        : base(transport, LocalFor(channel, destination), channel)
    {
        Key = key;
        _destination = PeerAddress.From(destination);
    }

    /// <summary>The address the socket binds: the channel's interface if it names one, else the one address the
    /// system would send to the destination from (loopback for a loopback destination), never the wildcard, so the
    /// socket that receives status messages and NAKs is reachable only where its traffic goes.</summary>
    private static IPEndPoint LocalFor(ChannelUri channel, IPEndPoint destination)
    {
        if (channel.Interface is { } nic) return new IPEndPoint(Transport.ResolveHost(nic.Host, destination.AddressFamily), nic.Port ?? 0);
        if (IPAddress.IsLoopback(destination.Address))
            return new IPEndPoint(destination.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0);
        // Connecting a UDP socket sends nothing; it only asks the routing table for the source address.
        using var probe = new System.Net.Sockets.Socket(destination.AddressFamily, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        probe.Connect(destination);
        return new IPEndPoint(((IPEndPoint)probe.LocalEndPoint!).Address, 0);
    }

    public string Key { get; }

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

    public bool Send(ReadOnlySpan<byte> datagram) => Send(datagram, _destination);

    protected override void Dispatch(ReadOnlySpan<byte> datagram, in PeerAddress from, long now, Span<byte> scratch)
    {
        var counters = Transport.Counters;
        if (!FrameHeader.TryWrap(datagram, out var header, out var error)) { counters.Drop(error); return; }
        switch (header.Type)
        {
            case FrameType.StatusMessage:
                if (!StatusMessageFrame.TryWrap(datagram, out var sm, out error)) break;
                Target(sm.SessionId, sm.StreamId)?.OnStatusMessage(sm, now);
                return;
            case FrameType.Nak:
                if (!NakFrame.TryWrap(datagram, out var nak, out error)) break;
                Target(nak.SessionId, nak.StreamId)?.OnNak(nak, now);
                return;
            case FrameType.Rttm:
                if (!RttMeasurementFrame.TryWrap(datagram, out var rttm, out error)) break;
                Target(rttm.SessionId, rttm.StreamId)?.OnRttMeasurement(rttm, scratch);
                return;
            default:
                counters.Drop(DropReason.UnexpectedType);
                return;
        }
        counters.Drop(error);
    }

    /// <summary>The publication a control frame names; one that names none is counted as a drop.</summary>
    private Publication? Target(int sessionId, int streamId)
    {
        foreach (var publication in _publications)
            if (publication.SessionId == sessionId && publication.StreamId == streamId) return publication;
        Transport.Counters.Drop(DropReason.UnknownPublication);
        return null;
    }

}
