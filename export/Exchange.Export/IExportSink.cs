// A sink: somewhere the exporter writes rows, which keeps its own exported position with them. The pipeline calls it from
// one thread; a sink that fails with a transient error is retried with backoff by the pipeline, not by itself.
namespace Exchange.Export;

public interface IExportSink : IDisposable
{
    /// <summary>Short name for logs and status lines ("postgres", "redis", "kafka").</summary>
    string Name { get; }

    /// <summary>Where it is, without secrets ("127.0.0.1:5432/exchange").</summary>
    string Describe();

    /// <summary>Connects, brings its schema up to date, and returns its position: the last input sequence whose every
    /// row it holds (0 for none).</summary>
    long Open();

    long ReadPosition();

    /// <summary>Writes every row of <paramref name="batch"/> and moves the position to its last sequence, in one
    /// atomic step: all or nothing. Throws <see cref="PositionMismatchException"/>, writing nothing, unless the position
    /// is the one just before the batch's first sequence.</summary>
    void Write(ExportBatch batch);

    /// <summary>Whether <paramref name="error"/> means the sink is unreachable or busy (retry later), rather than that
    /// the data or the sink is wrong (stop).</summary>
    bool IsTransient(Exception error);
}

/// <summary>A sink that tells where its write time goes, step by step ("orders", "commit", ...), summed over every write
/// (exchange-export --json prints it as "phases": what a profile of the export starts from).</summary>
public interface IPhasedSink
{
    IReadOnlyList<(string Phase, TimeSpan Time)> Phases { get; }
}

/// <summary>The sink's position is not where a batch continues from: another writer, or a sink restored from elsewhere.</summary>
public sealed class PositionMismatchException(long expected, long actual)
    : Exception($"the sink's position is {actual}, not {expected} where this batch continues from")
{
    public long Expected { get; } = expected;
    public long Actual { get; } = actual;
}

/// <summary>A fault that stops the export: the exporter cannot continue without an operator.</summary>
public sealed class ExportException(string message) : Exception(message);
