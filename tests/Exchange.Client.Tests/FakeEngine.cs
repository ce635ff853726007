// A stand-in for one engine shard on the real transport, run on a thread of its own as an engine process would be:
// it listens on stream Commands, answers a LogonRequest with a LogonChallenge and a right LogonProof with LogonAck (or
// LogonReject for an unknown key id or a wrong proof) on publications to the client's response channel, checks and
// strips the trailer of every later message (counting those it refuses), answers Logout, counts heartbeats, records order entry and, when asked, acknowledges
// new orders with OrderAccepted. Tests reach it through Post (run on its thread) and the lock-guarded state.
using System.Collections.Concurrent;
using System.Text;
using Exchange.Contract;
using Exchange.Sbe;
using Exchange.Transport;

namespace Exchange.Client.Tests;

internal sealed record LogonSeen(long Account, uint HeartbeatIntervalMs, byte CancelOnDisconnect, string KeyId, string ResponseChannel);

internal sealed class FakeEngine : IDisposable
{
    public static readonly TransportOptions FastOptions = new() { PublicationLingerNanos = 20 * NanoClock.Millisecond };
    private const int Header = MessageHeaderEncoder.EncodedLength;

    public readonly Transport.Transport Transport = new(FastOptions);
    public readonly Subscription Commands;
    private readonly ConcurrentQueue<Action<FakeEngine>> _posted = new();
    private readonly Thread _thread;
    private volatile bool _stop;
    private readonly byte[] _buffer = new byte[4096];
    private SbeEventWriter _events = new(4096);
    private long _nextSequence = 100;
    private long _nextOrderId = 1;
    /// <summary>Publications to close once a receiver has taken everything offered: a publication closed before any
    /// receiver joined finishes at once and sends nothing.</summary>
    private readonly List<Publication> _closeWhenDrained = [];

    // Behaviour, set before the client connects.
    public string ApiKey = "mm-key";
    public long Account = 1001;
    /// <summary>0: grant what the client asked for.</summary>
    public uint GrantedHeartbeatMs;
    public bool AnswerLogon = true;
    /// <summary>LogonRequests to drop before answering one, as an engine does that never saw them (the connection they came
    /// on was dropped for logging on late, and the stream joined again after them).</summary>
    public int DropLogons;
    /// <summary>The client nonce of each LogonRequest seen, in hex.</summary>
    public readonly List<string> LogonNonces = [];
    /// <summary>A standby: every LogonRequest is refused NotPrimary, naming this channel as the primary's.</summary>
    public string? RedirectTo;
    public bool AnswerLogout = true;
    public bool AcknowledgeOrders;
    public bool RecordOrders = true;
    public ulong SessionId = 77;

    // Seen, under the lock.
    public readonly List<LogonSeen> Logons = [];
    public readonly List<byte[]> Orders = [];
    public int Heartbeats, Logouts, OrdersReceived, Unsealed;

    // The handshake in progress and the session key, on the engine thread.
    private byte[]? _request, _clientNonce, _serverNonce, _sessionKey;
    private LogonSeen? _pending;
    private ulong _inboundSequence;
    public Publication? Responses, MarketData;

    public FakeEngine()
    {
        Commands = Transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", StreamIds.Commands);
        _thread = new Thread(Run) { IsBackground = true, Name = "fake-engine" };
        _thread.Start();
    }

    public string Channel => $"aeron:udp?endpoint=127.0.0.1:{Commands.LocalEndPoint.Port}";

    public void Post(Action<FakeEngine> action) => _posted.Enqueue(action);

    public T Read<T>(Func<FakeEngine, T> read)
    {
        lock (this) return read(this);
    }

    private void Run()
    {
        var idle = new BackoffIdleStrategy(maxSpins: 10, maxYields: 10, minParkNanos: 10_000, maxParkNanos: 200_000);
        var handler = new Handler(this);
        while (!_stop)
        {
            int work = Transport.DoWork();
            while (_posted.TryDequeue(out var action))
            {
                lock (this) action(this);
                work++;
            }
            work += Commands.Poll(ref handler, 64);
            lock (this)
            {
                for (int i = _closeWhenDrained.Count - 1; i >= 0; i--)
                {
                    var p = _closeWhenDrained[i];
                    if (!p.IsConnected || p.SenderPosition < p.Position) continue;
                    p.Close();
                    _closeWhenDrained.RemoveAt(i);
                }
            }
            idle.Idle(work);
        }
    }

    private readonly struct Handler(FakeEngine engine) : ISubscriptionHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            lock (engine) engine.OnMessage(message);
        }

        public void OnImageAvailable(Image image) { }
        public void OnImageUnavailable(Image image) { }
    }

    private void RejectAndClose(string text, LogonRejectReason reason)
    {
        var reject = LogonRejectEncoder.WrapAndApplyHeader(_buffer, 0);
        reject.Reason = reason;
        reject.WriteText(Encoding.ASCII.GetBytes(text));
        Respond(_buffer.AsSpan(0, Header + reject.EncodedLength));
        _closeWhenDrained.Add(Responses!);
        _closeWhenDrained.Add(MarketData!);
        Responses = MarketData = null;
    }

    private void OnMessage(ReadOnlySpan<byte> message)
    {
        int template = CommandCodec.TemplateOf(message);
        if (_sessionKey != null && template is not (LogonRequestDecoder.TemplateId or LogonProofDecoder.TemplateId))
        {
            if (!SessionAuth.Open(_sessionKey, message, out ulong sequence, out int length) || sequence <= _inboundSequence) { Unsealed++; return; }
            _inboundSequence = sequence;
            message = message[..length];
        }
        switch (template)
        {
            case LogonRequestDecoder.TemplateId:
            {
                var request = LogonRequestDecoder.WrapWithHeader(message);
                string keyId = Encoding.ASCII.GetString(request.ReadKeyId());
                byte[] clientNonce = request.ReadClientNonce().ToArray();
                var seen = new LogonSeen(request.Account, request.HeartbeatIntervalMs, request.CancelOnDisconnect, keyId,
                    Encoding.ASCII.GetString(request.ReadResponseChannel()));
                Logons.Add(seen);
                LogonNonces.Add(Convert.ToHexString(clientNonce));
                if (!AnswerLogon) return;
                if (DropLogons > 0) { DropLogons--; return; }
                OpenResponses(seen.ResponseChannel);
                _sessionKey = null;
                if (RedirectTo != null)
                {
                    RejectAndClose($"this engine is a standby; the primary is at {RedirectTo}", LogonRejectReason.NotPrimary);
                    return;
                }
                if (keyId != SessionAuth.KeyId(ApiKey))
                {
                    RejectAndClose("unknown api key", LogonRejectReason.UnknownApiKey);
                    return;
                }
                (_request, _clientNonce, _serverNonce, _pending) = (message.ToArray(), clientNonce, SessionAuth.NewNonce(), seen);
                var challenge = LogonChallengeEncoder.WrapAndApplyHeader(_buffer, 0);
                challenge.WriteClientNonce(clientNonce);
                challenge.WriteServerNonce(_serverNonce);
                Respond(_buffer.AsSpan(0, Header + challenge.EncodedLength));
                return;
            }
            case LogonProofDecoder.TemplateId when _pending != null:
            {
                byte[] secret = SessionAuth.SecretBytes(ApiKey);
                if (!SessionAuth.VerifyProof(secret, _serverNonce, _request, LogonProofDecoder.WrapWithHeader(message).ReadProof()))
                {
                    _pending = null;
                    RejectAndClose("the proof does not match the key's secret", LogonRejectReason.BadProof);
                    return;
                }
                _sessionKey = SessionAuth.SessionKey(secret, _clientNonce, _serverNonce);
                _inboundSequence = 0;
                var ack = LogonAckEncoder.WrapAndApplyHeader(_buffer, 0);
                ack.SessionId = SessionId;
                ack.Account = Account;
                ack.HeartbeatIntervalMs = GrantedHeartbeatMs != 0 ? GrantedHeartbeatMs : _pending.HeartbeatIntervalMs;
                _pending = null;
                Respond(_buffer.AsSpan(0, Header + ack.EncodedLength));
                return;
            }
            case HeartbeatDecoder.TemplateId:
                Heartbeats++;
                return;
            case LogoutDecoder.TemplateId:
                Logouts++;
                if (!AnswerLogout || Responses == null) return;
                SendLogout(LogoutReason.ClientRequest);
                CloseResponses();
                return;
            default:
                OrdersReceived++;
                if (RecordOrders) Orders.Add(message.ToArray());
                if (AcknowledgeOrders && CommandCodec.TemplateOf(message) == NewOrderDecoder.TemplateId)
                {
                    var order = NewOrderDecoder.WrapWithHeader(message);
                    _events.Clear();
                    _events.Sequence = _nextSequence++;
                    _events.Timestamp = 1_700_000_000_000_000_000;
                    _events.OnAccepted(new OrderAccepted(order.Account, order.ClientOrderId, _nextOrderId++, order.Symbol, (Side)order.Side,
                        (OrderType)order.OrderType, (TimeInForce)order.TimeInForce, order.Price, order.Quantity));
                    Respond(_events.Written[SbeEventWriter.LengthPrefix..]);
                }
                return;
        }
    }

    private void OpenResponses(string channel)
    {
        CloseResponses();
        Responses = Transport.AddPublication(channel, StreamIds.Responses);
        MarketData = Transport.AddPublication(channel, StreamIds.MarketData);
    }

    /// <summary>On the engine thread (inside Post or a handler).</summary>
    public void CloseResponses()
    {
        Responses?.Close();
        MarketData?.Close();
        Responses = MarketData = null;
    }

    /// <summary>On the engine thread: offers until the publication takes the message.</summary>
    public void Respond(ReadOnlySpan<byte> message) => OfferAll(Responses!, message);

    public void Publish(ReadOnlySpan<byte> message) => OfferAll(MarketData!, message);

    private void OfferAll(Publication publication, ReadOnlySpan<byte> message)
    {
        for (int i = 0; publication.Offer(message) < 0; i++)
        {
            if (i > 1_000_000) throw new InvalidOperationException("the fake engine could not send");
            Transport.DoWork();
        }
    }

    public void SendLogout(LogoutReason reason)
    {
        var logout = LogoutEncoder.WrapAndApplyHeader(_buffer, 0);
        logout.SessionId = SessionId;
        logout.Reason = (LogoutReason)reason;
        Respond(_buffer.AsSpan(0, Header + logout.EncodedLength));
    }

    public void SendHeartbeat()
    {
        var heartbeat = HeartbeatEncoder.WrapAndApplyHeader(_buffer, 0);
        heartbeat.SessionId = SessionId;
        Respond(_buffer.AsSpan(0, Header + heartbeat.EncodedLength));
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        Transport.Dispose();
    }
}

internal static class Wait
{
    /// <summary>Polls the client until <paramref name="done"/> or the timeout; false on timeout.</summary>
    public static bool Until<TListener>(ExchangeClient<TListener> client, Func<bool> done, double seconds = 5) where TListener : IClientListener
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done())
        {
            if (DateTime.UtcNow > deadline) return false;
            if (client.Poll() == 0) Thread.Sleep(0);
        }
        return true;
    }
}
