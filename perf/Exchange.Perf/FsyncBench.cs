// `exchange-perf fsync`: whether durable writes overlap on this machine's disk. Each of N writer threads writes a
// record into its own region of one preallocated, already written file (no metadata to commit) and fdatasyncs it,
// again and again. If the device takes flushes in parallel, two writers get twice the syncs per second at the same
// latency; if it takes one at a time, each sync waits for the other's and the latency doubles. That decides whether a
// journal with several writes in flight can make a command durable without waiting for the fsync in progress.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Exchange.Perf;

internal sealed record FsyncResult(int Writers, long Syncs, double Seconds, double P50Us, double P90Us, double P99Us)
{
    public double SyncsPerSec => Syncs / Seconds;
}

internal static class FsyncBench
{
    [DllImport("libc", SetLastError = true)]
    private static extern int fdatasync(int fd);

    private const int Region = 4 << 20;

    public static FsyncResult Run(string directory, int writers, int syncsPerWriter, int recordBytes)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"fsync-bench-{Environment.ProcessId}.bin");
        try
        {
            using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, (long)Region * writers);
            // Written once and synced, so the timed writes change no extent and no file size: data and a device flush only.
            var zeros = new byte[1 << 20];
            for (long offset = 0; offset < (long)Region * writers; offset += zeros.Length) RandomAccess.Write(handle, zeros, offset);
            int fd = (int)handle.DangerousGetHandle();
            if (fdatasync(fd) != 0) throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
            var latencies = new long[writers][];
            var threads = new Thread[writers];
            using var start = new ManualResetEventSlim();
            for (int w = 0; w < writers; w++)
            {
                int writer = w;
                latencies[w] = new long[syncsPerWriter];
                threads[w] = new Thread(() =>
                {
                    var record = new byte[recordBytes];
                    Random.Shared.NextBytes(record);
                    long offset = (long)writer * Region;
                    start.Wait();
                    for (int i = 0; i < syncsPerWriter; i++)
                    {
                        long t = Stopwatch.GetTimestamp();
                        RandomAccess.Write(handle, record, offset);
                        if (fdatasync(fd) != 0) throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
                        latencies[writer][i] = Stopwatch.GetTimestamp() - t;
                        offset += recordBytes;
                        if (offset + recordBytes > (long)(writer + 1) * Region) offset = (long)writer * Region;
                    }
                }) { IsBackground = true, Name = $"fsync writer {w}" };
                threads[w].Start();
            }
            long begin = Stopwatch.GetTimestamp();
            start.Set();
            foreach (var thread in threads) thread.Join();
            double seconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
            var all = latencies.SelectMany(l => l).Order().ToArray();
            double Us(double q) => all[(int)Math.Min(all.Length - 1, q * all.Length)] * 1e6 / Stopwatch.Frequency;
            return new FsyncResult(writers, all.Length, seconds, Us(0.5), Us(0.9), Us(0.99));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
