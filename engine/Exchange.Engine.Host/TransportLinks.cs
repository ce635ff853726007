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

    public TransportLinks(Transport.Transport transport, string listenChannel, int maxConnections, string? marketDataChannel, ConnectionLimits? limits = null)
    {
        _transport = transport;
        _limits = limits ?? new ConnectionLimits();
        Commands = transport.AddSubscription(listenChannel, StreamIds.Commands);
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

    public bool HasUnread(int connection) => _images[connection] is { } image && image.HasUnread;

    public bool OpenResponses(int connection, string responseChannel, ResponsePath purpose, out string? error)
    {
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
        string channel = image!.IsIpc
            ? purpose == ResponsePath.Session
                ? $"aeron:ipc?name={endpoint}|term-length={termLength}|mtu={mtu}"
                : $"aeron:ipc?name={endpoint}|term-length={RejectTermLength}|mtu={Math.Min(mtu, RejectTermLength / 2)}|linger={RejectLinger}"
            : purpose == ResponsePath.Session
                ? $"aeron:udp?endpoint={endpoint}|term-length={termLength}|mtu={mtu}"
                : $"aeron:udp?endpoint={endpoint}|term-length={RejectTermLength}|mtu={Math.Min(mtu, RejectTermLength / 2)}|linger={RejectLinger}";
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
    private bool RejectBudget(Image image, ResponsePath purpose, out string? error)
    {
        error = null;
        if (purpose == ResponsePath.Challenge)
        {
            _challengePaths.RemoveAll(p => p.IsFinished);
            if (_challengePaths.Count >= _limits.MaxChallengePaths) error = $"{_challengePaths.Count} challenges already on their way";
            else if (!_challenges.TryTake(image.SourcePeer, NanoClock.Now())) error = $"too many logon requests from {image.SourcePeer.ToEndPoint()?.Address}";
            return error == null;
        }
        _rejectPaths.RemoveAll(p => p.IsFinished);
        if (_rejectPaths.Count >= _limits.MaxRejectPaths) error = $"{_rejectPaths.Count} rejects already on their way";
        else if (purpose == ResponsePath.Redirect)
        {
            if (!_redirects.TryTake(image.SourcePeer, NanoClock.Now())) error = $"too many logons to redirect from {image.SourcePeer.ToEndPoint()?.Address}";
        }
        else if (!_failedLogons.TryTake(image.SourcePeer, NanoClock.Now())) error = $"too many failed logons from {image.SourcePeer.ToEndPoint()?.Address}";
        return error == null;
    }

    public bool SendToConnection(int connection, ReadOnlySpan<byte> message) =>
        _responses[connection] is { } publication && publication.Offer(message) > 0;

    public void SendMarketData(ReadOnlySpan<byte> message)
    {
        for (int i = 0; i < _activeCount; i++)
            if (_activeMarketData[i].Offer(message) < 0) _marketDataDropped++;
        if (_marketDataChannel != null && _marketDataChannel.Offer(message) == OfferResult.BackPressured) _marketDataDropped++;
    }

    public void CloseResponses(int connection)
    {
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
}
