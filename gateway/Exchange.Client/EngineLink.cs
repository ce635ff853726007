// What a shard session sends through to one replica: a publication of its own (stream Commands), or a lane of a
// connection shared with other sessions of the process (SharedEngineConnections, stream LaneCommands), where each
// message goes out led by the lane's header. The session sees the same Offer, IsConnected, IsFinished and Close.
using Exchange.Contract;
using Exchange.Transport;

namespace Exchange.Client;

internal sealed class EngineLink
{
    private readonly Publication _publication;
    private readonly bool _laned;
    private readonly uint _lane;
    private byte[] _scratch = [];
    private bool _closed;

    /// <summary>A publication of the session's own.</summary>
    public EngineLink(Publication publication) => _publication = publication;

    /// <summary>A lane of a shared publication.</summary>
    public EngineLink(Publication shared, uint lane)
    {
        _publication = shared;
        _laned = true;
        _lane = lane;
        _scratch = new byte[512];
    }

    public bool IsConnected => _publication.IsConnected;
    /// <summary>The publication's channel (shared by every lane of a shared connection).</summary>
    public ChannelUri Channel => _publication.Channel;
    /// <summary>Own publication: closed and done lingering. Lane: closed (what it offered goes out with the shared
    /// publication, which its owner closes and drains).</summary>
    public bool IsFinished => _laned ? _closed : _publication.IsFinished;

    /// <summary>As <see cref="Publication.Offer"/>; on a lane the message goes out led by the lane's header.</summary>
    public long Offer(ReadOnlySpan<byte> message)
    {
        if (!_laned) return _publication.Offer(message);
        if (_closed) return OfferResult.Closed;
        int length = Lanes.HeaderLength + message.Length;
        if (_scratch.Length < length) _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        Lanes.Write(_scratch, _lane);
        message.CopyTo(_scratch.AsSpan(Lanes.HeaderLength));
        return _publication.Offer(_scratch.AsSpan(0, length));
    }

    public void Close()
    {
        if (_laned) _closed = true;
        else _publication.Close();
    }
}
