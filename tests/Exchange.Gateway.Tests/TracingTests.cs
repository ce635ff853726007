// Orders traced with OpenTelemetry: the gateway exports, over OTLP to a collector, a "fix new order" span for a traced
// order from its NewOrderSingle to the engine's answer, with the engine round trip inside it, in the trace its
// identity names (so other processes join it without anything carried on the wire); untraced orders cost no span.
using Exchange.Testing;
using Exchange.Tracing;

namespace Exchange.Gateway.Tests;

public sealed class TracingTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly OtlpReceiver _collector = new();

    public void Dispose()
    {
        _collector.Dispose();
        _dir.Dispose();
    }

    private ChildProcess Gateway(int enginePort, double sample)
    {
        string settings = _dir.Combine($"sessions-{sample}.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(_dir.Combine($"store-{sample}")));
        return Processes.StartGateway(settings, enginePort, out _gatewayPort, _collector.Environment(sample));
    }

    private int _gatewayPort;

    [Fact]
    public void A_traced_order_has_its_fix_span_and_the_engine_round_trip_inside_it_in_the_trace_its_identity_names()
    {
        using var engine = Processes.StartEngine(out int enginePort);
        using var gateway = Gateway(enginePort, sample: 1);
        using var broker = new FixTestClient(_gatewayPort, "BROKER1");
        broker.Logon();
        string accepted = $"T-{Guid.NewGuid():N}"[..20], refused = $"T-{Guid.NewGuid():N}"[..20];
        broker.Send("D", $"11={accepted}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50010|59=1|");
        broker.WaitFor("8", m => m[11] == accepted && m[150] == "0");
        broker.Send("D", $"11={refused}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=90000|40=2|44=50010|59=1|");
        var refusal = broker.WaitFor("8", m => m[11] == refused && m[150] == "8");

        List<ReceivedSpan> spans = [];
        Eventually.True(() => (spans = [.. _collector.Spans]).Count(s => s.Name == "fix new order") >= 2 && spans.Count(s => s.Name == "engine round trip") >= 2,
            "both orders' spans reach the collector", Timeouts.Process);

        var order = spans.Single(s => s.Name == "fix new order" && s.Attributes.GetValueOrDefault("fix.cl_ord_id") == accepted);
        Assert.Equal("exchange-gateway", order.Service);
        Assert.Equal("FIX.4.4:EXCH->BROKER1", order.Attributes["fix.session"]);
        Assert.Equal("BTC-USD", order.Attributes["exchange.symbol"]);
        Assert.True(long.Parse(order.Attributes["exchange.order_id"]) > 0);
        Assert.Equal(0, order.StatusCode);
        // Its trace and parent are those its identity names: what the exporter computes from the journal.
        var context = OrderTracing.OrderContext(long.Parse(order.Attributes["exchange.account"]), long.Parse(order.Attributes["exchange.client_order_id"]));
        Assert.Equal(context.TraceId.ToHexString(), order.TraceId);
        Assert.Equal(context.SpanId.ToHexString(), order.ParentSpanId);
        var roundTrip = spans.Single(s => s.Name == "engine round trip" && s.ParentSpanId == order.SpanId);
        Assert.Equal(order.TraceId, roundTrip.TraceId);
        Assert.True(roundTrip.StartNanos >= order.StartNanos && roundTrip.EndNanos <= order.EndNanos,
            $"the round trip {roundTrip.StartNanos}..{roundTrip.EndNanos} lies inside the order's span {order.StartNanos}..{order.EndNanos}");

        // The refused order's spans say why, as its execution report does.
        var refusedSpan = spans.Single(s => s.Name == "fix new order" && s.Attributes.GetValueOrDefault("fix.cl_ord_id") == refused);
        Assert.Equal(2, refusedSpan.StatusCode); // ERROR
        Assert.Equal(refusal[58], refusedSpan.StatusMessage);
        Assert.NotEqual(order.TraceId, refusedSpan.TraceId);
    }

    [Fact]
    public void With_none_sampled_an_order_makes_no_span_and_a_bad_fraction_is_a_usage_error()
    {
        using var engine = Processes.StartEngine(out int enginePort);
        using (var gateway = Gateway(enginePort, sample: 0))
        {
            using var broker = new FixTestClient(_gatewayPort, "BROKER1");
            broker.Logon();
            string id = $"T-{Guid.NewGuid():N}"[..20];
            broker.Send("D", $"11={id}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50010|59=1|");
            broker.WaitFor("8", m => m[11] == id && m[150] == "0");
            // A clean stop flushes what the exporter holds.
            Assert.True(gateway.Terminate(Timeouts.Process), gateway.Stderr);
        }
        Assert.Empty(_collector.Spans);

        var bad = ChildProcess.Run(ChildProcess.StartDll("exchange-gateway.dll",
            ["--settings", _dir.Combine("sessions-0.cfg"), "--engine", $"aeron:udp?endpoint=127.0.0.1:{enginePort}"],
            new Dictionary<string, string>(_collector.Environment(0)) { [OrderTracing.SampleVariable] = "2" }));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("EXCHANGE_TRACE_SAMPLE='2'", bad.Stderr);
    }
}
