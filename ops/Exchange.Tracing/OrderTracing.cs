// Traces of orders across the exchange's processes. The trace of an order is named by what every process that handles
// it already knows: the account and the client order id the engine sees (the FIX gateway's engine id for the order).
// Its trace id and the id of its root span are derived from those two numbers, so the gateway, which sends the order,
// and the exporter, which regenerates what the engine did with it from the journal, put their spans in one trace
// without a byte added to the protocol or the journal: the engine's hot path carries nothing and does nothing. Which
// orders are traced is decided from the same two numbers (a fixed fraction of them), so every process traces the
// same ones. The root span itself ("order") is never sent: it is the order, the spans of each process hang from it.
//
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector; EXCHANGE_TRACE_SAMPLE is the fraction of orders traced
// (0..1, default 0.01); OTEL_EXPORTER_OTLP_PROTOCOL (grpc or http/protobuf) and the other OTEL_EXPORTER_OTLP_*
// variables configure the exporter as OpenTelemetry documents them.
using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Exchange.Tracing;

public sealed class OrderTracing : IDisposable
{
    public const string SourceName = "Exchange";
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string SampleVariable = "EXCHANGE_TRACE_SAMPLE";

    private readonly TracerProvider? _provider;
    private readonly ulong _threshold;

    /// <summary>Where the spans of every process are started.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    private OrderTracing(TracerProvider? provider, double fraction)
    {
        _provider = provider;
        _threshold = fraction >= 1 ? ulong.MaxValue : (ulong)(fraction * ulong.MaxValue);
    }

    /// <summary>Tracing for the process <paramref name="serviceName"/> as the environment asks; null when it is off.</summary>
    public static OrderTracing? FromEnvironment(string serviceName)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EndpointVariable))) return null;
        double fraction = ParseFraction(Environment.GetEnvironmentVariable(SampleVariable));
        var provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName))
            .AddSource(SourceName)
            // Which orders are traced is decided here, from their identity, before a span is started.
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter()
            .Build();
        return new OrderTracing(provider, fraction);
    }

    /// <summary>For tests and embedding: spans go wherever <paramref name="provider"/> sends them.</summary>
    public static OrderTracing With(TracerProvider? provider, double fraction) => new(provider, fraction);

    /// <summary>EXCHANGE_TRACE_SAMPLE's value: a fraction in [0, 1], 0.01 when unset.</summary>
    public static double ParseFraction(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return 0.01;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction) || !(fraction is >= 0 and <= 1))
            throw new ArgumentException($"{SampleVariable}='{text}': give a fraction from 0 to 1");
        return fraction;
    }

    /// <summary>Whether the order (<paramref name="account"/>, <paramref name="clientOrderId"/>) is traced.</summary>
    public bool Traces(long account, long clientOrderId) => _threshold != 0 && Mix(account, clientOrderId, 0) <= _threshold;

    /// <summary>The order's place in its trace: its trace id and the id of its root span, from its identity.</summary>
    public static ActivityContext OrderContext(long account, long clientOrderId)
    {
        Span<byte> traceId = stackalloc byte[16];
        BitConverterWrite(traceId, Mix(account, clientOrderId, 1));
        BitConverterWrite(traceId[8..], Mix(account, clientOrderId, 2) | 1); // never all zeros
        Span<byte> spanId = stackalloc byte[8];
        BitConverterWrite(spanId, Mix(account, clientOrderId, 3) | 1);
        return new ActivityContext(ActivityTraceId.CreateFromBytes(traceId), ActivitySpanId.CreateFromBytes(spanId), ActivityTraceFlags.Recorded, isRemote: true);
    }

    /// <summary>A span of this process in the order's trace, or null when the order is not traced.</summary>
    public Activity? Start(string name, ActivityKind kind, long account, long clientOrderId, DateTimeOffset startTime = default)
    {
        if (!Traces(account, clientOrderId)) return null;
        var activity = Source.StartActivity(name, kind, OrderContext(account, clientOrderId), startTime: startTime);
        activity?.SetTag("exchange.account", account);
        activity?.SetTag("exchange.client_order_id", clientOrderId);
        return activity;
    }

    /// <summary>Sends what is buffered (at a clean stop).</summary>
    public void Flush() => _provider?.ForceFlush(5000);

    public void Dispose() => _provider?.Dispose();

    private static void BitConverterWrite(Span<byte> into, ulong value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(into, value);

    // SplitMix64 over the order's identity and a salt: cheap, and spread evenly enough for sampling and ids.
    private static ulong Mix(long account, long clientOrderId, ulong salt)
    {
        ulong z = (ulong)account * 0x9E3779B97F4A7C15UL ^ (ulong)clientOrderId ^ salt * 0xD1B54A32D192ED03UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        z += (ulong)clientOrderId * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
