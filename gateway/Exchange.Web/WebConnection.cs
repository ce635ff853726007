// One browser's WebSocket: a reader that parses, checks and rate-limits what it sends and posts the result to the
// engine thread, and a writer that drains its Outbox. Every bad message is answered with an error frame and the
// connection goes on; only a peer that keeps failing to authenticate or lets its answers pile up is closed.
using System.Net.WebSockets;
using System.Threading.RateLimiting;

namespace Exchange.Web;

public sealed class WebConnection
{
    private static int s_nextId;

    public WebConnection(string address, WebLimits limits)
    {
        Id = Interlocked.Increment(ref s_nextId);
        Address = address;
        Outbox = new Outbox(limits.QueueFrames, limits.ConflateAbove, limits.PrivateQueueFrames);
        Messages = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.MessageBurst, TokensPerPeriod = limits.MessagesPerSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0, AutoReplenishment = true,
        });
    }

    public int Id { get; }
    public string Address { get; }
    public Outbox Outbox { get; }
    /// <summary>Messages this connection may send (per connection, whoever it is).</summary>
    public TokenBucketRateLimiter Messages { get; }
    /// <summary>The account a token proved, or null; set on the reader's thread before anything that needs it is posted.</summary>
    public volatile WebAccount? Account;
    public int FailedAuth;
    /// <summary>Engine thread only: this connection's subscriptions by channel/symbol/interval.</summary>
    public Dictionary<string, Subscription> Subscriptions { get; } = [];
    /// <summary>Set by the engine thread when a subscription missed frames; the writer asks for a resync once drained.</summary>
    public volatile bool HasDirty;
}

public sealed class ConnectionRunner(EngineDoor door, WebAuth auth, WebLimits limits, PartitionedRateLimiter<long> orders)
{
    public async Task Run(WebSocket socket, WebConnection c, string version, CancellationToken stopping)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        c.Outbox.Private(Frames.Hello(door.Symbols, version));
        var writer = Task.Run(() => Write(socket, c, cancel.Token));
        try { await Read(socket, c, cancel.Token); }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException) { }
        finally
        {
            door.Post(() => door.Disconnect(c));
            c.Outbox.Close();
            await cancel.CancelAsync();
            try { await writer; } catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException) { }
            c.Messages.Dispose();
        }
    }

    private async Task Read(WebSocket socket, WebConnection c, CancellationToken cancel)
    {
        var buffer = new byte[limits.MaxFrameBytes];
        while (socket.State == WebSocketState.Open && !c.Outbox.IsClosed)
        {
            int length = 0;
            bool tooLarge = false;
            ValueWebSocketReceiveResult result;
            do
            {
                // A message longer than the limit is read to its end into the same buffer and thrown away.
                if (length == buffer.Length) { tooLarge = true; length = 0; }
                result = await socket.ReceiveAsync(buffer.AsMemory(length), cancel);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancel);
                    return;
                }
                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (!c.Messages.AttemptAcquire(1).IsAcquired)
            {
                c.Outbox.Private(Frames.Error(null, "rate_limited", $"more than {limits.MessagesPerSecond} messages per second on this connection (burst {limits.MessageBurst}); message dropped"));
                continue;
            }
            if (tooLarge)
            {
                c.Outbox.Private(Frames.Error(null, "frame_too_large", $"a message may be at most {limits.MaxFrameBytes} bytes"));
                continue;
            }
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                c.Outbox.Private(Frames.Error(null, "binary_not_supported", "messages are JSON text frames"));
                continue;
            }
            Request request;
            try { request = Requests.Parse(buffer.AsSpan(0, length)); }
            catch (RequestError e)
            {
                c.Outbox.Private(Frames.Error(e.RequestId, e.Code, e.Message));
                continue;
            }
            await Handle(socket, c, request, cancel);
        }
    }

    private async Task Handle(WebSocket socket, WebConnection c, Request request, CancellationToken cancel)
    {
        switch (request)
        {
            case PingRequest r:
                c.Outbox.Private(Frames.Write("pong", w => Frames.RequestId(w, r.RequestId)));
                return;
            case AuthRequest r:
            {
                var (account, problem) = await auth.Validate(r.Token);
                if (account == null)
                {
                    c.Outbox.Private(Frames.Error(r.RequestId, "auth_failed", problem!));
                    if (++c.FailedAuth >= limits.MaxFailedAuth)
                    {
                        await Task.Delay(100, cancel); // let the error frame go first
                        await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "too many failed authentications", cancel);
                    }
                    return;
                }
                if (c.Account != null && c.Account.Account != account.Account)
                {
                    c.Outbox.Private(Frames.Error(r.RequestId, "auth_failed", "this connection is already authenticated as another account"));
                    return;
                }
                c.Account = account;
                c.Outbox.Private(Frames.Write("authenticated", w =>
                {
                    Frames.RequestId(w, r.RequestId);
                    w.WriteString("subject", account.Subject);
                    w.WriteNumber("account", account.Account);
                }));
                return;
            }
            case SubscribeRequest r:
                door.Post(() => door.Subscribe(c, r));
                return;
            default:
                if (c.Account is not { } who)
                {
                    c.Outbox.Private(Frames.Error(request.RequestId, "not_authenticated", "order entry needs an authenticated connection: send auth first"));
                    return;
                }
                if (!orders.AttemptAcquire(who.Account).IsAcquired)
                {
                    c.Outbox.Private(Frames.Error(request.RequestId, "rate_limited", $"more than {limits.OrdersPerSecond} order messages per second for account {who.Account} (burst {limits.OrderBurst}); not sent"));
                    return;
                }
                door.Post(() => door.Enter(c, request));
                return;
        }
    }

    private async Task Write(WebSocket socket, WebConnection c, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            await c.Outbox.WaitAsync(cancel);
            while (true)
            {
                var frame = c.Outbox.Next(out bool lagged);
                if (lagged)
                {
                    long dropped = c.Outbox.Dropped;
                    await socket.SendAsync(Frames.Write("lagged", w =>
                    {
                        w.WriteNumber("dropped", dropped);
                        w.WriteString("reason", "this connection fell too far behind; its public channels are resynchronised from snapshots");
                    }), WebSocketMessageType.Text, true, cancel);
                    door.Post(() => door.Resync(c));
                    continue;
                }
                if (frame == null) break;
                await socket.SendAsync(frame, WebSocketMessageType.Text, true, cancel);
            }
            if (c.Outbox.Overflowed)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "too slow: answers and private events piled up", cancel);
                return;
            }
            if (c.HasDirty) door.Post(() => door.Resync(c));
        }
    }
}
