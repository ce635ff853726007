// Drives a numbered stream through a proxy and waits, with a deadline rather than sleeps, until it has settled.
using System.Diagnostics;

namespace Exchange.Transport.Shim.Tests;

internal static class Streams
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    // Datagrams the sender may have in flight ahead of the proxy, far below what the socket buffers hold, so the
    // kernel never drops any and every loss is the proxy's doing.
    private const int Window = 256;

    /// <summary>
    /// Sends sequence numbers 0..count-1 from the sender through the proxy and returns what the receiver got, in
    /// arrival order, once the proxy has disposed of every datagram and the receiver has all it forwarded.
    /// </summary>
    public static List<long> Send(UdpPeer sender, LossyUdpProxy proxy, UdpPeer receiver, int count)
    {
        var received = new List<long>(count);
        long forwardedBefore = proxy.ForwardedCount + proxy.DuplicatedCount;
        long seenBefore = proxy.ReceivedCount;
        long disposedBefore = proxy.ForwardedCount + proxy.DroppedCount;
        int sent = 0;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            while (sent < count && sent - (proxy.ReceivedCount - seenBefore) < Window) sender.Send(sent++, proxy.ListenEndpoint);
            while (receiver.TryReceive(out long sequence)) received.Add(sequence);

            bool proxyDone = proxy.ForwardedCount + proxy.DroppedCount - disposedBefore == count;
            if (sent == count && proxyDone && received.Count == proxy.ForwardedCount + proxy.DuplicatedCount - forwardedBefore)
                return received;
            if (proxy.Fault is { } fault) throw new InvalidOperationException("proxy thread failed", fault);
            if (clock.Elapsed > Deadline)
                throw new TimeoutException(
                    $"sent {sent}, proxy received {proxy.ReceivedCount - seenBefore}, forwarded {proxy.ForwardedCount}, " +
                    $"dropped {proxy.DroppedCount}, duplicated {proxy.DuplicatedCount}, receiver got {received.Count}");
            Thread.Yield();
        }
    }

    /// <summary>Polls until the condition holds, failing the test at the deadline.</summary>
    public static void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Deadline) throw new TimeoutException($"timed out waiting for {what}");
            Thread.Yield();
        }
    }
}
