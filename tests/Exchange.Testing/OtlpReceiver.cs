// A collector for the tests: receives OTLP over HTTP (POST /v1/traces, protobuf) on a loopback port and decodes the
// spans, with a protobuf reader of its own that knows only the fields of opentelemetry-proto's trace messages it needs.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Exchange.Testing;

public sealed record ReceivedSpan(string Service, string Name, string TraceId, string SpanId, string ParentSpanId, int Kind,
    ulong StartNanos, ulong EndNanos, IReadOnlyDictionary<string, string> Attributes, int StatusCode, string StatusMessage);

public sealed class OtlpReceiver : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public OtlpReceiver()
    {
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>What an exporter is configured with: OTEL_EXPORTER_OTLP_ENDPOINT and the HTTP protocol.</summary>
    public Dictionary<string, string> Environment(double sample) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{Port}",
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["EXCHANGE_TRACE_SAMPLE"] = sample.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

    public int Requests;

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                while (true)
                {
                    string? head = await ReadHead(stream);
                    if (head == null) return;
                    int length = 0;
                    foreach (string line in head.Split("\r\n"))
                        if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line[15..].Trim());
                    byte[] body = new byte[length];
                    await stream.ReadExactlyAsync(body, _stop.Token);
                    if (head.StartsWith("POST /v1/traces ", StringComparison.Ordinal))
                    {
                        Decode(body);
                        Interlocked.Increment(ref Requests);
                    }
                    await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or EndOfStreamException or SocketException) { }
        }
    }

    private async Task<string?> ReadHead(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 16384)
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0) return null;
            head.Add(one[0]);
            int n = head.Count;
            if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n')
                return Encoding.ASCII.GetString(head.ToArray());
        }
        return null;
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    private void Decode(byte[] request)
    {
        foreach (var (field, value) in Fields(request))
            if (field == 1) DecodeResourceSpans(value);
    }

    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }  Resource { repeated KeyValue attributes = 1; }
    private void DecodeResourceSpans(ReadOnlyMemory<byte> resourceSpans)
    {
        string service = "";
        var scopes = new List<ReadOnlyMemory<byte>>();
        foreach (var (field, value) in Fields(resourceSpans))
        {
            if (field == 1)
                foreach (var (f, attribute) in Fields(value))
                    if (f == 1 && KeyValue(attribute) is ("service.name", var name)) service = name;
            if (field == 2) scopes.Add(value);
        }
        // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
        foreach (var scope in scopes)
            foreach (var (field, span) in Fields(scope))
                if (field == 2) Spans.Enqueue(DecodeSpan(service, span));
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6;
    //        fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9; Status status = 15; }
    private static ReceivedSpan DecodeSpan(string service, ReadOnlyMemory<byte> span)
    {
        string traceId = "", spanId = "", parent = "", name = "", statusMessage = "";
        int kind = 0, statusCode = 0;
        ulong start = 0, end = 0;
        var attributes = new Dictionary<string, string>();
        foreach (var (field, value) in Fields(span))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(value.Span); break;
                case 2: spanId = Convert.ToHexStringLower(value.Span); break;
                case 4: parent = Convert.ToHexStringLower(value.Span); break;
                case 5: name = Encoding.UTF8.GetString(value.Span); break;
                case 6: kind = (int)Varint(value.Span); break;
                case 7: start = BitConverter.ToUInt64(value.Span); break;
                case 8: end = BitConverter.ToUInt64(value.Span); break;
                case 9: var (k, v) = KeyValue(value); attributes[k] = v; break;
                case 15:
                    foreach (var (f, s) in Fields(value))
                    {
                        if (f == 2) statusMessage = Encoding.UTF8.GetString(s.Span);
                        if (f == 3) statusCode = (int)Varint(s.Span);
                    }
                    break;
            }
        }
        return new ReceivedSpan(service, name, traceId, spanId, parent, kind, start, end, attributes, statusCode, statusMessage);
    }

    // KeyValue { string key = 1; AnyValue value = 2; }  AnyValue { string_value = 1; bool_value = 2; int_value = 3; double_value = 4; }
    private static (string, string) KeyValue(ReadOnlyMemory<byte> keyValue)
    {
        string key = "", text = "";
        foreach (var (field, value) in Fields(keyValue))
        {
            if (field == 1) key = Encoding.UTF8.GetString(value.Span);
            if (field == 2)
                foreach (var (f, v) in Fields(value))
                    text = f switch
                    {
                        1 => Encoding.UTF8.GetString(v.Span),
                        2 => Varint(v.Span) != 0 ? "true" : "false",
                        3 => ((long)Varint(v.Span)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        4 => BitConverter.ToDouble(v.Span).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => text,
                    };
        }
        return (key, text);
    }

    /// <summary>The fields of a protobuf message: varints as their bytes, fixed as theirs, length-delimited as their payload.</summary>
    private static List<(int Field, ReadOnlyMemory<byte> Value)> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, ReadOnlyMemory<byte>)>();
        var span = message.Span;
        int at = 0;
        while (at < span.Length)
        {
            ulong key = ReadVarint(span, ref at);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            int start = at;
            switch (wire)
            {
                case 0: ReadVarint(span, ref at); fields.Add((field, message[start..at])); break;
                case 1: at += 8; fields.Add((field, message[start..at])); break;
                case 2:
                    int length = (int)ReadVarint(span, ref at);
                    fields.Add((field, message.Slice(at, length)));
                    at += length;
                    break;
                case 5: at += 4; fields.Add((field, message[start..at])); break;
                default: throw new InvalidDataException($"protobuf wire type {wire} at {start}");
            }
        }
        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes)
    {
        int at = 0;
        return ReadVarint(bytes, ref at);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
