// The FIX codec's cost per message on one core: a broker's NewOrderSingle framed and parsed (what every inbound
// message pays), then also validated against the FIX 4.4 dictionary, and an ExecutionReport encoded.
using System.Text;
using BenchmarkDotNet.Attributes;
using Exchange.Fix;

namespace Exchange.Benchmarks;

[Config(typeof(InProcessConfig))]
public class FixBenchmarks
{
    private readonly FixField[] _fields = new FixField[FixMessage.DefaultFieldCapacity];
    private readonly byte[] _out = new byte[512];
    private byte[] _newOrder = [];

    [GlobalSetup]
    public void Setup()
    {
        const string body = "35=D\u000134=2\u000149=BROKER\u000152=20261121-10:00:00.123\u000156=EXCH\u000111=ORD-000001\u00011=1001\u0001" +
            "55=BTC-USD\u000154=1\u000160=20261121-10:00:00.120\u000138=0.25\u000140=2\u000144=60000\u000159=1\u0001";
        string head = $"8=FIX.4.4\u00019={Encoding.ASCII.GetByteCount(body)}\u0001{body}";
        int sum = Encoding.ASCII.GetBytes(head).Sum(b => b) % 256;
        _newOrder = Encoding.ASCII.GetBytes($"{head}10={sum:D3}\u0001");
    }

    [Benchmark(Description = "FIX: frame + parse NewOrderSingle")]
    public int FrameAndParse()
    {
        if (!FixFraming.TryFrame(_newOrder, out int length, out _)) return -1;
        return FixMessage.TryParse(_newOrder.AsSpan(0, length), _fields, out var m, out _) ? m.Fields.Length : -1;
    }

    [Benchmark(Description = "FIX: frame + parse + validate NewOrderSingle")]
    public bool FrameParseValidate()
    {
        if (!FixFraming.TryFrame(_newOrder, out int length, out _)) return false;
        return FixMessage.TryParse(_newOrder.AsSpan(0, length), _fields, out var m, out _) && FixValidator.Validate(m).IsValid;
    }

    [Benchmark(Description = "FIX: encode ExecutionReport (fill)")]
    public int EncodeExecutionReport()
    {
        var w = new FixWriter(_out, "8"u8);
        w.Append(49, "EXCH"u8);
        w.Append(56, "BROKER"u8);
        w.Append(34, 1234L);
        w.AppendUtcTimestamp(52, 1_795_000_000_123_000_000L, TimestampPrecision.Milliseconds);
        w.Append(37, 987654L);
        w.Append(11, "ORD-000001"u8);
        w.Append(17, 5555L);
        w.Append(150, 'F');
        w.Append(39, '1');
        w.Append(1, "1001"u8);
        w.Append(55, "BTC-USD"u8);
        w.Append(54, '1');
        w.AppendDecimal(38, 25_000_000, 8);
        w.Append(40, '2');
        w.AppendDecimal(44, 60_000, 0);
        w.AppendDecimal(32, 10_000_000, 8);
        w.AppendDecimal(31, 60_000, 0);
        w.AppendDecimal(151, 15_000_000, 8);
        w.AppendDecimal(14, 10_000_000, 8);
        w.AppendDecimal(6, 600_000_000, 4);
        w.AppendUtcTimestamp(60, 1_795_000_000_123_456_000L, TimestampPrecision.Microseconds);
        return w.TryFinish(out int length) ? length : -1;
    }
}
