// A backing-off agent that drives several owners' sockets parks on all of them: a datagram on any, or a wake signal
// set by another thread, ends the park at once; with nothing ready it lasts as long as asked.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Exchange.Runtime.Tests;

public class DescriptorParkerTests
{
    private const long TenSeconds = 10L * 1_000_000_000;

    private sealed class Descriptors(params int[] descriptors) : IParkSource
    {
        public int Asked;

        public void AddParkDescriptors(DescriptorParker into)
        {
            Asked++;
            foreach (int descriptor in descriptors) into.Add(descriptor);
        }
    }

    private static Socket BoundUdp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    [Fact]
    public async Task A_datagram_on_any_source_s_socket_ends_the_park_long_before_its_time()
    {
        using var first = BoundUdp();
        using var second = BoundUdp();
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var parker = new DescriptorParker(new Descriptors((int)first.Handle), new Descriptors((int)second.Handle));
        var send = Task.Run(async () =>
        {
            await Task.Delay(100);
            sender.SendTo(new byte[] { 1, 2, 3 }, second.LocalEndPoint!);
        });
        var clock = Stopwatch.StartNew();
        parker.Park(TenSeconds);
        clock.Stop();
        await send;
        Assert.Equal(2, parker.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the park lasted {clock.Elapsed.TotalMilliseconds:F0} ms though a datagram came after 100 ms");
    }

    [Fact]
    public async Task A_wake_signal_set_by_another_thread_ends_the_park_and_clearing_it_rearms_it()
    {
        using var signal = new WakeSignal();
        Assert.True(signal.Descriptor >= 0);
        var parker = new DescriptorParker(new Descriptors(signal.Descriptor));
        var set = Task.Run(async () =>
        {
            await Task.Delay(100);
            signal.Set();
        });
        var clock = Stopwatch.StartNew();
        parker.Park(TenSeconds);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the park lasted {clock.Elapsed.TotalMilliseconds:F0} ms though the signal was set after 100 ms");
        await set;

        signal.Clear();
        clock.Restart();
        parker.Park(50_000_000);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(45), $"a cleared signal still ended a 50 ms park after {clock.Elapsed.TotalMilliseconds:F1} ms");
    }

    [Fact]
    public void With_nothing_ready_or_no_descriptor_at_all_a_park_lasts_as_long_as_asked()
    {
        using var quiet = BoundUdp();
        var sources = new Descriptors((int)quiet.Handle);
        foreach (var parker in new[] { new DescriptorParker(sources), new DescriptorParker(new Descriptors(-1)) })
        {
            var clock = Stopwatch.StartNew();
            parker.Park(50_000_000);
            Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(45), $"a 50 ms park with nothing ready returned after {clock.Elapsed.TotalMilliseconds:F1} ms");
        }
        Assert.Equal(1, sources.Asked);
    }

    [Fact]
    public void The_sources_are_asked_at_every_park_and_parking_allocates_nothing()
    {
        using var quiet = BoundUdp();
        using var signal = new WakeSignal();
        var sources = new Descriptors((int)quiet.Handle, signal.Descriptor);
        var parker = new DescriptorParker(sources, new Descriptors(Enumerable.Range(0, 40).Select(_ => (int)quiet.Handle).ToArray()));
        parker.Park(1_000); // the set grows to its size once
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++) parker.Park(1_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1_001, sources.Asked);
        Assert.Equal(42, parker.Count);
    }
}

public class WakeSignalTests
{
    [Fact]
    public void Rearm_clears_a_set_the_cycle_saw_and_keeps_one_that_came_after_it()
    {
        using var signal = new WakeSignal();
        var parker = new DescriptorParker(new Source(signal));

        long seen = signal.Sets;
        signal.Set(); // before the cycle looked: its work was seen
        seen = signal.Sets;
        signal.Rearm(seen);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        parker.Park(50_000_000);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(45), $"a set the cycle had seen still ended the park after {clock.Elapsed.TotalMilliseconds:F1} ms");

        signal.Set(); // after the cycle looked: news
        signal.Rearm(seen);
        clock.Restart();
        parker.Park(10L * 1_000_000_000);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"a set after the cycle did not end the park ({clock.Elapsed.TotalMilliseconds:F0} ms)");
        Assert.Equal(2, signal.Sets);
    }

    private sealed class Source(WakeSignal signal) : IParkSource
    {
        public void AddParkDescriptors(DescriptorParker into) => into.Add(signal.Descriptor);
    }
}

public class WakeSignalDisposeTests
{
    [Fact]
    public async Task A_set_racing_with_dispose_never_writes_to_a_descriptor_the_system_has_given_to_another_file()
    {
        // A set is held after it read the descriptor, while the signal is disposed and files are opened until one gets
        // the eventfd's old number (the system hands out the lowest free one); then the set goes on. Had the close not
        // waited for it, its 8 bytes would land in that file. Dispose waits for the held set (up to its 2 s hold).
        var signal = new WakeSignal();
        int number = signal.Descriptor;
        using var held = new ManualResetEventSlim();
        using var reopened = new ManualResetEventSlim();
        WakeSignal.BeforeWriteForTests = set =>
        {
            if (set != signal) return; // other tests' signals pass
            held.Set();
            reopened.Wait(TimeSpan.FromSeconds(2));
        };
        string directory = Path.Combine(Path.GetTempPath(), "wake-signal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var files = new List<FileStream>();
        try
        {
            var setter = Task.Run(signal.Set);
            Assert.True(held.Wait(TimeSpan.FromSeconds(20)), "the set never reached its write");
            signal.Dispose();
            FileStream? reused = null;
            for (int i = 0; i < 1_000 && reused == null; i++)
            {
                var file = new FileStream(Path.Combine(directory, $"{i}"), FileMode.Create, FileAccess.Write);
                files.Add(file);
                if (file.SafeFileHandle.DangerousGetHandle().ToInt32() == number) reused = file;
            }
            Assert.NotNull(reused);
            reopened.Set();
            await setter;
            Assert.Equal(0, new FileInfo(reused.Name).Length);
            Assert.Equal(-1, signal.Descriptor);
        }
        finally
        {
            WakeSignal.BeforeWriteForTests = null;
            foreach (var file in files) file.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }
}
