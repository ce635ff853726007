// Under durability none, JournalOptions.SyncThread runs a thread that faults the open segment's pages in ahead of the
// appends. The records are stored into the segment's shared mapping, and the first store into each 4 KiB page takes a
// page fault (11-25 us on a paravirtualized VM): one record in every 30-40. PrepareAhead does that work in the engine's
// idle duty cycles, but an engine under sustained load has none, and there the faults were a sixth of the live path's
// time (perf/results/2026-12-07-live-lookahead). Faulting them in on the engine's own thread in bigger chunks moves
// them within the path, not off it (perf/results/2026-12-07-journal-populate): the cost is the kernel's work per page,
// not the number of faults.
//
// The appending thread still owns the file's length: it lengthens the file a lead ahead of the last record
// (PrefaultLead, so the thread has room to work before the appends get there) and publishes the length; this thread
// faults in, a chunk at a time (madvise(MADV_POPULATE_WRITE), which stores nothing), the pages between what it has done
// and that length. The mapping is the one thing both touch: this thread works on it only while it owns the segment
// file (the sync thread's compare-and-swap), and the appending thread takes the file before a roll or Dispose unmaps
// it, so it waits at most one chunk there. Nothing is taken on the appending thread's usual path: it only reads, once
// per lengthening, whether the thread is asleep.
namespace Exchange.Journal;

public sealed unsafe partial class JournalWriter
{
    /// <summary>Under the prefault thread, the file is lengthened when the appends come within this of its end, to
    /// twice this past them: the thread has at least this much to fault in before the appends reach it.</summary>
    internal const long PrefaultLead = 512 << 10;
    /// <summary>Faulted in by one system call of the prefault thread.</summary>
    internal const long PrefaultChunk = 64 << 10;

    private Thread? _prefaultThread;
    /// <summary>Pages of the open segment below this were faulted in by the prefault thread (it writes it, holding the file).</summary>
    private long _prefaultedTo;
    private int _prefaultAsleep;
    private volatile bool _stopPrefault;
    private ManualResetEventSlim? _prefaultWake;
    /// <summary>Pages faulted in by the prefault thread, in all segments (for tests and metrics).</summary>
    public long PagesPrefaulted => Volatile.Read(ref _pagesPrefaulted);
    private long _pagesPrefaulted;

    /// <summary>Tests: how far the prefault thread has faulted in the open segment, and that segment's file length.</summary>
    internal long PrefaultedTo => Volatile.Read(ref _prefaultedTo);
    internal long OpenFileLength => Volatile.Read(ref _fileLength);

    /// <summary>Whether a thread of the writer's own faults the open segment's pages in ahead of the appends.</summary>
    public bool Prefaulting => _prefaultThread != null;

    private void StartPrefaultThread()
    {
        _prefaultWake = new ManualResetEventSlim(false, 0);
        _prefaultThread = new Thread(PrefaultLoop) { IsBackground = true, Name = "journal-prefault" };
        _prefaultThread.Start();
    }

    /// <summary>After the appending thread lengthened the file or opened a segment: wakes the thread if it sleeps.</summary>
    private void WakePrefault()
    {
        // A full fence between publishing the length and reading the sleep flag, against the thread's fence between
        // setting the flag and reading the length: one of the two sees the other.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _prefaultAsleep) != 0) _prefaultWake!.Set();
    }

    private void PrefaultLoop()
    {
        long page = Environment.SystemPageSize;
        while (!_stopPrefault)
        {
            if (Volatile.Read(ref _prefaultedTo) >= Volatile.Read(ref _fileLength))
            {
                IdlePrefault();
                continue;
            }
            if (Interlocked.CompareExchange(ref _fileOwner, FileSyncing, FileFree) != FileFree)
            {
                Thread.Yield();
                continue;
            }
            bool unsupported = false;
            try
            {
                // Read again now that the file is ours: a roll in between opened another segment and mapping. The length
                // only grows while the file is ours; the last record's position is a hint (pages behind it are done).
                long length = Volatile.Read(ref _fileLength);
                long from = Math.Max(_prefaultedTo, Volatile.Read(ref _position)) & ~(page - 1);
                long to = Math.Min(length, from + PrefaultChunk) & ~(page - 1);
                if (_map != null && to > from)
                {
                    unsupported = !NativeFile.PopulateForWrite(_map + from, to - from);
                    Interlocked.Add(ref _pagesPrefaulted, (to - from) / page);
                }
                Volatile.Write(ref _prefaultedTo, _map != null && to > from ? to : length);
            }
            finally { ReleaseFile(); }
            // A kernel without MADV_POPULATE_WRITE (older than 5.14): the pages fault as they are stored into.
            if (unsupported) return;
        }
    }

    /// <summary>Nothing to fault in: spin a little, then sleep until the appending thread lengthens the file.</summary>
    private void IdlePrefault()
    {
        for (int i = 0; i < 16; i++)
        {
            if (_stopPrefault || Volatile.Read(ref _prefaultedTo) < Volatile.Read(ref _fileLength)) return;
            Thread.SpinWait(16);
        }
        _prefaultWake!.Reset();
        Interlocked.Exchange(ref _prefaultAsleep, 1);
        if (!_stopPrefault && Volatile.Read(ref _prefaultedTo) >= Volatile.Read(ref _fileLength)) _prefaultWake.Wait();
        Volatile.Write(ref _prefaultAsleep, 0);
    }

    private void StopPrefaultThread()
    {
        if (_prefaultThread == null) return;
        _stopPrefault = true;
        _prefaultWake!.Set();
        _prefaultThread.Join();
        _prefaultThread = null;
        _prefaultWake.Dispose();
    }
}
