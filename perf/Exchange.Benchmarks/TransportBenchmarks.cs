// The transport's cost per message over a real loopback socket, sender and receiver driven by one thread: offer,
// the sender's sendto, the receiver's recvfrom, rebuild and poll. 64-byte messages, one at a time and in bursts of 64
// (which share datagrams, as a busy publication's do).
using BenchmarkDotNet.Attributes;
using Exchange.Transport;

namespace Exchange.Benchmarks;

[Config(typeof(InProcessConfig))]
public class TransportBenchmarks
{
    private struct Counter : ISubscriptionHandler
    {
        public long Received;
        public void OnMessage(ReadOnlySpan<byte> message, Image image, long position) => Received++;
        public readonly void OnImageAvailable(Image image) { }
        public readonly void OnImageUnavailable(Image image) { }
    }

    private Transport.Transport _transport = null!;
    private Publication _publication = null!;
    private Subscription _subscription = null!;
    private Counter _counter;
    private readonly byte[] _message = new byte[64];

    [GlobalSetup]
    public void Setup()
    {
        _transport = new Transport.Transport();
        _subscription = _transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", 1);
        _publication = _transport.AddPublication($"aeron:udp?endpoint=127.0.0.1:{_subscription.LocalEndPoint.Port}|term-length=16m", 1);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_publication.IsConnected)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the publication did not connect");
            _transport.DoWork();
            _subscription.Poll(ref _counter, 16);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _transport.Dispose();

    private void SendAndReceive(int messages)
    {
        long target = _counter.Received + messages;
        for (int i = 0; i < messages;)
        {
            if (_publication.Offer(_message) > 0) i++;
            else _transport.DoWork();
        }
        while (_counter.Received < target)
        {
            _transport.DoWork();
            _subscription.Poll(ref _counter, 256);
        }
    }

    [Benchmark(Description = "Transport: one 64 B message offered, sent, received, polled")]
    public void OneMessage() => SendAndReceive(1);

    [Benchmark(Description = "Transport: 64 B in bursts of 64 (per message)", OperationsPerInvoke = 64)]
    public void Burst() => SendAndReceive(64);
}
