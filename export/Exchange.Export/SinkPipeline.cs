// One sink's export: rebuild the shard's state at the sink's position (newest snapshot at or before it, then the
// journal), then follow the journal from the next sequence, turning each input's events into rows and writing them in
// batches, each with its last sequence as the new position. Sinks have a pipeline (and an engine) each, so one that
// is down or slow never holds another back. Runs on its own thread.
using System.Diagnostics;
using Exchange.Engine;
using Exchange.Engine.Recovery;
using Exchange.Journal;
using Exchange.Replay;

namespace Exchange.Export;

public sealed record PipelineOptions
{
    /// <summary>A batch is written once it holds this many rows...</summary>
    public int BatchRows { get; init; } = 20_000;
    /// <summary>...or its first input is this old, or the journal has nothing more for now.</summary>
    public TimeSpan BatchMaxDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>How long to wait for more journal once everything written is exported.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(20);
    /// <summary>Stop once the end of the journal is exported, instead of following it.</summary>
    public bool Once { get; init; }
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Levels per side of the top of book each batch carries for the symbols it changed (0: none; a sink that
    /// keeps books asks for it).</summary>
    public int BookDepth { get; init; }
}

public sealed class SinkPipeline(string journalDirectory, EngineConfig config, IExportSink sink, PipelineOptions options, TextWriter log)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _down;
    private TimeSpan _downSince;
    private TimeSpan _lastStatus;
    private long _journalLast;
    private TimeSpan? _journalLastCheckedAt;

    public string Name => sink.Name;
    /// <summary>The sink's position as last written or read.</summary>
    public long Position { get; private set; }
    public long RowsWritten { get; private set; }
    public long TradesWritten { get; private set; }
    public long BatchesWritten { get; private set; }
    public long Retries { get; private set; }
    public TimeSpan WriteTime { get; private set; }
    /// <summary>Inputs journaled but not yet in the sink, as of the last look at the journal's end.</summary>
    public long Lag => Math.Max(0, _journalLast - Position);
    public bool IsDown => _down;

    /// <summary>Traces of a fraction of the orders: a traced order's NewOrder, once written to the sink, gets a span
    /// "export to SINK" from its sequencer time to the batch's commit, in the trace its identity names (where the
    /// gateway's spans are).</summary>
    public Exchange.Tracing.OrderTracing? Tracing { get; init; }

    private readonly List<(long Account, long ClientOrderId, long Sequence, long Timestamp)> _traced = [];

    public void Run(CancellationToken stop)
    {
        Position = WithRetry(sink.Open, stop);
        if (stop.IsCancellationRequested) return;
        var capture = new EventCapture(config.FeeAccount);
        var (engine, report) = StateRebuild.Run(journalDirectory, config, capture, toSequence: Position);
        if (report.Replayed.LastSequence < Position)
            throw new ExportException($"sink {sink.Name} ({sink.Describe()}) is at sequence {Position} but the journal in {journalDirectory} ends at {report.Replayed.LastSequence}");
        capture.Seed(engine);
        capture.Enabled = true;
        _journalLast = Position;
        Line($"exporting sink={sink.Name} target={sink.Describe()} position={Position} start={(report.Snapshot == null ? "journal" : $"snapshot:{report.Snapshot.Sequence}")} replayed={report.Replayed.Records}");

        var batch = new ExportBatch();
        capture.Batch = batch;
        using var reader = JournalReader.Open(journalDirectory, Position + 1);
        TimeSpan batchStarted = default;
        while (!stop.IsCancellationRequested)
        {
            bool caughtUp = ReadInto(reader, engine, capture, batch, ref batchStarted);
            if (!batch.IsEmpty && (caughtUp || batch.RowCount >= options.BatchRows || _clock.Elapsed - batchStarted >= options.BatchMaxDelay))
            {
                TakeBooks(engine, capture, batch);
                Flush(batch, stop);
                if (stop.IsCancellationRequested) return;
            }
            if (_clock.Elapsed - _lastStatus >= options.StatusInterval) Status("status");
            if (!caughtUp) continue;
            if (options.Once)
            {
                if (reader.TailProblem != null) Line($"warning sink={sink.Name} journal stops at a torn tail: {reader.TailProblem}");
                Status("caught-up");
                return;
            }
            stop.WaitHandle.WaitOne(options.PollInterval);
        }
    }

    /// <summary>Applies journal records until the batch is full or its time is up (false) or nothing more is written yet (true).</summary>
    private bool ReadInto(JournalReader reader, MatchingEngine<EventCapture> engine, EventCapture capture, ExportBatch batch, ref TimeSpan batchStarted)
    {
        while (batch.RowCount < options.BatchRows)
        {
            if (reader.TryRead(out var record) != ReadStatus.Record) return true;
            if (batch.IsEmpty) batchStarted = _clock.Elapsed;
            capture.Begin(record.Sequence, record.Timestamp, record.Payload);
            _ = engine.Apply(record.Sequence, record.Timestamp, record.Payload);
            if (Tracing != null) NoteTraced(record.Sequence, record.Timestamp, record.Payload);
            foreach (int symbol in capture.ChangedSymbols)
                if (engine.TryGetSymbol(symbol, out var spec, out var status))
                {
                    capture.SetLotSize(symbol, spec.LotSize);
                    batch.Symbols.Add(new SymbolRow(record.Sequence, record.Timestamp, spec, engine.SymbolNameOf(symbol).ToString(), status));
                }
            batch.Cover(record.Sequence, record.Timestamp);
            if (record.Sequence > _journalLast) _journalLast = record.Sequence;
            if ((batch.LastSequence & 0xFF) == 0 && _clock.Elapsed - batchStarted >= options.BatchMaxDelay) return false;
        }
        return false;
    }

    /// <summary>The top of book, as the engine holds it after the batch's last input, of every symbol the batch changed.</summary>
    private void TakeBooks(MatchingEngine<EventCapture> engine, EventCapture capture, ExportBatch batch)
    {
        if (options.BookDepth > 0)
            foreach (int symbol in capture.BookChanged.Order())
                batch.Books.Add(new BookRow(symbol, Top(engine, symbol, Side.Buy, options.BookDepth), Top(engine, symbol, Side.Sell, options.BookDepth)));
        capture.BookChanged.Clear();
    }

    public static BookLevel[] Top<T>(MatchingEngine<T> engine, int symbol, Side side, int depth) where T : IEngineOutput =>
        [.. engine.Levels(symbol, side).Take(depth).Select(l => new BookLevel(l.Price, l.Quantity, l.OrderCount))];

    private void Flush(ExportBatch batch, CancellationToken stop)
    {
        bool attempted = false;
        var started = _clock.Elapsed;
        bool written = WithRetry(() =>
        {
            if (attempted)
            {
                // The last attempt may have committed before its answer was lost: the position tells.
                long now = sink.ReadPosition();
                if (now >= batch.LastSequence) return true;
                if (now != batch.FirstSequence - 1) throw new PositionMismatchException(batch.FirstSequence - 1, now);
            }
            attempted = true;
            sink.Write(batch);
            return true;
        }, stop);
        if (!written) return;
        EndTraced(batch);
        WriteTime += _clock.Elapsed - started;
        Position = batch.LastSequence;
        RowsWritten += batch.RowCount;
        TradesWritten += batch.Trades.Count;
        BatchesWritten++;
        batch.Clear();
    }

    /// <summary>Runs <paramref name="action"/> until it succeeds or a stop is asked for, waiting longer after each
    /// transient failure; a line when the sink goes down and one when it comes back, none in between.</summary>
    private T WithRetry<T>(Func<T> action, CancellationToken stop)
    {
        var delay = options.FirstRetryDelay;
        while (true)
        {
            try
            {
                T result = action();
                if (_down)
                {
                    _down = false;
                    Line($"sink={sink.Name} state=up after={(_clock.Elapsed - _downSince).TotalSeconds:0.0}s retries={Retries} lag={Lag}");
                }
                return result;
            }
            catch (Exception e) when (sink.IsTransient(e))
            {
                if (!_down)
                {
                    _down = true;
                    _downSince = _clock.Elapsed;
                    Line($"sink={sink.Name} state=down reason=\"{OneLine(e)}\" (retrying with backoff up to {options.MaxRetryDelay.TotalSeconds:0}s)");
                }
                Retries++;
                RefreshJournalEnd();
                if (_clock.Elapsed - _lastStatus >= options.StatusInterval) Status("status");
                if (stop.WaitHandle.WaitOne(delay)) return default!;
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>While nothing is read (the sink is down), the journal's end is looked up now and then so the lag keeps counting.</summary>
    private void RefreshJournalEnd()
    {
        if (_journalLastCheckedAt is { } checkedAt && _clock.Elapsed - checkedAt < TimeSpan.FromSeconds(1)) return;
        _journalLastCheckedAt = _clock.Elapsed;
        try { _journalLast = Math.Max(_journalLast, ReplicaPosition.Of(journalDirectory).LastSequence); }
        catch (Exception e) when (e is JournalException or IOException) { }
    }

    private void Status(string what)
    {
        _lastStatus = _clock.Elapsed;
        if (!_down) _journalLast = Math.Max(_journalLast, Position);
        Line($"{what} sink={sink.Name} position={Position} lag={Lag} rows={RowsWritten} trades={TradesWritten} batches={BatchesWritten} retries={Retries} state={(_down ? "down" : "up")}");
    }

    private void Line(string text)
    {
        lock (log) log.WriteLine(text);
    }

    private void NoteTraced(long sequence, long timestamp, ReadOnlySpan<byte> payload)
    {
        if (Exchange.Contract.NewOrderDecoder.TryWrapWithHeader(payload, 0, out var order) != Exchange.Sbe.SbeError.None) return;
        if (Tracing!.Traces(order.Account, order.ClientOrderId)) _traced.Add((order.Account, order.ClientOrderId, sequence, timestamp));
    }

    private void EndTraced(ExportBatch batch)
    {
        if (_traced.Count == 0) return;
        var outer = Activity.Current;
        foreach (var (account, clientOrderId, sequence, timestamp) in _traced)
        {
            if (sequence > batch.LastSequence) continue;
            using var span = Tracing!.Start($"export to {sink.Name}", ActivityKind.Producer, account, clientOrderId,
                DateTimeOffset.FromUnixTimeMilliseconds(timestamp / 1_000_000).AddTicks(timestamp % 1_000_000 / 100));
            span?.SetTag("exchange.sequence", sequence);
            span?.SetTag("exchange.sink", sink.Name);
            span?.SetTag("exchange.batch_rows", batch.RowCount);
        }
        _traced.RemoveAll(t => t.Sequence <= batch.LastSequence);
        Activity.Current = outer;
    }

    private static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ").Replace('"', '\'');
}
