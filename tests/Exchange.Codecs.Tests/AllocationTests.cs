// The codecs are on the hot path: encoding and decoding a whole message must not allocate.
using Baseline;

namespace Exchange.Codecs.Tests;

public class AllocationTests
{
    [Fact]
    public void Encoding_and_decoding_the_car_allocate_nothing()
    {
        var buffer = new byte[512];
        long checksum = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var length = BaselineCar.Encode(buffer);
            checksum += BaselineCar.ReadAll(buffer.AsSpan(0, length), out _);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
        {
            var length = BaselineCar.Encode(buffer);
            checksum += BaselineCar.ReadAll(buffer.AsSpan(0, length), out _);
            checksum += CarDecoder.TryWrapWithHeader(buffer, 0, out _) == Exchange.Sbe.SbeError.None ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
    }
}
