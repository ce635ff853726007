// The FIX acceptor: listens on each session's SocketAcceptPort, admits a new connection only on a valid Logon for
// a configured session that is free (anything else is closed without a byte), and runs every session's duty cycle.
// Single-threaded and non-blocking: the gateway calls DoWork from its one thread, along with its other duties.
using System.Net;
using System.Net.Sockets;
using Exchange.Fix;

namespace Exchange.Fix.Session;

public sealed partial class FixAcceptor : IDisposable, Exchange.Runtime.IParkSource
{
    // Room in the kernel for connections arriving faster than a cycle takes them (the kernel caps it at somaxconn).
    private const int ListenBacklog = 1024;

    private readonly FixSession[] _sessions;
    private readonly Listener[] _listeners;
    private readonly List<PendingConnection> _pending;
    private readonly ConnectionCloser _closer;
    private readonly ScreenLog _screen;
    private readonly FixAcceptorOptions _options;
    private readonly long _logonTimeoutNanos;
    private readonly int _maxAcceptsPerCycle;
    private readonly TlsServer? _tls;
    private readonly long _tlsHandshakeTimeoutNanos;
    private bool _disposed;
    private readonly Exchange.Runtime.WakeSignal _wake = new();
    private long _wakeSeen;

    private sealed class Listener(Socket socket, FixSession[] sessions)
    {
        public Socket Socket { get; } = socket;
        public FixSession[] Sessions { get; } = sessions;
        public IPEndPoint EndPoint { get; } = (IPEndPoint)socket.LocalEndPoint!;
        public int Port => EndPoint.Port;
    }

    /// <summary>Opens every session's message store and binds its SocketAcceptAddress and SocketAcceptPort (0: a free
    /// port, see <see cref="Ports"/>); sessions with the same address and port share one listener. Throws
    /// <see cref="FixSessionException"/> on duplicate sessions or an unreadable store, and SocketException when a
    /// port cannot be bound. <paramref name="unixNanosClock"/> stamps SendingTime; timers run on the time given to
    /// <see cref="DoWork"/>.</summary>
    public FixAcceptor(IReadOnlyList<SessionSettings> sessions, IFixApplication application, Func<long> unixNanosClock, FixAcceptorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(unixNanosClock);
        if (sessions.Count == 0) throw new FixSessionException("no sessions configured");
        _options = WithAdmissionSettings(options ?? new FixAcceptorOptions(), sessions);
        // Fewer accepts per cycle than the cap: a connection accepted in one cycle has its Logon read in the next
        // before enough newcomers could arrive to evict it.
        _maxAcceptsPerCycle = Math.Max(1, Math.Min(32, _options.MaxPendingConnections / 2));
        if (_options.MaxMessageLength < 256) throw new FixSessionException($"MaxMessageLength={_options.MaxMessageLength}: must be at least 256");
        _logonTimeoutNanos = (long)(_options.LogonTimeout.TotalMilliseconds * 1_000_000);
        _closer = new ConnectionCloser((long)(_options.CloseLinger.TotalMilliseconds * 1_000_000));
        _pending = new List<PendingConnection>(_options.MaxPendingConnections);
        _screen = new ScreenLog(_options.ScreenLog ?? Console.OpenStandardError(), unixNanosClock, _options.ScreenLogJsonComponent);
        long failedLogonWindow = (long)(_options.FailedLogonWindow.TotalMilliseconds * 1_000_000);
        _failedByAddress = new FailedLogonLimiter<IPAddress>(_options.MaxFailedLogonsPerAddress, failedLogonWindow, FailedLogonTableCapacity);
        _failedBySession = new FailedLogonLimiter<SessionId>(_options.MaxFailedLogonsPerSession, failedLogonWindow, sessions.Count);

        // Transport and the Tls* keys are acceptor-wide (checked equal above): the first session's are everyone's.
        if (sessions[0].UseTls)
        {
            _tls = new TlsServer(sessions[0]);
            _tlsHandshakeTimeoutNanos = (long)(_tls.HandshakeTimeout.TotalMilliseconds * 1_000_000);
        }

        var seen = new Dictionary<SessionId, SessionSettings>();
        foreach (var settings in sessions)
            if (!seen.TryAdd(settings.Id, settings))
                throw new FixSessionException($"{settings.Source}: duplicate session {settings.Id} (also at {seen[settings.Id].Source})");

        var created = new List<FixSession>(sessions.Count);
        var listeners = new List<Listener>();
        try
        {
            foreach (var settings in sessions)
            {
                var store = MessageStore.Open(settings.FileStorePath, settings.Id, _options.StoreIndexCapacity, _options.MaxMessageLength);
                SessionLog log;
                try { log = SessionLog.Open(settings, _screen, unixNanosClock); }
                catch
                {
                    store.Dispose();
                    throw;
                }
                created.Add(new FixSession(settings, application, unixNanosClock, _options, store, log, _closer));
            }
            foreach (var group in created.GroupBy(s => (s.Settings.SocketAcceptAddress, s.Settings.SocketAcceptPort)))
                listeners.Add(new Listener(Listen(group.Key.SocketAcceptAddress, group.Key.SocketAcceptPort), [.. group]));
        }
        catch
        {
            foreach (var listener in listeners) listener.Socket.Dispose();
            foreach (var session in created)
            {
                session.Store.Dispose();
                session.Log.Dispose();
            }
            _screen.Dispose();
            _tls?.Dispose();
            throw;
        }
        _sessions = [.. created];
        _listeners = [.. listeners];
        Ports = [.. _listeners.Select(l => l.Port)];
        EndPoints = [.. _listeners.Select(l => l.EndPoint)];
    }

    public IReadOnlyList<FixSession> Sessions => _sessions;

    /// <summary>Whether connections speak TLS (Transport=tls), and what about it the start-up log says.</summary>
    public bool UsesTls => _tls != null;
    public string TransportDescription => _tls?.Describe() ?? "FIX over plain TCP (Transport=tcp or a loopback address without Transport)";

    /// <summary>What admission has accepted and refused since start-up, by reason.</summary>
    public AdmissionCounters Counters { get; } = new();

    /// <summary>The first listener's bound port.</summary>
    public int Port => _listeners[0].Port;

    /// <summary>Every bound port, one per distinct (SocketAcceptAddress, SocketAcceptPort).</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>Every bound address and port, in the order of <see cref="Ports"/>.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    /// <summary>
    /// One non-blocking duty cycle: every session reads, processes, streams resends, runs its timers and flushes;
    /// then connections not logged on yet are checked for their Logon, and new ones accepted; closing connections are
    /// drained; each store written to in the cycle is fsynced once, and the logs written. Returns the amount of work
    /// done (0: idle). Sessions go first so that a connection the peer closed frees its session before a new Logon
    /// is looked at; waiting connections before new ones, so newcomers cannot evict one whose Logon has arrived.
    /// </summary>
    public int DoWork(long nowUnixNanos)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _wakeSeen = _wake.Sets;
        int work = 0;
        foreach (var session in _sessions) work += session.DoWork(nowUnixNanos);
        work += AdmitPending(nowUnixNanos);
        foreach (var listener in _listeners) work += Accept(listener, nowUnixNanos);
        work += _closer.DoWork(nowUnixNanos);
        // With FileStoreSync, fsync batched: at most once per cycle per store, after the cycle's sends.
        foreach (var session in _sessions) if (session.Settings.FileStoreSync) session.Store.Sync();
        // Logs too are written once per cycle.
        foreach (var session in _sessions) session.Log.Flush();
        _screen.Flush();
        return work;
    }

    /// <summary>What an agent driving this acceptor parks on (<see cref="Exchange.Runtime.DescriptorParker"/>): the listening
    /// sockets, every connection's socket (readable; writable too while bytes wait to be sent), and a signal set when
    /// work finishes off this thread (TLS operations, password checks). Timers need no descriptor: a backoff's park is
    /// short (1 ms at most), and a session's timers are seconds. The signal is rearmed here: cleared, unless something
    /// finished after the last duty cycle began (which that cycle may have missed).</summary>
    public void AddParkDescriptors(Exchange.Runtime.DescriptorParker into)
    {
        if (_disposed) return;
        _wake.Rearm(_wakeSeen);
        into.Add(_wake.Descriptor);
        foreach (var listener in _listeners) into.Add((int)listener.Socket.Handle);
        foreach (var pending in _pending) AddConnection(into, pending.Connection);
        foreach (var session in _sessions) if (session.Connection is { } connection) AddConnection(into, connection);
    }

    private static void AddConnection(Exchange.Runtime.DescriptorParker into, FixConnection connection)
    {
        // Over TLS the library reads and writes the socket itself, off this thread; its completions set the signal.
        if (connection.IsTls || connection.Failed) return;
        into.Add(connection.Descriptor, connection.HasPendingSend
            ? (short)(Exchange.Runtime.DescriptorParker.Readable | Exchange.Runtime.DescriptorParker.Writable)
            : Exchange.Runtime.DescriptorParker.Readable);
    }

    /// <summary>Writes <paramref name="text"/> to the screen log (stderr): for events that belong to no one session.
    /// Never pass a secret.</summary>
    public void LogEvent(string text) => _screen.Event("acceptor", text);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // A password check still running finds its connection closed and its result unused.
        foreach (var pending in _pending) ConnectionCloser.Abort(pending.Connection);
        _pending.Clear();
        foreach (var session in _sessions)
        {
            session.Abort();
            session.Store.Dispose();
            session.Log.Dispose();
        }
        _closer.Dispose();
        foreach (var listener in _listeners) listener.Socket.Dispose();
        _screen.Dispose();
        _tls?.Dispose();
        _wake.Dispose();
    }

    private static Socket Listen(string host, int port)
    {
        var address = IPAddress.TryParse(host, out var parsed) ? parsed
            : Dns.GetHostAddresses(host).FirstOrDefault() ?? throw new FixSessionException($"SocketAcceptAddress={host}: no address");
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A restarted gateway must get its port back while old connections linger in TIME_WAIT.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(ListenBacklog);
            socket.Blocking = false;
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private int Accept(Listener listener, long now)
    {
        int accepted = 0;
        // Poll first: Accept on a non-blocking socket with nothing waiting would throw.
        while (accepted < _maxAcceptsPerCycle && listener.Socket.Poll(0, SelectMode.SelectRead))
        {
            Socket socket;
            try
            {
                socket = listener.Socket.Accept();
            }
            catch (SocketException)
            {
                // The connection went away between Poll and Accept.
                break;
            }
            accepted++;
            socket.Blocking = false;
            socket.NoDelay = true;
            var connection = new FixConnection(socket, _options.MaxLogonLength, now);
            Counters.Accepted++;
            if (PendingFrom(connection.RemoteAddress) >= _options.MaxPendingConnectionsPerAddress)
            {
                Counters.RefusedPerAddress++;
                LogAdmission(null, $"connection from {connection.Remote} closed: {_options.MaxPendingConnectionsPerAddress} connections from this address are already waiting to log on");
                ConnectionCloser.Abort(connection);
                continue;
            }
            if (_pending.Count >= _options.MaxPendingConnections && !EvictOldest(now))
            {
                Counters.RefusedFull++;
                LogAdmission(null, $"connection from {connection.Remote} closed: {_pending.Count} connections are having their password checked");
                ConnectionCloser.Abort(connection);
                continue;
            }
            LogAdmission(null, $"connection from {connection.Remote} accepted on port {listener.Port}{(_tls != null ? " (TLS handshake)" : "")}");
            var pending = new PendingConnection(connection, listener, now);
            if (_tls != null)
            {
                // The handshake runs off this thread; the connection waits in the pending list meanwhile, counted against
                // its address's and the acceptor's limits, and is closed if it is not done within the handshake timeout.
                pending.Handshaking = true;
                connection.Wake = _wake;
                connection.StartTls(_tls.OptionsFor(connection));
            }
            AddPending(pending);
        }
        return accepted;
    }
}
