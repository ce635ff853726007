// ping and pong: Aeron's Ping and Pong. Ping sends one message at a time carrying its send time, pong sends the same
// bytes back, and ping records each round trip in an HDR histogram once the warm-up is over. Both run the transport
// and the application on one thread, as a latency-sensitive client of the transport does.
using System.Buffers.Binary;
using Exchange.Latency;
using Exchange.Transport;
using HdrHistogram;

namespace Exchange.Stream.Tool;

internal sealed record PingOptions(string PingChannel, int PingStreamId, string PongChannel, int PongStreamId, long Messages,
    long WarmupMessages, int Length, int ConnectTimeoutMs, string Idle, bool Json, bool Counters);

internal sealed record PongOptions(string PingChannel, int PingStreamId, string PongChannel, int PongStreamId, long Messages,
    int Seconds, string Idle, bool Json, bool Counters);

internal static class PingPong
{
    public static int Ping(PingOptions o)
    {
        if (o.Length < sizeof(long)) throw new Hosting.UsageException("--length must be at least 8 for ping (the send time)");
        using var session = new Session(o.Idle, o.Json);
        var publication = session.AddPublication(o.PingChannel, o.PingStreamId);
        var subscription = session.AddSubscription(o.PongChannel, o.PongStreamId);
        if (o.Length > publication.MaxMessageLength) throw new Hosting.UsageException($"--length {o.Length} exceeds the stream's largest message ({publication.MaxMessageLength} bytes)");
        session.Progress.WriteLine($"pinging {o.PingChannel} stream {o.PingStreamId}, pongs on {o.PongChannel} stream {o.PongStreamId}");
        if (!session.RunUntil(() => publication.IsConnected && subscription.ImageCount > 0, o.ConnectTimeoutMs))
        {
            Console.Error.WriteLine(session.StopRequested ? "exchange-stream: stopped before pong answered"
                : $"exchange-stream: no pong joined within {o.ConnectTimeoutMs} ms (ping connected: {publication.IsConnected}, pong stream seen: {subscription.ImageCount > 0})");
            return 1;
        }

        var histogram = LatencyHistograms.New();
        var handler = new Echo();
        var message = new byte[o.Length];
        if (o.WarmupMessages > 0)
        {
            session.Progress.WriteLine($"warming up: {o.WarmupMessages} round trips");
            if (RoundTrips(session, publication, subscription, ref handler, message, o.WarmupMessages, null) < o.WarmupMessages) return Stopped();
        }
        histogram.Reset();
        session.Progress.WriteLine($"measuring: {o.Messages} round trips of {o.Length} bytes");
        long done = RoundTrips(session, publication, subscription, ref handler, message, o.Messages, histogram);
        if (done < o.Messages) return Stopped();

        if (!o.Json)
        {
            Console.WriteLine("round trip, microseconds:");
            histogram.OutputPercentileDistribution(Console.Out, outputValueUnitScalingRatio: 1000.0);
        }
        double Us(double percentile) => histogram.GetValueAtPercentile(percentile) / 1000.0;
        session.Report("ping", [
            ("messages", done), ("messageBytes", o.Length), ("p50Us", Us(50)), ("p90Us", Us(90)), ("p99Us", Us(99)),
            ("p99_9Us", Us(99.9)), ("p99_99Us", Us(99.99)), ("maxUs", histogram.GetMaxValue() / 1000.0), ("meanUs", histogram.GetMean() / 1000.0),
        ], o.Counters);
        return 0;
    }

    private static int Stopped()
    {
        Console.Error.WriteLine("exchange-stream: stopped before every round trip was done");
        return 1;
    }

    /// <summary>Up to <paramref name="count"/> round trips, one at a time; returns how many completed.</summary>
    private static long RoundTrips(Session session, Publication publication, Subscription subscription, ref Echo handler, byte[] message,
        long count, LongHistogram? histogram)
    {
        var transport = session.Transport;
        var idle = session.Idle;
        for (long i = 0; i < count; i++)
        {
            long sentAt = NanoClock.Now();
            BinaryPrimitives.WriteInt64LittleEndian(message, sentAt);
            while (publication.Offer(message) < 0)
            {
                if (session.StopRequested || publication.IsFinished) return i;
                idle.Idle(transport.DoWork());
                sentAt = NanoClock.Now();
                BinaryPrimitives.WriteInt64LittleEndian(message, sentAt);
            }
            handler.Received = false;
            while (!handler.Received)
            {
                if (session.StopRequested) return i;
                int work = transport.DoWork();
                work += subscription.Poll(ref handler, 1);
                if (!handler.Received) idle.Idle(work);
            }
            histogram?.RecordValue(LatencyHistograms.Clamp(NanoClock.Now() - handler.SentAt));
        }
        return count;
    }

    private struct Echo : ISubscriptionHandler
    {
        public bool Received;
        public long SentAt;

        public void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            if (message.Length < sizeof(long)) return;
            SentAt = BinaryPrimitives.ReadInt64LittleEndian(message);
            Received = true;
        }

        public readonly void OnImageAvailable(Image image) { }
        public readonly void OnImageUnavailable(Image image) { }
    }

    public static int Pong(PongOptions o)
    {
        using var session = new Session(o.Idle, o.Json);
        var subscription = session.AddSubscription(o.PingChannel, o.PingStreamId);
        var publication = session.AddPublication(o.PongChannel, o.PongStreamId);
        session.Progress.WriteLine($"answering pings on {o.PingChannel} stream {o.PingStreamId} to {o.PongChannel} stream {o.PongStreamId}");
        var handler = new Copy { Buffer = new byte[publication.MaxMessageLength], Length = -1 };
        var transport = session.Transport;
        var idle = session.Idle;
        long deadline = o.Seconds > 0 ? NanoClock.Now() + o.Seconds * NanoClock.Second : long.MaxValue;
        long answered = 0, backPressured = 0;
        while (!session.StopRequested && (o.Messages == 0 || answered < o.Messages) && NanoClock.Now() < deadline)
        {
            int work = transport.DoWork();
            // One ping at a time, answered outside the poll so the transport's duty cycle never runs inside it.
            if (subscription.Poll(ref handler, 1) > 0 && handler.Length >= 0)
            {
                while (publication.Offer(handler.Buffer.AsSpan(0, handler.Length)) < 0)
                {
                    if (session.StopRequested || publication.IsFinished) break;
                    backPressured++;
                    idle.Idle(transport.DoWork());
                }
                handler.Length = -1;
                answered++;
                work++;
            }
            idle.Idle(work);
        }
        session.RunUntil(() => publication.SenderPosition >= publication.Position || !publication.IsConnected, 2_000);
        session.Report("pong", [("answered", answered), ("backPressured", backPressured)], o.Counters);
        return 0;
    }

    private struct Copy : ISubscriptionHandler
    {
        public byte[] Buffer;
        public int Length;

        public void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            message.CopyTo(Buffer);
            Length = message.Length;
        }

        public readonly void OnImageAvailable(Image image) { }
        public readonly void OnImageUnavailable(Image image) { }
    }
}
