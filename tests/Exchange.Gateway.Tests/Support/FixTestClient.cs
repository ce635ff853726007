// A broker's FIX engine reduced to what the tests need: a raw TCP socket, messages written from '|'-separated text
// with the header, BodyLength and CheckSum filled in, and every received message parsed into (tag, value) pairs.
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

    public FixTestClient(int port, string senderCompId, string targetCompId = "EXCH")
    {
        SenderCompId = senderCompId;
        TargetCompId = targetCompId;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect("127.0.0.1", port);
    }

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
        _socket.Send(Encoding.ASCII.GetBytes($"{head}10={sum:D3}\u0001"));
    }

    public FixMessageView Logon(int heartBtInt = 30)
    {
        Send("A", $"98=0|108={heartBtInt}|141=Y|");
        NextSeqNum = 2;
        return WaitFor("A");
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

    private void ReadSome(TimeSpan timeout)
    {
        if (!_socket.Poll((int)Math.Min(timeout.TotalMicroseconds, 200_000), SelectMode.SelectRead)) return;
        int n = _socket.Receive(_buffer.AsSpan(_filled));
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

    public void Dispose() => _socket.Dispose();
}
