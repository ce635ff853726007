// The journal's sync thread (JournalOptions.SyncThread, batch durability): the appending thread writes records to the
// OS and asks for them to be made durable; this thread fsyncs and publishes how far that got; the appending thread
// picks the position up in Commit and DoWork and releases what depends on it. Matching never waits for the disk, and
// what arrives during one fsync makes up the next (batches grow with the load by themselves: LMAX's journaller behind
// a barrier).
//
// No lock is taken on either side's usual path: the request and the result are single longs written by one thread
// and read by the other. The segment file is the one thing both touch: the sync thread fsyncs it, the appending thread
// closes it at a roll and at Flush/Dispose; whichever does so first owns it (one compare-and-swap), so the appending
// thread waits at most one fsync there, as it did before for each roll. When there is nothing to do the sync thread
// spins briefly, then sleeps on an event the appending thread sets only when it sees the thread asleep (a futex
// wake-up, once per idle period, never per record).
namespace Exchange.Journal;

public sealed partial class JournalWriter
{
    private const int FileFree = 0, FileSyncing = 1, FileAppending = 2;
    private const int ObservedSlots = 256;

    private Thread? _syncThread;
    /// <summary>The written sequence the appending thread wants durable (written by it only).</summary>
    private long _syncRequested;
    /// <summary>How far the fsyncs got (the sync thread's, or the appending thread's own at a roll or flush).</summary>
    private long _syncedSequence;
    private int _fileOwner;
    private int _syncThreadAsleep;
    private volatile bool _stopSyncThread;
    private readonly ManualResetEventSlim _wake = new(false, 0);
    private Exception? _syncFailure;
    /// <summary>The sync thread's fsync durations, for <see cref="FsyncObserved"/> on the appending thread: a ring
    /// written by the sync thread at <see cref="_observedWritten"/> and read up to it by the appending thread (a
    /// duration lost to a full ring only thins the metric).</summary>
    private readonly long[] _observed = new long[ObservedSlots];
    private long _observedWritten, _observedRead;

    private void StartSyncThread()
    {
        _syncedSequence = _syncRequested = DurableSequence;
        _syncThread = new Thread(SyncLoop) { IsBackground = true, Name = "journal-sync" };
        _syncThread.Start();
    }

    /// <summary>The sync thread has records to make durable, or is making them durable.</summary>
    public bool SyncPending => _syncThread != null && Volatile.Read(ref _syncRequested) > Volatile.Read(ref _syncedSequence);

    /// <summary>Before parking on <see cref="JournalOptions.DurableSignal"/>: clears it, then says whether an fsync is
    /// still awaited. An fsync that returns after the clear sets it again, so a park that follows a true answer cannot
    /// miss it.</summary>
    public bool ArmDurableSignal()
    {
        _options.DurableSignal?.Clear();
        return SyncPending;
    }

    /// <summary>Asks for everything written so far to be made durable.</summary>
    private void RequestSync()
    {
        _unsyncedRecords = 0;
        // A full fence between publishing the request and reading the sleep flag, against the sync thread's fence
        // between setting the flag and reading the request: one of the two sees the other.
        Interlocked.Exchange(ref _syncRequested, WrittenSequence);
        if (Volatile.Read(ref _syncThreadAsleep) != 0) _wake.Set();
    }

    /// <summary>Takes up what the sync thread made durable; rethrows its failure (an fsync that failed leaves the
    /// journal's durability unknown: the process must stop, as it would have had the fsync been its own).</summary>
    private int Harvest()
    {
        if (Volatile.Read(ref _syncFailure) is { } failure)
            throw new JournalException($"{_options.Directory}: fsync failed on the journal's sync thread: {failure.Message}");
        long written = Volatile.Read(ref _observedWritten);
        if (FsyncObserved is { } observed)
            for (long i = Math.Max(_observedRead, written - ObservedSlots); i < written; i++) observed(_observed[i % ObservedSlots]);
        _observedRead = written;
        long synced = Volatile.Read(ref _syncedSequence);
        if (synced <= DurableSequence) return 0;
        DurableSequence = synced;
        return 1;
    }

    private void TakeFile()
    {
        var spin = new SpinWait();
        while (Interlocked.CompareExchange(ref _fileOwner, FileAppending, FileFree) != FileFree) spin.SpinOnce(sleep1Threshold: -1);
    }

    private void ReleaseFile() => Volatile.Write(ref _fileOwner, FileFree);

    private void SyncLoop()
    {
        while (!_stopSyncThread)
        {
            if (Volatile.Read(ref _syncRequested) <= Volatile.Read(ref _syncedSequence))
            {
                Idle();
                continue;
            }
            if (Interlocked.CompareExchange(ref _fileOwner, FileSyncing, FileFree) != FileFree)
            {
                Thread.Yield();
                continue;
            }
            try
            {
                // Read again now that the file is ours: a roll or flush in between may have covered it already.
                long target = Volatile.Read(ref _syncRequested);
                if (target > Volatile.Read(ref _syncedSequence) && _segment != null)
                {
                    _options.BeforeThreadSync?.Invoke();
                    long started = _options.Clock.NanoTime();
                    RandomAccess.FlushToDisk(_segment);
                    long took = _options.Clock.NanoTime() - started;
                    _observed[_observedWritten % ObservedSlots] = took;
                    Volatile.Write(ref _observedWritten, _observedWritten + 1);
                    Interlocked.Increment(ref _fsyncs);
                    Volatile.Write(ref _syncedSequence, target);
                    _options.DurableSignal?.Set();
                    _checkpoint?.Advance(target);
                }
            }
            catch (Exception e)
            {
                Volatile.Write(ref _syncFailure, e);
                ReleaseFile();
                return;
            }
            ReleaseFile();
        }
    }

    /// <summary>Nothing to make durable: spin a little (under load the next request is already on its way), then sleep
    /// until the appending thread asks.</summary>
    private void Idle()
    {
        for (int i = 0; i < 16; i++)
        {
            if (_stopSyncThread || Volatile.Read(ref _syncRequested) > Volatile.Read(ref _syncedSequence)) return;
            Thread.SpinWait(16);
        }
        _wake.Reset();
        Interlocked.Exchange(ref _syncThreadAsleep, 1);
        if (!_stopSyncThread && Volatile.Read(ref _syncRequested) <= Volatile.Read(ref _syncedSequence)) _wake.Wait();
        Volatile.Write(ref _syncThreadAsleep, 0);
    }

    /// <summary>Stops the sync thread (its fsync in progress finishes first); the appending thread does what is left.</summary>
    private void StopSyncThread()
    {
        if (_syncThread == null) return;
        _stopSyncThread = true;
        _wake.Set();
        _syncThread.Join();
        _syncThread = null;
        _wake.Dispose();
        long synced = Volatile.Read(ref _syncedSequence);
        if (synced > DurableSequence) DurableSequence = synced;
        if (_syncFailure is { } failure)
            throw new JournalException($"{_options.Directory}: fsync failed on the journal's sync thread: {failure.Message}");
    }
}
