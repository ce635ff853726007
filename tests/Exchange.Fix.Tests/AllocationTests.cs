// Framing, parsing, validating and encoding allocate nothing after warm-up: they run per message on the gateway's hot path.
using static Exchange.Fix.Tests.TestMessages;

namespace Exchange.Fix.Tests;

public class AllocationTests
{
    private const int Iterations = 100_000;

    private readonly byte[] _stream = [.. Build(NewOrderSingleBody), .. Build(LogonBody), .. Build("35=V|" + Header + "262=1|263=0|264=1|")];
    private readonly FixField[] _table = new FixField[FixMessage.DefaultFieldCapacity];
    private readonly byte[] _out = new byte[1024];

    [Fact]
    public void Framing_parsing_and_validating_allocate_nothing()
    {
        long checksum = Decode();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++) checksum += Decode();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, checksum);
    }

    [Fact]
    public void Encoding_allocates_nothing()
    {
        long checksum = Encode(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++) checksum += Encode(i);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, checksum);
    }

    private long Decode()
    {
        long sum = 0;
        var stream = _stream.AsSpan();
        while (FixFraming.TryFrame(stream, out int length, out _))
        {
            if (FixMessage.TryParse(stream[..length], _table, out var message, out _))
            {
                var result = FixValidator.Validate(message);
                sum += (int)result.Outcome + message.Fields.Length;
                if (message.TryGetDecimal(FixTag.Price, 4, out long price)) sum += price;
                if (message.TryGetUtcTimestamp(FixTag.SendingTime, out long nanos)) sum += nanos & 0xFF;
                if (message.ValueEquals(FixTag.BeginString, "FIX.4.4"u8)) sum++;
            }
            stream = stream[length..];
        }
        return sum;
    }

    private long Encode(int i)
    {
        var writer = new FixWriter(_out, "8"u8);
        writer.Append(FixTag.MsgSeqNum, i + 1);
        writer.Append(FixTag.SenderCompID, "EXCH"u8);
        writer.AppendUtcTimestamp(FixTag.SendingTime, 1_795_000_000_000_000_000 + i, TimestampPrecision.Milliseconds);
        writer.Append(FixTag.TargetCompID, "BROKER"u8);
        writer.Append(FixTag.OrderID, "X1"u8);
        writer.Append(FixTag.ExecID, "E1"u8);
        writer.Append(FixTag.ExecType, 'F');
        writer.Append(FixTag.OrdStatus, '2');
        writer.Append(FixTag.Symbol, "ABC"u8);
        writer.Append(FixTag.Side, '1');
        writer.AppendDecimal(FixTag.LastPx, 1_234_500 + i, 4);
        writer.AppendDecimal(FixTag.LastQty, 100, 0);
        writer.AppendDecimal(FixTag.LeavesQty, 0, 0);
        writer.AppendDecimal(FixTag.CumQty, 100, 0);
        writer.AppendDecimal(FixTag.AvgPx, 1_234_500, 4);
        writer.Append(FixTag.LastLiquidityInd, 2);
        return writer.TryFinish(out int length) ? length : 0;
    }
}
