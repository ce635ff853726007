// Streaming throughput between two processes over the transport: this process publishes fixed-size messages as
// fast as the receiver's window allows; a child process (exchange-perf stream-receive) subscribes and times them.
using System.Buffers.Binary;
using System.Diagnostics;
using Exchange.Hosting;
using Exchange.Transport;

namespace Exchange.Perf;

internal static class StreamBench
{
    public sealed record Result(long Messages, int MessageBytes, double Seconds, double MessagesPerSec, double MegabytesPerSec,
        long BackPressured, long Naks, long Retransmits, long OutOfOrder);

    public static Result Run(long messages, int size, string termLength, string idle)
    {
        if (size < 8) throw new UsageException("--size must be at least 8 (a sequence number)");
        var child = StartSelf(["stream-receive", "--messages", messages.ToString(), "--idle", idle]);
        try
        {
            string portLine = child.StandardOutput.ReadLine() ?? throw new IOException("the receiver exited before binding: " + child.StandardError.ReadToEnd());
            int port = int.Parse(portLine.Split(' ')[1]);
            using var transport = new Transport.Transport();
            var publication = transport.AddPublication($"aeron:udp?endpoint=127.0.0.1:{port}|term-length={termLength}", 1);
            var idleStrategy = IdleStrategies.Parse(idle) ?? throw new UsageException($"--idle must be one of {IdleStrategies.Names}");
            var message = new byte[size];
            long backPressured = 0;
            for (long i = 0; i < messages;)
            {
                BinaryPrimitives.WriteInt64LittleEndian(message, i);
                if (publication.Offer(message) > 0) { i++; if ((i & 63) == 0) transport.DoWork(); continue; }
                backPressured++;
                idleStrategy.Idle(transport.DoWork());
            }
            // Keep serving NAKs and status messages until the receiver has everything.
            while (!child.HasExited) idleStrategy.Idle(transport.DoWork());
            string? resultLine = child.StandardOutput.ReadLine();
            if (child.ExitCode != 0 || resultLine == null) throw new IOException("the receiver failed: " + child.StandardError.ReadToEnd());
            var parts = resultLine.Split(' ');
            double seconds = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            long outOfOrder = long.Parse(parts[2]);
            return new Result(messages, size, seconds, messages / seconds, messages * (double)size / seconds / 1e6,
                backPressured, transport.Counters.NaksReceived, transport.Counters.Retransmits, outOfOrder);
        }
        finally
        {
            ChildProcesses.KillGroup(child);
        }
    }

    /// <summary>The child: prints "port P", receives every message, then prints "done SECONDS OUT_OF_ORDER".</summary>
    public static int Receive(long messages, string idle)
    {
        using var transport = new Transport.Transport();
        var subscription = transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", 1);
        Console.WriteLine($"port {subscription.LocalEndPoint.Port}");
        Console.Out.Flush();
        var idleStrategy = IdleStrategies.Parse(idle) ?? new BusySpinIdleStrategy();
        var counter = new Counter { Expected = messages };
        while (counter.Received < messages)
        {
            int work = transport.DoWork();
            work += subscription.Poll(ref counter, 256);
            idleStrategy.Idle(work);
        }
        double seconds = (counter.Last - counter.First) / (double)Stopwatch.Frequency;
        // Linger so the sender sees the final status message before it stops serving the stream.
        var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 5;
        while (Stopwatch.GetTimestamp() < until) idleStrategy.Idle(transport.DoWork());
        Console.WriteLine(FormattableString.Invariant($"done {seconds:F6} {counter.OutOfOrder}"));
        return 0;
    }

    private struct Counter : ISubscriptionHandler
    {
        public long Expected, Received, Next, OutOfOrder, First, Last;

        public void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            long sequence = BinaryPrimitives.ReadInt64LittleEndian(message);
            if (sequence != Next) OutOfOrder++;
            Next = sequence + 1;
            if (Received == 0) First = Stopwatch.GetTimestamp();
            if (++Received == Expected) Last = Stopwatch.GetTimestamp();
        }

        public readonly void OnImageAvailable(Image image) { }
        public readonly void OnImageUnavailable(Image image) { }
    }

    /// <summary>Starts this executable again with <paramref name="args"/> (through the dotnet host when not native).</summary>
    internal static Process StartSelf(string[] args)
    {
        string self = Environment.ProcessPath ?? throw new IOException("cannot find this executable");
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? ChildProcesses.Start(self, [AppContext.BaseDirectory + "exchange-perf.dll", .. args])
            : ChildProcesses.Start(self, args);
    }
}
