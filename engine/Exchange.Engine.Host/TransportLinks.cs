// The engine's links over the transport: one subscription on the listen channel (stream Commands) whose images
// are client connections, and for each logged-on connection two publications to the channel its Logon named
// (Responses and MarketData). Runs on the engine thread; the transport's duty cycle is driven from the same loop.
// The listen channel is udp, or ipc for processes on the engine's host (a co-located gateway or market maker), whose
// connections then name an ipc channel for their responses.
//
// What a stranger can make the engine do is bounded here: a response channel must name the client's own address
// (or one the config allows) as an IP literal and a term no longer than the limit, and is rebuilt from those two
// facts, so nothing else a Logon asks for reaches the transport; a path opened only to carry a LogonReject is small,
// lingers briefly, and is refused past a budget per source address and in total. A connection's image is admitted
// (out of the transport's pool for strangers) while its client is logged on.
//
// Lanes: a process with many sessions (a gateway) sends them all on one image of stream LaneCommands, each message led
// by its lane (Exchange.Contract.Lanes). Every lane is a connection of its own to the service; the lanes of one image
// that name one response channel share one pair of publications (LaneResponses, led by the lane, and MarketData, sent
// once for them all). An image may hold up to ConnectionLimits.MaxLanesPerConnection lanes; a lane without a session
// that has been silent for the logon timeout is let go, as a plain connection's image is.
using System.Net;
using Exchange.Contract;
using Exchange.Transport;

namespace Exchange.Engine.Host;

public sealed class TransportLinks : IEngineLinks
{
    /// <summary>A reject path needs room for one message only.</summary>
    private const int RejectTermLength = TermPosition.MinTermLength;
    private const string RejectLinger = "200ms";

    private readonly Transport.Transport _transport;
    private readonly ConnectionLimits _limits;
    private readonly Image?[] _images;
    private readonly Publication?[] _responses;
    private readonly Publication?[] _marketData;
    /// <summary>The open market-data publications, packed, so a market-data message visits only live sessions.</summary>
    private readonly Publication[] _activeMarketData;
    private int _activeCount;
    private readonly Publication? _marketDataChannel;
    private readonly Stack<int> _freeConnections = new();
    private readonly List<Publication> _rejectPaths = [];
    private readonly List<Publication> _challengePaths = [];
    private readonly SourceRateLimiter _failedLogons, _redirects, _challenges;
    private readonly HashSet<IPAddress> _allowedResponseHosts;
    private long _marketDataDropped;

    // ---- lanes ----
    /// <summary>An image of stream LaneCommands: its lanes' connections, and the response paths they share.</summary>
    private sealed class LaneImage(Image image)
    {
        public readonly Image Image = image;
        public readonly Dictionary<uint, int> Connections = [];
        /// <summary>Session paths by the endpoint (or ipc name) they answer to.</summary>
        public readonly Dictionary<string, LanePath> Paths = new(StringComparer.Ordinal);
    }

    /// <summary>A response path of lanes: shared by the sessions naming its endpoint, or one lane's short-lived path
    /// for a challenge or a reject.</summary>
    private sealed class LanePath(Publication responses, Publication? marketData, string? endpoint)
    {
        public readonly Publication Responses = responses;
        public readonly Publication? MarketData = marketData;
        /// <summary>Null for a lane's own short-lived path.</summary>
        public readonly string? Endpoint = endpoint;
        public int Sessions;
    }

    private readonly LaneImage?[] _laneImageOf;
    private readonly uint[] _laneOf;
    private readonly LanePath?[] _lanePaths;
    private readonly long[] _laneHeard;
    private readonly List<LaneImage?> _laneImages = [];
    private readonly Stack<int> _freeLaneImages = new();
    private readonly List<int> _expired = [];
    private long _nextLaneSweep;
    private byte[] _laneScratch = new byte[4096];
    private int _laneConnections;

    public TransportLinks(Transport.Transport transport, string listenChannel, int maxConnections, string? marketDataChannel, ConnectionLimits? limits = null)
    {
        _transport = transport;
        _limits = limits ?? new ConnectionLimits();
        Commands = transport.AddSubscription(listenChannel, StreamIds.Commands);
        // The lane stream shares the command stream's socket: a listen channel on port 0 names the port that was bound.
        Lanes = transport.AddSubscription(Commands.Channel.IsIpc || Commands.Channel.Endpoint.Port != 0 ? listenChannel
            : System.Text.RegularExpressions.Regex.Replace(listenChannel, @"(endpoint=[^|]*):0(?=\||$)", $"$1:{Commands.LocalEndPoint.Port}"), StreamIds.LaneCommands);
        if (!Commands.Channel.IsIpc && Lanes.LocalEndPoint.Port != Commands.LocalEndPoint.Port)
            throw new ArgumentException($"the lane stream could not share the listen channel's port {Commands.LocalEndPoint.Port}");
        _laneImageOf = new LaneImage?[maxConnections];
        _laneOf = new uint[maxConnections];
        _lanePaths = new LanePath?[maxConnections];
        _laneHeard = new long[maxConnections];
        _images = new Image?[maxConnections];
        _responses = new Publication?[maxConnections];
        _marketData = new Publication?[maxConnections];
        _activeMarketData = new Publication[maxConnections];
        for (int i = maxConnections - 1; i >= 0; i--) _freeConnections.Push(i);
        if (marketDataChannel != null) _marketDataChannel = transport.AddPublication(marketDataChannel, StreamIds.MarketData);
        _failedLogons = new SourceRateLimiter(_limits.FailedLogonsPerSourcePerSecond);
        _redirects = new SourceRateLimiter(_limits.RedirectsPerSourcePerSecond);
        _challenges = new SourceRateLimiter(_limits.ChallengesPerSourcePerSecond);
        _allowedResponseHosts = _limits.AllowedResponseHosts.Select(IPAddress.Parse).ToHashSet();
    }

    /// <summary>The transport options that go with these limits: what the engine's transport must be created with.</summary>
    public static TransportOptions TransportOptionsFor(ConnectionLimits limits) => new()
    {
        MaxReceiverTermLength = limits.MaxTermLength,
        MaxPendingImages = limits.MaxPendingConnections,
        MaxPendingImagesPerSource = limits.MaxPendingConnectionsPerSource,
        PendingImageTimeoutNanos = limits.LogonTimeoutMs * NanoClock.Millisecond,
        NewImagesPerSourcePerSecond = limits.NewConnectionsPerSourcePerSecond,
        NewImagesPerSecond = limits.NewConnectionsPerSecond,
    };

    public Subscription Commands { get; }
    /// <summary>The listen channel's stream of connections carrying many sessions (lanes).</summary>
    public Subscription Lanes { get; }
    /// <summary>The clock of the loop's current pass, for the lanes' last-heard times.</summary>
    public long Now { get; set; }

    /// <summary>Lane messages dropped: too short for a lane header, or a new lane past the connection's limit or with
    /// no connection number free.</summary>
    public long LaneMessagesRefused { get; private set; }
    /// <summary>Connections that are lanes of a shared image.</summary>
    public int LaneConnections => _laneConnections;
    /// <summary>Client images on both streams: a gateway is one, however many lanes it carries.</summary>
    public int ClientConnections => Commands.ImageCount + Lanes.ImageCount;

    /// <summary>Market-data messages not sent because a subscriber's window was full (it sees a gap in sequence numbers).</summary>
    public long MarketDataDropped => _marketDataDropped;
    /// <summary>LogonRejects not sent because the budget for strangers was spent (the logon is still refused).</summary>
    public long RejectsNotSent { get; private set; }
    /// <summary>Response channels refused (malformed, a foreign host, a term too long).</summary>
    public long ResponseChannelsRefused { get; private set; }
    /// <summary>Paths opened to carry a LogonReject that have not finished yet.</summary>
    public int OpenRejectPaths => _rejectPaths.Count;

    /// <summary>Gives a new client image a connection number; -1 when all are in use (its messages are then ignored).</summary>
    public int Attach(Image image)
    {
        if (_freeConnections.Count == 0) { image.Tag = -1; return -1; }
        int connection = _freeConnections.Pop();
        image.Tag = connection;
        _images[connection] = image;
        return connection;
    }

    /// <summary>Frees a departed image's connection number (after the service has been told it was lost).</summary>
    public void Detach(Image image)
    {
        int connection = (int)image.Tag;
        if (connection < 0) return;
        CloseResponses(connection);
        _images[connection] = null;
        _freeConnections.Push(connection);
        image.Tag = -1;
    }

    public bool HasUnread(int connection) =>
        _laneImageOf[connection] is { } lanes ? lanes.Image.HasUnread : _images[connection] is { } image && image.HasUnread;

    /// <summary>A new image of the lane stream: no connection yet; each lane gets one with its first message.</summary>
    public void AttachLanes(Image image)
    {
        int slot;
        if (_freeLaneImages.Count > 0) _laneImages[slot = _freeLaneImages.Pop()] = new LaneImage(image);
        else
        {
            slot = _laneImages.Count;
            _laneImages.Add(new LaneImage(image));
        }
        image.Tag = slot;
    }

    /// <summary>The connection a lane message belongs to, with <paramref name="message"/> moved past the lane header;
    /// -1 (the message dropped, counted) for one too short, or a new lane the image or the engine has no room for.</summary>
    public int LaneConnection(Image image, ref ReadOnlySpan<byte> message)
    {
        if (image.Tag < 0 || _laneImages[(int)image.Tag] is not { } lanes || !Exchange.Contract.Lanes.TryRead(message, out uint lane, out var body))
        {
            LaneMessagesRefused++;
            return -1;
        }
        if (!lanes.Connections.TryGetValue(lane, out int connection))
        {
            if (lanes.Connections.Count >= _limits.MaxLanesPerConnection || _freeConnections.Count == 0)
            {
                LaneMessagesRefused++;
                return -1;
            }
            connection = _freeConnections.Pop();
            lanes.Connections.Add(lane, connection);
            _laneImageOf[connection] = lanes;
            _laneOf[connection] = lane;
            _laneConnections++;
        }
        _laneHeard[connection] = Now;
        message = body;
        return connection;
    }

    /// <summary>A lane image went away: every lane's connection, for the service to be told it was lost, then let go
    /// with <see cref="ReleaseLane"/>.</summary>
    public void LanesOf(Image image, List<int> into)
    {
        into.Clear();
        if (image.Tag >= 0 && _laneImages[(int)image.Tag] is { } lanes) into.AddRange(lanes.Connections.Values);
    }

    /// <summary>Frees a lane's connection number (after the service has been told it was lost).</summary>
    public void ReleaseLane(int connection)
    {
        if (_laneImageOf[connection] is not { } lanes) return;
        CloseResponses(connection);
        lanes.Connections.Remove(_laneOf[connection]);
        _laneImageOf[connection] = null;
        _freeConnections.Push(connection);
        _laneConnections--;
    }

    /// <summary>Forgets a departed lane image (its lanes released first).</summary>
    public void DetachLanes(Image image)
    {
        if (image.Tag < 0) return;
        int slot = (int)image.Tag;
        _laneImages[slot] = null;
        _freeLaneImages.Push(slot);
        image.Tag = -1;
    }

    /// <summary>Lanes with no session, silent for the logon timeout, for the service to be told they were lost and
    /// then released: what a plain connection's image left unadmitted comes to. Looks at most every 100 ms.</summary>
    public List<int> ExpiredLanes(long now)
    {
        _expired.Clear();
        if (_laneConnections == 0 || now < _nextLaneSweep) return _expired;
        _nextLaneSweep = now + 100 * NanoClock.Millisecond;
        long timeout = _limits.LogonTimeoutMs * NanoClock.Millisecond;
        foreach (var lanes in _laneImages)
        {
            if (lanes == null) continue;
            foreach (int connection in lanes.Connections.Values)
                if (_lanePaths[connection] is not { Endpoint: not null } && now - _laneHeard[connection] > timeout) _expired.Add(connection);
        }
        return _expired;
    }

    public bool OpenResponses(int connection, string responseChannel, ResponsePath purpose, out string? error)
    {
        if (_laneImageOf[connection] is { } lanes) return OpenLaneResponses(connection, lanes, responseChannel, purpose, out error);
        var image = _images[connection];
        error = CheckResponseChannel(image, responseChannel, out var endpoint, out int termLength, out int mtu);
        if (error != null)
        {
            ResponseChannelsRefused++;
            return false;
        }
        if (purpose != ResponsePath.Session && !RejectBudget(image!, purpose, out error))
        {
            RejectsNotSent++;
            return false;
        }
        CloseResponses(connection);
        string channel = PathChannel(image!.IsIpc, endpoint, termLength, mtu, purpose);
        try
        {
            var responses = _transport.AddPublication(channel, StreamIds.Responses);
            _responses[connection] = responses;
            if (purpose != ResponsePath.Session)
            {
                (purpose == ResponsePath.Challenge ? _challengePaths : _rejectPaths).Add(responses);
                return true;
            }
            var marketData = _transport.AddPublication(channel, StreamIds.MarketData);
            _marketData[connection] = marketData;
            _activeMarketData[_activeCount++] = marketData;
            image!.Admit();
            return true;
        }
        catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
        {
            CloseResponses(connection);
            error = $"response channel unusable: {e.Message}";
            return false;
        }
    }

    private bool OpenLaneResponses(int connection, LaneImage lanes, string responseChannel, ResponsePath purpose, out string? error)
    {
        var image = lanes.Image;
        error = CheckResponseChannel(image, responseChannel, out var endpoint, out int termLength, out int mtu);
        if (error != null)
        {
            ResponseChannelsRefused++;
            return false;
        }
        lanes.Paths.TryGetValue(endpoint, out var shared);
        // A lane's challenge or reject goes on its connection's shared path when there is one (no publication of its
        // own), under the same per-address rates as a plain connection's.
        if (purpose != ResponsePath.Session && !RejectBudget(image, purpose, opensPath: shared == null, out error))
        {
            RejectsNotSent++;
            return false;
        }
        CloseResponses(connection);
        try
        {
            if (purpose != ResponsePath.Session)
            {
                if (shared != null) _lanePaths[connection] = new LanePath(shared.Responses, null, null);
                else
                {
                    var own = _transport.AddPublication(PathChannel(image.IsIpc, endpoint, termLength, mtu, purpose), StreamIds.LaneResponses);
                    (purpose == ResponsePath.Challenge ? _challengePaths : _rejectPaths).Add(own);
                    _lanePaths[connection] = new LanePath(own, null, null) { Sessions = -1 };
                }
                return true;
            }
            if (shared == null)
            {
                string channel = PathChannel(image.IsIpc, endpoint, termLength, mtu, purpose);
                var responses = _transport.AddPublication(channel, StreamIds.LaneResponses);
                Publication marketData;
                try { marketData = _transport.AddPublication(channel, StreamIds.MarketData); }
                catch
                {
                    responses.Close();
                    throw;
                }
                shared = new LanePath(responses, marketData, endpoint);
                lanes.Paths.Add(endpoint, shared);
                _activeMarketData[_activeCount++] = marketData;
            }
            shared.Sessions++;
            _lanePaths[connection] = shared;
            image.Admit();
            return true;
        }
        catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
        {
            CloseResponses(connection);
            error = $"response channel unusable: {e.Message}";
            return false;
        }
    }

    /// <summary>The channel of a response path: the session's as the client asked, or a small, lingering one for a
    /// single challenge or reject.</summary>
    private static string PathChannel(bool ipc, string endpoint, int termLength, int mtu, ResponsePath purpose) => ipc
        ? purpose == ResponsePath.Session
            ? $"aeron:ipc?name={endpoint}|term-length={termLength}|mtu={mtu}"
            : $"aeron:ipc?name={endpoint}|term-length={RejectTermLength}|mtu={Math.Min(mtu, RejectTermLength / 2)}|linger={RejectLinger}"
        : purpose == ResponsePath.Session
            ? $"aeron:udp?endpoint={endpoint}|term-length={termLength}|mtu={mtu}"
            : $"aeron:udp?endpoint={endpoint}|term-length={RejectTermLength}|mtu={Math.Min(mtu, RejectTermLength / 2)}|linger={RejectLinger}";

    /// <summary>Why a client's response channel is not acceptable, or null. A connection over ipc names an ipc channel
    /// (its name, a term length within the limit, an mtu). Over udp, what it may name: an IP literal (nothing
    /// is resolved on the engine thread) that is the client's own address or an allowed one, a port, a term length
    /// within the limit, an mtu. Anything else in it is refused, not ignored.</summary>
    private string? CheckResponseChannel(Image? image, string text, out string endpoint, out int termLength, out int mtu)
    {
        endpoint = "";
        termLength = mtu = 0;
        if (image == null) return "no connection";
        if (!ChannelUri.TryParse(text, out var uri, out string problem)) return problem;
        if (uri.IsIpc != image.IsIpc)
            return image.IsIpc ? "a connection over ipc takes its responses over ipc" : "an ipc response channel needs a connection over ipc";
        if (uri.IsIpc)
        {
            // A process on this host, in the transport's owner-only ipc directory: it names where it listens, nothing more.
            if (uri.SessionId != null || uri.LingerNanoseconds != null) return "a response channel may set name, term-length and mtu only";
            if (uri.TermLength > _limits.MaxTermLength) return $"term-length {uri.TermLength} exceeds the engine's limit of {_limits.MaxTermLength}";
            endpoint = uri.IpcName!;
            termLength = uri.TermLength;
            mtu = uri.Mtu;
            return null;
        }
        if (uri.Control != null || uri.Interface != null || uri.Ttl != null || uri.SessionId != null || uri.LingerNanoseconds != null
            || uri.ReceiverWindow != null || uri.SocketReceiveBufferLength != null || uri.SocketSendBufferLength != null)
            return "a response channel may set endpoint, term-length and mtu only";
        if (!IPAddress.TryParse(uri.Endpoint.Host, out var host)) return $"response host '{uri.Endpoint.Host}' is not an IP address";
        if (uri.Endpoint.Port == 0) return "response port 0";
        var source = image.SourcePeer.ToEndPoint()?.Address;
        if (!host.Equals(source) && !_allowedResponseHosts.Contains(host))
            return $"response host {host} is not the client's own address {source}";
        if (uri.TermLength > _limits.MaxTermLength) return $"term-length {uri.TermLength} exceeds the engine's limit of {_limits.MaxTermLength}";
        endpoint = uri.Endpoint.ToString();
        termLength = uri.TermLength;
        mtu = uri.Mtu;
        return null;
    }

    /// <summary>Whether one more LogonReject may be carried: few at once, and few per second from one address.</summary>
    private bool RejectBudget(Image image, ResponsePath purpose, out string? error) => RejectBudget(image, purpose, opensPath: true, out error);

    /// <summary>The same, for a message that may not need a path of its own (<paramref name="opensPath"/> false: a
    /// lane's answer on its connection's shared path): then only the per-address rates apply.</summary>
    private bool RejectBudget(Image image, ResponsePath purpose, bool opensPath, out string? error)
    {
        error = null;
        if (purpose == ResponsePath.Challenge)
        {
            _challengePaths.RemoveAll(p => p.IsFinished);
            if (opensPath && _challengePaths.Count >= _limits.MaxChallengePaths) error = $"{_challengePaths.Count} challenges already on their way";
            else if (!_challenges.TryTake(image.SourcePeer, NanoClock.Now())) error = $"too many logon requests from {image.SourcePeer.ToEndPoint()?.Address}";
            return error == null;
        }
        _rejectPaths.RemoveAll(p => p.IsFinished);
        if (opensPath && _rejectPaths.Count >= _limits.MaxRejectPaths) error = $"{_rejectPaths.Count} rejects already on their way";
        else if (purpose == ResponsePath.Redirect)
        {
            if (!_redirects.TryTake(image.SourcePeer, NanoClock.Now())) error = $"too many logons to redirect from {image.SourcePeer.ToEndPoint()?.Address}";
        }
        else if (!_failedLogons.TryTake(image.SourcePeer, NanoClock.Now())) error = $"too many failed logons from {image.SourcePeer.ToEndPoint()?.Address}";
        return error == null;
    }

    public bool SendToConnection(int connection, ReadOnlySpan<byte> message)
    {
        if (_laneImageOf[connection] == null) return _responses[connection] is { } publication && publication.Offer(message) > 0;
        if (_lanePaths[connection] is not { } path) return false;
        int length = Exchange.Contract.Lanes.HeaderLength + message.Length;
        if (_laneScratch.Length < length) _laneScratch = new byte[Math.Max(length, _laneScratch.Length * 2)];
        Exchange.Contract.Lanes.Write(_laneScratch, _laneOf[connection]);
        message.CopyTo(_laneScratch.AsSpan(Exchange.Contract.Lanes.HeaderLength));
        return path.Responses.Offer(_laneScratch.AsSpan(0, length)) > 0;
    }

    public void SendMarketData(ReadOnlySpan<byte> message)
    {
        for (int i = 0; i < _activeCount; i++)
            if (_activeMarketData[i].Offer(message) < 0) _marketDataDropped++;
        if (_marketDataChannel != null && _marketDataChannel.Offer(message) == OfferResult.BackPressured) _marketDataDropped++;
    }

    public void CloseResponses(int connection)
    {
        if (_laneImageOf[connection] is { } lanes)
        {
            CloseLanePath(connection, lanes);
            return;
        }
        _images[connection]?.Unadmit();
        _responses[connection]?.Close();
        if (_marketData[connection] is { } marketData)
        {
            marketData.Close();
            int i = Array.IndexOf(_activeMarketData, marketData, 0, _activeCount);
            _activeMarketData[i] = _activeMarketData[--_activeCount];
            _activeMarketData[_activeCount] = null!;
        }
        _responses[connection] = null;
        _marketData[connection] = null;
    }

    private void CloseLanePath(int connection, LaneImage lanes)
    {
        var path = _lanePaths[connection];
        _lanePaths[connection] = null;
        if (path == null) return;
        if (path.Sessions < 0)
        {
            path.Responses.Close(); // a lane's own challenge or reject path
            return;
        }
        if (path.Endpoint == null || --path.Sessions > 0) return;
        lanes.Paths.Remove(path.Endpoint);
        path.Responses.Close();
        path.MarketData!.Close();
        int i = Array.IndexOf(_activeMarketData, path.MarketData, 0, _activeCount);
        _activeMarketData[i] = _activeMarketData[--_activeCount];
        _activeMarketData[_activeCount] = null!;
        if (lanes.Paths.Count == 0) lanes.Image.Unadmit();
    }
}
