// What hostile-input tests send the engine: a client built from the transport and the codecs alone, saying what the
// client library never would (a Logon with any key and any response channel, from any loopback address, a handshake
// with any proof, sealed messages replayed or altered; it records every message the engine sends it), and frames
// written by hand from a plain socket.
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

    /// <summary>The last LogonRequest and LogonProof this client sent (what an observer captures).</summary>
    public byte[]? SentRequest { get; private set; }
    public byte[]? SentProof { get; private set; }
    /// <summary>The session key once a handshake succeeded, and the last sequence sealed under it.</summary>
    public byte[]? SessionKey { get; private set; }
    public ulong Sequence { get; set; }

    /// <summary>A LogonRequest naming <paramref name="keyId"/> with a fresh client nonce; returns the nonce.</summary>
    public byte[] Request(string keyId, string responseChannel, long account = 0)
    {
        byte[] nonce = SessionAuth.NewNonce();
        var buffer = new byte[2048];
        var request = LogonRequestEncoder.WrapAndApplyHeader(buffer, 0);
        request.Account = account;
        request.HeartbeatIntervalMs = 1000;
        request.WriteKeyId(Encoding.ASCII.GetBytes(keyId));
        request.WriteClientNonce(nonce);
        request.WriteResponseChannel(Encoding.ASCII.GetBytes(responseChannel));
        SentRequest = buffer[..(MessageHeaderEncoder.EncodedLength + request.EncodedLength)];
        if (!Offer(SentRequest)) throw new InvalidOperationException("the LogonRequest was not taken");
        return nonce;
    }

    /// <summary>The challenge-response logon as the client library does it, except that the proof is computed under
    /// <paramref name="proveWith"/> (the secret by default): the answer's template (LogonAck, LogonReject) or 0 on timeout.</summary>
    public int LogOn(string secret, string responseChannel, TimeSpan timeout, string? proveWith = null, long account = 0)
    {
        int seen = Received.Count;
        byte[] nonce = Request(SessionAuth.KeyId(secret), responseChannel, account);
        if (!PumpUntil(() => Challenge(seen, nonce) != null || Answer(seen) != 0, timeout)) return 0;
        if (Challenge(seen, nonce) is not { } serverNonce) return Answer(seen);
        byte[] key = SessionAuth.SecretBytes(proveWith ?? secret);
        SentProof = Proof(SessionAuth.Proof(key, serverNonce, SentRequest));
        if (!Offer(SentProof)) throw new InvalidOperationException("the LogonProof was not taken");
        if (!PumpUntil(() => Answer(seen) != 0, timeout)) return 0;
        if (Answer(seen) == LogonAckDecoder.TemplateId)
        {
            SessionKey = SessionAuth.SessionKey(key, nonce, serverNonce);
            Sequence = 0;
        }
        return Answer(seen);
    }

    public static byte[] Proof(ReadOnlySpan<byte> proof)
    {
        var buffer = new byte[128];
        var encoder = LogonProofEncoder.WrapAndApplyHeader(buffer, 0);
        encoder.WriteProof(proof);
        return buffer[..(MessageHeaderEncoder.EncodedLength + encoder.EncodedLength)];
    }

    /// <summary>The server nonce of a LogonChallenge to <paramref name="nonce"/> received after message <paramref name="from"/>.</summary>
    public byte[]? Challenge(int from, byte[] nonce)
    {
        for (int i = from; i < Received.Count; i++)
        {
            if (TemplateOf(Received[i]) != LogonChallengeDecoder.TemplateId) continue;
            var challenge = LogonChallengeDecoder.WrapWithHeader(Received[i]);
            if (!challenge.ReadClientNonce().SequenceEqual(nonce)) continue;
            return challenge.ReadServerNonce().ToArray();
        }
        return null;
    }

    /// <summary>The template of the first LogonAck or LogonReject received after message <paramref name="from"/>, or 0.</summary>
    public int Answer(int from)
    {
        for (int i = from; i < Received.Count; i++)
            if (TemplateOf(Received[i]) is LogonAckDecoder.TemplateId or LogonRejectDecoder.TemplateId) return TemplateOf(Received[i]);
        return 0;
    }

    /// <summary>The reason of the last LogonReject received.</summary>
    public LogonRejectReason LastRejectReason => LogonRejectDecoder.WrapWithHeader(Received.Last(m => TemplateOf(m) == LogonRejectDecoder.TemplateId)).Reason;

    /// <summary><paramref name="message"/> sealed under the session key with the next sequence (what goes on the wire).</summary>
    public byte[] Seal(ReadOnlySpan<byte> message)
    {
        var buffer = new byte[message.Length + SessionAuth.TrailerLength];
        message.CopyTo(buffer);
        SessionAuth.Seal(SessionKey ?? throw new InvalidOperationException("not logged on"), buffer, message.Length, ++Sequence);
        return buffer;
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
