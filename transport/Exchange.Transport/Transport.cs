// The transport embedded in a process: Aeron's media driver roles (conductor, sender, receiver) as one agent
// whose duty cycle reads every socket, sends what publications have, and runs the protocol's timers.
// Run it on its own thread (Start) or call DoWork from the owner's loop; either way one thread runs it.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Exchange.Transport;

public sealed class Transport : IAgent, IParker, IParkSource, IDisposable
{
    private readonly object _registryLock = new();
    private readonly Dictionary<string, SendChannelEndpoint> _sendEndpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReceiveChannelEndpoint> _receiveEndpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<object> _pending = new();

    // Agent-owned.
    private readonly List<SendChannelEndpoint> _senders = [];
    private readonly List<ReceiveChannelEndpoint> _receivers = [];
    private readonly List<Publication> _publications = [];
    private readonly List<Subscription> _subscriptions = [];
    private readonly ReceiveBatch _receiveBatch;
    private readonly byte[] _scratch = new byte[256];
    private AgentRunner? _runner;
    private bool _disposed;
    private long _messagesOfferedByClosed, _messagesDeliveredByClosed;

    public Transport(TransportOptions? options = null)
    {
        Options = options ?? new TransportOptions();
        Options.Validate();
        Counters = Options.Counters is { } file ? new TransportCounters(file, Options.CountersLabels) : new TransportCounters();
        TermBuffers = new TermBufferPool(Options.TermBufferPoolSize > 0 ? Options.TermBufferPoolSize : 2 * Options.MaxPendingImages, Counters);
        _parker = new DescriptorParker(this);
        _receiveBatch = new ReceiveBatch(Options.DatagramsPerReceiveCall);
    }

    public TransportOptions Options { get; }
    internal TermBufferPool TermBuffers { get; }
    public TransportCounters Counters { get; }
    public string Name => "transport";

    /// <summary>Messages offered by this process's publications, closed ones included.</summary>
    public long MessagesSent => Total(ref _messagesOfferedByClosed, () =>
        _sendEndpoints.Values.Sum(static endpoint => endpoint.MessagesOffered()) + _ipcPublications.Sum(static publication => publication.MessagesOffered));

    /// <summary>Messages delivered to this process's subscribers.</summary>
    public long MessagesReceived => Total(ref _messagesDeliveredByClosed, () =>
        _receiveEndpoints.Values.Sum(static endpoint => endpoint.MessagesDelivered()) + _ipcSubscriptions.Sum(static subscription => subscription.MessagesDelivered));

    /// <summary>What the closed streams counted plus what the open ones count now, read under the registry lock so a
    /// stream that closes meanwhile is counted once.</summary>
    private long Total(ref long closed, Func<long> open)
    {
        lock (_registryLock) return closed + open();
    }

    /// <summary>
    /// A publication on <paramref name="channel"/> (<c>aeron:udp?endpoint=host:port|…</c>) and stream. Safe from any
    /// thread; the socket is bound here (so a bad channel throws here), and the agent starts it at its next cycle.
    /// </summary>
    public Publication AddPublication(string channel, int streamId)
    {
        var uri = ParseChannel(channel);
        lock (_registryLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (uri.IsIpc)
            {
                var ipc = new Publication(this, null, uri, streamId, uri.SessionId ?? Random.Shared.Next(), initialTermId: Random.Shared.Next(),
                    ipcDirectory: IpcDirectoryOf(uri));
                _ipcPublications.Add(ipc);
                _pending.Enqueue(ipc);
                return ipc;
            }
            string key = SendKey(uri);
            if (!_sendEndpoints.TryGetValue(key, out var endpoint))
            {
                endpoint = new SendChannelEndpoint(this, key, uri, Resolve(uri.Endpoint));
                _sendEndpoints[key] = endpoint;
                _pending.Enqueue(endpoint);
            }
            int sessionId = uri.SessionId ?? Random.Shared.Next();
            var publication = new Publication(this, endpoint, uri, streamId, sessionId, initialTermId: Random.Shared.Next());
            endpoint.Reserved++;
            endpoint.Register(publication);
            _pending.Enqueue(publication);
            return publication;
        }
    }

    /// <summary>A subscription on <paramref name="channel"/>'s endpoint (bound here; port 0 picks a free port, see
    /// <see cref="Subscription.LocalEndPoint"/>) for one stream. Safe from any thread.</summary>
    public Subscription AddSubscription(string channel, int streamId)
    {
        var uri = ParseChannel(channel);
        lock (_registryLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (uri.IsIpc)
            {
                var ipc = new Subscription(this, null, uri, streamId);
                IpcWatch.Lock(ipc, IpcDirectoryOf(uri));
                _ipcSubscriptions.Add(ipc);
                _pending.Enqueue(ipc);
                return ipc;
            }
            // Port 0 asks for a fresh socket on a free port; the endpoint is then known by the port it got, so a
            // second stream can share it by naming that port.
            if (uri.Endpoint.Port == 0 || !_receiveEndpoints.TryGetValue(uri.Endpoint.ToString(), out var endpoint))
            {
                endpoint = new ReceiveChannelEndpoint(this, uri);
                _receiveEndpoints[endpoint.Key] = endpoint;
                _pending.Enqueue(endpoint);
            }
            if (endpoint.HasStream(streamId)) throw new ArgumentException($"stream {streamId} already has a subscription on {channel}");
            var subscription = new Subscription(this, endpoint, uri, streamId);
            endpoint.Reserved++;
            endpoint.Register(subscription);
            _pending.Enqueue(subscription);
            return subscription;
        }
    }

    private static ChannelUri ParseChannel(string channel) =>
        ChannelUri.TryParse(channel, out var uri, out string error) ? uri : throw new ArgumentException(error);

    /// <summary>An ipc channel's directory (made owner-only if new).</summary>
    private string IpcDirectoryOf(ChannelUri uri)
    {
        string directory = Path.Combine(Options.IpcDirectory, uri.IpcName!);
        // One level at a time: the directories CreateDirectory makes on the way get the default mode, not the one given.
        IpcNative.MakePrivateDirectory(Options.IpcDirectory);
        IpcNative.MakePrivateDirectory(directory);
        // Another account could have made the directory first (it is in a world-writable place, /dev/shm) to read the
        // logs or write into them: the directory, and the channel's inside it, must be this account's and closed to others.
        IpcNative.CheckPrivateDirectory(Options.IpcDirectory);
        IpcNative.CheckPrivateDirectory(directory);
        return directory;
    }

    // Registered under the registry lock, for the totals and disposal (the agent's lists are _publications and _subscriptions).
    private readonly List<Publication> _ipcPublications = [];
    private readonly List<Subscription> _ipcSubscriptions = [];
    private IpcWatch? _ipcWatch;
    internal IpcWatch IpcWatch => _ipcWatch ??= new IpcWatch(this);

    private static string SendKey(ChannelUri uri) => $"{uri.Endpoint}|{uri.Interface?.Host}:{uri.Interface?.Port}";


    /// <summary>Runs the duty cycle on a thread of its own until <see cref="Dispose"/>.</summary>
    public void Start(IIdleStrategy idle)
    {
        if (_runner != null) throw new InvalidOperationException("the transport is already running");
        _runner = new AgentRunner(this, idle).Start();
    }

    /// <summary>Whether the transport's own thread stopped on an error (null if fine or not started).</summary>
    public Exception? Failure => _runner?.Failure;

    public int DoWork() => DoWork(Options.Clock.NanoTime());

    /// <summary>One duty cycle at <paramref name="now"/> (from <see cref="TransportOptions.Clock"/>), for an owner whose loop has read the clock already.</summary>
    public int DoWork(long now)
    {
        int work = DrainPending();
        var batch = _receiveBatch;
        var scratch = _scratch.AsSpan();
        // Send first: what the owner offered since the last cycle (an answer to what that cycle brought) goes out before
        // the sockets are read again, not after a receive call on each of them (Aeron's shared agent also runs its sender
        // before its receiver). Then the publications' sockets (status messages and NAKs: a window opened here is used
        // by the next cycle's send), and the subscriptions' last, so data read is handed to the owner without another
        // system call in between.
        for (int i = 0; i < _publications.Count; i++) work += _publications[i].DoSend(now, scratch);
        for (int i = 0; i < _senders.Count; i++) work += _senders[i].Receive(now, batch, scratch);
        for (int i = 0; i < _receivers.Count; i++) work += _receivers[i].Receive(now, batch, scratch);
        for (int i = 0; i < _subscriptions.Count; i++)
        {
            var subscription = _subscriptions[i];
            var images = subscription.ImagesForAgent;
            for (int j = 0; j < images.Length; j++) work += images[j].DoWork(now, scratch);
            int removed = subscription.RemoveFinishedImages();
            if (removed > 0)
            {
                Counters.ImagesRemovedValue += removed;
                work++;
            }
        }
        if (_ipcWatch != null) work += _ipcWatch.DoWork(now);
        if (Options.PrefaultTerms) work += PrefaultTerms(idle: work == 0);
        work += Housekeeping();
        return work;
    }

    /// <summary>Faults term buffers in ahead of their writers: in a cycle with nothing else to do, up to two chunks ahead;
    /// otherwise only a stream about to write into unfaulted pages.</summary>
    private int PrefaultTerms(bool idle)
    {
        int work = 0;
        for (int i = 0; i < _publications.Count; i++) work += _publications[i].Prefault(idle);
        for (int i = 0; i < _subscriptions.Count; i++)
        {
            var images = _subscriptions[i].ImagesForAgent;
            for (int j = 0; j < images.Length; j++) work += images[j].Prefault(idle);
        }
        return work;
    }

    // ---- parking on the sockets ----

    private readonly List<int> _parkAlso = [];
    private readonly DescriptorParker _parker;

    /// <summary>Also ends a <see cref="Park"/> when <paramref name="descriptor"/> is readable (an eventfd another thread
    /// signals: the journal's sync thread when an fsync returns). Whoever signals it drains it; the transport only waits on it.</summary>
    public void WakeParkOn(int descriptor) => _parkAlso.Add(descriptor);

    /// <summary>Waits up to <paramref name="nanos"/> for a datagram on any of this transport's sockets (data, or a status
    /// message or NAK for a publication): an agent that backs off wakes when traffic arrives, not when its park ends.
    /// Call it only on the thread that runs <see cref="DoWork()"/>. Its timers are no later than with a plain sleep: the
    /// wait is never longer than asked. Work offered from other threads (a publication's Offer) is not a socket event
    /// and is picked up when the wait ends, as after a sleep.</summary>
    public void Park(long nanos) => _parker.Park(nanos);

    /// <summary>This transport's sockets and wake descriptors, for an agent that drives several transports (or a transport
    /// and other sockets) and parks on all of them (<see cref="DescriptorParker"/>). On the thread that runs <see cref="DoWork()"/>.</summary>
    public void AddParkDescriptors(DescriptorParker into)
    {
        foreach (var receiver in _receivers) into.Add(receiver.Descriptor);
        foreach (var sender in _senders) into.Add(sender.Descriptor);
        foreach (int descriptor in _parkAlso) into.Add(descriptor);
        foreach (var subscription in _subscriptions)
            if (subscription.Endpoint == null) IpcWatch.AddParkDescriptors(subscription, into);
    }

    private int DrainPending()
    {
        int work = 0;
        while (_pending.TryDequeue(out var item))
        {
            work++;
            switch (item)
            {
                case SendChannelEndpoint sender: _senders.Add(sender); break;
                case ReceiveChannelEndpoint receiver: _receivers.Add(receiver); break;
                case Publication publication: publication.Endpoint?.Add(publication); _publications.Add(publication); break;
                case Subscription subscription:
                    subscription.Endpoint?.Add(subscription);
                    _subscriptions.Add(subscription);
                    if (subscription.Endpoint == null) IpcWatch.Watch(subscription);
                    break;
            }
        }
        return work;
    }

    /// <summary>Lets go of finished publications and closed subscriptions, and of endpoints nothing uses any more.</summary>
    private int Housekeeping()
    {
        int work = 0;
        for (int i = _publications.Count - 1; i >= 0; i--)
        {
            var publication = _publications[i];
            if (!publication.IsFinished) continue;
            _publications.RemoveAt(i);
            if (publication.Endpoint == null)
            {
                lock (_registryLock)
                {
                    _messagesOfferedByClosed += publication.MessagesOffered;
                    _ipcPublications.Remove(publication);
                }
                work++;
                continue;
            }
            publication.Endpoint.Remove(publication);
            lock (_registryLock)
            {
                _messagesOfferedByClosed += publication.MessagesOffered;
                publication.Endpoint.Unregister(publication);
                if (--publication.Endpoint.Reserved == 0)
                {
                    _sendEndpoints.Remove(publication.Endpoint.Key);
                    _senders.Remove(publication.Endpoint);
                    publication.Endpoint.Dispose();
                }
            }
            work++;
        }
        for (int i = _subscriptions.Count - 1; i >= 0; i--)
        {
            var subscription = _subscriptions[i];
            if (!subscription.IsClosed) continue;
            if (subscription.Endpoint == null)
            {
                work += CloseIpcSubscription(i, subscription);
                continue;
            }
            _subscriptions.RemoveAt(i);
            foreach (var image in subscription.ImagesForAgent) image.Close(ImageCloseReason.Closed);
            subscription.Endpoint.Remove(subscription);
            lock (_registryLock)
            {
                _messagesDeliveredByClosed += subscription.MessagesDelivered;
                subscription.Endpoint.Unregister(subscription);
                if (--subscription.Endpoint.Reserved == 0)
                {
                    _receiveEndpoints.Remove(subscription.Endpoint.Key);
                    _receivers.Remove(subscription.Endpoint);
                    subscription.Endpoint.Dispose();
                }
            }
            work++;
        }
        return work;
    }

    /// <summary>A closed ipc subscription: at once, its images close and hand back their claims (a publisher sees no
    /// subscriber) and the stream's lock goes (another process may subscribe). Each image's log is unmapped once the
    /// subscriber has seen the image go (RemoveFinishedImages, as a udp image's terms), since the application may be in a
    /// poll on its own thread; the subscription is dropped when none is left (or at the transport's disposal).</summary>
    private int CloseIpcSubscription(int index, Subscription subscription)
    {
        int work = 0;
        if (subscription.IpcLockDescriptor >= 0)
        {
            foreach (var image in subscription.ImagesForAgent)
            {
                image.Close(ImageCloseReason.Closed);
                image.ReleaseIpcClaim();
            }
            IpcWatch.Unwatch(subscription);
            work++;
        }
        if (subscription.ImagesForAgent.Length > 0) return work;
        _subscriptions.RemoveAt(index);
        lock (_registryLock)
        {
            _messagesDeliveredByClosed += subscription.MessagesDelivered;
            _ipcSubscriptions.Remove(subscription);
        }
        return work + 1;
    }

    /// <summary>
    /// Closes every publication and runs the duty cycle (unless the transport has its own thread) until each has
    /// sent what was offered and lingered, or <paramref name="timeout"/> passes. For an orderly process exit.
    /// </summary>
    public bool CloseAndDrain(TimeSpan timeout)
    {
        List<Publication> publications;
        lock (_registryLock) publications = [.. _sendEndpoints.Values.SelectMany(e => e.Registered), .. _ipcPublications];
        foreach (var publication in publications) publication.Close();
        long deadline = NanoClock.Now() + (long)timeout.TotalMilliseconds * NanoClock.Millisecond;
        var idle = new BackoffIdleStrategy(parker: _runner == null ? this : null);
        while (NanoClock.Now() < deadline)
        {
            if (publications.All(p => p.IsFinished)) return true;
            if (_runner == null) idle.Idle(DoWork());
            else Thread.Sleep(1);
        }
        return publications.All(p => p.IsFinished);
    }

    public void Dispose()
    {
        _runner?.Dispose();
        lock (_registryLock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var endpoint in _sendEndpoints.Values) endpoint.Dispose();
            foreach (var endpoint in _receiveEndpoints.Values) endpoint.Dispose();
            foreach (var publication in _ipcPublications) publication.ReleaseIpc();
            foreach (var subscription in _ipcSubscriptions)
            {
                foreach (var image in subscription.ImagesForAgent) image.TakeTerms();
                IpcWatch.Unwatch(subscription);
            }
            _ipcWatch?.Dispose();
            _sendEndpoints.Clear();
            _receiveEndpoints.Clear();
        }
    }

    internal static IPEndPoint Resolve(ChannelEndpoint endpoint) => new(ResolveHost(endpoint.Host, null), endpoint.Port);

    internal static IPAddress ResolveHost(string host, AddressFamily? prefer)
    {
        if (IPAddress.TryParse(host, out var address)) return address;
        var addresses = Dns.GetHostAddresses(host);
        if (addresses.Length == 0) throw new ArgumentException($"host '{host}' does not resolve");
        return addresses.FirstOrDefault(a => a.AddressFamily == (prefer ?? AddressFamily.InterNetwork)) ?? addresses[0];
    }
}
