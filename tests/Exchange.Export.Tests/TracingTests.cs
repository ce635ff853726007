// The exporter's part of an order's trace: with tracing on, each traced order's NewOrder, once its batch is in the
// sink, gets an "export to SINK" span from its sequencer time to the commit, in the trace the order's identity names
// (the one the FIX gateway's spans are in), read from the journal alone.
using Exchange.Testing;
using Exchange.Tracing;

namespace Exchange.Export.Tests;

public sealed class TracingTests : IDisposable
{
    private readonly TempDirectory _temp = new("export-tracing-");
    private readonly RedisServer _redis = new();
    private readonly OtlpReceiver _collector = new();

    public void Dispose()
    {
        _collector.Dispose();
        _redis.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Each_traced_order_gets_its_export_span_in_the_trace_its_identity_names()
    {
        string journal = _temp.Combine("journal");
        Workload.Write(journal, 400, seed: 7);
        var result = ChildProcess.Run(ChildProcess.StartDll("exchange-export.dll", [journal, "--once", "--redis", _redis.Configuration], _collector.Environment(1)),
            TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());

        List<ReceivedSpan> spans = [];
        Eventually.True(() => (spans = [.. _collector.Spans]).Count > 0, "the export spans reach the collector", Timeouts.Process);
        Assert.All(spans, span =>
        {
            Assert.Equal("export to redis", span.Name);
            Assert.Equal("exchange-export", span.Service);
            var context = OrderTracing.OrderContext(long.Parse(span.Attributes["exchange.account"]), long.Parse(span.Attributes["exchange.client_order_id"]));
            Assert.Equal(context.TraceId.ToHexString(), span.TraceId);
            Assert.Equal(context.SpanId.ToHexString(), span.ParentSpanId);
            Assert.True(long.Parse(span.Attributes["exchange.sequence"]) is > 0 and <= 400);
            // From the input's sequencer time (the workload's clock, in the past) to the commit, now.
            Assert.True(span.EndNanos > span.StartNanos);
        });
        // One per NewOrder the journal holds: every order traced, none twice.
        Assert.Equal(spans.Count, spans.Select(s => s.TraceId).Distinct().Count());
        Assert.True(spans.Count >= 100, $"{spans.Count} export spans for 400 inputs");
    }
}
