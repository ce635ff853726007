// A broker's FIX engine reduced to what the tests need: a raw TCP socket (or TLS over it, SslStream's client side),
// messages written from '|'-separated text with the header, BodyLength and CheckSum filled in, and every received
// message parsed into (tag, value) pairs.
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Exchange.Fix;

namespace Exchange.Gateway.Tests;

internal sealed class FixMessageView(List<(int Tag, string Value)> fields)
{
    public List<(int Tag, string Value)> Fields { get; } = fields;
    public string MsgType => this[35];
    public string this[int tag] => Fields.FirstOrDefault(f => f.Tag == tag).Value ?? throw new KeyNotFoundException($"tag {tag} missing in {this}");
    public string? Get(int tag) => Fields.FirstOrDefault(f => f.Tag == tag).Value;
    public override string ToString() => string.Join('|', Fields.Select(f => $"{f.Tag}={f.Value}"));
}

internal sealed class FixTestClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _filled;
    private readonly List<FixMessageView> _received = [];
    private readonly SslStream? _tls;
    private readonly byte[] _tlsChunk = new byte[16 * 1024];
    private Task<int>? _tlsRead;

    /// <summary>Connects to the gateway on 127.0.0.1, from <paramref name="from"/> (another address of 127/8, which Linux
    /// routes to lo) when given; over TLS with <paramref name="tls"/> (the handshake's failure is thrown:
    /// AuthenticationException or IOException).</summary>
    public FixTestClient(int port, string senderCompId, string targetCompId = "EXCH", string? from = null, SslClientAuthenticationOptions? tls = null)
    {
        SenderCompId = senderCompId;
        TargetCompId = targetCompId;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from != null) _socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(from), 0));
        _socket.Connect("127.0.0.1", port);
        if (tls == null) return;
        _tls = new SslStream(new NetworkStream(_socket, ownsSocket: false));
        try
        {
            _tls.AuthenticateAsClientAsync(tls).WaitAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The TLS protocol negotiated (None over plain TCP).</summary>
    public System.Security.Authentication.SslProtocols Protocol => _tls?.SslProtocol ?? System.Security.Authentication.SslProtocols.None;

    public string SenderCompId { get; }
    public string TargetCompId { get; }
    public int NextSeqNum { get; set; } = 1;
    public IReadOnlyList<FixMessageView> Received => _received;
    /// <summary>The highest MsgSeqNum seen from the gateway on this connection.</summary>
    public int LastSeqNumReceived { get; private set; }

    public static string Timestamp(DateTime? at = null) => (at ?? DateTime.UtcNow).ToString("yyyyMMdd-HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends 35=<paramref name="msgType"/> with the standard header and <paramref name="body"/> ('|' = SOH).</summary>
    public void Send(string msgType, string body = "")
    {
        string text = $"35={msgType}|34={NextSeqNum++}|49={SenderCompId}|52={Timestamp()}|56={TargetCompId}|{body}".Replace('|', '\u0001');
        string head = $"8=FIX.4.4\u00019={Encoding.ASCII.GetByteCount(text)}\u0001{text}";
        int sum = Encoding.ASCII.GetBytes(head).Sum(b => b) % 256;
        SendRaw(Encoding.ASCII.GetBytes($"{head}10={sum:D3}\u0001"));
    }

    /// <summary>Sends <paramref name="bytes"/> as they are (through TLS when the client uses it).</summary>
    public void SendRaw(byte[] bytes)
    {
        if (_tls != null) _tls.Write(bytes);
        else _socket.Send(bytes);
    }

    /// <summary>Logs on with a reset and the session's credentials (<see cref="Processes.Credentials"/>) unless
    /// <paramref name="credentials"/> gives others ("" for none).</summary>
    public FixMessageView Logon(int heartBtInt = 30, string? credentials = null)
    {
        Send("A", $"98=0|108={heartBtInt}|141=Y|{credentials ?? CredentialFields(SenderCompId)}");
        NextSeqNum = 2;
        return LogonAnswer = WaitFor("A");
    }

    /// <summary>The gateway's Logon answer, once <see cref="Logon"/> has had it.</summary>
    public FixMessageView? LogonAnswer { get; private set; }

    /// <summary>A new client for <paramref name="compId"/> logged on. Tests of one gateway follow each other with the same
    /// CompIDs, and a test's client closes its socket at its end: a logon that reaches the gateway before it has noticed
    /// that close is refused (the session is still on the other connection) by closing the new one. Such a refusal is
    /// tried again, for a few seconds; anything else, or a refusal that lasts, fails as before.</summary>
    public static FixTestClient LoggedOn(int port, string compId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var client = new FixTestClient(port, compId);
            try
            {
                client.Logon();
                return client;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                client.Dispose();
                Thread.Sleep(50);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }
    }

    /// <summary>Username (553) and Password (554) of <paramref name="compId"/>'s session, '|'-separated.</summary>
    public static string CredentialFields(string compId)
    {
        var (username, password) = Processes.Credentials(compId);
        return $"553={username}|554={password}|";
    }

    /// <summary>The next message received (of <paramref name="msgType"/> and matching <paramref name="match"/>, earlier
    /// others kept in <see cref="Received"/>), or a failure after the timeout.</summary>
    public FixMessageView WaitFor(string msgType, Func<FixMessageView, bool>? match = null, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        int seen = 0;
        while (true)
        {
            for (; seen < _received.Count; seen++)
            {
                var m = _received[seen];
                if (m.MsgType == msgType && (match == null || match(m)))
                {
                    _received.RemoveAt(seen);
                    return m;
                }
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"{SenderCompId}: no 35={msgType} within {timeoutMs} ms; received: {string.Join(" || ", _received)}");
            ReadSome(left);
        }
    }

    /// <summary>Waits for the gateway to close the connection, failing if a single byte comes first.</summary>
    public void ExpectClosedWithoutAByte(int timeoutMs = 20_000)
    {
        if (_tls != null)
        {
            int read = ReadTls(TimeSpan.FromMilliseconds(timeoutMs), out bool timedOut);
            if (timedOut) throw new TimeoutException($"{SenderCompId}: the gateway did not close the connection within {timeoutMs} ms");
            Assert.True(read <= 0 && _filled == 0 && _received.Count == 0, $"{SenderCompId}: expected the connection closed without a byte, got {read + _filled} bytes");
            return;
        }
        _socket.ReceiveTimeout = timeoutMs;
        int n;
        try
        {
            n = _socket.Receive(_buffer.AsSpan(_filled));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            n = 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            throw new TimeoutException($"{SenderCompId}: the gateway did not close the connection within {timeoutMs} ms");
        }
        Assert.True(n == 0 && _filled == 0 && _received.Count == 0, $"{SenderCompId}: expected the connection closed without a byte, got {n + _filled} bytes");
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the connection to end (read 0, or reset, over TLS too);
    /// false if it is still open, or a message came first.</summary>
    public bool WaitClosed(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (DateTime.UtcNow < deadline) ReadSome(deadline - DateTime.UtcNow);
        }
        catch (IOException)
        {
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        return false;
    }

    // Over TLS: the bytes one read gave (0: closed, -1: reset or a TLS failure), waiting at most timeout; a read still
    // in flight at the timeout is kept for the next call.
    private int ReadTls(TimeSpan timeout, out bool timedOut)
    {
        _tlsRead ??= _tls!.ReadAsync(_tlsChunk).AsTask();
        timedOut = !((IAsyncResult)_tlsRead).AsyncWaitHandle.WaitOne(timeout);
        if (timedOut) return 0;
        var read = _tlsRead;
        _tlsRead = null;
        if (!read.IsCompletedSuccessfully) return -1;
        _tlsChunk.AsSpan(0, read.Result).CopyTo(_buffer.AsSpan(_filled));
        return read.Result;
    }

    private void ReadSome(TimeSpan timeout)
    {
        int n;
        if (_tls != null)
        {
            n = ReadTls(TimeSpan.FromMilliseconds(Math.Min(timeout.TotalMilliseconds, 200)), out bool timedOut);
            if (timedOut) return;
            if (n < 0) throw new IOException($"{SenderCompId}: the TLS connection failed; received: {string.Join(" || ", _received)}");
        }
        else
        {
            if (!_socket.Poll((int)Math.Min(timeout.TotalMicroseconds, 200_000), SelectMode.SelectRead)) return;
            n = _socket.Receive(_buffer.AsSpan(_filled));
        }
        if (n == 0) throw new IOException($"{SenderCompId}: the gateway closed the connection; received: {string.Join(" || ", _received)}");
        _filled += n;
        var fields = new FixField[FixMessage.DefaultFieldCapacity];
        int start = 0;
        while (FixFraming.TryFrame(_buffer.AsSpan(start, _filled - start), out int length, out var error))
        {
            Assert.True(FixMessage.TryParse(_buffer.AsSpan(start, length), fields, out var message, out var parseError), parseError.ToString());
            var list = new List<(int, string)>();
            foreach (var f in message.Fields) list.Add((f.Tag, Encoding.ASCII.GetString(message.Value(f))));
            var view = new FixMessageView(list);
            if (int.TryParse(view.Get(34), out int seq) && seq > LastSeqNumReceived) LastSeqNumReceived = seq;
            _received.Add(view);
            start += length;
        }
        _buffer.AsSpan(start, _filled - start).CopyTo(_buffer);
        _filled -= start;
    }

    public void Dispose()
    {
        _tls?.Dispose();
        _socket.Dispose();
    }
}
