// The FIX client kind: one broker session over TCP (or TLS) to exchange-gateway, speaking FIX 4.4 with our codec.
// ClOrdIDs are the tracker's client order ids in decimal (cancels prefix 'C'), so execution reports map back to its
// slots. Over TLS the SslStream is driven without blocking: one read and one write in flight, looked at each poll.
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Exchange.Client;
using Exchange.Contract;
using Exchange.Fix;

namespace Exchange.Perf.E2e;

/// <summary>How the gateway names a symbol and scales its prices and quantities (engine = FIX x 10^decimals).</summary>
public sealed record FixSymbol(string Name, int PriceDecimals, int QuantityDecimals)
{
    public byte[] NameBytes { get; } = System.Text.Encoding.ASCII.GetBytes(Name);
}

public sealed class FixLoadClient : ILoadClient, Exchange.Runtime.IParkSource
{
    private const int MaxPendingBytes = 4 << 20;
    private readonly Socket _socket;
    private readonly byte[] _senderCompId, _targetCompId;
    private readonly Dictionary<int, FixSymbol> _symbols;
    private readonly byte[] _receive = new byte[1 << 20];
    private int _received;
    private readonly byte[] _pending = new byte[MaxPendingBytes];
    private int _pendingStart, _pendingEnd;
    private readonly byte[] _message = new byte[1024];
    private readonly FixField[] _fields = new FixField[FixMessage.DefaultFieldCapacity];
    private readonly byte[] _number = new byte[24];
    private int _nextSeqNum = 1;
    private bool _loggedOn;
    /// <summary>The SendingTime of the message being written; TransactTime (60) takes it too: one clock read per message.</summary>
    private long _sendingTime;
    private readonly SslStream? _tls;
    private readonly byte[] _tlsWrite = [];
    private ValueTask _tlsWriting;
    private bool _tlsWriteInFlight;
    private ValueTask<int> _tlsReading;
    private bool _tlsReadInFlight;

    /// <summary>Connects and logs on; over TLS when <paramref name="tlsAuthority"/> (the CA the gateway's certificate
    /// must chain to) is given.</summary>
    public FixLoadClient(int port, string senderCompId, string targetCompId, Dictionary<int, FixSymbol> symbols, OrderTracker tracker,
        X509Certificate2? tlsAuthority = null)
    {
        Tracker = tracker;
        _symbols = symbols;
        _senderCompId = System.Text.Encoding.ASCII.GetBytes(senderCompId);
        _targetCompId = System.Text.Encoding.ASCII.GetBytes(targetCompId);
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect("127.0.0.1", port);
        if (tlsAuthority != null)
        {
            _tls = new SslStream(new NetworkStream(_socket, ownsSocket: false));
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(tlsAuthority);
            _tls.AuthenticateAsClient(new SslClientAuthenticationOptions { TargetHost = "localhost", CertificateChainPolicy = policy });
            _tlsWrite = new byte[16 * 1024];
        }
        else
        {
            _socket.Blocking = false;
        }
        var w = Begin("A"u8);
        w.Append(98, 0L);
        w.Append(108, 30L);
        w.Append(141, true);
        Finish(ref w);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_loggedOn)
        {
            if (Disconnected || DateTime.UtcNow > deadline) { Dispose(); throw new IOException($"FIX logon of {senderCompId} was not answered"); }
            if (Poll() == 0) Thread.Sleep(1);
        }
    }

    public OrderTracker Tracker { get; }

    /// <summary>Over TCP the generator's backoff parks on the socket, so an execution report wakes it; over TLS the
    /// stream's reads complete on other threads and it sleeps its park out instead.</summary>
    public Exchange.Runtime.IParker? Parker => _tls == null ? _parker ??= new Exchange.Runtime.DescriptorParker(this) : null;
    private Exchange.Runtime.DescriptorParker? _parker;

    public void AddParkDescriptors(Exchange.Runtime.DescriptorParker into)
    {
        if (Disconnected) return;
        into.Add((int)_socket.Handle, _pendingEnd > _pendingStart
            ? (short)(Exchange.Runtime.DescriptorParker.Readable | Exchange.Runtime.DescriptorParker.Writable)
            : Exchange.Runtime.DescriptorParker.Readable);
    }
    /// <summary>The Text (58) of the last cancel report that answered no cancel of ours (the engine's reason).</summary>
    public string? UnsolicitedCancelText { get; private set; }
    public bool Disconnected { get; private set; }
    /// <summary>Session-level rejects and malformed input from the gateway; any is a failure of the run.</summary>
    public long Errors { get; private set; }

    private FixWriter Begin(ReadOnlySpan<byte> msgType)
    {
        var w = new FixWriter(_message, msgType);
        w.Append(34, (long)_nextSeqNum++);
        w.Append(49, _senderCompId);
        _sendingTime = UtcTimestamp.Now();
        w.AppendUtcTimestamp(52, _sendingTime, TimestampPrecision.Milliseconds);
        w.Append(56, _targetCompId);
        return w;
    }

    private long Finish(ref FixWriter w)
    {
        if (!w.TryFinish(out int length)) return SendResult.Closed;
        if (_pendingEnd + length > _pending.Length)
        {
            if (_pendingStart == 0) return SendResult.BackPressured;
            _pending.AsSpan(_pendingStart, _pendingEnd - _pendingStart).CopyTo(_pending);
            _pendingEnd -= _pendingStart;
            _pendingStart = 0;
            if (_pendingEnd + length > _pending.Length) return SendResult.BackPressured;
        }
        _message.AsSpan(0, length).CopyTo(_pending.AsSpan(_pendingEnd));
        _pendingEnd += length;
        Flush();
        return 1;
    }

    private int Flush()
    {
        if (_tls != null) return FlushTls();
        if (_pendingEnd == _pendingStart) return 0;
        int sent = _socket.Send(_pending.AsSpan(_pendingStart, _pendingEnd - _pendingStart), SocketFlags.None, out var error);
        if (error is not (SocketError.Success or SocketError.WouldBlock)) { Disconnected = true; return 0; }
        _pendingStart += Math.Max(0, sent);
        if (_pendingStart == _pendingEnd) _pendingStart = _pendingEnd = 0;
        return sent > 0 ? 1 : 0;
    }

    // One write in flight; the next takes up to a TLS record of what is pending.
    private int FlushTls()
    {
        if (_tlsWriteInFlight)
        {
            if (!_tlsWriting.IsCompleted) return 0;
            _tlsWriteInFlight = false;
            try { _tlsWriting.GetAwaiter().GetResult(); }
            catch (IOException) { Disconnected = true; return 0; }
        }
        if (_pendingEnd == _pendingStart || Disconnected) return 0;
        int n = Math.Min(_tlsWrite.Length, _pendingEnd - _pendingStart);
        _pending.AsSpan(_pendingStart, n).CopyTo(_tlsWrite);
        _pendingStart += n;
        if (_pendingStart == _pendingEnd) _pendingStart = _pendingEnd = 0;
        _tlsWriting = _tls!.WriteAsync(_tlsWrite.AsMemory(0, n));
        _tlsWriteInFlight = true;
        return 1;
    }

    // Bytes received over TLS into the receive buffer (0: none yet), or -1 when the connection ended.
    private int ReceiveTls()
    {
        if (!_tlsReadInFlight)
        {
            _tlsReading = _tls!.ReadAsync(_receive.AsMemory(_received));
            _tlsReadInFlight = true;
        }
        if (!_tlsReading.IsCompleted) return 0;
        _tlsReadInFlight = false;
        try
        {
            int n = _tlsReading.GetAwaiter().GetResult();
            return n == 0 ? -1 : n;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private ReadOnlySpan<byte> Id(long id, bool cancel = false)
    {
        int at = 0;
        if (cancel) _number[at++] = (byte)'C';
        id.TryFormat(_number.AsSpan(at), out int written, provider: System.Globalization.CultureInfo.InvariantCulture);
        return _number.AsSpan(0, at + written);
    }

    public long NewOrder(in SymbolMarket market, long clientOrderId, Side side, TimeInForce timeInForce, long price, long quantity)
    {
        var s = _symbols[market.Id];
        var w = Begin("D"u8);
        w.Append(11, Id(clientOrderId));
        w.Append(55, s.NameBytes);
        w.Append(54, side == Side.Buy ? '1' : '2');
        w.AppendUtcTimestamp(60, _sendingTime, TimestampPrecision.Milliseconds);
        w.AppendDecimal(38, quantity, s.QuantityDecimals);
        w.Append(40, '2');
        w.AppendDecimal(44, price, s.PriceDecimals);
        w.Append(59, timeInForce == TimeInForce.ImmediateOrCancel ? '3' : timeInForce == TimeInForce.FillOrKill ? '4' : '1');
        return Finish(ref w);
    }

    public long Cancel(in SymbolMarket market, long clientOrderId)
    {
        var s = _symbols[market.Id];
        var w = Begin("F"u8);
        w.Append(11, Id(clientOrderId, cancel: true));
        w.Append(41, Id(clientOrderId));
        w.Append(55, s.NameBytes);
        w.Append(54, Tracker.SideOf((int)(clientOrderId - Tracker.IdBase)) == Side.Buy ? '1' : '2');
        w.AppendUtcTimestamp(60, _sendingTime, TimestampPrecision.Milliseconds);
        return Finish(ref w);
    }

    public long Replace(in SymbolMarket market, long origClientOrderId, long clientOrderId, long price, long quantity)
    {
        var s = _symbols[market.Id];
        var w = Begin("G"u8);
        w.Append(11, Id(clientOrderId));
        w.Append(41, Id(origClientOrderId));
        w.Append(55, s.NameBytes);
        w.Append(54, Tracker.SideOf((int)(origClientOrderId - Tracker.IdBase)) == Side.Buy ? '1' : '2');
        w.AppendUtcTimestamp(60, _sendingTime, TimestampPrecision.Milliseconds);
        w.AppendDecimal(38, quantity, s.QuantityDecimals);
        w.Append(40, '2');
        w.AppendDecimal(44, price, s.PriceDecimals);
        return Finish(ref w);
    }

    public int Poll()
    {
        int work = Flush();
        if (Disconnected) return work;
        int n;
        if (_tls != null)
        {
            n = ReceiveTls();
            if (n == 0) return work;
            if (n < 0) { Disconnected = true; return work; }
        }
        else
        {
            n = _socket.Receive(_receive.AsSpan(_received), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock) return work;
            if (error != SocketError.Success || n == 0) { Disconnected = true; return work; }
        }
        _received += n;
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        int start = 0;
        while (start < _received)
        {
            if (!FixFraming.TryFrame(_receive.AsSpan(start, _received - start), out int length, out var framing))
            {
                if (framing == FramingError.Incomplete) break;
                Errors++;
                start += length;
                continue;
            }
            if (FixMessage.TryParse(_receive.AsSpan(start, length), _fields, out var m, out _)) OnMessage(in m, now);
            else Errors++;
            start += length;
            work++;
        }
        _receive.AsSpan(start, _received - start).CopyTo(_receive);
        _received -= start;
        return work;
    }

    private static long ParseId(ReadOnlySpan<byte> v)
    {
        if (v.Length > 0 && v[0] == 'C') v = v[1..];
        return FixValue.TryParseLong(v, out long id) ? id : -1;
    }

    private void OnMessage(in FixMessage m, long now)
    {
        var type = m.MsgType;
        if (type.SequenceEqual("8"u8))
        {
            m.TryGetChar(150, out char execType);
            m.TryGetValue(11, out var clOrdId);
            bool hasOrig = m.TryGetValue(41, out var orig);
            switch (execType)
            {
                case '0': Tracker.OnAccepted(ParseId(clOrdId), now); break;
                case '8': Tracker.OnRejected(ParseId(clOrdId), now); break;
                case 'F':
                    m.TryGetDecimal(151, 8, out long leaves);
                    Tracker.OnFill(ParseId(clOrdId), leaves);
                    break;
                case '5': Tracker.OnReplaced(ParseId(orig), ParseId(clOrdId), now); break;
                case '4':
                    // Our cancel (11 = 'C'+id, 41 = the order), a replace that ended the order (41 = the order, 11 = the
                    // replacement's id), or a cancel nobody asked for (IOC remainder: 11 = the order).
                    if (hasOrig && clOrdId.Length > 0 && clOrdId[0] == 'C') Tracker.OnCancelled(ParseId(orig), CancelReason.ByClient, now);
                    else if (hasOrig && Tracker.IsReplacePending(ParseId(orig))) Tracker.OnCancelled(ParseId(orig), CancelReason.ReplacedBelowFilled, now);
                    else
                    {
                        Tracker.OnCancelled(ParseId(clOrdId), CancelReason.ImmediateOrCancelRemainder, now);
                        if (m.TryGetValue(58, out var why)) UnsolicitedCancelText = System.Text.Encoding.ASCII.GetString(why);
                    }
                    break;
            }
        }
        else if (type.SequenceEqual("9"u8))
        {
            m.TryGetValue(41, out var orig);
            Tracker.OnRejected(ParseId(orig), now);
        }
        else if (type.SequenceEqual("A"u8)) _loggedOn = true;
        else if (type.SequenceEqual("1"u8))
        {
            m.TryGetValue(112, out var testReqId);
            var w = Begin("0"u8);
            w.Append(112, testReqId);
            Finish(ref w);
        }
        else if (type.SequenceEqual("5"u8)) Disconnected = true;
        else if (!type.SequenceEqual("0"u8)) Errors++; // 3 (Reject), j (Business Message Reject), 2/4 recovery: not expected here
    }

    public void Close()
    {
        if (Disconnected) return;
        var w = Begin("5"u8);
        Finish(ref w);
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (!Disconnected && DateTime.UtcNow < deadline) if (Poll() == 0) Thread.Sleep(1);
    }

    public void Dispose()
    {
        _tls?.Dispose();
        _socket.Dispose();
    }
}
