// Term buffers of images that have gone, kept for the next image of the same size: a flood of short-lived images
// (strangers evicted from the pending pool) would otherwise churn pinned memory faster than the collector returns
// it. Agent thread only. A buffer comes back only after its subscriber has seen the image go (it never reads the
// terms again), and already zeroed (Image.TakeTerms clears what was left dirty), since an image relies on zeroed
// terms to find gaps.
namespace Exchange.Transport;

internal sealed class TermBufferPool(int capacity, TransportCounters counters)
{
    private readonly List<byte[]> _free = [];

    public int Count => _free.Count;

    public byte[] Take(int length)
    {
        for (int i = _free.Count - 1; i >= 0; i--)
        {
            var buffer = _free[i];
            if (buffer.Length != length) continue;
            _free.RemoveAt(i);
            counters.TermBuffersReusedValue++;
            return buffer;
        }
        counters.TermBuffersAllocatedValue++;
        return GC.AllocateArray<byte>(length, pinned: true);
    }

    public void Return(byte[] buffer)
    {
        if (_free.Count < capacity) _free.Add(buffer);
    }
}
