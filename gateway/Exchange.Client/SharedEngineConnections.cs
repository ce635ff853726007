// One connection to each engine for many clients of one process (a gateway's sessions): instead of a publication and
// a response port per session, every client's session with a shard travels as a lane of one publication per replica
// (stream LaneCommands, each message led by its lane, Exchange.Contract.Lanes), and the engine answers all of them on
// one response port per shard (stream LaneResponses, led by the lane, and MarketData, once for them all). Answers are
// handed to the lane's client by Poll; market data to every client of the shard.
//
// Runs on the thread that owns the transport and the clients: Poll once per pass, beside the transport's duty cycle
// and each client's PollStreams. Poll allocates nothing; opening and closing lanes may.
using Exchange.Contract;
using Exchange.Transport;

namespace Exchange.Client;

/// <summary>What a shared connection delivers to one lane's client.</summary>
internal interface ILaneSink
{
    void OnMessage(ReadOnlySpan<byte> message, Image image, bool responses);
    void OnResponseImageGone(Image image);
}

public sealed class SharedEngineConnections : IDisposable
{
    private readonly Transport.Transport _transport;
    private readonly string _responseHost;
    private readonly int _termLength;
    private readonly Dictionary<string, ShardConnection> _connections = new(StringComparer.Ordinal);
    private ShardConnection[] _active = [];
    private uint _nextLane;
    private long _unknownLane, _malformed;
    private bool _disposed;

    /// <param name="transport">The transport the clients share (its owner runs its duty cycle).</param>
    /// <param name="responseHost">The address the engines answer to (udp); the clients' <see cref="ClientOptions.ResponseHost"/>.</param>
    /// <param name="termLength">Term length of the shared publications and of the response streams asked for.</param>
    public SharedEngineConnections(Transport.Transport transport, string responseHost = "127.0.0.1", int termLength = 1 << 20)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _responseHost = responseHost;
        _termLength = termLength;
    }

    public Transport.Transport Transport => _transport;
    /// <summary>Shards with a connection open (each has one publication per replica and one response port).</summary>
    public int ConnectionCount => _connections.Count;
    /// <summary>Lanes open over every connection.</summary>
    public int LaneCount { get { int n = 0; foreach (var c in _connections.Values) n += c.Sinks.Count; return n; } }
    /// <summary>Answers that named a lane no client holds (one that has just closed), or too short for a lane header.</summary>
    public long UnroutedMessages => _unknownLane + _malformed;

    internal sealed class ShardConnection(string key, Publication[] publications, Subscription responses, Subscription marketData, string responseChannel)
    {
        public readonly string Key = key;
        public readonly Publication[] Publications = publications;
        public readonly Subscription Responses = responses;
        public readonly Subscription MarketData = marketData;
        public readonly string ResponseChannel = responseChannel;
        public readonly Dictionary<uint, ILaneSink> Sinks = [];
        /// <summary>Every sink, as an array rebuilt when a lane opens or closes (a callback may close one).</summary>
        public ILaneSink[] All = [];
    }

    /// <summary>A lane for one client's session with the shard whose replicas are <paramref name="channels"/>: its link
    /// to each replica and the response channel its logon names. The shard's connection opens with its first lane.</summary>
    internal (uint Lane, EngineLink[] Links, string ResponseChannel) Open(string[] channels, ILaneSink sink)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string key = string.Join('\n', channels);
        if (!_connections.TryGetValue(key, out var connection))
        {
            connection = Connect(key, channels);
            _connections.Add(key, connection);
            _active = [.. _connections.Values];
        }
        uint lane = ++_nextLane;
        connection.Sinks.Add(lane, sink);
        connection.All = [.. connection.Sinks.Values];
        return (lane, [.. connection.Publications.Select(p => new EngineLink(p, lane))], connection.ResponseChannel);
    }

    /// <summary>Lets a lane go; the shard's connection closes with its last lane.</summary>
    internal void Close(string[] channels, uint lane)
    {
        string key = string.Join('\n', channels);
        if (!_connections.TryGetValue(key, out var connection) || !connection.Sinks.Remove(lane)) return;
        connection.All = [.. connection.Sinks.Values];
        if (connection.Sinks.Count > 0) return;
        _connections.Remove(key);
        _active = [.. _connections.Values];
        CloseConnection(connection);
    }

    private ShardConnection Connect(string key, string[] channels)
    {
        Subscription responses, marketData;
        string responseChannel;
        if (ExchangeClientChannels.IsIpc(channels[0]))
        {
            string name = ExchangeClientChannels.IpcResponseName(_connections.Count);
            responses = _transport.AddSubscription($"aeron:ipc?name={name}", StreamIds.LaneResponses);
            marketData = _transport.AddSubscription($"aeron:ipc?name={name}", StreamIds.MarketData);
            responseChannel = $"aeron:ipc?name={name}|term-length={_termLength}";
        }
        else
        {
            responses = _transport.AddSubscription(ExchangeClientChannels.SubscriptionChannel(_responseHost, 0), StreamIds.LaneResponses);
            marketData = _transport.AddSubscription(ExchangeClientChannels.SubscriptionChannel(_responseHost, responses.LocalEndPoint.Port), StreamIds.MarketData);
            responseChannel = ExchangeClientChannels.ResponseChannel(_responseHost, responses.LocalEndPoint.Port, _termLength);
        }
        var publications = channels.Select(c => _transport.AddPublication(ExchangeClientChannels.PublicationChannel(c, _termLength), StreamIds.LaneCommands)).ToArray();
        return new ShardConnection(key, publications, responses, marketData, responseChannel);
    }

    private static void CloseConnection(ShardConnection connection)
    {
        foreach (var publication in connection.Publications) publication.Close();
        connection.Responses.Close();
        connection.MarketData.Close();
    }

    /// <summary>What arrived on every shard's response port, each answer to its lane's client and market data to every
    /// client of the shard; returns the messages taken. Allocates nothing.</summary>
    public int Poll(int fragmentLimit = 64)
    {
        int work = 0;
        var active = _active;
        for (int i = 0; i < active.Length; i++)
        {
            var handler = new Handler(this, active[i], responses: true);
            work += active[i].Responses.Poll(ref handler, fragmentLimit);
            handler = new Handler(this, active[i], responses: false);
            work += active[i].MarketData.Poll(ref handler, fragmentLimit);
        }
        return work;
    }

    private readonly struct Handler(SharedEngineConnections owner, ShardConnection connection, bool responses) : ISubscriptionHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            if (!responses)
            {
                foreach (var sink in connection.All) sink.OnMessage(message, image, responses: false);
                return;
            }
            if (!Lanes.TryRead(message, out uint lane, out var body)) { owner._malformed++; return; }
            if (connection.Sinks.TryGetValue(lane, out var target)) target.OnMessage(body, image, responses: true);
            else owner._unknownLane++;
        }

        public void OnImageAvailable(Image image) { }

        public void OnImageUnavailable(Image image)
        {
            if (!responses) return;
            foreach (var sink in connection.All) sink.OnResponseImageGone(image);
        }
    }

    /// <summary>Closes every connection (the clients on them are disposed first); the transport's owner drains it.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var connection in _connections.Values) CloseConnection(connection);
        _connections.Clear();
        _active = [];
    }
}
