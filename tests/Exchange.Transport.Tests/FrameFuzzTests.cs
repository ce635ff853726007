// Random and mutated datagrams never make a reader throw, and what a reader accepts satisfies its invariants.
using Exchange.Transport;

namespace Exchange.Transport.Tests;

public class FrameFuzzTests
{
    private const int TermLength = 64 * 1024;

    [Fact]
    public void Two_hundred_thousand_random_and_mutated_datagrams_never_throw()
    {
        var random = new Random(20261121);
        var buffer = new byte[1500];
        int accepted = 0;
        for (int i = 0; i < 200_000; i++)
        {
            int length = random.Next(0, 96);
            var datagram = buffer.AsSpan(0, length);
            if (i % 2 == 0) random.NextBytes(datagram);
            else Mutate(random, buffer, ref length);
            accepted += ReadAll(buffer.AsSpan(0, length));
        }
        // Mutations of valid frames must keep some valid, or the fuzz would only exercise the first check.
        Assert.True(accepted > 10_000, $"only {accepted} accepted");
    }

    private static void Mutate(Random random, byte[] buffer, ref int length)
    {
        length = random.Next(7) switch
        {
            0 => DataFrame.WriteData(buffer, random.Next(0, 2048) * 32, 1, 2, 3, 0xC0, new byte[random.Next(0, 64)]),
            1 => Pad(buffer, random),
            2 => SetupFrame.Write(buffer, 0, 1, 2, 3, 3, TermLength, 1408, 0),
            3 => StatusMessageFrame.Write(buffer, 0, 1, 2, 3, 64, 4096, 9),
            4 => NakFrame.Write(buffer, 1, 2, 3, 64, 1408),
            5 => RttMeasurementFrame.Write(buffer, 0x80, 1, 2, 3, 4, 5),
            _ => 32,
        };
        int flips = random.Next(0, 4);
        for (int f = 0; f < flips && length > 0; f++) buffer[random.Next(length)] ^= (byte)(1 << random.Next(8));
        if (random.Next(4) == 0) length = random.Next(0, length + 1);
    }

    private static int Pad(byte[] buffer, Random random)
    {
        DataFrame.WritePad(buffer, TermLength - 4096, 1, 2, 3, random.Next(32, 4097));
        return 32;
    }

    private static int ReadAll(ReadOnlySpan<byte> datagram)
    {
        int accepted = 0;
        if (FrameHeader.TryWrap(datagram, out _, out _)) accepted++;
        if (DataFrame.TryWrap(datagram, TermLength, out var data, out _))
        {
            accepted++;
            Assert.True(data.TermOffset >= 0 && data.TermOffset + data.AlignedLength <= TermLength);
            Assert.True(data.Payload.Length <= datagram.Length);
        }
        if (DataFrame.TryWrap(datagram, out _, out _)) accepted++;
        if (SetupFrame.TryWrap(datagram, out var setup, out _))
        {
            accepted++;
            Assert.True(TermPosition.IsValidTermLength(setup.TermLength));
        }
        if (StatusMessageFrame.TryWrap(datagram, out _, out _)) accepted++;
        if (NakFrame.TryWrap(datagram, out _, out _)) accepted++;
        if (RttMeasurementFrame.TryWrap(datagram, out _, out _)) accepted++;
        return accepted;
    }
}
