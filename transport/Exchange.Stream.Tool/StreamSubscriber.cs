// sub: Aeron's RateSubscriber (counts what arrives and reports the rate each second; with --verify, checks the sequence
// numbers exchange-stream pub writes). stat: a subscription of the tool's own whose transport counters are printed.
using System.Buffers.Binary;
using Exchange.Transport;

namespace Exchange.Stream.Tool;

internal sealed record SubscribeOptions(string Channel, int StreamId, long Messages, int Seconds, string Idle, bool Json,
    bool Counters, bool Verify);

internal static class StreamSubscriber
{
    /// <summary>After the last message wanted, how long to wait for the stream to end (so the publisher sees this
    /// receiver leave at once rather than after its timeout).</summary>
    private const long EndWaitMs = 2_000;

    public static int Run(SubscribeOptions o)
    {
        using var session = new Session(o.Idle, o.Json);
        var subscription = session.AddSubscription(o.Channel, o.StreamId);
        session.Progress.WriteLine($"subscribed to {o.Channel} stream {o.StreamId} on {Where(subscription)}");
        var handler = new Receiver(session.Progress, o.Verify);
        var transport = session.Transport;
        long deadline = o.Seconds > 0 ? NanoClock.Now() + o.Seconds * NanoClock.Second : long.MaxValue;
        while (!session.StopRequested && (o.Messages == 0 || handler.Reporter.Messages < o.Messages))
        {
            long now = NanoClock.Now();
            if (now > deadline) break;
            int work = transport.DoWork(now) + subscription.Poll(ref handler, 256);
            handler.Reporter.Tick(now);
            session.Idle.Idle(work);
        }
        if (o.Messages > 0 && handler.Reporter.Messages >= o.Messages)
        {
            long until = NanoClock.Now() + EndWaitMs * NanoClock.Millisecond;
            session.RunUntil(() => { subscription.Poll(ref handler, 256); return (handler.Ended > 0 && handler.Ended == handler.Joined) || NanoClock.Now() > until; }, EndWaitMs + 100);
        }
        session.Report("sub", [
            ("channel", o.Channel), ("streamId", o.StreamId), ("messages", handler.Reporter.Messages), ("bytes", handler.Reporter.Bytes),
            ("images", handler.Joined), ("imagesEnded", handler.Ended), .. (o.Verify ? [("outOfOrder", (object)handler.OutOfOrder)] : Array.Empty<(string, object)>()),
        ], o.Counters);
        bool complete = o.Messages == 0 || handler.Reporter.Messages >= o.Messages;
        return complete && handler.OutOfOrder == 0 ? 0 : 1;
    }

    public static int Stat(string channel, int streamId, int seconds, int intervalMs, string idle, bool json)
    {
        using var session = new Session(idle, json);
        var subscription = session.AddSubscription(channel, streamId);
        if (!json) Console.WriteLine($"counters of a subscription to {channel} stream {streamId} on {Where(subscription)} (this process's transport)");
        var handler = new Receiver(TextWriter.Null, verify: false);
        var transport = session.Transport;
        long start = NanoClock.Now(), next = start + intervalMs * NanoClock.Millisecond;
        long end = seconds > 0 ? start + seconds * NanoClock.Second : long.MaxValue;
        while (!session.StopRequested)
        {
            long now = NanoClock.Now();
            if (now >= next || now >= end)
            {
                session.Report("stat", [("seconds", (now - start) / 1e9), ("images", subscription.ImageCount), ("messages", handler.Reporter.Messages),
                    .. transport.Counters.All().Select(c => (c.Name, (object)c.Value))], withCounters: false);
                next += intervalMs * NanoClock.Millisecond;
                if (now >= end) break;
            }
            session.Idle.Idle(transport.DoWork(now) + subscription.Poll(ref handler, 256));
        }
        return 0;
    }

    /// <summary>Counts messages; with verify, checks each image's sequence numbers (kept in the image's Tag).</summary>
    private sealed class Receiver(TextWriter progress, bool verify) : ISubscriptionHandler
    {
        public readonly RateReporter Reporter = new(progress);
        public long OutOfOrder;
        public int Joined, Ended;

        public void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            Reporter.Messages++;
            Reporter.Bytes += message.Length;
            if (!verify) return;
            if (message.Length < sizeof(long)) { OutOfOrder++; return; }
            long sequence = BinaryPrimitives.ReadInt64LittleEndian(message);
            if (sequence != image.Tag) OutOfOrder++;
            image.Tag = sequence + 1;
        }

        public void OnImageAvailable(Image image)
        {
            Joined++;
            image.Tag = 0;
            progress.WriteLine($"image available: session {image.SessionId} from {image.SourceAddress}");
        }

        public void OnImageUnavailable(Image image)
        {
            Ended++;
            progress.WriteLine($"image unavailable: session {image.SessionId} ({image.CloseReason})");
        }
    }

    /// <summary>Where a subscription listens: its socket's address, or its ipc channel's name.</summary>
    private static string Where(Transport.Subscription subscription) =>
        subscription.Channel.IsIpc ? $"ipc '{subscription.Channel.IpcName}'" : subscription.LocalEndPoint.ToString();
}
