// A UDP relay between a sender and a receiver that drops, duplicates and reorders datagrams from a seeded
// random source, so transport tests exercise loss recovery over real sockets and can reproduce a run.
using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Exchange.Transport.Shim;

/// <summary>
/// Datagrams a client sends to <see cref="ListenEndpoint"/> go on to the target from an upstream socket of that
/// client's own, so the receiver sees one source per client. What the receiver sends back to that source (status
/// messages, NAKs) goes back to the client's address from the listen socket. One background thread services
/// every socket; the forward direction is always impaired, the reverse one only with
/// <see cref="ShimOptions.AffectReverse"/>.
/// </summary>
public sealed class LossyUdpProxy : IDisposable
{
    private const int SocketBufferBytes = 4 * 1024 * 1024;
    private const int MaxDatagramBytes = 65536;
    // Datagrams taken from one socket before the other sockets get their turn.
    private const int Batch = 64;
    // Busy loop iterations between Poll sweeps (see Run).
    private const int SweepEvery = 256;
    // Silence in a direction after which its held datagrams go out, so nothing is held forever.
    private static readonly long SilenceTicks = Stopwatch.Frequency / 1000;
    // Idle time after which the thread blocks in Select (1 ms at a time) instead of spinning and yielding.
    private static readonly long BlockAfterTicks = Stopwatch.Frequency / 500;

    private readonly ShimOptions _options;
    private readonly Socket _listen;
    private readonly SocketAddress _target;
    private readonly IPAddress _upstreamAddress;
    private readonly Lane _forward;
    private readonly Lane _reverse;
    private readonly Dictionary<SocketAddress, Client> _clientsByAddress = [];
    private readonly List<Client> _clients = [];
    private readonly List<Socket> _selectList = [];
    private readonly byte[] _buffer = new byte[MaxDatagramBytes];
    private readonly SocketAddress _clientFrom;
    private readonly SocketAddress _targetFrom;
    private readonly Thread _thread;
    private volatile bool _blackhole;
    private volatile bool _stopping;
    private volatile Exception? _fault;
    private int _clientCount;
    private int _disposed;
    private int _sinceSweep;

    /// <param name="listen">Where clients send; port 0 binds an ephemeral port (see <see cref="ListenEndpoint"/>).</param>
    /// <param name="target">Where their datagrams are forwarded.</param>
    /// <param name="options">Seed and impairments; none when null.</param>
    public LossyUdpProxy(IPEndPoint listen, IPEndPoint target, ShimOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(target);
        _options = options ?? new ShimOptions();
        _options.Validate();

        TargetEndpoint = target;
        _target = target.Serialize();
        // Upstream sockets stay on loopback when the receiver is there, and use the wildcard address otherwise.
        _upstreamAddress = IPAddress.IsLoopback(target.Address)
            ? (target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback)
            : (target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any);
        _clientFrom = NewAddress(listen.AddressFamily);
        _targetFrom = NewAddress(target.AddressFamily);

        _forward = new Lane(new Random(_options.Seed), impaired: true);
        // A different stream from the same seed, so replies are not dropped in lockstep with the data.
        _reverse = new Lane(new Random(unchecked(_options.Seed * -1640531535 + 0x5EED)), _options.AffectReverse);

        _listen = OpenSocket(listen);
        ListenEndpoint = (IPEndPoint)_listen.LocalEndPoint!;
        _thread = new Thread(Run) { IsBackground = true, Name = $"lossy-udp-proxy:{ListenEndpoint.Port}" };
        _thread.Start();
    }

    /// <summary>The bound listen address (with the actual port when constructed with port 0).</summary>
    public IPEndPoint ListenEndpoint { get; }

    public IPEndPoint TargetEndpoint { get; }

    public ShimOptions Options => _options;

    /// <summary>Distinct client addresses seen so far, each with its own upstream socket.</summary>
    public int ClientCount => Volatile.Read(ref _clientCount);

    /// <summary>Datagrams received from clients. Once quiet: ReceivedCount = ForwardedCount + DroppedCount.</summary>
    public long ReceivedCount => Volatile.Read(ref _forward.Arrivals);

    /// <summary>Datagrams sent on to the target, each counted once however many copies went.</summary>
    public long ForwardedCount => Volatile.Read(ref _forward.Sent);

    public long DroppedCount => Volatile.Read(ref _forward.Dropped);

    /// <summary>Extra copies sent to the target: the target receives ForwardedCount + DuplicatedCount datagrams.</summary>
    public long DuplicatedCount => Volatile.Read(ref _forward.Duplicated);

    /// <summary>Datagrams held back to be overtaken (each is also counted forwarded or dropped when released).</summary>
    public long ReorderedCount => Volatile.Read(ref _forward.Reordered);

    public long ReverseReceivedCount => Volatile.Read(ref _reverse.Arrivals);

    public long ReverseForwardedCount => Volatile.Read(ref _reverse.Sent);

    public long ReverseDroppedCount => Volatile.Read(ref _reverse.Dropped);

    public long ReverseDuplicatedCount => Volatile.Read(ref _reverse.Duplicated);

    public long ReverseReorderedCount => Volatile.Read(ref _reverse.Reordered);

    public bool IsBlackholed => _blackhole;

    /// <summary>What stopped the proxy's thread, if anything did (e.g. a throwing drop filter).</summary>
    public Exception? Fault => _fault;

    /// <summary>
    /// While on, every datagram in both directions is dropped and counted, as is any held datagram whose turn
    /// comes meanwhile.
    /// </summary>
    public void Blackhole(bool on) => _blackhole = on;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stopping = true;
        // The loop never blocks longer than a Select timeout; the bound only guards against a hung drop filter.
        if (Thread.CurrentThread != _thread) _thread.Join(TimeSpan.FromSeconds(5));
        _listen.Dispose();
        foreach (Client client in _clients) client.Upstream.Dispose();
    }

    private void Run()
    {
        try
        {
            long lastWork = Stopwatch.GetTimestamp();
            var spinner = new SpinWait();
            while (!_stopping)
            {
                int work = DrainClients();
                for (int i = 0; i < _clients.Count; i++) work += DrainTarget(_clients[i]);
                // Available is 0 for a zero-length datagram or a queued socket error as much as for an empty
                // socket, so whenever idle, and now and then when busy, Poll looks for those.
                if (work == 0 || ++_sinceSweep == SweepEvery)
                {
                    _sinceSweep = 0;
                    work += Sweep();
                }

                long now = Stopwatch.GetTimestamp();
                if (work > 0)
                {
                    lastWork = now;
                    spinner.Reset();
                    continue;
                }
                ReleaseAfterSilence(_forward, now);
                ReleaseAfterSilence(_reverse, now);
                if (now - lastWork < BlockAfterTicks || _forward.HasHeld || _reverse.HasHeld)
                    spinner.SpinOnce(sleep1Threshold: -1);
                else
                    WaitForDatagram();
            }
        }
        catch (Exception e)
        {
            // While stopping, only the sockets closed by a Dispose whose wait ran out can end up here.
            if (!_stopping) _fault = e;
        }
    }

    private int DrainClients()
    {
        int taken = 0;
        for (; taken < Batch && _listen.Available > 0; taken++) TakeFromClient();
        return taken;
    }

    private int DrainTarget(Client client)
    {
        int taken = 0;
        for (; taken < Batch && client.Upstream.Available > 0; taken++) TakeFromTarget(client);
        return taken;
    }

    // One datagram from each socket Poll calls readable, whatever Available says.
    private int Sweep()
    {
        int taken = 0;
        if (_listen.Poll(0, SelectMode.SelectRead))
        {
            TakeFromClient();
            taken++;
        }
        foreach (Client client in _clients)
        {
            if (!client.Upstream.Poll(0, SelectMode.SelectRead)) continue;
            TakeFromTarget(client);
            taken++;
        }
        return taken;
    }

    private void TakeFromClient()
    {
        int length;
        _clientFrom.Size = _clientFrom.Buffer.Length;
        try
        {
            length = _listen.ReceiveFrom(_buffer, SocketFlags.None, _clientFrom);
        }
        catch (SocketException)
        {
            return; // an error queued on the socket (ICMP), not a datagram
        }
        Client client = ClientFor(_clientFrom);
        Arrive(_forward, new ReadOnlyMemory<byte>(_buffer, 0, length), client.Upstream, _target);
    }

    private void TakeFromTarget(Client client)
    {
        int length;
        _targetFrom.Size = _targetFrom.Buffer.Length;
        try
        {
            length = client.Upstream.ReceiveFrom(_buffer, SocketFlags.None, _targetFrom);
        }
        catch (SocketException)
        {
            return;
        }
        Arrive(_reverse, new ReadOnlyMemory<byte>(_buffer, 0, length), _listen, client.Address);
    }

    private Client ClientFor(SocketAddress from)
    {
        if (_clientsByAddress.TryGetValue(from, out Client? client)) return client;
        var address = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span[..from.Size].CopyTo(address.Buffer.Span);
        client = new Client(OpenSocket(new IPEndPoint(_upstreamAddress, 0)), address);
        _clientsByAddress.Add(address, client);
        _clients.Add(client);
        Volatile.Write(ref _clientCount, _clients.Count);
        return client;
    }

    private void Arrive(Lane lane, ReadOnlyMemory<byte> datagram, Socket via, SocketAddress to)
    {
        long arrival = lane.Arrivals + 1;
        Volatile.Write(ref lane.Arrivals, arrival);
        lane.LastArrival = Stopwatch.GetTimestamp();

        bool drop = false, duplicate = false, hold = false;
        if (lane.Impaired)
        {
            // Every datagram takes the same three draws whatever happens to it, so the fate of the n-th datagram
            // depends only on the seed and n.
            drop = lane.Random.NextDouble() < _options.DropRate;
            duplicate = lane.Random.NextDouble() < _options.DuplicateRate;
            hold = lane.Random.NextDouble() < _options.ReorderRate;
            if (_options.DropFilter is { } filter && filter(datagram)) drop = true;
        }

        if (drop || _blackhole)
        {
            Increment(ref lane.Dropped);
        }
        else if (hold)
        {
            lane.Hold(datagram.Span, via, to, duplicate, arrival + _options.ReorderDepth);
            Increment(ref lane.Reordered);
        }
        else
        {
            Send(lane, datagram.Span, via, to, duplicate);
        }

        while (lane.TryTakeDue(arrival, out Held held)) Release(lane, held);
    }

    private void ReleaseAfterSilence(Lane lane, long now)
    {
        if (!lane.HasHeld || now - lane.LastArrival < SilenceTicks) return;
        while (lane.TryTakeDue(long.MaxValue, out Held held)) Release(lane, held);
    }

    private void Release(Lane lane, Held held)
    {
        if (_blackhole) Increment(ref lane.Dropped);
        else Send(lane, held.Buffer.AsSpan(0, held.Length), held.Via, held.To, held.Duplicate);
        ArrayPool<byte>.Shared.Return(held.Buffer);
    }

    private static void Send(Lane lane, ReadOnlySpan<byte> datagram, Socket via, SocketAddress to, bool duplicate)
    {
        if (!TrySend(via, datagram, to))
        {
            Increment(ref lane.Dropped);
            return;
        }
        Increment(ref lane.Sent);
        if (duplicate && TrySend(via, datagram, to)) Increment(ref lane.Duplicated);
    }

    private static bool TrySend(Socket via, ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        try
        {
            via.SendTo(datagram, SocketFlags.None, to);
            return true;
        }
        catch (SocketException)
        {
            return false; // lost, as it would be on a network
        }
    }

    private void WaitForDatagram()
    {
        _selectList.Clear();
        _selectList.Add(_listen);
        foreach (Client client in _clients) _selectList.Add(client.Upstream);
        Socket.Select(_selectList, null, null, 1000);
    }

    // Only the proxy's thread writes a counter, so a volatile store of the increment is enough for readers.
    private static void Increment(ref long counter) => Volatile.Write(ref counter, counter + 1);

    private static SocketAddress NewAddress(AddressFamily family) =>
        new(family, SocketAddress.GetMaximumAddressSize(family));

    private static Socket OpenSocket(IPEndPoint bindTo)
    {
        var socket = new Socket(bindTo.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = SocketBufferBytes;
            socket.SendBufferSize = SocketBufferBytes;
            socket.Bind(bindTo);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed record Client(Socket Upstream, SocketAddress Address);

    private readonly record struct Held(byte[] Buffer, int Length, Socket Via, SocketAddress To, bool Duplicate, long ReleaseAt);

    // One direction's random source, held datagrams and counters; touched only by the proxy's thread except for
    // the volatile reads of the counters.
    private sealed class Lane(Random random, bool impaired)
    {
        public readonly Random Random = random;
        public readonly bool Impaired = impaired;
        public long Arrivals;
        public long LastArrival;
        public long Sent;
        public long Dropped;
        public long Duplicated;
        public long Reordered;
        // In hold order, which is also release order: every held datagram waits the same number of arrivals.
        private readonly Queue<Held> _held = new();

        public bool HasHeld => _held.Count > 0;

        public void Hold(ReadOnlySpan<byte> datagram, Socket via, SocketAddress to, bool duplicate, long releaseAt)
        {
            byte[] copy = ArrayPool<byte>.Shared.Rent(Math.Max(datagram.Length, 1));
            datagram.CopyTo(copy);
            _held.Enqueue(new Held(copy, datagram.Length, via, to, duplicate, releaseAt));
        }

        public bool TryTakeDue(long arrival, out Held held)
        {
            if (_held.TryPeek(out held) && held.ReleaseAt <= arrival)
            {
                _held.Dequeue();
                return true;
            }
            held = default;
            return false;
        }
    }
}
