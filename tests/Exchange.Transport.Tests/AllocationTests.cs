// Encoding and decoding frames allocates nothing: they run per datagram on the I/O agent's hot path.
using Exchange.Transport;

namespace Exchange.Transport.Tests;

public class AllocationTests
{
    private readonly byte[] _buffer = new byte[2048];
    private readonly byte[] _payload = new byte[1000];

    /// <summary>Warms <paramref name="step"/> up until the JIT has settled: tiered compilation promotes a hot method some
    /// time after it gets hot (in the background), and its instrumented tier may allocate while it runs, so the warm-up
    /// spans pauses, not only calls (seen once under a loaded full test run: 4,448 bytes in the measured loop).</summary>
    private static long WarmUp(Func<long> step)
    {
        long checksum = 0;
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 10_000; i++) checksum += step();
            Thread.Sleep(200);
        }
        return checksum;
    }

    [Fact]
    public void Encoding_and_decoding_every_frame_type_allocates_nothing()
    {
        long checksum = WarmUp(RoundTrip);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) checksum += RoundTrip();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
    }

    [Fact]
    public void Planning_fragments_and_positions_allocates_nothing()
    {
        long checksum = WarmUp(Plan);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) checksum += Plan();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, checksum);
    }

    private long RoundTrip()
    {
        long sum = 0;
        int length = DataFrame.WriteData(_buffer, 64, 1, 2, 3, 0xC0, _payload);
        if (DataFrame.TryWrap(_buffer.AsSpan(0, length), 65536, out var data, out _)) sum += data.Payload.Length + data.TermId;
        SetupFrame.Write(_buffer, 0, 1, 2, 3, 3, 65536, 1408, 0);
        if (SetupFrame.TryWrap(_buffer, out var setup, out _)) sum += setup.Mtu;
        StatusMessageFrame.Write(_buffer, 0, 1, 2, 3, 64, 4096, 9);
        if (StatusMessageFrame.TryWrap(_buffer, out var sm, out _)) sum += sm.ReceiverWindow;
        NakFrame.Write(_buffer, 1, 2, 3, 64, 1408);
        if (NakFrame.TryWrap(_buffer, out var nak, out _)) sum += nak.GapLength;
        RttMeasurementFrame.Write(_buffer, 0x80, 1, 2, 3, 4, 5);
        if (RttMeasurementFrame.TryWrap(_buffer, out var rttm, out _)) sum += RttMeasurementFrame.WriteReply(_buffer.AsSpan(64), rttm);
        return sum;
    }

    private static long Plan()
    {
        long sum = 0;
        foreach (var fragment in new FragmentPlan(5000, 1408)) sum += fragment.Flags + fragment.PayloadLength;
        sum += Framing.Place(65000, 65536, 5000, 1408).PadLength;
        sum += TermPosition.Compute(int.MinValue, 32, int.MaxValue, 16);
        return sum;
    }
}
