// What per-message authentication adds to the binary protocol's round trip, in one run: a NewOrder encoded and decoded
// as without it, then with the client's seal and the engine's open as the sessions do them (SessionMac: HMAC-SHA256
// truncated to 128 bits, one keyed HMAC reused), each half alone, and the alternatives measured against it: the
// one-shot static HMAC (SessionAuth.Seal/Open) and AES-GMAC (AesGcm's tag over the message, the sequence as nonce).
using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Exchange.Sbe;

namespace Exchange.Benchmarks;

[Config(typeof(InProcessConfig))]
public class SessionAuthBenchmarks
{
    private readonly byte[] _buffer = new byte[256];
    private readonly byte[] _sealed = new byte[256];
    private readonly byte[] _key = SessionAuth.SessionKey("benchmark-secret"u8, SessionAuth.NewNonce(), SessionAuth.NewNonce());
    private readonly byte[] _tag = new byte[16];
    private readonly byte[] _nonce = new byte[12];
    private AesGcm _gcm = null!;
    private SessionMac _client = null!, _engine = null!;
    private int _sealedLength;
    private ulong _sequence;
    private long _i;

    [GlobalSetup]
    public void Setup()
    {
        _gcm = new AesGcm(_key, 16);
        _client = new SessionMac(_key);
        _engine = new SessionMac(_key);
        int length = Encode(_sealed, 1);
        _sealedLength = SessionAuth.Seal(_key, _sealed, length, 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _gcm.Dispose();
        _client.Dispose();
        _engine.Dispose();
    }

    private static int Encode(byte[] buffer, long i) =>
        CommandCodec.Encode(new NewOrder(1001, i, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000 + (i & 63), 1_000_000), buffer);

    private static long Decode(ReadOnlySpan<byte> message) =>
        NewOrderDecoder.TryWrapWithHeader(message, 0, out var d) != SbeError.None ? -1 : d.ClientOrderId + d.Price + d.Quantity;

    [Benchmark(Baseline = true, Description = "NewOrder encode + decode, no authentication")]
    public long Plain()
    {
        int length = Encode(_buffer, ++_i);
        return Decode(_buffer.AsSpan(0, length));
    }

    [Benchmark(Description = "NewOrder encode + seal + open + decode (SessionMac, HMAC-SHA256/128)")]
    public long Sealed()
    {
        int length = _client.Seal(_buffer, Encode(_buffer, ++_i), ++_sequence);
        if (!_engine.Open(_buffer.AsSpan(0, length), out _, out int messageLength)) return -1;
        return Decode(_buffer.AsSpan(0, messageLength));
    }

    [Benchmark(Description = "seal only, client side (SessionMac)")]
    public int SealOnly() => _client.Seal(_buffer, Encode(_buffer, 7), ++_sequence);

    [Benchmark(Description = "open only, engine side (SessionMac)")]
    public bool OpenOnly() => _engine.Open(_sealed.AsSpan(0, _sealedLength), out _, out _);

    [Benchmark(Description = "NewOrder encode + seal + open + decode, one-shot HMAC (alternative)")]
    public long SealedOneShot()
    {
        int length = SessionAuth.Seal(_key, _buffer, Encode(_buffer, ++_i), ++_sequence);
        if (!SessionAuth.Open(_key, _buffer.AsSpan(0, length), out _, out int messageLength)) return -1;
        return Decode(_buffer.AsSpan(0, messageLength));
    }

    [Benchmark(Description = "AES-GMAC tag over the NewOrder (alternative)")]
    public byte AesGmac()
    {
        int length = Encode(_buffer, 7);
        BinaryPrimitives.WriteUInt64LittleEndian(_nonce, ++_sequence);
        _gcm.Encrypt(_nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, _tag, _buffer.AsSpan(0, length));
        return _tag[0];
    }
}
