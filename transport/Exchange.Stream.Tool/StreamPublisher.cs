// pub: Aeron's StreamingPublisher. Waits for a subscriber, sends fixed-length messages (each starting with its
// sequence number when it has room for one) as fast as the receiver's window allows or at --rate, then lingers and
// ends the stream, so the subscriber sees end of stream.
using System.Buffers.Binary;

namespace Exchange.Stream.Tool;

internal sealed record PublishOptions(string Channel, int StreamId, long Messages, int Length, long Rate, int LingerMs,
    int ConnectTimeoutMs, string Idle, bool Json, bool Counters);

internal static class StreamPublisher
{
    public static int Run(PublishOptions o)
    {
        using var session = new Session(o.Idle, o.Json);
        var publication = session.AddPublication(o.Channel, o.StreamId);
        if (o.Length > publication.MaxMessageLength)
            throw new Hosting.UsageException($"--length {o.Length} exceeds the stream's largest message ({publication.MaxMessageLength} bytes for its term length)");
        session.Progress.WriteLine($"publishing to {o.Channel} stream {o.StreamId} session {publication.SessionId}: {o.Messages} messages of {o.Length} bytes");
        if (!session.RunUntil(() => publication.IsConnected, o.ConnectTimeoutMs))
        {
            Console.Error.WriteLine(session.StopRequested
                ? "exchange-stream: stopped before a subscriber joined"
                : $"exchange-stream: no subscriber joined {o.Channel} stream {o.StreamId} within {o.ConnectTimeoutMs} ms");
            return 1;
        }

        var message = new byte[o.Length];
        var reporter = new RateReporter(session.Progress);
        var transport = session.Transport;
        var idle = session.Idle;
        long nanosPerMessage = o.Rate > 0 ? Math.Max(1, 1_000_000_000 / o.Rate) : 0;
        long start = NanoClock.Now(), backPressured = 0, sent = 0;
        while (sent < o.Messages && !session.StopRequested)
        {
            long now = NanoClock.Now();
            if (nanosPerMessage > 0 && now < start + sent * nanosPerMessage)
            {
                idle.Idle(transport.DoWork(now));
                continue;
            }
            if (o.Length >= sizeof(long)) BinaryPrimitives.WriteInt64LittleEndian(message, sent);
            long result = publication.Offer(message);
            if (result > 0)
            {
                sent++;
                reporter.Messages = sent;
                reporter.Bytes += o.Length;
                if ((sent & 63) == 0) transport.DoWork(now);
                continue;
            }
            if (result is Transport.OfferResult.Closed or Transport.OfferResult.MaxPositionExceeded)
            {
                Console.Error.WriteLine($"exchange-stream: offer failed: {Transport.OfferResult.Describe(result)}");
                return 1;
            }
            backPressured++;
            idle.Idle(transport.DoWork(now));
            reporter.Tick(now);
        }
        double seconds = (NanoClock.Now() - start) / 1e9;
        // Until the transport has sent it all, then the linger, then end of stream (Dispose drains and closes).
        session.RunUntil(() => publication.SenderPosition >= publication.Position || !publication.IsConnected, 10_000);
        long lingerUntil = NanoClock.Now() + o.LingerMs * NanoClock.Millisecond;
        session.RunUntil(() => NanoClock.Now() >= lingerUntil, o.LingerMs + 1L);
        session.Report("pub", [
            ("channel", o.Channel), ("streamId", o.StreamId), ("sessionId", publication.SessionId), ("messages", sent),
            ("messageBytes", o.Length), ("seconds", seconds), ("messagesPerSec", sent / Math.Max(seconds, 1e-9)),
            ("megabytesPerSec", sent * (double)o.Length / Math.Max(seconds, 1e-9) / 1e6), ("backPressured", backPressured),
        ], o.Counters);
        return sent == o.Messages ? 0 : 1;
    }
}
