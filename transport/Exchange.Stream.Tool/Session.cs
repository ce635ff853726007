// What every mode shares: one transport run on the tool's one thread, a stop flag set by Ctrl-C or SIGTERM, the idle
// strategy, rate reports once a second (on stderr when stdout carries JSON), and the summary at the end.
using System.Runtime.InteropServices;
using System.Text.Json;
using Exchange.Hosting;

namespace Exchange.Stream.Tool;

internal sealed class Session : IDisposable
{
    private readonly PosixSignalRegistration _term;
    private readonly PosixSignalRegistration _interrupt;
    private volatile bool _stopRequested;
    private readonly CountersFile _counters;

    public Session(string idle, bool json)
    {
        if (IdleStrategies.Parse(idle) == null) throw new UsageException($"--idle must be one of {IdleStrategies.Names}");
        Json = json;
        // Published like every exchange process's, so exchange-stat sees this one's transport while it runs.
        try { _counters = CountersFile.Create("exchange-stream"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _counters = CountersFile.Private(256); }
        Transport = new Transport.Transport(new Transport.TransportOptions { Counters = _counters });
        Idle = IdleStrategies.Parse(idle, Transport)!;
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    }

    public Transport.Transport Transport { get; }
    public IIdleStrategy Idle { get; }
    public bool Json { get; }
    public bool StopRequested => _stopRequested;
    /// <summary>Where progress lines go: stdout for people, stderr when stdout is kept for the JSON summary.</summary>
    public TextWriter Progress => Json ? Console.Error : Console.Out;

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        _stopRequested = true;
    }

    /// <summary>A publication on the channel; a bad channel is a usage error.</summary>
    public Transport.Publication AddPublication(string channel, int streamId)
    {
        try { return Transport.AddPublication(channel, streamId); }
        catch (ArgumentException e) { throw new UsageException($"{channel}: {e.Message}"); }
    }

    public Transport.Subscription AddSubscription(string channel, int streamId)
    {
        try { return Transport.AddSubscription(channel, streamId); }
        catch (ArgumentException e) { throw new UsageException($"{channel}: {e.Message}"); }
    }

    /// <summary>Runs the duty cycle until <paramref name="done"/>, a signal, or <paramref name="timeoutMs"/>; false unless done.</summary>
    public bool RunUntil(Func<bool> done, long timeoutMs)
    {
        long deadline = NanoClock.Now() + timeoutMs * NanoClock.Millisecond;
        while (!done())
        {
            if (_stopRequested || NanoClock.Now() > deadline) return false;
            Idle.Idle(Transport.DoWork());
        }
        return true;
    }

    /// <summary>Prints the summary: aligned "name value" lines, or one JSON object.</summary>
    public void Report(string mode, IEnumerable<(string Name, object Value)> fields, bool withCounters)
    {
        var all = fields.ToList();
        if (withCounters) all.AddRange(Transport.Counters.All().Where(c => c.Value != 0).Select(c => (c.Name, (object)c.Value)));
        if (!Json)
        {
            Console.WriteLine($"{mode}:");
            foreach (var (name, value) in all) Console.WriteLine($"  {name,-28} {Format(value)}");
            return;
        }
        using var stream = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("mode", mode);
            foreach (var (name, value) in all)
            {
                switch (value)
                {
                    case string text: writer.WriteString(name, text); break;
                    case bool flag: writer.WriteBoolean(name, flag); break;
                    case int i: writer.WriteNumber(name, i); break;
                    case long l: writer.WriteNumber(name, l); break;
                    case double d: writer.WriteNumber(name, Math.Round(d, 3)); break;
                    default: writer.WriteString(name, value.ToString()); break;
                }
            }
            writer.WriteEndObject();
        }
        stream.Write("\n"u8);
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Ends every publication in order (their receivers see end of stream), then lets go of the sockets.</summary>
    public void Dispose()
    {
        Transport.CloseAndDrain(TimeSpan.FromSeconds(10));
        Transport.Dispose();
        _counters.Dispose();
        _term.Dispose();
        _interrupt.Dispose();
    }
}

/// <summary>Aeron's RateReporter line, once a second: messages and bytes per second and the totals so far.</summary>
internal sealed class RateReporter(TextWriter output)
{
    private long _lastNanos = NanoClock.Now(), _lastMessages, _lastBytes;
    public long Messages, Bytes;

    public void Tick(long now)
    {
        long elapsed = now - _lastNanos;
        if (elapsed < NanoClock.Second) return;
        double seconds = elapsed / 1e9;
        output.WriteLine(FormattableString.Invariant(
            $"{(Messages - _lastMessages) / seconds:0.###e+0} msgs/sec, {(Bytes - _lastBytes) / seconds:0.###e+0} bytes/sec, totals {Messages} messages {Bytes / (1024 * 1024)} MB payloads"));
        _lastNanos = now;
        _lastMessages = Messages;
        _lastBytes = Bytes;
    }
}
