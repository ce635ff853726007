// Random bytes and mutated messages never make the codec throw or allocate, and what it accepts satisfies its invariants.
using static Exchange.Fix.Tests.TestMessages;

namespace Exchange.Fix.Tests;

public class FuzzTests
{
    private const int Capacity = 2048;

    private static readonly byte[][] Seeds =
    [
        Build(LogonBody),
        Build(NewOrderSingleBody),
        Build("35=A|" + Header + "98=0|108=30|95=5|96=a|b=c|384=2|372=D|385=R|372=8|385=S|"),
        Build("35=8|" + Header + "37=X1|17=E1|150=F|39=2|55=ABC|54=1|38=100|32=100|31=123.45|151=0|14=100|6=123.45|"),
        Build("35=r|" + Header + "11=MC-1|37=X2|530=7|531=7|534=2|41=A|535=X3|41=B|535=X4|"),
        Build("35=V|" + Header + "262=MD1|263=1|264=1|"),
    ];

    private readonly FixField[] _table = new FixField[64];

    [Fact]
    public void Three_hundred_thousand_random_and_mutated_messages_never_throw_or_allocate()
    {
        var random = new Random(20261121);
        var buffer = new byte[Capacity];
        var stats = new int[3];
        for (int i = 0; i < 2_000; i++) Exercise(random, buffer, stats);

        Array.Clear(stats);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 300_000; i++) Exercise(random, buffer, stats);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        // Mutations must leave many messages intact enough to reach the parser and validator, or the fuzz would
        // only ever exercise the framing checks.
        Assert.True(stats[0] > 20_000, $"framed {stats[0]}");
        Assert.True(stats[1] > 20_000, $"parsed {stats[1]}");
        Assert.True(stats[2] > 5_000, $"rejected {stats[2]}");
    }

    [Fact]
    public void A_stream_of_valid_messages_separated_by_garbage_yields_every_valid_message()
    {
        var random = new Random(5);
        var stream = new List<byte>();
        int expected = 0;
        for (int i = 0; i < 2_000; i++)
        {
            var garbage = new byte[random.Next(0, 40)];
            random.NextBytes(garbage);
            // Keep garbage from forging a message start, so the count of messages is known.
            for (int g = 0; g < garbage.Length; g++) if (garbage[g] == (byte)'8') garbage[g] = (byte)'x';
            stream.AddRange(garbage);
            stream.AddRange(Seeds[random.Next(Seeds.Length)]);
            expected++;
        }

        var bytes = stream.ToArray().AsSpan();
        int framed = 0;
        while (!bytes.IsEmpty)
        {
            if (FixFraming.TryFrame(bytes, out int length, out var error)) framed++;
            else if (error == FramingError.Incomplete) break;
            Assert.True(length >= 1 && length <= bytes.Length);
            bytes = bytes[length..];
        }
        Assert.Equal(expected, framed);
    }

    private void Exercise(Random random, byte[] buffer, int[] stats)
    {
        int length = random.Next(4) == 0 ? RandomBytes(random, buffer) : Mutate(random, buffer);
        var input = buffer.AsSpan(0, length);

        bool framed = FixFraming.TryFrame(input, 1024, out int frameLength, out var error);
        if (framed)
        {
            Check(frameLength > 0 && frameLength <= input.Length);
            Check(FixFraming.TryFrame(input[..frameLength], out _, out _));
            stats[0]++;
        }
        else if (error == FramingError.Incomplete) Check(frameLength == 0);
        else Check(frameLength >= 1 && frameLength <= input.Length);

        // The parser and validator also see unframed bytes: a session may hand them anything.
        var message = framed ? input[..frameLength] : input;
        if (FixMessage.TryParse(message, _table, out var parsed, out _))
        {
            stats[1]++;
            foreach (var field in parsed.Fields)
                Check(field.ValueOffset >= 0 && field.ValueOffset + field.ValueLength <= message.Length);
            var result = FixValidator.Validate(parsed);
            if (result.Outcome == FixValidationOutcome.Reject) stats[2]++;
            Check(result.Text.Length > 0 || result.IsValid);
            parsed.TryGetDecimal(FixTag.Price, 4, out _);
            parsed.TryGetUtcTimestamp(FixTag.SendingTime, out _);
            parsed.TryGetInt(FixTag.MsgSeqNum, out _);
            parsed.TryGetChar(FixTag.Side, out _);
            parsed.TryGetBool(FixTag.PossDupFlag, out _);
            Fix44.Classify(parsed.MsgType);
        }
    }

    private static int RandomBytes(Random random, byte[] buffer)
    {
        int length = random.Next(0, 200);
        random.NextBytes(buffer.AsSpan(0, length));
        // Bias some inputs towards a valid start so framing gets past its first check.
        if (length > 12 && random.Next(2) == 0) "8=FIX.4.4\u00019="u8.CopyTo(buffer);
        return length;
    }

    private static int Mutate(Random random, byte[] buffer)
    {
        var seed = Seeds[random.Next(Seeds.Length)];
        seed.CopyTo(buffer, 0);
        int length = seed.Length;
        int mutations = random.Next(0, 4);
        for (int m = 0; m < mutations; m++)
        {
            switch (random.Next(6))
            {
                case 0 when length > 0:
                    buffer[random.Next(length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when length < Capacity - 8:
                {
                    int at = random.Next(length + 1);
                    int count = random.Next(1, 8);
                    Array.Copy(buffer, at, buffer, at + count, length - at);
                    random.NextBytes(buffer.AsSpan(at, count));
                    length += count;
                    break;
                }
                case 2 when length > 0:
                {
                    int at = random.Next(length);
                    int count = Math.Min(random.Next(1, 8), length - at);
                    Array.Copy(buffer, at + count, buffer, at, length - at - count);
                    length -= count;
                    break;
                }
                case 3:
                    length = random.Next(length + 1);
                    break;
                case 4 when length > 0:
                    // Structural bytes are where parsers break: plant an SOH, '=' or digit.
                    buffer[random.Next(length)] = (byte)"\u0001=0123456789"[random.Next(12)];
                    break;
                case 5 when length < Capacity - 64:
                {
                    // Duplicate a slice: repeated fields and groups.
                    int from = random.Next(length);
                    int count = Math.Min(random.Next(1, 40), length - from);
                    int at = random.Next(length + 1);
                    Array.Copy(buffer, at, buffer, at + count, length - at);
                    Array.Copy(buffer, from < at ? from : from + count, buffer, at, count);
                    length += count;
                    break;
                }
            }
        }
        return length;
    }

    private static void Check(bool condition)
    {
        if (!condition) throw new InvalidOperationException("fuzz invariant violated");
    }
}
