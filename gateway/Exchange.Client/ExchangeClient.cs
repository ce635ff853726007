// The market makers' client: one session per engine shard over the UDP transport. Per shard it publishes commands
// to the engine's listen channel (stream Commands) and subscribes, on a port of its own, to the responses and
// market data the engine sends to the channel named in the Logon. Orders are routed by symbol to the owning shard.
//
// One application thread owns a client: it calls Connect, Poll, the order methods, Logout and Dispose. Poll runs the
// transport's duty cycle (unless the transport has its own thread), delivers what arrived to the listener, sends
// heartbeats after a heartbeat interval of outbound silence and declares a shard lost after three intervals of
// inbound silence. The order path and Poll allocate nothing; Connect, Logout and Dispose may.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Exchange.Contract;
using Exchange.Sbe;
using Exchange.Transport;

namespace Exchange.Client;

/// <summary>Creates clients, inferring the listener type.</summary>
public static class ExchangeClient
{
    /// <summary>A client for <paramref name="options"/> delivering to <paramref name="listener"/>; binds its sockets
    /// but sends nothing until <see cref="ExchangeClient{TListener}.Connect"/>.</summary>
    /// <exception cref="ArgumentException">The options are unusable; the message names the problem.</exception>
    public static ExchangeClient<TListener> Create<TListener>(ClientOptions options, TListener listener) where TListener : IClientListener =>
        new(options, listener);

    /// <summary>A client on <paramref name="transport"/>, shared with other clients of the process (a gateway's sessions):
    /// its streams share the transport's sockets and duty cycle. The caller owns the transport and runs its duty cycle,
    /// once for all its clients, beside each client's <see cref="ExchangeClient{TListener}.PollStreams"/>;
    /// <see cref="ExchangeClient{TListener}.Poll"/> (and the waits built on it) also runs it. No transport thread.</summary>
    public static ExchangeClient<TListener> Create<TListener>(ClientOptions options, TListener listener, Transport.Transport transport)
        where TListener : IClientListener => new(options, listener, transport);

    /// <summary>A client whose sessions are lanes of <paramref name="connections"/>: one connection to each engine for
    /// all the process's clients on it. The caller runs the transport's duty cycle and <see cref="SharedEngineConnections.Poll"/>
    /// once per pass, beside each client's <see cref="ExchangeClient{TListener}.PollStreams"/>.</summary>
    public static ExchangeClient<TListener> Create<TListener>(ClientOptions options, TListener listener, SharedEngineConnections connections)
        where TListener : IClientListener => new(options, listener, connections);
}

public sealed class ExchangeClient<TListener> : IDisposable where TListener : IClientListener
{
    private const int HeaderLength = MessageHeaderDecoder.EncodedLength;
    private const int HeartbeatTimeoutFactor = 3;
    private const uint FallbackHeartbeatMs = 1000;

    private TListener _listener;
    /// <summary>Between passes of the session duties: a stall of this client is not the engine's silence.</summary>
    private PassGap _passes;
    private readonly Transport.Transport _transport;
    /// <summary>Set when the sessions are lanes of connections shared with the process's other clients.</summary>
    private readonly SharedEngineConnections? _connections;
    private readonly ShardSession[] _shards;
    /// <summary>Symbol id → shard, for ids below its length; larger ids go through the dictionary.</summary>
    private ShardSession?[] _shardBySymbol;
    private readonly Dictionary<int, ShardSession> _shardBySymbolSparse = [];
    private readonly byte[] _encode = new byte[512];
    private readonly bool _ownThread;
    /// <summary>False on a transport shared with other clients: its owner disposes it.</summary>
    private readonly bool _ownsTransport;
    private readonly IClock _clock;
    private long _malformed;
    private readonly Dictionary<string, SymbolReference> _symbolsByName = new(StringComparer.Ordinal);
    /// <summary>The key's public id and its secret as the HMAC key: the secret itself never leaves the process.</summary>
    private readonly string _keyId;
    private readonly byte[] _secret;
    private long _lastTimestamp;
    private bool _disposed;

    public ExchangeClient(ClientOptions options, TListener listener) : this(options, listener, (Transport.Transport?)null) { }

    /// <summary>A client on a transport shared with other clients (<see cref="ExchangeClient.Create{TListener}(ClientOptions, TListener, Transport.Transport)"/>);
    /// null: a transport of its own, made from <see cref="ClientOptions.Transport"/>.</summary>
    public ExchangeClient(ClientOptions options, TListener listener, Transport.Transport? sharedTransport) : this(options, listener, sharedTransport, null) { }

    /// <summary>A client whose sessions are lanes of <paramref name="connections"/> (see
    /// <see cref="ExchangeClient.Create{TListener}(ClientOptions, TListener, SharedEngineConnections)"/>).</summary>
    public ExchangeClient(ClientOptions options, TListener listener, SharedEngineConnections connections)
        : this(options, listener, (connections ?? throw new ArgumentNullException(nameof(connections))).Transport, connections) { }

    private ExchangeClient(ClientOptions options, TListener listener, Transport.Transport? sharedTransport, SharedEngineConnections? connections)
    {
        _connections = connections;
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (sharedTransport != null && options.TransportThread)
            throw new ArgumentException("a client on a shared transport has no transport thread of its own (TransportThread)");
        Options = options;
        _listener = listener;
        _ownThread = options.TransportThread;
        _clock = options.Clock;
        _keyId = SessionAuth.KeyId(options.ApiKey);
        _secret = SessionAuth.SecretBytes(options.ApiKey);
        _ownsTransport = sharedTransport == null;
        _transport = sharedTransport ?? new Transport.Transport((options.Transport ?? new TransportOptions()) with { Clock = options.Clock });
        try
        {
            _shards = new ShardSession[options.Shards.Count];
            int maxDense = 0;
            for (int i = 0; i < _shards.Length; i++)
            {
                _shards[i] = OpenShard(i, options.Shards[i]);
                foreach (int symbol in options.Shards[i].Symbols)
                    if (symbol < MaxDenseSymbol) maxDense = Math.Max(maxDense, symbol + 1);
            }
            _shardBySymbol = new ShardSession?[maxDense];
            foreach (var shard in _shards)
                foreach (int symbol in shard.Symbols) Route(symbol, shard);
            if (_ownThread) _transport.Start(IdleStrategies.Parse(options.IdleStrategy, _transport)!);
        }
        catch
        {
            if (_ownsTransport) _transport.Dispose();
            else CloseStreams();
            throw;
        }
    }

    private ShardSession OpenShard(int index, ShardEndpoint endpoint)
    {
        if (_connections != null)
        {
            var sink = new LaneSink(this);
            var (lane, links, laneResponseChannel) = _connections.Open([.. endpoint.Channels], sink);
            return sink.Shard = new ShardSession(index, [.. endpoint.Channels], (int[])endpoint.Symbols.Clone(), links, null, null, laneResponseChannel, lane);
        }
        // Each shard gets a port of its own (port 0: the system picks), so everything that arrives on it is that
        // shard's; the market-data stream shares the socket by naming the port that was bound.
        Subscription responses, marketData;
        string responseChannel;
        if (ExchangeClientChannels.IsIpc(endpoint.Channel))
        {
            // The engine is on this host: it answers into an ipc channel of this client's own.
            string name = ExchangeClientChannels.IpcResponseName(index);
            responses = _transport.AddSubscription($"aeron:ipc?name={name}", StreamIds.Responses);
            marketData = _transport.AddSubscription($"aeron:ipc?name={name}", StreamIds.MarketData);
            responseChannel = $"aeron:ipc?name={name}|term-length={Options.TermLength}";
        }
        else
        {
            string host = Options.ResponseHost;
            responses = _transport.AddSubscription(ExchangeClientChannels.SubscriptionChannel(host, 0), StreamIds.Responses);
            marketData = _transport.AddSubscription(
                ExchangeClientChannels.SubscriptionChannel(host, responses.LocalEndPoint.Port), StreamIds.MarketData);
            responseChannel = ExchangeClientChannels.ResponseChannel(host, responses.LocalEndPoint.Port, Options.TermLength);
        }
        string[] channels = [.. endpoint.Channels];
        var publications = channels.Select(c => new EngineLink(_transport.AddPublication(ExchangeClientChannels.PublicationChannel(c, Options.TermLength), StreamIds.Commands))).ToArray();
        return new ShardSession(index, channels, (int[])endpoint.Symbols.Clone(), publications, responses, marketData, responseChannel);
    }

    // ---- state ----

    public ClientOptions Options { get; }
    /// <summary>The listener, by reference: a struct listener's state is read and changed through it.</summary>
    public ref TListener Listener => ref _listener;
    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => _disposed;
    /// <summary>The client's transport (its counters, for monitoring).</summary>
    public Transport.Transport Transport => _transport;
    public int ShardCount => _shards.Length;
    public ShardState StateOf(int shard) => _shards[shard].State;
    public bool IsLoggedOn(int shard) => _shards[shard].State == ShardState.LoggedOn;
    /// <summary>Every shard has a live session.</summary>
    public bool IsConnected
    {
        get
        {
            foreach (var shard in _shards)
                if (shard.State != ShardState.LoggedOn) return false;
            return true;
        }
    }
    /// <summary>The shard's session id from its LogonAck (0 before).</summary>
    public ulong SessionIdOf(int shard) => _shards[shard].SessionId;
    /// <summary>The heartbeat interval the shard granted (0 before its LogonAck).</summary>
    public uint HeartbeatIntervalMsOf(int shard) => _shards[shard].HeartbeatIntervalMs;

    /// <summary>What the account may do on the shard, as its engine said at logon (Trade before the first logon).</summary>
    public AccountPermission PermissionOf(int shard) => _shards[shard].Permission;
    /// <summary>The account the engines logged this client on as (the options' until the first LogonAck).</summary>
    public long Account
    {
        get
        {
            foreach (var shard in _shards)
                if (shard.Account != 0) return shard.Account;
            return Options.Account;
        }
    }
    /// <summary>The listen channel of the shard's replica in use (the leader, once logged on).</summary>
    public string ChannelOf(int shard) => _shards[shard].Channel;

    /// <summary>Where a shard's logon stands, for logs and diagnostics: its state, the replica in use, moves among
    /// replicas, which replicas' engines answer the transport, and which were given up on.</summary>
    public string DescribeShard(int shard)
    {
        var s = _shards[shard];
        return $"{s.State} at replica {s.Active} (moves {s.Moves}, logon {(s.LogonPending ? "pending" : s.LogonSentAt != 0 ? "sent" : "none")}" +
            $"{(s.LogonWhenConnected ? ", when connected" : "")}; connected [{string.Join(',', s.Publications.Select(p => p.IsConnected ? 1 : 0))}], " +
            $"given up on {Convert.ToString((long)s.Abandoned, 2)})";
    }
    /// <summary>The channel the shard's engine sends this client's responses and market data to.</summary>
    public string ResponseChannelOf(int shard) => _shards[shard].ResponseChannel;
    /// <summary>The shard that owns <paramref name="symbol"/>, or -1.</summary>
    public int ShardOf(int symbol) => Find(symbol)?.Index ?? -1;
    /// <summary>During a callback: the engine timestamp (ns since the Unix epoch) of the event being delivered.</summary>
    public long LastTimestamp => _lastTimestamp;
    /// <summary>Messages from the engines that did not decode (counted and skipped).</summary>
    public long MalformedMessages => _malformed;

    /// <summary>Every symbol the shards have announced (SymbolDefinition, at logon and when one is added), by name. Kept
    /// across disconnects: the last word of each shard.</summary>
    public IReadOnlyDictionary<string, SymbolReference> Symbols => _symbolsByName;

    internal ShardSession ShardAt(int shard) => _shards[shard];

    // ---- session ----

    /// <summary>
    /// Logs on to every shard that has no session and polls until all have acknowledged. OnLogon is called for each.
    /// </summary>
    /// <exception cref="LogonRejectedException">A shard refused the logon (the others may be logged on: Dispose logs them out).</exception>
    /// <exception cref="TimeoutException">Not every shard acknowledged within <paramref name="timeout"/>; the message names the first.</exception>
    public void Connect(TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var shard in _shards)
        {
            if (shard.State is ShardState.LoggedOn or ShardState.LoggingOn) continue;
            StartLogon(shard, whenConnected: false);
        }
        long deadline = NanoClock.Now() + (long)(timeout.TotalMilliseconds * NanoClock.Millisecond);
        var idle = new BackoffIdleStrategy(parker: Parker);
        while (true)
        {
            int work = Poll();
            bool all = true;
            foreach (var shard in _shards)
            {
                switch (shard.State)
                {
                    case ShardState.LoggedOn: continue;
                    case ShardState.Rejected: throw new LogonRejectedException(shard.Index, shard.Channel, shard.RejectReason, shard.RejectText);
                    case ShardState.LoggingOn: all = false; break;
                    default: throw new InvalidOperationException($"shard {shard.Index} ({shard.Channel}) ended its session while connecting ({shard.State})");
                }
            }
            if (all) return;
            if (NanoClock.Now() > deadline) throw new TimeoutException(TimeoutMessage(timeout));
            idle.Idle(work);
        }
    }

    /// <summary>
    /// Logs on again, without waiting, to every shard that has no session (after OnDisconnected, OnLogout or a
    /// rejected logon): Poll offers each Logon once the shard's publication has an engine answering it (so a Logon is
    /// not spent on an engine that is still down), and OnLogon reports each LogonAck. Calling it again offers a Logon
    /// still unanswered once more (the same LogonRequest: the engine answers it with the same challenge; one that reaches
    /// an engine after the session started is unsealed, so the engine drops it and counts it). A shard with replicas
    /// whose logon is offered and still within its answer wait is left to its search for the leader, which moves on by
    /// itself: offering it again there would restart the wait at a replica that may be silent.
    /// </summary>
    public void Reconnect()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long now = _clock.NanoTime();
        foreach (var shard in _shards)
        {
            if (shard.State == ShardState.LoggedOn) continue;
            if (shard.State == ShardState.LoggingOn && shard.Channels.Length > 1 && shard.Moves < MaxMoves
                && shard.LogonSentAt != 0 && now - shard.LogonSentAt <= AnswerNanos(shard)) continue;
            StartLogon(shard, whenConnected: true);
        }
    }

    private static void StartLogon(ShardSession shard, bool whenConnected)
    {
        shard.Moves = 0;
        // A Reconnect while a search for the leader is under way offers the logon again where the search is; what the
        // search learned stays (replicas given up on, stale redirects): forgetting it put the session back on the
        // full answer wait at a silent replica (a gateway that re-calls Reconnect every 500 ms took 1.8–3.1 s to
        // follow a paused leader instead of ~0.4 s).
        if (shard.State != ShardState.LoggingOn)
        {
            shard.Abandoned = 0;
            shard.AbandonedAt = 0;
            shard.StaleRedirects = 0;
            shard.UnansweredMoves = 0;
        }
        int replica = shard.Active;
        // The engine in use went silent, stopped, or refused us: a replica that answers may lead now (or say who does).
        bool leftUs = shard.State is ShardState.Disconnected or ShardState.Rejected
            || (shard.State == ShardState.LoggedOut && shard.LastLogoutReason == LogoutReason.ShuttingDown);
        if (leftUs && shard.Channels.Length > 1 && ConnectedReplica(shard) is int other)
        {
            shard.Abandoned = 1UL << shard.Active;
            replica = other;
        }
        StartLogonAt(shard, replica, whenConnected);
    }

    internal static void StartLogonAt(ShardSession shard, int replica, bool whenConnected)
    {
        // A handshake completed on our side and not yet answered may still log the session on there (see OnLogonAck).
        if (shard.State == ShardState.LoggingOn && shard.HandshakeReplica >= 0)
        {
            shard.LateReplica = shard.HandshakeReplica;
            shard.LateHandshakeKey = shard.HandshakeKey;
        }
        else if (shard.State != ShardState.LoggingOn)
        {
            shard.LateReplica = -1;
            shard.LateHandshakeKey = null;
        }
        shard.HandshakeReplica = -1;
        shard.Reoffers = 0;
        shard.Active = replica;
        shard.LogonSentAt = 0;
        shard.LogonNotBefore = 0;
        shard.State = ShardState.LoggingOn;
        shard.LogonPending = true;
        shard.LogonWhenConnected = whenConnected;
        shard.LogoutPending = false;
        shard.HasResponseImage = false;
        shard.SessionId = 0;
        shard.RejectText = "";
        shard.ClientNonce = SessionAuth.NewNonce();
        shard.LogonRequest = null;
        shard.ProofPending = null;
        shard.HandshakeKey = null;
        shard.Mac?.Dispose();
        shard.Mac = null;
        shard.OutboundSequence = 0;
    }

    private string TimeoutMessage(TimeSpan timeout)
    {
        int waiting = 0;
        ShardSession? first = null;
        foreach (var shard in _shards)
        {
            if (shard.State != ShardState.LoggingOn) continue;
            waiting++;
            first ??= shard;
        }
        string why = first!.Publication.IsConnected
            ? $"the engine took the stream but sent no LogonAck to {first.ResponseChannel} (can it reach that address?)"
            : "no engine answered on that channel";
        return $"connect timed out after {timeout.TotalMilliseconds:0} ms: shard {first.Index} ({first.Channel}): {why}" +
            (waiting > 1 ? $"; {waiting - 1} more shard(s) also waiting" : "");
    }

    /// <summary>Sends Logout to every shard with a session and polls until each has answered with its own Logout
    /// (OnLogout) or <paramref name="timeout"/> passes. True if every session ended with the engine's Logout.</summary>
    public bool Logout(TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var shard in _shards)
        {
            switch (shard.State)
            {
                case ShardState.LoggedOn:
                    shard.State = ShardState.LoggingOut;
                    shard.LogoutPending = !OfferLogout(shard);
                    break;
                case ShardState.LoggingOn:
                    // No session id yet to log out of: stop waiting; the engine sees the stream end at Dispose.
                    shard.State = ShardState.LoggedOut;
                    shard.LogonPending = false;
                    break;
            }
        }
        long deadline = NanoClock.Now() + (long)(timeout.TotalMilliseconds * NanoClock.Millisecond);
        var idle = new BackoffIdleStrategy(parker: Parker);
        bool confirmed = true;
        while (true)
        {
            bool waiting = false;
            foreach (var shard in _shards) waiting |= shard.State == ShardState.LoggingOut;
            if (!waiting) break;
            if (NanoClock.Now() > deadline)
            {
                foreach (var shard in _shards)
                {
                    if (shard.State != ShardState.LoggingOut) continue;
                    shard.State = ShardState.LoggedOut;
                    confirmed = false;
                }
                break;
            }
            idle.Idle(Poll());
        }
        return confirmed;
    }

    /// <summary><see cref="Logout(TimeSpan)"/> waiting up to a second.</summary>
    public bool Logout() => Logout(CloseTimeout);

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Logs out of every live session, closes the streams (letting what was sent reach the engines) and the transport.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            bool live = false;
            foreach (var shard in _shards) live |= shard.State is ShardState.LoggedOn or ShardState.LoggingOut;
            if (live) Logout(CloseTimeout);
        }
        finally
        {
            _disposed = true;
            CloseStreams();
            if (_ownsTransport)
            {
                _transport.CloseAndDrain(CloseTimeout);
                _transport.Dispose();
            }
            else
            {
                // The shared transport carries what this client sent on, driven here until its streams are done (the
                // other clients' are not closed), or by its owner afterwards.
                var deadline = DateTime.UtcNow + CloseTimeout;
                while (DateTime.UtcNow < deadline && !Array.TrueForAll(_shards, s => s.Publication.IsFinished))
                {
                    _transport.DoWork();
                    Thread.Sleep(1);
                }
            }
        }
    }

    private void CloseStreams()
    {
        foreach (var shard in _shards ?? [])
        {
            if (shard == null) continue;
            foreach (var link in shard.Publications) link.Close();
            shard.Responses?.Close();
            shard.MarketData?.Close();
            if (shard.Lane != 0) _connections!.Close(shard.Channels, shard.Lane);
            shard.Mac?.Dispose();
        }
    }

    // ---- the duty cycle ----

    /// <summary>
    /// One pass: the transport's duty cycle (unless it has its own thread), up to <paramref name="fragmentLimit"/>
    /// messages from each of every shard's two streams delivered to the listener, then heartbeats and liveness.
    /// Returns the work done (0: nothing happened, the caller may idle). Allocates nothing.
    /// </summary>
    /// <summary>What a caller that drives this client with <see cref="Poll"/> (no transport thread) can park on between
    /// polls to wake as soon as something arrives (<see cref="BackoffIdleStrategy"/>'s parker); null with a transport thread.</summary>
    public IParker? Parker => _ownThread ? null : _transport;

    public int Poll(int fragmentLimit = 64)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int work = 0;
        long now = _clock.NanoTime();
        if (_ownThread)
        {
            if (_transport.Failure is { } failure) throw new InvalidOperationException($"the transport thread stopped: {failure.Message}", failure);
        }
        else
        {
            work += _transport.DoWork(now);
        }
        // On a shared connection, what arrived for every lane (this client's among them) is handed out here too, so
        // Connect and the other waits built on Poll see their answers.
        if (_connections != null) work += _connections.Poll(fragmentLimit);
        return work + PollStreams(fragmentLimit, now);
    }

    /// <summary>
    /// <see cref="Poll"/> without the transport's duty cycle: for the owner of a transport shared by several clients,
    /// which runs the duty cycle once and then this for each client. Allocates nothing.
    /// </summary>
    public int PollStreams(int fragmentLimit = 64)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return PollStreams(fragmentLimit, _clock.NanoTime());
    }

    private int PollStreams(int fragmentLimit, long now)
    {
        int work = 0;
        var shards = _shards;
        for (int i = 0; i < shards.Length; i++)
        {
            var shard = shards[i];
            if (shard.Responses == null) continue; // a lane: its connection's owner delivers
            var handler = new StreamHandler(this, shard, responses: true);
            work += shard.Responses.Poll(ref handler, fragmentLimit);
            handler = new StreamHandler(this, shard, responses: false);
            work += shard.MarketData!.Poll(ref handler, fragmentLimit);
        }
        work += SessionDuties(now);
        return work;
    }

    private int SessionDuties(long now)
    {
        int work = 0;
        // The engine's silence is counted only over time this client ran: a gap between passes longer than a heartbeat
        // interval (and than a stall's; the process or the machine was stopped) is credited to the session, as the engine
        // credits its clients. An application that polls less often than its heartbeat interval is not credited for
        // each of its ordinary gaps up to that bound; beyond it, it could not have heartbeated in time anyway.
        long gap = _passes.Next(now);
        var shards = _shards;
        for (int i = 0; i < shards.Length; i++)
        {
            var s = shards[i];
            if (s.Received) { s.LastInbound = now; s.Received = false; }
            else if (gap > PassGap.StallNanos && gap > s.HeartbeatNanos) s.LastInbound += gap;
            if (s.Abandoned != 0)
            {
                if (s.AbandonedAt == 0) s.AbandonedAt = now;
                else if (now - s.AbandonedAt > AbandonWindowNanos) { s.Abandoned = 0; s.AbandonedAt = 0; }
            }
            if (s.Sent) { s.LastOutbound = now; s.Sent = false; }
            switch (s.State)
            {
                case ShardState.LoggingOn when s.LogonPending:
                    if (s.LogonBackoff)
                    {
                        // Each stale redirect in a row waits longer: 25, 50, then 100 ms (a take-over is expected within
                        // a second: the logon that finds the new leader should not wait long after it).
                        s.LogonBackoff = false;
                        s.LogonNotBefore = now + Math.Min(RedirectBackoffNanos << Math.Min(s.StaleRedirects++, 2), 100 * NanoClock.Millisecond);
                    }
                    if (now < s.LogonNotBefore) break;
                    if (!s.Publication.IsConnected)
                    {
                        // No engine answers on the replica in use: another one that does may lead now.
                        if (s.Moves < MaxMoves && ConnectedReplica(s) is int other) { s.Moves++; s.Abandoned |= 1UL << s.Active; s.Active = other; work++; }
                        if (s.LogonWhenConnected) break;
                    }
                    if (OfferLogon(s))
                    {
                        s.LogonPending = false;
                        s.LastOutbound = now;
                        s.LogonSentAt = now;
                        if (Options.ClearKeyLogon) s.HandshakeReplica = s.Active;
                        work++;
                    }
                    break;
                case ShardState.LoggingOn when s.ProofPending != null:
                    if (s.Publication.Offer(s.ProofPending) > 0) { ProofSent(s, now); work++; }
                    break;
                case ShardState.LoggingOn when s.Channels.Length == 1 && s.LogonSentAt != 0
                    && now - s.LogonSentAt > LogonAnswerNanos << Math.Min(s.Reoffers, MaxReofferDoublings):
                    // The only replica left the logon unanswered: the same request goes again. An engine drops a
                    // connection that has not logged on within its limit (or to make room for newer ones); the
                    // stream's next SETUP joins at the current position, so a request sent just then is gone, and
                    // nothing else would ever repeat it. An engine that merely answers slowly meets the same request
                    // with the same challenge (or, once logged on, refuses it down the session: ignored here).
                    s.Reoffers++;
                    s.LogonPending = true;
                    s.LogonSentAt = 0;
                    work++;
                    break;
                case ShardState.LoggingOn when s.Channels.Length > 1 && s.LogonSentAt != 0 && now - s.LogonSentAt > AnswerNanos(s):
                    // Offered and not answered (a paused or partitioned engine): try the next replica that answers,
                    // one not given up on in this search first (the leader that went silent is likely still silent).
                    if (s.Moves < MaxMoves && (ConnectedReplica(s, s.Abandoned) ?? ConnectedReplica(s)) is int next)
                    {
                        s.Moves++;
                        s.UnansweredMoves++;
                        s.Abandoned |= 1UL << s.Active;
                        StartLogonAt(s, next, whenConnected: true);
                        work++;
                    }
                    break;
                case ShardState.LoggingOut when s.LogoutPending:
                    if (OfferLogout(s)) { s.LogoutPending = false; work++; }
                    break;
                case ShardState.LoggedOn:
                    if (now - s.LastInbound > HeartbeatTimeoutFactor * s.HeartbeatNanos)
                    {
                        // Tell a live engine the session is over, so it does not wait out its own timeout.
                        OfferLogout(s);
                        s.State = ShardState.Disconnected;
                        _listener.OnDisconnected(s.Index);
                        work++;
                    }
                    else if (now - s.LastOutbound >= s.HeartbeatNanos)
                    {
                        var heartbeat = HeartbeatEncoder.WrapAndApplyHeader(_encode, 0);
                        heartbeat.SessionId = s.SessionId;
                        if (s.Publication.Offer(_encode.AsSpan(0, Seal(s, HeaderLength + heartbeat.EncodedLength))) > 0) s.LastOutbound = now;
                        work++;
                    }
                    break;
            }
        }
        return work;
    }

    /// <summary>How long a Logon may go unanswered before the client tries another replica of the shard.</summary>
    private long LogonAnswerNanos => Options.LogonAnswerTimeoutMs * NanoClock.Millisecond;

    /// <summary>During a failover (the session gave up on the replica it used, or standbys answered with stale
    /// redirects), a logon left unanswered this long is moved on to the next replica. A member can take the stream and
    /// answer nothing for a second or more while the cluster changes hands: an async standby holding records the new
    /// leader never had stops to rejoin as soon as it learns of the new term. Waiting the full
    /// <see cref="LogonAnswerNanos"/> there was the failover harness's RTO tail (one unanswered logon: 1.3 s of a
    /// 100-kill run). Each further unanswered logon in the same search waits twice as long, up to the full timeout,
    /// so a new leader slow to answer on a loaded machine is still reached.</summary>
    private static readonly long FailoverAnswerNanos = 150 * NanoClock.Millisecond;

    private long AnswerNanos(ShardSession s) => s.StaleRedirects > 0 || s.Abandoned != 0
        ? Math.Min(LogonAnswerNanos, FailoverAnswerNanos << Math.Min(s.UnansweredMoves, 3))
        : LogonAnswerNanos;

    /// <summary>A shard's only replica is waited on for the answer timeout, then twice, four and eight times that,
    /// before each next offer of an unanswered logon.</summary>
    private const int MaxReofferDoublings = 3;

    /// <summary>How long replicas given up on are passed over (see ShardSession.AbandonedAt).</summary>
    private static readonly long AbandonWindowNanos = 3_000 * NanoClock.Millisecond;

    /// <summary>The pause before a Logon after a redirect towards a replica given up on (see ShardSession.LogonNotBefore).</summary>
    private static readonly long RedirectBackoffNanos = 25 * NanoClock.Millisecond;

    /// <summary>Moves among a shard's replicas within one logon before it gives up (Connect's timeout or the caller's
    /// next Reconnect go on from there).</summary>
    private const int MaxMoves = 64;

    /// <summary>The next replica after the one in use whose channel has an engine answering, if any.</summary>
    private static int? ConnectedReplica(ShardSession s, ulong except = 0)
    {
        for (int step = 1; step < s.Channels.Length; step++)
        {
            int candidate = (s.Active + step) % s.Channels.Length;
            if ((except & (1UL << candidate)) == 0 && s.Publications[candidate].IsConnected) return candidate;
        }
        return null;
    }

    /// <summary>The replica a NotPrimary refusal names ("the primary is at CHANNEL"), if it is one of the shard's.</summary>
    private static int? NamedReplica(ShardSession s, string text)
    {
        const string marker = "the primary is at ";
        int at = text.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        string named = text[(at + marker.Length)..].Trim();
        var endpoint = EndpointOf(named);
        for (int i = 0; i < s.Channels.Length; i++)
            if (i != s.Active && (s.Channels[i] == named || (endpoint != null && EndpointOf(s.Channels[i]) == endpoint))) return i;
        return null;
    }

    private static ChannelEndpoint? EndpointOf(string channel) => ChannelUri.TryParse(channel, out var uri, out _) && !uri.IsIpc ? uri.Endpoint : null;

    /// <summary>Offers this logon's LogonRequest: the key's id (not the secret), the session's parameters, the client
    /// nonce and the response channel. Built once per logon, so a request offered twice is the same request.</summary>
    private bool OfferLogon(ShardSession s)
    {
        if (s.LogonRequest == null && Options.ClearKeyLogon)
        {
            var buffer = new byte[HeaderLength + LogonEncoder.BlockLength + 4 + 2 * ClientOptions.MaxVarDataLength];
            var logon = LogonEncoder.WrapAndApplyHeader(buffer, 0);
            logon.Account = Options.Account;
            logon.HeartbeatIntervalMs = Options.HeartbeatIntervalMs;
            logon.CancelOnDisconnect = Options.CancelOnDisconnect ? (byte)1 : (byte)0;
            logon.WriteApiKey(Encoding.ASCII.GetBytes(Options.ApiKey));
            logon.WriteResponseChannel(Encoding.ASCII.GetBytes(s.ResponseChannel));
            s.LogonRequest = buffer[..(HeaderLength + logon.EncodedLength)];
        }
        if (s.LogonRequest == null)
        {
            var buffer = new byte[HeaderLength + LogonRequestEncoder.BlockLength + 6 + 2 * ClientOptions.MaxVarDataLength + SessionAuth.NonceLength];
            var request = LogonRequestEncoder.WrapAndApplyHeader(buffer, 0);
            request.Account = Options.Account;
            request.HeartbeatIntervalMs = Options.HeartbeatIntervalMs;
            request.CancelOnDisconnect = Options.CancelOnDisconnect ? (byte)1 : (byte)0;
            request.WriteKeyId(Encoding.ASCII.GetBytes(_keyId));
            request.WriteClientNonce(s.ClientNonce);
            request.WriteResponseChannel(Encoding.ASCII.GetBytes(s.ResponseChannel));
            s.LogonRequest = buffer[..(HeaderLength + request.EncodedLength)];
        }
        return s.Publication.Offer(s.LogonRequest) > 0;
    }

    /// <summary>The engine's challenge to this logon's request: answered with the proof (HMAC under the secret over the
    /// server nonce and the request), and the session key derived for when the LogonAck comes.</summary>
    private void OnLogonChallenge(ShardSession s, ReadOnlySpan<byte> message)
    {
        if (LogonChallengeDecoder.TryWrapWithHeader(message, 0, out var challenge) != SbeError.None) { _malformed++; return; }
        ReadOnlySpan<byte> clientNonce, serverNonce;
        try
        {
            clientNonce = challenge.ReadClientNonce();
            serverNonce = challenge.ReadServerNonce();
        }
        catch (SbeException) { _malformed++; return; }
        // Only a challenge to this logon's own request is answered.
        if (s.State != ShardState.LoggingOn || s.LogonRequest == null || !clientNonce.SequenceEqual(s.ClientNonce)) return;
        var buffer = new byte[HeaderLength + LogonProofEncoder.BlockLength + 2 + SessionAuth.ProofLength];
        var proof = LogonProofEncoder.WrapAndApplyHeader(buffer, 0);
        proof.WriteProof(SessionAuth.Proof(_secret, serverNonce, s.LogonRequest));
        s.HandshakeKey = SessionAuth.SessionKey(_secret, s.ClientNonce, serverNonce);
        s.ProofPending = buffer[..(HeaderLength + proof.EncodedLength)];
        if (s.Publication.Offer(s.ProofPending) > 0) { ProofSent(s, _clock.NanoTime()); s.Sent = true; }
    }

    /// <summary>The proof is on its way to the replica in use: the session will live there if it acknowledges, and the
    /// wait for an answer starts again (the replica answered the request; under load the ack may take a while, and a
    /// search that moved on meanwhile would leave a session logged on behind it).</summary>
    private static void ProofSent(ShardSession s, long now)
    {
        s.ProofPending = null;
        s.LastOutbound = now;
        s.HandshakeReplica = s.Active;
        if (s.LogonSentAt != 0) s.LogonSentAt = now;
    }

    /// <summary>Seals the message in <see cref="_encode"/>[..<paramref name="length"/>] for the shard's session: the
    /// next sequence and the MAC under the session key. Returns the length to send.</summary>
    private int Seal(ShardSession s, int length) =>
        s.Mac == null ? length : s.Mac.Seal(_encode, length, ++s.OutboundSequence);

    private bool OfferLogout(ShardSession s)
    {
        var logout = LogoutEncoder.WrapAndApplyHeader(_encode, 0);
        logout.SessionId = s.SessionId;
        logout.Reason = LogoutReason.ClientRequest;
        bool sent = s.Publication.Offer(_encode.AsSpan(0, Seal(s, HeaderLength + logout.EncodedLength))) > 0;
        if (sent) s.Sent = true;
        return sent;
    }

    // ---- what arrives ----

    /// <summary>Receives one shard stream's messages; a struct, so polling calls it directly.</summary>
    private readonly struct StreamHandler(ExchangeClient<TListener> client, ShardSession shard, bool responses) : ISubscriptionHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message, Image image, long position) => client.OnMessage(shard, message, image.SessionId, image);

        public void OnImageAvailable(Image image) { }

        public void OnImageUnavailable(Image image)
        {
            if (responses) client.OnResponseImageGone(shard, image.SessionId);
        }
    }

    /// <summary>A lane's deliveries from its shared connection, to the shard session it belongs to.</summary>
    private sealed class LaneSink(ExchangeClient<TListener> client) : ILaneSink
    {
        public ShardSession Shard = null!;

        public void OnMessage(ReadOnlySpan<byte> message, Image image, bool responses)
        {
            if (!client._disposed) client.OnMessage(Shard, message, image.SessionId, image);
        }

        public void OnResponseImageGone(Image image)
        {
            if (!client._disposed) client.OnResponseImageGone(Shard, image.SessionId);
        }
    }

    /// <summary>One message from a shard (either stream); <paramref name="imageSession"/> is the transport session of
    /// the engine publication it came on, <paramref name="image"/> that publication's image (null in decoding tests).</summary>
    internal void OnMessage(ShardSession s, ReadOnlySpan<byte> message, int imageSession, Image? image)
    {
        s.Received = true;
        if (message.Length < HeaderLength) { _malformed++; return; }
        var header = MessageHeaderDecoder.Wrap(message, 0);
        if (header.SchemaId != LogonAckDecoder.SchemaId) { _malformed++; return; }
        switch (header.TemplateId)
        {
            case LogonAckDecoder.TemplateId: OnLogonAck(s, message, imageSession, image); return;
            case LogonRejectDecoder.TemplateId: OnLogonReject(s, message); return;
            case LogonChallengeDecoder.TemplateId: OnLogonChallenge(s, message); return;
            case HeartbeatDecoder.TemplateId:
                if (HeartbeatDecoder.TryWrapWithHeader(message, 0, out _) != SbeError.None) _malformed++;
                return;
            case LogoutDecoder.TemplateId: OnLogoutMessage(s, message); return;
            case SymbolDefinitionDecoder.TemplateId: OnSymbolDefinition(s, message); return;
            case OrderStatusDecoder.TemplateId or AccountBalancesDecoder.TemplateId or AccountOrdersDecoder.TemplateId
                or AccountStateEndDecoder.TemplateId or BookSnapshotDecoder.TemplateId or BookSnapshotEndDecoder.TemplateId
                or QueryRejectedDecoder.TemplateId:
                try
                {
                    if (!OnQueryAnswer(s.Index, header.TemplateId, message)) _malformed++;
                }
                catch (SbeException) { _malformed++; }
                return;
            default:
            {
                // Every engine event begins its block with the sequence and timestamp of its input: a shorter
                // message is no event.
                if (message.Length < HeaderLength + 16) { _malformed++; return; }
                // The session's own account's permission changed: PermissionOf follows it.
                if (header.TemplateId == AccountPermissionChangedDecoder.TemplateId
                    && AccountPermissionChangedDecoder.TryWrapWithHeader(message, 0, out var changed) == SbeError.None && changed.Account == s.Account)
                    s.Permission = changed.Permission;
                _lastTimestamp = BinaryPrimitives.ReadInt64LittleEndian(message[(HeaderLength + 8)..]);
                _listener.OnEventContext(s.Index, BinaryPrimitives.ReadInt64LittleEndian(message[HeaderLength..]));
                if (EventCodec.Decode(message, ref _listener, out _, out _) != SbeError.None) _malformed++;
                return;
            }
        }
    }

    /// <summary>An answer to a query, delivered to the listener; false if it does not decode.</summary>
    private bool OnQueryAnswer(int shard, int template, ReadOnlySpan<byte> message)
    {
        switch (template)
        {
            case OrderStatusDecoder.TemplateId:
            {
                if (OrderStatusDecoder.TryWrapWithHeader(message, 0, out var m) != SbeError.None) return false;
                _listener.OnOrderStatus(shard, new OrderStatusAnswer(m.RequestId, m.Sequence, m.Account, m.ClientOrderId, m.State, m.OrderId,
                    m.Symbol, m.Side, m.Price, m.Quantity, m.FilledQuantity, m.LeavesQuantity, m.OrderSequence, m.RejectReason,
                    (CancelReason)m.CancelReason, m.LastClientOrderId, m.LastClientOrderSequence)
                {
                    DisplayQuantity = m.DisplayQuantity == OrderStatusDecoder.DisplayQuantityNullValue ? 0 : m.DisplayQuantity,
                });
                return true;
            }
            case AccountBalancesDecoder.TemplateId:
            {
                if (AccountBalancesDecoder.TryWrapWithHeader(message, 0, out var m) != SbeError.None) return false;
                var g = m.ReadBalances();
                while (g.Next()) _listener.OnAccountBalance(shard, m.RequestId, m.Account, g.Asset, g.Available, g.Held);
                return true;
            }
            case AccountOrdersDecoder.TemplateId:
            {
                if (AccountOrdersDecoder.TryWrapWithHeader(message, 0, out var m) != SbeError.None) return false;
                var g = m.ReadOrders();
                while (g.Next())
                    _listener.OnAccountOrder(shard, m.RequestId, new OpenOrderEntry(g.OrderId, g.ClientOrderId, g.Symbol, g.Side,
                        (g.Flags & OrderFlags.PostOnly) != 0, g.Price, g.Quantity, g.FilledQuantity, g.LeavesQuantity,
                        g.OrderType is OrderType.Stop or OrderType.StopLimit ? g.OrderType : OrderType.Limit, g.StopPrice,
                        g.TimeInForce == 0 ? TimeInForce.GoodTillCancel : g.TimeInForce));
                return true;
            }
            case AccountStateEndDecoder.TemplateId:
            {
                if (AccountStateEndDecoder.TryWrapWithHeader(message, 0, out var m) != SbeError.None) return false;
                _listener.OnAccountStateEnd(shard, m.RequestId, m.Account, m.Sequence, m.OrderCount, m.NextAfterOrderId);
                return true;
            }
            case BookSnapshotDecoder.TemplateId:
            {
                if (BookSnapshotDecoder.TryWrapWithHeader(message, 0, out var m) != SbeError.None) return false;
                int symbol = m.Symbol;
                var bids = m.ReadBids();
                while (bids.Next()) _listener.OnBookSnapshotLevel(shard, symbol, Side.Buy, bids.Price, bids.Quantity, bids.OrderCount);
                var asks = m.ReadAsks();
                while (asks.Next()) _listener.OnBookSnapshotLevel(shard, symbol, Side.Sell, asks.Price, asks.Quantity, asks.OrderCount);
                return true;
            }
            case BookSnapshotEndDecoder.TemplateId:
            {
                if (BookSnapshotEndDecoder.TryWrapWithHeader(message, 0, out var m) != SbeError.None) return false;
                _listener.OnBookSnapshotEnd(shard, m.RequestId, m.Symbol, m.Sequence, m.Status, m.BidLevels, m.AskLevels, m.Truncated != 0);
                return true;
            }
            default:
            {
                if (QueryRejectedDecoder.TryWrapWithHeader(message, 0, out var m) != SbeError.None) return false;
                _listener.OnQueryRejected(shard, m.RequestId, m.Query, m.Reason);
                return true;
            }
        }
    }

    private void OnLogonAck(ShardSession s, ReadOnlySpan<byte> message, int imageSession, Image? image)
    {
        if (LogonAckDecoder.TryWrapWithHeader(message, 0, out var ack) != SbeError.None) { _malformed++; return; }
        if (s.State != ShardState.LoggingOn) return; // a late answer to a logon given up on
        // The session lives where the handshake it completes went: this logon's, or the one a failover search moved on
        // from after sending its proof (that replica logged us on after all: stay with it, with its key, rather than
        // send heartbeats to the replica the search moved to). An ack for no handshake of ours is not taken.
        if (s.HandshakeReplica >= 0) s.Active = s.HandshakeReplica;
        else if (s.LateReplica >= 0)
        {
            s.Active = s.LateReplica;
            s.HandshakeKey = s.LateHandshakeKey;
        }
        else return;
        s.LateReplica = -1;
        s.LateHandshakeKey = null;
        // The engine's stream is the one this session lives on: out of the transport's pool for strangers.
        image?.Admit();
        uint interval = ack.HeartbeatIntervalMs;
        if (interval == 0 || interval == LogonAckDecoder.HeartbeatIntervalMsNullValue)
            interval = Options.HeartbeatIntervalMs != 0 ? Options.HeartbeatIntervalMs : FallbackHeartbeatMs;
        long now = _clock.NanoTime();
        s.State = ShardState.LoggedOn;
        s.Moves = 0;
        s.LogonSentAt = 0;
        s.SessionId = ack.SessionId;
        s.Account = ack.Account;
        s.HeartbeatIntervalMs = interval;
        // An engine before version 4 sends none: its accounts all trade.
        s.Permission = ack.Permission == AccountPermission.NULL_VALUE ? AccountPermission.Trade : ack.Permission;
        s.HeartbeatNanos = interval * NanoClock.Millisecond;
        s.LastInbound = now;
        s.LastOutbound = now;
        s.Received = s.Sent = false;
        s.ResponseImageSession = imageSession;
        s.HasResponseImage = true;
        s.Mac?.Dispose();
        s.Mac = s.HandshakeKey != null ? new SessionMac(s.HandshakeKey) : null;
        s.OutboundSequence = 0;
        _listener.OnLogon(s.Index, s.SessionId);
    }

    private void OnSymbolDefinition(ShardSession s, ReadOnlySpan<byte> message)
    {
        var symbol = SymbolReference.Decode(message, out _);
        if (symbol == null || symbol.Name.Length == 0) { _malformed++; return; }
        // A symbol that was renamed or moved keeps one entry: its id's latest name.
        foreach (var (name, known) in _symbolsByName)
            if (known.Id == symbol.Id && name != symbol.Name) { _symbolsByName.Remove(name); break; }
        _symbolsByName[symbol.Name] = symbol;
        // A shard's own announcement routes its symbol, unless the options gave that symbol to a shard already.
        if (Find(symbol.Id) == null) Route(symbol.Id, s);
        _listener.OnSymbolDefinition(s.Index, symbol);
    }

    private void OnLogonReject(ShardSession s, ReadOnlySpan<byte> message)
    {
        if (LogonRejectDecoder.TryWrapWithHeader(message, 0, out var reject) != SbeError.None) { _malformed++; return; }
        if (s.State != ShardState.LoggingOn) return; // e.g. AlreadyLoggedOn for a logon sent twice: the session goes on
        string text;
        try { text = Encoding.ASCII.GetString(reject.ReadText()); }
        catch (SbeException) { text = "(unreadable text)"; }
        if ((LogonRejectReason)reject.Reason == LogonRejectReason.NotPrimary && s.Channels.Length > 1 && s.Moves < MaxMoves
            && (NamedReplica(s, text) ?? ConnectedReplica(s)) is int leader)
        {
            // A standby: log on where it says the leader is (or at the next replica that answers). One that names a
            // replica given up on has not heard of the failover yet: try the others, a little later.
            bool stale = (s.Abandoned & (1UL << leader)) != 0;
            if (stale) leader = ConnectedReplica(s, s.Abandoned) ?? s.Active;
            s.Moves++;
            ulong abandoned = s.Abandoned;
            StartLogonAt(s, leader, whenConnected: true);
            s.Abandoned = abandoned;
            s.LogonBackoff = stale;
            return;
        }
        s.State = ShardState.Rejected;
        s.LogonPending = false;
        s.RejectReason = (LogonRejectReason)reject.Reason;
        s.RejectText = text;
    }

    private void OnLogoutMessage(ShardSession s, ReadOnlySpan<byte> message)
    {
        if (LogoutDecoder.TryWrapWithHeader(message, 0, out var logout) != SbeError.None) { _malformed++; return; }
        if (s.State is not (ShardState.LoggedOn or ShardState.LoggingOut) || logout.SessionId != s.SessionId) return;
        s.State = ShardState.LoggedOut;
        s.LastLogoutReason = (LogoutReason)logout.Reason;
        s.LogoutPending = false;
        _listener.OnLogout(s.Index, (LogoutReason)logout.Reason);
    }

    internal void OnResponseImageGone(ShardSession s, int imageSession)
    {
        if (s.State is not (ShardState.LoggedOn or ShardState.LoggingOut) || !s.HasResponseImage || s.ResponseImageSession != imageSession) return;
        s.State = ShardState.Disconnected;
        s.LogoutPending = false;
        _listener.OnDisconnected(s.Index);
    }

    // ---- orders ----

    private const int MaxDenseSymbol = 4096;

    /// <summary>Orders for <paramref name="symbol"/> go to <paramref name="shard"/>: ids below 4096 through an array
    /// (grown when a shard announces one), larger ones through a dictionary.</summary>
    private void Route(int symbol, ShardSession shard)
    {
        if (symbol is >= 0 and < MaxDenseSymbol)
        {
            if (symbol >= _shardBySymbol.Length) Array.Resize(ref _shardBySymbol, symbol + 1);
            _shardBySymbol[symbol] = shard;
        }
        else _shardBySymbolSparse[symbol] = shard;
    }

    private ShardSession? Find(int symbol)
    {
        if ((uint)symbol < (uint)_shardBySymbol.Length) return _shardBySymbol[symbol];
        return _shardBySymbolSparse.Count != 0 && _shardBySymbolSparse.TryGetValue(symbol, out var shard) ? shard : null;
    }

    private long Send(ShardSession s, int length)
    {
        long result = s.Publication.Offer(_encode.AsSpan(0, Seal(s, length)));
        if (result > 0) s.Sent = true;
        return result;
    }

    /// <summary>Sends a new order to the shard that owns its symbol, as the session's account (the order's Account is
    /// replaced). Returns the stream position (&gt; 0) or a <see cref="SendResult"/> code below zero.</summary>
    public long NewOrder(in NewOrder order)
    {
        var s = Find(order.Symbol);
        if (s == null) return SendResult.UnknownSymbol;
        if (s.State != ShardState.LoggedOn) return SendResult.NotLoggedOn;
        return Send(s, CommandCodec.Encode(order with { Account = s.Account }, _encode));
    }

    /// <summary>Cancels the session's open order <paramref name="clientOrderId"/>, sent to the shard that owns
    /// <paramref name="symbol"/>. Returns as <see cref="NewOrder"/>.</summary>
    public long Cancel(int symbol, long clientOrderId)
    {
        var s = Find(symbol);
        if (s == null) return SendResult.UnknownSymbol;
        if (s.State != ShardState.LoggedOn) return SendResult.NotLoggedOn;
        return Send(s, CommandCodec.Encode(new CancelOrder(s.Account, clientOrderId), _encode));
    }

    /// <summary>Replaces price and total quantity (filled included) of open order <paramref name="origClientOrderId"/>,
    /// which takes <paramref name="clientOrderId"/> (FIX's OrigClOrdID and ClOrdID). Returns as <see cref="NewOrder"/>.</summary>
    public long Replace(int symbol, long origClientOrderId, long clientOrderId, long price, long quantity)
    {
        var s = Find(symbol);
        if (s == null) return SendResult.UnknownSymbol;
        if (s.State != ShardState.LoggedOn) return SendResult.NotLoggedOn;
        return Send(s, CommandCodec.Encode(new ReplaceOrder(s.Account, origClientOrderId, clientOrderId, price, quantity), _encode));
    }

    /// <summary>Cancels the session's open orders on <paramref name="symbol"/> (-1: every symbol, sent to every shard)
    /// and <paramref name="side"/> (<see cref="Side.None"/>: both). With -1 the result is the first failure if any shard
    /// could not be sent to (the others were), else the last position.</summary>
    public long MassCancel(int symbol = -1, Side side = Side.None)
    {
        if (symbol != -1)
        {
            var s = Find(symbol);
            if (s == null) return SendResult.UnknownSymbol;
            if (s.State != ShardState.LoggedOn) return SendResult.NotLoggedOn;
            return Send(s, CommandCodec.Encode(new MassCancel(s.Account, symbol, side), _encode));
        }
        long result = 0, failure = 0;
        var shards = _shards;
        for (int i = 0; i < shards.Length; i++)
        {
            var s = shards[i];
            long r = s.State != ShardState.LoggedOn ? SendResult.NotLoggedOn : Send(s, CommandCodec.Encode(new MassCancel(s.Account, -1, side), _encode));
            if (r > 0) result = r;
            else if (failure == 0) failure = r;
        }
        return failure != 0 ? failure : result;
    }

    // ---- queries: read-only, answered to this session only (see IClientListener's OnOrderStatus and the others) ----

    /// <summary>Asks shard <paramref name="shard"/> where the session's order <paramref name="clientOrderId"/> stands, and
    /// for the account's last sequenced client order id; answered by <see cref="IClientListener.OnOrderStatus"/>.
    /// Returns as <see cref="NewOrder"/>.</summary>
    public long RequestOrderStatus(int shard, ulong requestId, long clientOrderId)
    {
        var s = _shards[shard];
        if (s.State != ShardState.LoggedOn) return SendResult.NotLoggedOn;
        var m = OrderStatusRequestEncoder.WrapAndApplyHeader(_encode, 0);
        m.RequestId = requestId;
        m.Account = s.Account;
        m.ClientOrderId = clientOrderId;
        return Send(s, HeaderLength + m.EncodedLength);
    }

    /// <summary>Asks shard <paramref name="shard"/> for the session account's balances and open orders (those with an
    /// order id above <paramref name="afterOrderId"/>; balances only when it is 0): answered by OnAccountBalance and
    /// OnAccountOrder, then OnAccountStateEnd. Returns as <see cref="NewOrder"/>.</summary>
    public long RequestAccountState(int shard, ulong requestId, long afterOrderId = 0)
    {
        var s = _shards[shard];
        if (s.State != ShardState.LoggedOn) return SendResult.NotLoggedOn;
        var m = AccountStateRequestEncoder.WrapAndApplyHeader(_encode, 0);
        m.RequestId = requestId;
        m.Account = s.Account;
        m.AfterOrderId = afterOrderId;
        return Send(s, HeaderLength + m.EncodedLength);
    }

    /// <summary>Asks the shard that owns <paramref name="symbol"/> for its full depth: answered by OnBookSnapshotLevel
    /// for each level, then OnBookSnapshotEnd with the sequence it is at. Returns as <see cref="NewOrder"/>.</summary>
    public long RequestBookSnapshot(int symbol, ulong requestId)
    {
        var s = Find(symbol);
        if (s == null) return SendResult.UnknownSymbol;
        if (s.State != ShardState.LoggedOn) return SendResult.NotLoggedOn;
        var m = BookSnapshotRequestEncoder.WrapAndApplyHeader(_encode, 0);
        m.RequestId = requestId;
        m.Symbol = symbol;
        return Send(s, HeaderLength + m.EncodedLength);
    }

    /// <summary>Sends an administrative command (an SBE message of CommandCodec: AddAccount, AddSymbol, HaltSymbol,
    /// ResumeSymbol, Deposit, Withdraw) to <paramref name="shard"/>. Only an operator's session may: the engine refuses
    /// it from a trading one (NotLoggedOn). Returns as <see cref="NewOrder"/>.</summary>
    public long SendAdministration(int shard, ReadOnlySpan<byte> command)
    {
        var s = _shards[shard];
        if (s.State != ShardState.LoggedOn) return SendResult.NotLoggedOn;
        if (command.Length > _encode.Length - SessionAuth.TrailerLength) throw new ArgumentException($"an administrative command of {command.Length} bytes is longer than a message may be");
        command.CopyTo(_encode);
        return Send(s, command.Length);
    }
}
