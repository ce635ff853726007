// A subscription: the images of every publication sending to this endpoint on one stream, polled in turn by
// one application thread.
namespace Exchange.Transport;

/// <summary>What a subscription delivers. Implement on a struct (or a sealed class) so that polling is a direct call.</summary>
public interface ISubscriptionHandler
{
    /// <summary>One whole message. <paramref name="message"/> is valid only during the call.</summary>
    void OnMessage(ReadOnlySpan<byte> message, Image image, long position);
    /// <summary>A publication joined (its SETUP arrived); called before its first message.</summary>
    void OnImageAvailable(Image image);
    /// <summary>A publication left: end of stream, liveness timeout, corruption, or close. No more messages follow from it.</summary>
    void OnImageUnavailable(Image image);
}

public sealed class Subscription
{
    private readonly Transport _transport;
    /// <summary>A udp subscription's socket (null for ipc).</summary>
    internal readonly ReceiveChannelEndpoint? Endpoint;
    private Image[] _images = [];
    private int _roundRobin;
    private int _closed;

    internal Subscription(Transport transport, ReceiveChannelEndpoint? endpoint, ChannelUri channel, int streamId)
    {
        _transport = transport;
        Endpoint = endpoint;
        Channel = channel;
        StreamId = streamId;
    }

    public ChannelUri Channel { get; }
    public int StreamId { get; }
    /// <summary>The address the subscription's socket is bound to (its port, when the channel asked for port 0).</summary>
    public System.Net.IPEndPoint LocalEndPoint => Endpoint?.LocalEndPoint ?? throw new InvalidOperationException("an ipc subscription has no socket");

    // ---- ipc ----

    /// <summary>An ipc subscription's directory (its channel's name under the transport's IPC directory), and the
    /// descriptor holding its exclusive lock on the stream (one subscribing process per stream).</summary>
    internal string? IpcDirectory;
    internal int IpcLockDescriptor = -1;
    /// <summary>The read end of the subscription's doorbell (<see cref="IpcLog"/>), which a parked agent waits on.</summary>
    internal int IpcBellDescriptor = -1, IpcBellWriter = -1;
    /// <summary>What this subscription writes as its claim on a log: the process and a number of its own, so a publisher
    /// tells a new subscription from an old one of the same process (and opens its doorbell anew).</summary>
    internal readonly long IpcClaim = ((long)Environment.ProcessId << 32) | (uint)Interlocked.Increment(ref s_claims);
    private static int s_claims;
    /// <summary>Files already looked at and refused (not a log, or another stream's), so a scan does not retry them.</summary>
    internal readonly HashSet<string> IpcRefused = new(StringComparer.Ordinal);
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>The images now present (a snapshot; the agent replaces the array as images come and go).</summary>
    public IReadOnlyList<Image> Images => Volatile.Read(ref _images);
    public int ImageCount => Volatile.Read(ref _images).Length;
    /// <summary>Messages delivered on this stream, from its images now present and those that have gone.</summary>
    public long MessagesDelivered
    {
        get
        {
            long total = Volatile.Read(ref _deliveredByGone);
            foreach (var image in Volatile.Read(ref _images)) total += image.MessagesDelivered;
            return total;
        }
    }
    private long _deliveredByGone;

    /// <summary>Delivers up to <paramref name="fragmentLimit"/> fragments across the images, starting from a different
    /// image each time so none is starved; also reports images that joined or left. Returns fragments read.</summary>
    public int Poll<THandler>(ref THandler handler, int fragmentLimit) where THandler : ISubscriptionHandler
    {
        var images = Volatile.Read(ref _images);
        int count = images.Length;
        if (count == 0) return 0;
        int fragments = 0;
        int start = _roundRobin = (_roundRobin + 1) % count;
        for (int i = 0; i < count && fragments < fragmentLimit; i++)
        {
            var image = images[(start + i) % count];
            if (!image.AvailableDelivered)
            {
                // An image the agent evicted before this subscriber ever saw it is not reported at all.
                if (!image.TryMarkSeen()) continue;
                image.AvailableDelivered = true;
                handler.OnImageAvailable(image);
            }
            fragments += image.Poll(ref handler, fragmentLimit - fragments);
            if (image.IsClosed && !image.UnavailableDelivered)
            {
                // Whatever was complete has been delivered above; the agent removes the image once this is seen.
                fragments += image.Poll(ref handler, int.MaxValue);
                image.UnavailableDelivered = true;
                handler.OnImageUnavailable(image);
            }
        }
        return fragments;
    }

    /// <summary>Stops receiving on this stream; its images close.</summary>
    public void Close() => Volatile.Write(ref _closed, 1);

    // ---- agent side ----

    internal Image[] ImagesForAgent => _images;

    internal void AddImage(Image image)
    {
        var images = _images;
        var grown = new Image[images.Length + 1];
        images.CopyTo(grown, 0);
        grown[^1] = image;
        Volatile.Write(ref _images, grown);
    }

    /// <summary>Drops images whose departure the subscriber has seen; returns how many went.</summary>
    internal int RemoveFinishedImages()
    {
        var images = _images;
        int keep = 0;
        foreach (var image in images) if (!(image.IsClosed && image.UnavailableDelivered)) keep++;
        if (keep == images.Length) return 0;
        var kept = new Image[keep];
        int k = 0;
        foreach (var image in images)
        {
            if (!(image.IsClosed && image.UnavailableDelivered)) kept[k++] = image;
            else
            {
                Volatile.Write(ref _deliveredByGone, _deliveredByGone + image.MessagesDelivered);
                if (image.TakeTerms() is { } terms) _transport.TermBuffers.Return(terms);
            }
        }
        Volatile.Write(ref _images, kept);
        return images.Length - keep;
    }

    internal Image? FindImage(int sessionId)
    {
        foreach (var image in _images)
            if (image.SessionId == sessionId && !image.IsClosed) return image;
        return null;
    }
}
