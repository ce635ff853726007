// Random and mutated buffers through the full decode path and ToString: the decoder may reject them, but only
// with SbeException. Seeded, so a failure reproduces.
using Baseline;
using Exchange.Sbe;

namespace Exchange.Codecs.Tests;

public class FuzzTests
{
    private const int Iterations = 200_000;

    [Fact]
    public void Random_and_mutated_buffers_only_ever_raise_our_error()
    {
        var random = new Random(20261121);
        var reference = Vectors.Baseline;
        var buffer = new byte[reference.Length + 64];
        var decoded = 0;
        for (var i = 0; i < Iterations; i++)
        {
            int length;
            if (i % 4 == 0)
            {
                // Pure noise behind a valid header, so the body decoder is reached.
                length = random.Next(0, buffer.Length + 1);
                random.NextBytes(buffer.AsSpan(0, length));
                if (length >= 8 && random.Next(2) == 0)
                {
                    reference.AsSpan(0, 8).CopyTo(buffer);
                }
            }
            else
            {
                length = random.Next(4) == 0 ? random.Next(0, buffer.Length + 1) : reference.Length;
                buffer.AsSpan().Clear();
                reference.AsSpan(0, Math.Min(length, reference.Length)).CopyTo(buffer);
                for (var flips = random.Next(1, 5); flips > 0; flips--)
                {
                    var at = random.Next(0, Math.Max(length, 1));
                    buffer[at] = random.Next(3) switch
                    {
                        0 => (byte)random.Next(256),
                        1 => (byte)(buffer[at] ^ (1 << random.Next(8))),
                        _ => 0xFF,
                    };
                }
            }

            var input = buffer.AsSpan(0, length);
            try
            {
                BaselineCar.ReadAll(input, out _);
                decoded++;
            }
            catch (SbeException)
            {
            }

            if (i % 16 == 0 && CarDecoder.TryWrapWithHeader(input, 0, out var car) == SbeError.None)
            {
                Assert.NotNull(car.ToString());
            }
        }

        Assert.InRange(decoded, 1, Iterations - 1);
    }
}
