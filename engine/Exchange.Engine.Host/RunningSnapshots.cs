// Snapshots while the engine runs, every N inputs or T seconds of sequencer time. The engine thread hashes the state
// and walks its live part (open orders, levels, accounts) into a snapshot (MatchingEngine.CaptureLive, timed and logged
// with each snapshot): copying the whole pools first (BeginCapture) costs their configured size every time, which
// measured 0.6-1.9 s with the default capacities on this machine, against microseconds for a small live state. A
// thread-pool thread serialises it, writes the file, fsyncs it and its directory (SnapshotStore), and removes the
// oldest beyond the number kept. The engine thread learns of the finished file in its duty cycle, where journal
// retention may then follow. One snapshot is in flight at a time; a due one waits for the last to finish.
using System.Diagnostics;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Engine.Recovery;
using Exchange.Journal;

namespace Exchange.Engine.Host;

internal sealed class RunningSnapshots
{
    private sealed class Job(EngineSnapshot snapshot, long sequence, long hash, SnapshotStore store, int kept)
    {
        public readonly long Sequence = sequence;
        public long CaptureNanos;
        public long WriteNanos;
        public SnapshotInfo? Info;
        public string? Error;
        private int _done;
        public bool Done => Volatile.Read(ref _done) == 1;

        public void Run()
        {
            long started = Stopwatch.GetTimestamp();
            try
            {
                Info = store.Write(Sequence, hash, snapshot.WriteTo);
                var files = store.Newest();
                for (int i = kept; i < files.Count; i++) File.Delete(files[i]);
            }
            catch (Exception e)
            {
                // Off the engine thread nothing may escape: the failure is reported on the engine thread.
                Error = e.Message;
            }
            WriteNanos = (long)Stopwatch.GetElapsedTime(started).TotalNanoseconds;
            Volatile.Write(ref _done, 1);
        }
    }

    private readonly long _everyInputs;
    private readonly long _everyNanos;
    private readonly int _kept;
    private readonly SnapshotStore _store;
    private readonly Exchange.Hosting.Log? _log;
    private Job? _job;
    private long _lastSequence;
    private long _lastTimestamp;
    private long _latestSequence;
    private long _latestTimestamp;

    public RunningSnapshots(string journalDirectory, EngineServiceOptions options, long startSequence)
    {
        _everyInputs = options.SnapshotEveryInputs;
        _everyNanos = (long)options.SnapshotEvery.TotalNanoseconds;
        _kept = options.SnapshotsKept;
        _store = new SnapshotStore(StateRebuild.SnapshotDirectory(journalDirectory));
        _log = options.Log;
        _lastSequence = _latestSequence = startSequence;
    }

    /// <summary>Snapshots written while running, and the longest the engine thread spent on one (hash and capture), in ns.</summary>
    public long Written { get; private set; }
    public long LongestCaptureNanos { get; private set; }

    /// <summary>After input <paramref name="sequence"/> is applied (engine thread): starts a snapshot if one is due.
    /// Allocates nothing unless it starts one.</summary>
    public void AfterApply(long sequence, long timestamp, MatchingEngine<SbeEventWriter> engine)
    {
        if (_lastTimestamp == 0) _lastTimestamp = timestamp;
        _latestSequence = sequence;
        _latestTimestamp = timestamp;
        StartIfDue(engine);
    }

    /// <summary>Starts a snapshot if one is due and none is in flight: after an input, and in each duty cycle (one that
    /// fell due while the last was being written starts once that one is done, even if no input follows).</summary>
    public void StartIfDue(MatchingEngine<SbeEventWriter> engine)
    {
        if (_job != null) return;
        bool due = (_everyInputs > 0 && _latestSequence - _lastSequence >= _everyInputs)
            || (_everyNanos > 0 && _latestTimestamp - _lastTimestamp >= _everyNanos);
        if (!due) return;
        long sequence = engine.LastSequence;
        long started = Stopwatch.GetTimestamp();
        long hash = engine.StateHash();
        var snapshot = engine.CaptureLive();
        var job = new Job(snapshot, sequence, hash, _store, _kept) { CaptureNanos = (long)Stopwatch.GetElapsedTime(started).TotalNanoseconds };
        if (job.CaptureNanos > LongestCaptureNanos) LongestCaptureNanos = job.CaptureNanos;
        _job = job;
        _lastSequence = sequence;
        _lastTimestamp = _latestTimestamp;
        ThreadPool.UnsafeQueueUserWorkItem(static j => j.Run(), job, preferLocal: false);
    }

    /// <summary>Engine thread: the snapshot finished since the last call, if one did (null otherwise, or when it failed:
    /// then the failure is logged and the journal, intact, still holds everything).</summary>
    public SnapshotInfo? Poll()
    {
        var job = _job;
        if (job == null || !job.Done) return null;
        _job = null;
        if (job.Error != null)
        {
            _log?.Warn($"snapshot at sequence {job.Sequence} not written: {job.Error}; the journal is intact");
            return null;
        }
        Written++;
        _log?.Info($"snapshot at sequence {job.Sequence} written to {job.Info!.Path} ({job.Info.BodyLength} bytes): " +
            $"{job.CaptureNanos / 1000} us on the engine thread (hash and capture), {job.WriteNanos / 1_000_000} ms to serialise, write and fsync",
            ("sequence", job.Sequence), ("captureUs", job.CaptureNanos / 1000));
        return job.Info;
    }

    /// <summary>Waits for a snapshot in flight to finish (before the journal it belongs to is closed or replaced).</summary>
    public void WaitIdle()
    {
        while (_job != null && !_job.Done) Thread.Sleep(1);
        Poll();
    }

    /// <summary>The state was replaced (a standby restored from its primary's snapshot): intervals count from there.</summary>
    public void Restart(long sequence)
    {
        _lastSequence = _latestSequence = sequence;
        _lastTimestamp = _latestTimestamp = 0;
    }
}
