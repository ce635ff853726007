// The journal's cost per record on a real file: a 57-byte command (a NewOrder's size) appended, with a commit every
// 100 records, under durability none (the OS has it) and batch (fsync per commit). Each iteration starts a fresh
// journal so the files stay small.
using BenchmarkDotNet.Attributes;
using Exchange.Journal;

namespace Exchange.Benchmarks;

[Config(typeof(InProcessConfig))]
public class JournalBenchmarks
{
    private const int Records = 1_000;
    private readonly byte[] _payload = new byte[57];
    private string _directory = "";
    private JournalWriter _journal = null!;
    private long _sequence;

    [Params(Durability.None, Durability.Batch)]
    public Durability Durability { get; set; }

    [IterationSetup]
    public void Open()
    {
        _directory = Directory.CreateTempSubdirectory("journal-bench-").FullName;
        _journal = JournalWriter.Open(new JournalOptions { Directory = _directory, Durability = Durability, BatchMaxDelay = TimeSpan.Zero }, out _);
        _sequence = 0;
    }

    [IterationCleanup]
    public void Close()
    {
        _journal.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "Journal: append 57 B, commit every 100 (per record)", OperationsPerInvoke = Records)]
    [InvocationCount(100)]
    public void Append()
    {
        for (int i = 0; i < Records; i++)
        {
            _journal.Append(++_sequence, _sequence, 10, 0, _payload);
            if (_sequence % 100 == 0) _journal.Commit();
        }
    }
}
