// What hostile-input tests send the engine: a client built from the transport and the codecs alone, saying what the
// client library never would (a Logon with any key and any response channel, from any loopback address; it records
// every message the engine sends it), and frames written by hand from a plain socket.
using System.Net;
using System.Net.Sockets;
using System.Text;
using Exchange.Contract;
using Exchange.Transport;

namespace Exchange.Testing;

public sealed class RawClient : IDisposable
{
    private readonly Recorder _recorder = new();

    public RawClient(int enginePort, string host = "127.0.0.1")
    {
        Host = host;
        Transport = new Transport.Transport();
        Responses = Transport.AddSubscription($"aeron:udp?endpoint={host}:0", StreamIds.Responses);
        Publication = Transport.AddPublication($"aeron:udp?endpoint=127.0.0.1:{enginePort}|term-length=1m|interface={host}", StreamIds.Commands);
    }

    public string Host { get; }
    public Transport.Transport Transport { get; }
    public Publication Publication { get; }
    public Subscription Responses { get; }
    public List<byte[]> Received => _recorder.Messages;

    /// <summary>A response channel naming this client's own port, on <paramref name="host"/> (its own by default).</summary>
    public string ResponseChannel(string? host = null, string termLength = "1m") =>
        $"aeron:udp?endpoint={host ?? Host}:{Responses.LocalEndPoint.Port}|term-length={termLength}";

    public bool Logon(string apiKey, string responseChannel, long account = 0)
    {
        var buffer = new byte[1024];
        var logon = LogonEncoder.WrapAndApplyHeader(buffer, 0);
        logon.Account = account;
        logon.HeartbeatIntervalMs = 1000;
        logon.CancelOnDisconnect = 0;
        logon.WriteApiKey(Encoding.ASCII.GetBytes(apiKey));
        logon.WriteResponseChannel(Encoding.ASCII.GetBytes(responseChannel));
        return Offer(buffer.AsSpan(0, MessageHeaderEncoder.EncodedLength + logon.EncodedLength));
    }

    public bool Offer(ReadOnlySpan<byte> message)
    {
        for (int i = 0; i < 1000; i++)
        {
            if (Publication.Offer(message) > 0) return true;
            Pump();
            Thread.Sleep(1);
        }
        return false;
    }

    /// <summary>One duty cycle and a poll of the responses.</summary>
    public int Pump()
    {
        var recorder = _recorder;
        return Transport.DoWork() + Responses.Poll(ref recorder, 64);
    }

    /// <summary>Pumps until <paramref name="done"/> or the timeout; false on timeout.</summary>
    public bool PumpUntil(Func<bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline) return false;
            if (Pump() == 0) Thread.Sleep(1);
        }
        return true;
    }

    public void PumpFor(TimeSpan time) => PumpUntil(() => false, time);

    public int TemplateOf(byte[] message) => MessageHeaderDecoder.Wrap(message, 0).TemplateId;

    public void Dispose() => Transport.Dispose();

    private sealed class Recorder : ISubscriptionHandler
    {
        public readonly List<byte[]> Messages = [];
        public void OnMessage(ReadOnlySpan<byte> message, Image image, long position) => Messages.Add(message.ToArray());
        public void OnImageAvailable(Image image) { }
        public void OnImageUnavailable(Image image) { }
    }
}

/// <summary>Frames written by hand, sent from a plain socket: what an attacker's script sends.</summary>
public sealed class Stranger : IDisposable
{
    private readonly UdpClient _socket;

    public Stranger(string host = "127.0.0.2") => _socket = new UdpClient(new IPEndPoint(IPAddress.Parse(host), 0));

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.Client.LocalEndPoint!;

    public static byte[] Setup(int sessionId, int streamId, int termLength, int initialTermId = 7)
    {
        var frame = new byte[SetupFrame.Length];
        SetupFrame.Write(frame, 0, sessionId, streamId, initialTermId, initialTermId, termLength, 1408, 0);
        return frame;
    }

    /// <summary>One DATA frame carrying <paramref name="payload"/> at <paramref name="termOffset"/> of term <paramref name="termId"/>.</summary>
    public static byte[] Data(int sessionId, int streamId, int termId, int termOffset, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[Framing.Align(DataFrame.HeaderLength + payload.Length)];
        DataFrame.WriteData(frame, termOffset, sessionId, streamId, termId, DataFrame.UnfragmentedFlags, payload);
        return frame;
    }

    public void Send(byte[] datagram, int port) => _socket.Send(datagram, datagram.Length, new IPEndPoint(IPAddress.Loopback, port));

    public void Dispose() => _socket.Dispose();
}
