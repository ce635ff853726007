// The engine's links over the UDP transport: one subscription on the listen channel (stream Commands) whose images
// are client connections, and for each logged-on connection two publications to the channel its Logon named
// (Responses and MarketData). Runs on the engine thread; the transport's duty cycle is driven from the same loop.
using Exchange.Engine.Wire;
using Exchange.Transport;

namespace Exchange.Engine.Host;

public sealed class TransportLinks : IEngineLinks
{
    private readonly Transport.Transport _transport;
    private readonly Publication?[] _responses;
    private readonly Publication?[] _marketData;
    /// <summary>The open market-data publications, packed, so a market-data message visits only live sessions.</summary>
    private readonly Publication[] _activeMarketData;
    private int _activeCount;
    private readonly Publication? _marketDataChannel;
    private readonly Stack<int> _freeConnections = new();
    private long _marketDataDropped;

    public TransportLinks(Transport.Transport transport, string listenChannel, int maxConnections, string? marketDataChannel)
    {
        _transport = transport;
        Commands = transport.AddSubscription(listenChannel, StreamIds.Commands);
        _responses = new Publication?[maxConnections];
        _marketData = new Publication?[maxConnections];
        _activeMarketData = new Publication[maxConnections];
        for (int i = maxConnections - 1; i >= 0; i--) _freeConnections.Push(i);
        if (marketDataChannel != null) _marketDataChannel = transport.AddPublication(marketDataChannel, StreamIds.MarketData);
    }

    public Subscription Commands { get; }

    /// <summary>Market-data messages not sent because a subscriber's window was full (it sees a gap in sequence numbers).</summary>
    public long MarketDataDropped => _marketDataDropped;

    /// <summary>Gives a new client image a connection number; -1 when all are in use (its messages are then ignored).</summary>
    public int Attach(Image image)
    {
        if (_freeConnections.Count == 0) { image.Tag = -1; return -1; }
        int connection = _freeConnections.Pop();
        image.Tag = connection;
        return connection;
    }

    /// <summary>Frees a departed image's connection number (after the service has been told it was lost).</summary>
    public void Detach(Image image)
    {
        int connection = (int)image.Tag;
        if (connection < 0) return;
        CloseResponses(connection);
        _freeConnections.Push(connection);
        image.Tag = -1;
    }

    public bool OpenResponses(int connection, string responseChannel, out string? error)
    {
        if (!ChannelUri.TryParse(responseChannel, out _, out string problem))
        {
            error = problem;
            return false;
        }
        CloseResponses(connection);
        try
        {
            _responses[connection] = _transport.AddPublication(responseChannel, StreamIds.Responses);
            var marketData = _transport.AddPublication(responseChannel, StreamIds.MarketData);
            _marketData[connection] = marketData;
            _activeMarketData[_activeCount++] = marketData;
            error = null;
            return true;
        }
        catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException)
        {
            CloseResponses(connection);
            error = $"response channel unusable: {e.Message}";
            return false;
        }
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
