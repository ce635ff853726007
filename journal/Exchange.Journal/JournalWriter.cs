// Appends sequenced inputs to the journal and makes them durable under the configured policy. Single
// writer per directory (an exclusive lock file), one open segment. Under `none` the segment is mapped into memory
// shared and a record is written by plain stores into the file's page cache (what a write(2) would do, without the
// system call on the appending thread), so it is the OS's as soon as it is appended; the file is kept a little longer
// than what is written (ExtendChunk, never past the segment's size), so a store never lands past its end and a
// recovery scanning past the last record reads at most that much. Under `batch` and `always` records are gathered in
// a buffer and handed to the OS with one write(2) per commit, then fsynced (one fsync covers everything appended since
// the last one): an fsync write-protects the pages it cleaned, so the first store into a mapped page after each fsync
// would take a page fault (11-25 us here, perf/results/2026-12-06-journal-mmap), dearer than the write it replaces. The
// checkpoint beside the segments remembers the highest durable sequence, so a journal found holding less than
// that (records lost to a truncated or emptied segment) is refused rather than silently continued.
// With JournalOptions.SyncThread the batch's fsync runs on a thread of the writer's own (JournalWriter.SyncThread.cs)
// and the appending thread never waits for the disk.
using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace Exchange.Journal;

public sealed unsafe partial class JournalWriter : IDisposable
{
    /// <summary>How far ahead of the last record the segment's file is lengthened (and its pages faulted in by
    /// <see cref="PrepareAhead"/>).</summary>
    internal const long ExtendChunk = 256 << 10;

    private readonly JournalOptions _options;
    private readonly FileStream _lock;
    private Checkpoint? _checkpoint;
    private readonly SparseIndex _index = new();

    private SafeFileHandle? _segment;
    /// <summary>Durability none: records are stored into the open segment's mapping. Otherwise into <see cref="_buffer"/>.</summary>
    private readonly bool _mapped;
    private readonly byte[]? _buffer;
    private int _buffered;
    private long _bufferFileOffset;
    private byte* _map;
    /// <summary>The open segment's file length: stores go below it only.</summary>
    private long _fileLength;
    /// <summary>Pages below this were faulted in writable ahead of need (by <see cref="PrepareAhead"/>).</summary>
    private long _populatedTo;
    /// <summary>An append whose end (with room for the closing marker) passes this lengthens the file first: the file's
    /// length, less <see cref="PrefaultLead"/> under the prefault thread; never once the file has the segment's size.</summary>
    private long _extendAt;
    private long _segmentFirstSequence;
    private long _position;

    private long _unsyncedSince;
    private readonly long _batchMaxDelayNanos;
    private int _unsyncedRecords;

    private JournalWriter(JournalOptions options, FileStream lockFile)
    {
        _options = options;
        _batchMaxDelayNanos = options.BatchMaxDelay.Ticks * 100;
        _lock = lockFile;
        _mapped = options.Durability == Durability.None;
        if (!_mapped) _buffer = new byte[options.MaxRecordLength];
    }

    /// <summary>Last sequence appended (0 for an empty journal).</summary>
    public long LastSequence { get; private set; }
    /// <summary>Last sequence handed to the OS (under durability none the last appended: a record is in the page cache once written).</summary>
    public long WrittenSequence { get; private set; }
    /// <summary>Last sequence the durability policy counts as durable: acknowledge up to here.</summary>
    public long DurableSequence { get; private set; }
    public long Fsyncs => Volatile.Read(ref _fsyncs);
    private long _fsyncs;
    public long BytesAppended { get; private set; }
    public Durability Durability => _options.Durability;
    public int MaxPayload => _options.MaxPayload;

    /// <summary>Opens (creating if needed) the journal for appending, first repairing a torn tail left by a crash.
    /// Corruption before the tail stops it unless <see cref="JournalOptions.Repair"/> is set.</summary>
    public static JournalWriter Open(JournalOptions options, out RecoveryReport report)
    {
        options.Validate();
        try { PrivateFiles.CreateDirectory(options.Directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JournalException($"{options.Directory}: cannot create the journal directory: {e.Message}");
        }
        if (PrivateFiles.WhyNotWritable(options.Directory) is { } why) throw new JournalException($"{options.Directory}: cannot write the journal there: {why}");
        FileStream lockFile;
        try
        {
            lockFile = PrivateFiles.OpenWrite(Path.Combine(options.Directory, "journal.lock"), FileMode.OpenOrCreate);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new JournalException($"{options.Directory}: cannot write the journal there: {e.Message}");
        }
        catch (IOException e)
        {
            throw new JournalException($"{options.Directory}: journal is open by another writer ({e.Message})");
        }
        var writer = new JournalWriter(options, lockFile);
        try
        {
            report = writer.Recover();
            writer.CheckAgainstCheckpoint(report);
            if (options.SyncThread && options.Durability == Durability.Batch) writer.StartSyncThread();
            if (options.SyncThread && options.Durability == Durability.None)
            {
                writer.StartPrefaultThread();
                writer.SetExtendAt();
            }
            return writer;
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    private RecoveryReport Recover()
    {
        var segments = SegmentDirectory.List(_options.Directory);
        if (segments.Count == 0)
        {
            // Empty: a new journal, or one continuing after a snapshot (whose sequence is then the last one held).
            LastSequence = WrittenSequence = DurableSequence = _options.StartAfter;
            return RecoveryReport.Clean(_options.StartAfter);
        }
        var last = segments[^1];
        var result = TailRecovery.Recover(last.Path, _options.Repair);
        if (result.RemovedEmptySegment)
        {
            File.Delete(last.Path);
            File.Delete(SegmentDirectory.IndexPath(_options.Directory, last.FirstSequence));
            NativeFile.SyncDirectory(_options.Directory);
            // The segment before is now the tail: recover it as such, so an unclosed one is resumed rather
            // than left without its closing marker.
            return result.Report with { LastSequence = Recover().LastSequence };
        }
        LastSequence = WrittenSequence = DurableSequence = result.LastSequence;
        if (!result.Closed)
        {
            // A process killed while writing a record leaves its bytes without a length word (written last): a clean end
            // to a reader, but not the zeros the records appended from here expect after them.
            TailRecovery.ZeroFrom(last.Path, result.TailOffset);
            _segment = File.OpenHandle(last.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            _segmentFirstSequence = last.FirstSequence;
            _position = _bufferFileOffset = result.TailOffset;
            if (_mapped) Map(last.Path);
            _index.Load(SegmentDirectory.IndexPath(_options.Directory, last.FirstSequence), result.TailOffset);
        }
        return result.Report;
    }

    /// <summary>Compares what recovery found with the highest sequence ever counted durable here: less is lost
    /// acknowledged data, refused unless <see cref="JournalOptions.AcceptLostRecords"/>.</summary>
    private void CheckAgainstCheckpoint(RecoveryReport report)
    {
        _checkpoint = Checkpoint.Open(_options.Directory, periodicSync: _options.Durability != Durability.None, _options.Clock);
        if (_checkpoint.Sequence <= LastSequence)
        {
            _checkpoint.Advance(LastSequence, sync: true);
            return;
        }
        if (!_options.AcceptLostRecords && !_options.Repair)
            throw new JournalException($"{_options.Directory}: the journal ends at sequence {LastSequence} but sequence {_checkpoint.Sequence} was " +
                $"durable ({Checkpoint.FileName}): records {LastSequence + 1}..{_checkpoint.Sequence} are missing ({report}). Restore the journal, " +
                "or accept the loss and continue from what is there (--force-empty)");
        LostRecords = (LastSequence + 1, _checkpoint.Sequence);
        _checkpoint.Reset(LastSequence);
    }

    /// <summary>The range of sequences the checkpoint said were durable but the journal did not hold, when the
    /// operator accepted continuing without them (null otherwise).</summary>
    public (long From, long To)? LostRecords { get; private set; }

    /// <summary>Appends one input. Sequences must follow on from the last (any positive start for an empty journal).</summary>
    public void Append(long sequence, long timestamp, ushort type, ushort version, ReadOnlySpan<byte> payload)
    {
        if (LastSequence == 0 ? sequence <= 0 : sequence != LastSequence + 1)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"journal expects sequence {LastSequence + 1}");
        if (payload.Length > _options.MaxPayload)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"payload exceeds the journal's maximum of {_options.MaxPayload} bytes");

        int size = JournalFormat.Aligned(JournalFormat.RecordHeaderLength + payload.Length);
        // Keep room for the closing marker after the last record.
        if (_segment == null || _position + size > _options.SegmentSize - JournalFormat.Alignment) Roll(sequence, timestamp);
        if (_index.ShouldMark(_position, _options.IndexInterval)) _index.Mark(sequence, _position);
        if (_mapped)
        {
            // A segment that could not be mapped (its roll threw) takes nothing: stores would land at a null address.
            if (_map == null) throw new JournalException($"{_options.Directory}: the open segment is not mapped (its creation failed)");
            // Room for the record and the closing marker after it.
            if (_position + size + JournalFormat.Alignment > _extendAt) Extend(_position + size + JournalFormat.Alignment);
            JournalFormat.WriteRecord(new Span<byte>(_map + _position, size), sequence, timestamp, type, version, payload);
            WrittenSequence = sequence;
        }
        else
        {
            if (_buffered + size > _buffer!.Length) WriteBuffer();
            JournalFormat.WriteRecord(_buffer.AsSpan(_buffered), sequence, timestamp, type, version, payload);
            _buffered += size;
        }
        _position += size;
        LastSequence = sequence;
        BytesAppended += size;
        // Only batch's group commit waits by the clock: the others read none per record.
        if (_unsyncedRecords++ == 0 && _options.Durability == Durability.Batch) _unsyncedSince = _options.Clock.NanoTime();

        if (_options.Durability == Durability.Always) Commit();
    }

    /// <summary>Durability none only: counts every record appended durable, as <see cref="Commit"/> does (each is in the
    /// page cache once stored into the mapping), but leaves the checkpoint to the next Commit. For a caller that
    /// acknowledges each record at once and commits once in a while: Commit's checkpoint reads the clock, which per
    /// record was a twentieth of the engine's live path (perf/results/2026-12-07-live-lookahead).</summary>
    /// <exception cref="InvalidOperationException">The journal's durability is not none.</exception>
    public void CountAppendedDurable()
    {
        if (!_mapped) throw new InvalidOperationException($"only under durability none is a record durable once appended, not under {_options.Durability}");
        DurableSequence = WrittenSequence;
    }

    /// <summary>Hands buffered records to the OS and, as the policy requires, fsyncs. Call after each batch of
    /// appends; <see cref="DurableSequence"/> then says what may be acknowledged.</summary>
    public void Commit()
    {
        WriteBuffer();
        switch (_options.Durability)
        {
            case Durability.None:
                DurableSequence = WrittenSequence;
                _unsyncedRecords = 0;
                _checkpoint?.Advance(DurableSequence);
                break;
            case Durability.Always:
                if (_unsyncedRecords > 0) Sync();
                break;
            case Durability.Batch:
                bool due = _unsyncedRecords > 0 &&
                    (_unsyncedRecords >= _options.BatchMaxRecords || _options.Clock.NanoTime() - _unsyncedSince >= _batchMaxDelayNanos);
                if (_syncThread == null)
                {
                    if (due) Sync();
                    break;
                }
                if (due) RequestSync();
                Harvest();
                break;
        }
    }

    /// <summary>For an idle duty cycle: fsyncs a batch whose time bound has passed. Returns 1 if it did work.</summary>
    public int DoWork()
    {
        if (_options.Durability != Durability.Batch) return 0;
        int work = _syncThread == null ? 0 : Harvest();
        if (_unsyncedRecords == 0 || _options.Clock.NanoTime() - _unsyncedSince < _batchMaxDelayNanos) return work;
        WriteBuffer();
        if (_syncThread == null) Sync();
        else RequestSync();
        return 1;
    }

    /// <summary>Writes and fsyncs everything appended, whatever the policy.</summary>
    public void Flush()
    {
        WriteBuffer();
        if (_syncThread != null)
        {
            TakeFile();
            try { if (_unsyncedRecords > 0 || Volatile.Read(ref _syncedSequence) < WrittenSequence) Sync(); }
            finally { ReleaseFile(); }
            Harvest();
            return;
        }
        if (_unsyncedRecords > 0 || DurableSequence < WrittenSequence) Sync();
    }

    private void WriteBuffer()
    {
        if (_buffered == 0) return;
        RandomAccess.Write(_segment!, _buffer.AsSpan(0, _buffered), _bufferFileOffset);
        _bufferFileOffset += _buffered;
        _buffered = 0;
        WrittenSequence = LastSequence;
    }

    /// <summary>For a moment with nothing else to do (the engine's idle duty cycle): lengthens the open segment's file
    /// and faults in its next pages before the appends that will need them, so neither the system call nor the page
    /// faults fall on a command's path. Returns 1 if it did work; nothing to do unless the segment is mapped (durability none).</summary>
    public int PrepareAhead()
    {
        // The prefault thread does both while the appends go on.
        if (_map == null || _prefaultThread != null) return 0;
        bool extend = _fileLength < _options.SegmentSize && _fileLength - _position <= ExtendChunk / 2;
        if (!extend && _populatedTo >= _fileLength) return 0;
        if (extend) Extend(_position + JournalFormat.Alignment);
        long page = Environment.SystemPageSize;
        long from = Math.Max(_populatedTo, _position) & ~(page - 1);
        if (!NativeFile.PopulateForWrite(_map + from, _fileLength - from))
        {
            // A kernel without MADV_POPULATE_WRITE: touch each page past the last record (they hold zeros).
            for (long at = Math.Max(from + page, _position); at < _fileLength; at = (at & ~(page - 1)) + page) Volatile.Write(ref _map[at], 0);
        }
        _populatedTo = _fileLength;
        return 1;
    }

    /// <summary>Lengthens the open segment's file to cover <paramref name="atLeast"/> plus a chunk (under the prefault
    /// thread, plus twice its lead), never past the segment's size.</summary>
    private void Extend(long atLeast)
    {
        long length = Math.Min(_options.SegmentSize, atLeast + (_prefaultThread != null ? 2 * PrefaultLead : ExtendChunk));
        if (length > _fileLength)
        {
            RandomAccess.SetLength(_segment!, length);
            Volatile.Write(ref _fileLength, length);
            if (_prefaultThread != null) WakePrefault();
        }
        SetExtendAt();
    }

    private void SetExtendAt() =>
        _extendAt = _fileLength >= _options.SegmentSize ? long.MaxValue : _fileLength - (_prefaultThread != null ? PrefaultLead : 0);

    /// <summary>Maps the open segment (its whole declared size: only the part below the file's length is touched).</summary>
    private void Map(string path)
    {
        _map = NativeFile.MapShared(_segment!, _options.SegmentSize, path);
        _populatedTo = _prefaultedTo = _position;
        Volatile.Write(ref _fileLength, RandomAccess.GetLength(_segment!));
        SetExtendAt();
        if (_prefaultThread != null) WakePrefault();
    }

    private void Unmap()
    {
        if (_map == null) return;
        NativeFile.Unmap(_map, _options.SegmentSize);
        _map = null;
    }

    /// <summary>Told how long each fsync took, in nanoseconds (the process's metrics; called on the appending thread, also
    /// for the sync thread's fsyncs, which it hears of in <see cref="Commit"/> and <see cref="DoWork"/>).</summary>
    public Action<long>? FsyncObserved { get; set; }

    private void Sync()
    {
        long started = FsyncObserved == null ? 0 : _options.Clock.NanoTime();
        if (_segment != null) RandomAccess.FlushToDisk(_segment);
        FsyncObserved?.Invoke(_options.Clock.NanoTime() - started);
        Interlocked.Increment(ref _fsyncs);
        DurableSequence = WrittenSequence;
        // The sync thread (held off while this runs) goes on from here.
        if (_syncThread != null) Volatile.Write(ref _syncedSequence, WrittenSequence);
        _unsyncedRecords = 0;
        _checkpoint?.Advance(DurableSequence);
    }

    /// <summary>Closes the open segment (marker, index, fsync) and starts a new one whose first record is <paramref name="firstSequence"/>,
    /// stamped <paramref name="firstTimestamp"/>. The header carries that timestamp, not the wall clock, so a standby
    /// journaling the same records writes the same bytes.</summary>
    private void Roll(long firstSequence, long firstTimestamp)
    {
        // The sync thread fsyncs the open segment, the prefault thread faults in its mapping's pages: either waits (at
        // most one fsync or one chunk) while the segment changes.
        if (_syncThread == null && _prefaultThread == null)
        {
            RollSegment(firstSequence, firstTimestamp);
            return;
        }
        TakeFile();
        try { RollSegment(firstSequence, firstTimestamp); }
        finally { ReleaseFile(); }
    }

    private void RollSegment(long firstSequence, long firstTimestamp)
    {
        if (_segment != null)
        {
            if (_mapped)
            {
                // The last append kept room for the marker, unless the segment was resumed from a file that ends at its tail.
                if (_position + JournalFormat.Alignment > _fileLength) Extend(_position + JournalFormat.Alignment);
                Volatile.Write(ref *(int*)(_map + _position), BitConverter.IsLittleEndian ? JournalFormat.SegmentClosed
                    : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(JournalFormat.SegmentClosed));
            }
            else
            {
                WriteBuffer();
                Span<byte> closed = stackalloc byte[JournalFormat.Alignment];
                closed.Clear();
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(closed, JournalFormat.SegmentClosed);
                RandomAccess.Write(_segment, closed, _position);
            }
            if (_options.Durability != Durability.None) Sync();
            _checkpoint?.Advance(DurableSequence, sync: _options.Durability != Durability.None);
            _index.Save(SegmentDirectory.IndexPath(_options.Directory, _segmentFirstSequence));
            Unmap();
            _segment.Dispose();
        }
        string path = Path.Combine(_options.Directory, JournalFormat.SegmentName(firstSequence));
        _segment = PrivateFiles.OpenHandle(path, FileMode.CreateNew, FileShare.Read, _options.SegmentSize);
        Span<byte> header = stackalloc byte[JournalFormat.SegmentHeaderLength];
        JournalFormat.WriteSegmentHeader(header, _options.SegmentSize, firstSequence, firstTimestamp);
        RandomAccess.Write(_segment, header, 0);
        if (_options.Durability != Durability.None)
        {
            RandomAccess.FlushToDisk(_segment);
            NativeFile.SyncDirectory(_options.Directory);
        }
        _segmentFirstSequence = firstSequence;
        _position = _bufferFileOffset = JournalFormat.SegmentHeaderLength;
        if (_mapped) Map(path);
        _index.Clear();
    }

    public void Dispose()
    {
        try
        {
            StopSyncThread();
            StopPrefaultThread();
            if (_segment != null)
            {
                Flush();
                _index.Save(SegmentDirectory.IndexPath(_options.Directory, _segmentFirstSequence));
                Unmap();
                _segment.Dispose();
                _segment = null;
            }
            _checkpoint?.Advance(DurableSequence, sync: true);
        }
        finally
        {
            _checkpoint?.Dispose();
            _lock.Dispose();
        }
    }
}
