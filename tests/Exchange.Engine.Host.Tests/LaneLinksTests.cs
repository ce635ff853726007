// The engine's links for lanes (many sessions on one connection), on real udp sockets: each lane of an image is a
// connection of its own, answers go back led by their lane on one shared path, a lane that leaves keeps the others'
// path, and the path in and out allocates nothing in steady state. Both transports run on the test's thread.
using Exchange.Contract;
using Exchange.Transport;

namespace Exchange.Engine.Host.Tests;

public sealed class LaneLinksTests : IDisposable
{
    private readonly Transport.Transport _engine = new(TransportLinks.TransportOptionsFor(new ConnectionLimits()));
    private readonly Transport.Transport _client = new(new TransportOptions());
    private readonly TransportLinks _links;
    private readonly Publication _commands;
    private readonly Subscription _responses;
    private readonly string _responseChannel;
    private EngineSide _engineSide;
    private ClientSide _clientSide;

    public LaneLinksTests()
    {
        _links = new TransportLinks(_engine, "aeron:udp?endpoint=127.0.0.1:0", 16, null);
        int port = _links.Commands.LocalEndPoint.Port;
        Assert.Equal(port, _links.Lanes.LocalEndPoint.Port);
        _commands = _client.AddPublication($"aeron:udp?endpoint=127.0.0.1:{port}|term-length=64k", StreamIds.LaneCommands);
        _responses = _client.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", StreamIds.LaneResponses);
        _responseChannel = $"aeron:udp?endpoint=127.0.0.1:{_responses.LocalEndPoint.Port}|term-length=64k";
        _engineSide = new EngineSide(_links, _responseChannel);
        _clientSide = new ClientSide(new long[8]);
    }

    public void Dispose()
    {
        _client.Dispose();
        _engine.Dispose();
    }

    /// <summary>The engine's end: every lane message is answered with itself on the lane's connection, whose session
    /// path opens with its first message.</summary>
    private struct EngineSide(TransportLinks links, string responseChannel) : ISubscriptionHandler
    {
        public readonly List<int> Connections = [];
        public readonly List<int> Lost = [];
        public bool[] Opened = new bool[16];

        public readonly void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            int connection = links.LaneConnection(image, ref message);
            if (connection < 0) return;
            if (!Opened[connection])
            {
                Assert.True(links.OpenResponses(connection, responseChannel, ResponsePath.Session, out string? error), error);
                Opened[connection] = true;
                Connections.Add(connection);
            }
            links.SendToConnection(connection, message);
        }

        public readonly void OnImageAvailable(Image image) => links.AttachLanes(image);

        public readonly void OnImageUnavailable(Image image)
        {
            links.LanesOf(image, Lost);
            foreach (int connection in Lost) links.ReleaseLane(connection);
            links.DetachLanes(image);
        }
    }

    /// <summary>The client's end: answers counted by lane, and each checked to carry the value its lane sent.</summary>
    private struct ClientSide(long[] byLane) : ISubscriptionHandler
    {
        public readonly long[] ByLane = byLane;
        public long Wrong;

        public void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            Assert.True(Lanes.TryRead(message, out uint lane, out var body));
            if (BitConverter.ToUInt32(body) != lane * 1000) Wrong++;
            ByLane[lane]++;
        }

        public readonly void OnImageAvailable(Image image) { }
        public readonly void OnImageUnavailable(Image image) { }
    }

    private readonly byte[] _message = new byte[16];

    private void Send(uint lane)
    {
        Lanes.Write(_message, lane);
        BitConverter.TryWriteBytes(_message.AsSpan(Lanes.HeaderLength), lane * 1000);
        while (_commands.Offer(_message) < 0) Pump();
    }

    private void Pump()
    {
        long now = NanoClock.Now();
        _client.DoWork(now);
        _engine.DoWork(now);
        _links.Now = now;
        _links.Lanes.Poll(ref _engineSide, 64);
        _responses.Poll(ref _clientSide, 64);
    }

    private void PumpUntil(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out: lane images {_links.Lanes.ImageCount}, connections {_engineSide.Connections.Count}, refused {_links.LaneMessagesRefused}, response images {_responses.ImageCount}, commands connected {_commands.IsConnected}, engine drops {string.Join(",", Enum.GetValues<DropReason>().Select(r => $"{r}={_engine.Counters.Dropped(r)}"))}, client drops {string.Join(",", Enum.GetValues<DropReason>().Select(r => $"{r}={_client.Counters.Dropped(r)}"))}");
            Pump();
        }
    }

    [Fact]
    public void Each_lane_is_a_connection_and_its_answers_come_back_on_one_shared_path_led_by_its_lane()
    {
        for (uint lane = 1; lane <= 3; lane++) Send(lane);
        PumpUntil(() => _clientSide.ByLane[1] == 1 && _clientSide.ByLane[2] == 1 && _clientSide.ByLane[3] == 1);
        Assert.Equal(0, _clientSide.Wrong);
        Assert.Equal(3, _engineSide.Connections.Distinct().Count());
        Assert.Equal(3, _links.LaneConnections);
        Assert.Equal(1, _links.Lanes.ImageCount);
        // One path for the three: one response image at the client.
        Assert.Equal(1, _responses.ImageCount);

        // Lane 2 leaves; lanes 1 and 3 keep their path.
        _links.CloseResponses(_engineSide.Connections[1]);
        for (uint lane = 1; lane <= 3; lane += 2) Send(lane);
        PumpUntil(() => _clientSide.ByLane[1] == 2 && _clientSide.ByLane[3] == 2);
        Assert.False(_links.SendToConnection(_engineSide.Connections[1], _message));
        Assert.Equal(1, _responses.ImageCount);
        Assert.Equal(0, _clientSide.Wrong);
    }

    [Fact]
    public void A_message_too_short_for_a_lane_is_refused_and_the_lanes_go_on()
    {
        while (_commands.Offer([1, 2, 3]) < 0) Pump();
        Send(5);
        PumpUntil(() => _clientSide.ByLane[5] == 1);
        Assert.Equal(1, _links.LaneMessagesRefused);
        Assert.Equal(1, _links.LaneConnections);
    }

    [Fact]
    public void Lane_messages_in_and_their_answers_out_allocate_nothing_after_warm_up()
    {
        long sent = 0;
        void Run(int rounds)
        {
            for (int i = 0; i < rounds; i++)
            {
                Send((uint)(i % 4) + 1);
                sent++;
                Pump();
            }
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Answered() < sent && DateTime.UtcNow < deadline) Pump();
        }
        Run(2_000);
        // The least of three runs: the runtime may allocate once on this thread when tiered compilation promotes a method.
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least > 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(5_000);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(sent, Answered());
        Assert.Equal(0, least);
        Assert.Equal(0, _clientSide.Wrong);
        Assert.Equal(4, _links.LaneConnections);
    }

    private long Answered()
    {
        long n = 0;
        foreach (long count in _clientSide.ByLane) n += count;
        return n;
    }
}
