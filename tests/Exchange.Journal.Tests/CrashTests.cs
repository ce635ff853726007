// A writer process killed with SIGKILL at a random moment: reopening recovers every record it reported
// durable, intact and contiguous from 1, nothing after the recovered end, and appending carries on.
using System.Diagnostics;
using Exchange.Journal.CrashWriter;
using Xunit.Abstractions;

namespace Exchange.Journal.Tests;

public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Iterations = 5;
    private readonly TempJournal _journal = new();

    public void Dispose() => _journal.Dispose();

    /// <summary>exchange-crash-writer is copied next to this assembly by the project reference, in any output layout.</summary>
    private static string CrashWriterDll => Path.Combine(AppContext.BaseDirectory, "exchange-crash-writer.dll");

    private static string DotnetHost
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
            string? self = Environment.ProcessPath;
            return self != null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        }
    }

    /// <summary>A running exchange-crash-writer and the durable sequences it has printed.</summary>
    private sealed class CrashWriterProcess : IDisposable
    {
        private readonly Process _process;
        private readonly object _gate = new();
        private readonly ManualResetEventSlim _opened = new();
        private long _durable;
        private readonly List<string> _errors = [];

        public CrashWriterProcess(string directory, string policy, int seed, long count, long segmentSize)
        {
            var start = new ProcessStartInfo(DotnetHost)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[] { CrashWriterDll, directory, policy, seed.ToString(), count.ToString(), segmentSize.ToString() })
                start.ArgumentList.Add(arg);
            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => OnLine(e.Data);
            _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_gate) _errors.Add(e.Data); };
            Assert.True(File.Exists(CrashWriterDll), $"{CrashWriterDll} is missing: the test project must reference the crash writer");
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        private void OnLine(string? line)
        {
            if (line == null) return;
            if (line.StartsWith("opened ", StringComparison.Ordinal)) _opened.Set();
            // A line cut by the kill can only read as a smaller number than was printed: still a valid claim.
            else if (line.StartsWith("durable ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(8), out long durable))
                lock (_gate) _durable = Math.Max(_durable, durable);
        }

        public long Durable { get { lock (_gate) return _durable; } }

        public string Errors { get { lock (_gate) return string.Join('\n', _errors); } }

        public void WaitUntilOpened() =>
            Assert.True(_opened.Wait(TimeSpan.FromSeconds(30)) || _process.HasExited, "crash writer did not start: " + Errors);

        public void Kill()
        {
            _process.Kill(); // SIGKILL on Linux: no finally blocks, no flush, no Dispose.
            _process.WaitForExit();
        }

        public int WaitForExit()
        {
            Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(60)), "crash writer did not finish");
            _process.WaitForExit(); // drains the redirected output
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited) Kill();
            _process.Dispose();
            _opened.Dispose();
        }
    }

    /// <summary>Starts a child, kills it after a seeded random delay, and returns the last sequence it claimed durable.</summary>
    private long RunAndKill(string policy, int seed, long segmentSize)
    {
        var random = new Random(seed);
        using var child = new CrashWriterProcess(_journal.Directory, policy, seed, count: 100_000_000, segmentSize);
        child.WaitUntilOpened();
        Thread.Sleep(random.Next(50, 501));
        child.Kill();
        output.WriteLine($"{policy} seed {seed}: killed after durable {child.Durable} ({_journal.Segments.Count} segments) {child.Errors}");
        return child.Durable;
    }

    /// <summary>Recovers the journal and checks it against what the child claimed; returns the recovered end.</summary>
    private long AssertRecovered(long claimedDurable, long segmentSize)
    {
        using var writer = JournalWriter.Open(_journal.Options(segmentSize), out var report);
        output.WriteLine($"  recovery: {report}");
        Assert.True(report.LastSequence >= claimedDurable, $"the child reported {claimedDurable} durable but recovery ends at {report.LastSequence}: {report}");
        Assert.Equal(report.LastSequence, writer.LastSequence);

        using (var reader = JournalReader.Open(_journal.Directory))
        {
            var records = Journal.ReadAvailable(reader);
            Journal.AssertCrashRecords(records, 1, report.LastSequence);
            Assert.Equal(ReadStatus.NoMoreYet, reader.TryRead(out _));
            Assert.Null(reader.TailProblem);
        }
        using (var beyond = JournalReader.Open(_journal.Directory, report.LastSequence + 1))
            Assert.Equal(ReadStatus.NoMoreYet, beyond.TryRead(out _));

        // The recovered journal takes appends at the next sequence, readable after the recovered records.
        Journal.AppendCrashRecords(writer, report.LastSequence + 1, report.LastSequence + 20);
        Journal.AssertCrashRecords(Journal.ReadAll(_journal.Directory, Math.Max(1, report.LastSequence - 5)),
            Math.Max(1, report.LastSequence - 5), report.LastSequence + 20);
        return report.LastSequence + 20;
    }

    [Theory]
    [InlineData("always", 4096)]
    [InlineData("always", 64 << 10)]
    [InlineData("batch", 4096)]
    [InlineData("batch", 64 << 10)]
    [InlineData("none", 64 << 10)]
    public void A_killed_writer_loses_nothing_it_reported_durable(string policy, long segmentSize)
    {
        var seeds = new Random(policy.Length * 1000 + (int)(segmentSize % 997));
        for (int i = 0; i < Iterations; i++)
        {
            foreach (var file in Directory.GetFiles(_journal.Directory)) File.Delete(file);
            long claimed = RunAndKill(policy, seeds.Next(), segmentSize);
            AssertRecovered(claimed, segmentSize);
        }
    }

    [Theory]
    [InlineData("always")]
    [InlineData("batch")]
    public void A_writer_killed_repeatedly_on_one_journal_keeps_every_durable_record(string policy)
    {
        const long segmentSize = 4096;
        var seeds = new Random(policy.Length);
        long claimed = 0;
        for (int i = 0; i < Iterations; i++)
        {
            // Each child recovers what the previous one left and continues at its LastSequence + 1.
            claimed = Math.Max(claimed, RunAndKill(policy, seeds.Next(), segmentSize));
            using var writer = JournalWriter.Open(_journal.Options(segmentSize), out var report);
            Assert.True(report.LastSequence >= claimed, $"claimed {claimed}, recovered {report.LastSequence}");
            claimed = report.LastSequence;
        }
        AssertRecovered(claimed, segmentSize);
    }

    [Fact]
    public void A_writer_started_after_a_crash_continues_the_journal_to_completion()
    {
        const long segmentSize = 4096;
        long claimed = RunAndKill("batch", 42, segmentSize);
        long recovered;
        using (JournalWriter.Open(_journal.Options(segmentSize), out var report)) recovered = report.LastSequence;
        Assert.True(recovered >= claimed);

        using (var child = new CrashWriterProcess(_journal.Directory, "batch", 43, count: 500, segmentSize))
        {
            Assert.Equal(0, child.WaitForExit());
            Assert.Equal(recovered + 500, child.Durable);
        }

        using (var writer = JournalWriter.Open(_journal.Options(segmentSize), out var clean))
            Assert.Equal(RecoveryReport.Clean(recovered + 500), clean);
        Journal.AssertCrashRecords(Journal.ReadAll(_journal.Directory), 1, recovered + 500);
    }
}
