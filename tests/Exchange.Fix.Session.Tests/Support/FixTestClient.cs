// A broker's side of the wire for tests: a raw TCP socket that sends hand-built FIX and reads what comes back,
// pumping the acceptor (on the test's thread) while it waits, so every scenario is deterministic.
using System.Net;
using System.Net.Sockets;
using Exchange.Fix;

namespace Exchange.Fix.Session.Tests;

internal sealed class FixTestClient : IDisposable
{
    // Generous: a bound on a failure, never a measure of speed, on a loaded 2-core machine too.
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly AcceptorFixture _fixture;
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _filled;

    /// <summary>Connects to the acceptor on 127.0.0.1, from <paramref name="from"/> (another address of 127/8, which
    /// Linux routes to lo) when given. <paramref name="receiveBufferBytes"/> fixes the socket's receive buffer before
    /// connecting (no autotuning), for tests that must outgrow what the kernel buffers.</summary>
    public FixTestClient(AcceptorFixture fixture, int port, string? from = null, int? receiveBufferBytes = null)
    {
        _fixture = fixture;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferBytes is { } bytes) _socket.ReceiveBufferSize = bytes;
        if (from != null) _socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        _socket.Blocking = false;
    }

    public string SenderCompId { get; set; } = "BROKER";
    public string TargetCompId { get; set; } = "EXCH";

    /// <summary>Our next MsgSeqNum, advanced by <see cref="Send"/>.</summary>
    public int NextSeqNum { get; set; } = 1;

    /// <summary>Every byte received on this connection.</summary>
    public long BytesReceived { get; private set; }

    public bool Closed { get; private set; }

    /// <summary>Sends MsgType <paramref name="msgType"/> with the next MsgSeqNum: 35, 34, 49, 52 (now), 56,
    /// <paramref name="header"/>, then <paramref name="body"/> ('|' for SOH).</summary>
    public void Send(string msgType, string body = "", string header = "", int? seqNum = null)
    {
        int seq = seqNum ?? NextSeqNum++;
        SendBody($"35={msgType}|34={seq}|49={SenderCompId}|52={_fixture.Clock.Timestamp()}|56={TargetCompId}|{header}{body}");
    }

    /// <summary>8 and 9 and 10 are added around <paramref name="body"/>.</summary>
    public void SendBody(string body, string beginString = "FIX.4.4") => SendRaw(Wire.Build(body, beginString));

    public void SendRaw(byte[] bytes)
    {
        int sent = 0;
        var deadline = DateTime.UtcNow + WaitLimit;
        while (sent < bytes.Length)
        {
            int n = _socket.Send(bytes.AsSpan(sent), SocketFlags.None, out var error);
            if (error is SocketError.WouldBlock) _fixture.Pump();
            else if (error != SocketError.Success) throw new InvalidOperationException($"send failed: {error}");
            sent += n;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("send did not complete");
        }
    }

    public void LogOn(int heartBtInt = 30, string extra = "", bool reset = false)
    {
        Send("A", $"98=0|108={heartBtInt}|{(reset ? "141=Y|" : "")}{extra}");
        var reply = Receive();
        Assert.True(reply.Type == "A", $"expected Logon, got {reply}");
    }

    /// <summary>The next message, pumping the acceptor until it comes; fails after a few seconds or if the
    /// connection closes first.</summary>
    public ReceivedMessage Receive() =>
        TryReceive(WaitLimit) ?? throw new Xunit.Sdk.XunitException(Closed ? "connection closed while waiting for a message" : "no message within the wait limit");

    /// <summary>The next message of type <paramref name="msgType"/>, skipping others (e.g. heartbeats).</summary>
    public ReceivedMessage Receive(string msgType)
    {
        while (true)
        {
            var message = Receive();
            if (message.Type == msgType) return message;
        }
    }

    public ReceivedMessage? TryReceive(TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            if (TryTake(out var message)) return message;
            if (Closed || DateTime.UtcNow > deadline) return null;
            _fixture.Pump();
            ReadAvailable();
        }
    }

    /// <summary>Pumps for a while and asserts nothing arrived.</summary>
    public void ExpectNothing(int pumps = 20)
    {
        for (int i = 0; i < pumps; i++)
        {
            _fixture.Pump();
            ReadAvailable();
            Thread.Sleep(1);
        }
        Assert.True(_filled == 0, $"expected nothing, got {Wire.Show(_buffer.AsSpan(0, _filled))}");
    }

    /// <summary>Pumps until the acceptor closes the connection; fails if a message arrives first.</summary>
    public void ExpectClosed()
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!Closed)
        {
            if (TryTake(out var message)) Assert.Fail($"expected the connection to close, got {message}");
            if (DateTime.UtcNow > deadline) Assert.Fail("the connection was not closed");
            _fixture.Pump();
            ReadAvailable();
        }
        if (TryTake(out var last)) Assert.Fail($"expected the connection to close, got {last}");
    }

    /// <summary>Pumps until the connection closes, asserting not a single byte came.</summary>
    public void ExpectClosedWithoutAByte()
    {
        ExpectClosed();
        Assert.Equal(0, BytesReceived);
    }

    private bool TryTake(out ReceivedMessage message)
    {
        message = null!;
        if (_filled == 0) return false;
        if (!FixFraming.TryFrame(_buffer.AsSpan(0, _filled), out int length, out var error))
        {
            if (error == FramingError.Incomplete) return false;
            throw new Xunit.Sdk.XunitException($"garbled bytes from the acceptor ({error}): {Wire.Show(_buffer.AsSpan(0, _filled))}");
        }
        message = new ReceivedMessage(Wire.Show(_buffer.AsSpan(0, length)));
        _buffer.AsSpan(length, _filled - length).CopyTo(_buffer);
        _filled -= length;
        return true;
    }

    private void ReadAvailable()
    {
        while (!Closed && _filled < _buffer.Length)
        {
            int n = _socket.Receive(_buffer.AsSpan(_filled), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock) return;
            if (error != SocketError.Success || n == 0)
            {
                Closed = true;
                return;
            }
            _filled += n;
            BytesReceived += n;
        }
    }

    public void Dispose() => _socket.Dispose();
}
