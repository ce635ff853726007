// The standby's side of replication: it says hello to its primary (its name and the last sequence it holds durably),
// takes the primary's journal records in order (ReplicatedRecord), appends each to its own journal with the same
// sequence and timestamp (so the segments come out byte-identical) and applies it through its own engine, and
// acknowledges what its journal has made durable. It says hello at start, whenever a primary's stream joins (a
// restarted primary sends nothing until it hears one), and after a gap (records lost to a restart of either side), from
// which the primary resends; a record it already holds is skipped. A state check whose hash differs
// from its own state at that sequence stops it: a standby that diverged must not be trusted with a failover.
// Records are taken only from the primary's host. Runs on the engine thread.
//
// A primary whose journal no longer holds what this standby needs sends its snapshot first (SnapshotChunk): each chunk
// is checked against its CRC32C and written in order to snapshots/<sequence>.snapshot.part; a chunk out of order or
// damaged is refused (logged, with the reason) and asked for again from the offset expected (SnapshotResend). The
// whole file is checked (header and body CRC) and fsynced, then the engine restores from it
// (EngineService.RestoreFromSnapshot) and the journal records after it follow. Records are ignored while a snapshot
// comes in. A restart part-way leaves only a .part file, removed: the standby starts from its own disk and asks again.
using System.Net;
using System.Text;
using Exchange.Contract;
using Exchange.Engine.Recovery;
using Exchange.Journal;
using Exchange.Sbe;
using Exchange.Transport;

namespace Exchange.Engine.Host;

internal sealed class StandbyReplication
{
    private const int HeaderLength = MessageHeaderDecoder.EncodedLength;

    private readonly EngineService _service;
    private readonly ReplicationConfig _config;
    private readonly Transport.Transport _transport;
    private readonly Subscription _records;
    private Publication _toPrimary;
    private IPAddress? _primaryHost;
    private readonly Exchange.Hosting.Log _log;
    private readonly Action<string> _diverged;
    private readonly byte[] _buffer = new byte[256];
    private RecordHandler _handler;
    /// <summary>The stream the records come from (refused once another member leads).</summary>
    private Image? _image;
    /// <summary>The leadership the snapshot being received falls in, on the primary (its chunks say).</summary>
    private long _snapshotTerm, _snapshotTermStart;
    private long _ackedDurable = -1, _ackedApplied = -1;
    /// <summary>A hello is owed: at start, when a primary's stream joins, after a gap. Offered until the transport takes it.</summary>
    private bool _helloOwed = true;
    private long _now, _lastHello = long.MinValue / 2;
    /// <summary>Whether anything came from the primary since the last hello: a primary answers each hello (with records,
    /// and a state check when the standby is level), so silence means the hello was lost (e.g. sent into the stream of a
    /// primary that had died) and it is said again.</summary>
    private bool _heardSinceHello;
    private static readonly long HelloRetryNanos = 1000 * NanoClock.Millisecond;
    /// <summary>After a gap, records already in flight from before the primary resends are gaps too: one hello answers them all.</summary>
    private static readonly long GapHelloIntervalNanos = 100 * NanoClock.Millisecond;

    /// <summary>A snapshot coming in from the primary: where it is written, its sequence and length, the next offset due.</summary>
    private FileStream? _snapshot;
    private string? _snapshotPath;
    private long _snapshotSequence, _snapshotLength, _snapshotOffset, _lastResend = long.MinValue / 2;
    private string? _snapshotFailure;

    public StandbyReplication(Transport.Transport transport, EngineService service, ReplicationConfig config, string listenChannel,
        Exchange.Hosting.Log log, Action<string> diverged)
    {
        _service = service;
        _config = config;
        _log = log;
        _diverged = diverged;
        _transport = transport;
        _records = transport.AddSubscription(listenChannel, StreamIds.Replication);
        _toPrimary = transport.AddPublication(config.Primary!, StreamIds.ReplicaAcks);
        _primaryHost = HostOf(config.Primary!);
        _handler = new RecordHandler(this);
        RemovePartialSnapshots();
    }

    private void RemovePartialSnapshots()
    {
        string directory = StateRebuild.SnapshotDirectory(_service.JournalDirectory!);
        if (!Directory.Exists(directory)) return;
        foreach (string part in Directory.GetFiles(directory, "*.part"))
        {
            File.Delete(part);
            _log.Info($"replication: removed {part}, a snapshot from the primary that did not finish arriving");
        }
    }

    /// <summary>Snapshots received whole from the primary and restored from, and chunks refused on the way.</summary>
    public long SnapshotsRestored { get; private set; }
    public long ChunksRefused { get; private set; }

    private static IPAddress? HostOf(string channel) =>
        ChannelUri.TryParse(channel, out var uri, out _) && IPAddress.TryParse(uri.Endpoint.Host, out var host) ? host : null;

    /// <summary>Whether it has joined its primary's live stream (a state check at its own sequence passed) with no gap
    /// since: it holds everything the primary has acknowledged, and may take over if it is a sync standby.</summary>
    public bool Joined { get; private set; }

    /// <summary>The primary's stream as joined (null before it joins, and after a switch of leader until the new one's
    /// does). Its <see cref="Image.LastPacketNanos"/> says how long the primary has been silent.</summary>
    public Image? PrimaryImage => _image;

    /// <summary>Another member leads now: acknowledgements and hellos go to it, and its records are taken.</summary>
    public void Follow(string primaryChannel)
    {
        _toPrimary.Close();
        _toPrimary = _transport.AddPublication(primaryChannel, StreamIds.ReplicaAcks);
        _primaryHost = HostOf(primaryChannel);
        _ackedDurable = _ackedApplied = -1;
        CloseSnapshot(delete: true);
        _helloOwed = true;
        Joined = false;
        // The deposed primary's stream is refused from now on: whatever it still sends (woken from a pause, say) was
        // sequenced under a term that has ended.
        if (_image != null) _image.Tag = -1;
        _image = null;
        _log.Info($"replication: following the primary at {primaryChannel}");
    }

    /// <summary>Records skipped as already held, and state checks passed.</summary>
    public long Duplicates { get; private set; }
    public long ChecksPassed { get; private set; }
    public bool Diverged { get; private set; }

    public int DoWork(long now)
    {
        if (Diverged) return 0;
        _now = now;
        int work = _records.Poll(ref _handler, 256);
        if (!_heardSinceHello && now - _lastHello > HelloRetryNanos) _helloOwed = true;
        if (_helloOwed && SendHello())
        {
            _helloOwed = false;
            _heardSinceHello = false;
            _lastHello = now;
            work++;
        }
        long durable = _service.DurableSequence, applied = _service.LastSequence;
        if (durable != _ackedDurable || applied != _ackedApplied)
        {
            var ack = ReplicaAckEncoder.WrapAndApplyHeader(_buffer, 0);
            ack.DurableSequence = durable;
            ack.AppliedSequence = applied;
            if (_toPrimary.Offer(_buffer.AsSpan(0, HeaderLength + ack.EncodedLength)) > 0)
            {
                _ackedDurable = durable;
                _ackedApplied = applied;
                work++;
            }
        }
        return work;
    }

    private bool SendHello()
    {
        var hello = ReplicaHelloEncoder.WrapAndApplyHeader(_buffer, 0);
        hello.Shard = _service.Config.ShardId;
        hello.DurableSequence = _service.DurableSequence;
        hello.Synchronous = 0;
        var (term, start) = _service.Terms.Latest;
        hello.LastTerm = term;
        hello.LastTermStart = start;
        hello.WriteName(Encoding.ASCII.GetBytes(_config.Name!));
        return _toPrimary.Offer(_buffer.AsSpan(0, HeaderLength + hello.EncodedLength)) > 0;
    }

    private void OnRecord(ReadOnlySpan<byte> message)
    {
        if (_snapshot != null) return; // the state these records follow is still arriving
        if (ReplicatedRecordDecoder.TryWrapWithHeader(message, 0, out var record) != SbeError.None) return;
        long sequence = record.Sequence;
        long last = _service.LastSequence;
        if (sequence <= last) { Duplicates++; return; }
        if (sequence != last + 1)
        {
            Joined = false;
            if (_now - _lastHello > GapHelloIntervalNanos) _helloOwed = true;
            return;
        }
        ReadOnlySpan<byte> payload;
        try { payload = record.ReadPayload(); }
        catch (SbeException) { return; }
        _service.ApplyReplicated(sequence, record.Timestamp, record.RecordType, record.RecordVersion, payload);
    }

    /// <summary>The leader's history shows this standby's journal holds records past <c>sequence</c> that the cluster
    /// never had: the cut is recorded, to be carried out at the next start, and the standby stops (exit 5) to rejoin.</summary>
    private void OnCut(ReadOnlySpan<byte> message)
    {
        if (ReplicaCutDecoder.TryWrapWithHeader(message, 0, out var cut) != SbeError.None || Diverged) return;
        long sequence = cut.Sequence, last = _service.LastSequence;
        if (sequence < 0 || sequence >= last) return;
        Diverged = true;
        CutRequested = sequence;
        _diverged($"replication: the leader (term {cut.Term}) never had this standby's records after sequence {sequence} " +
            $"(it holds up to {last}, last term {_service.Terms.Latest.Term}): they are cut at the next start; stopping to rejoin");
    }

    /// <summary>The sequence the leader asked this standby's journal to be cut after (-1: none).</summary>
    public long CutRequested { get; private set; } = -1;

    private void OnSnapshotChunk(ReadOnlySpan<byte> message)
    {
        if (SnapshotChunkDecoder.TryWrapWithHeader(message, 0, out var chunk) != SbeError.None) return;
        long sequence = chunk.SnapshotSequence, length = chunk.SnapshotLength, offset = chunk.ChunkOffset;
        uint crc = chunk.ChunkCrc;
        _snapshotTerm = chunk.Term;
        _snapshotTermStart = chunk.TermStart;
        ReadOnlySpan<byte> data;
        try { data = chunk.ReadData(); }
        catch (SbeException) { return; }
        if (sequence <= _service.LastSequence && _snapshot == null) return; // an old transfer's chunk: this standby is past it
        try
        {
            // A transfer starting over (the primary restarted, or started over) begins again at offset 0.
            if (_snapshot == null || sequence != _snapshotSequence || (offset == 0 && _snapshotOffset > 0))
            {
                if (offset != 0) { AskAgain(sequence, 0, $"a chunk at offset {offset} of a snapshot not begun"); return; }
                CloseSnapshot(delete: true);
                string directory = StateRebuild.SnapshotDirectory(_service.JournalDirectory!);
                Directory.CreateDirectory(directory);
                _snapshotPath = Path.Combine(directory, $"{sequence:D20}{SnapshotStore.Extension}.part");
                _snapshot = new FileStream(_snapshotPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                _snapshotSequence = sequence;
                _snapshotLength = length;
                _snapshotOffset = 0;
                Joined = false;
                _log.Info($"replication: receiving the primary's snapshot at sequence {sequence} ({length} bytes): this standby holds {_service.LastSequence}, " +
                    "which its primary's journal no longer continues");
            }
            if (offset != _snapshotOffset)
            {
                if (offset > _snapshotOffset) AskAgain(sequence, _snapshotOffset, $"chunk at offset {offset} where {_snapshotOffset} was due");
                return;
            }
            if (Crc32C.Compute(data) != crc || offset + data.Length > _snapshotLength)
            {
                ChunksRefused++;
                _log.Error($"replication: REFUSED snapshot chunk at offset {offset} of the snapshot at sequence {sequence}: " +
                    (offset + data.Length > _snapshotLength ? "it runs past the snapshot's length" : $"CRC32C {Crc32C.Compute(data):x8} where the primary sent {crc:x8}") +
                    "; asking for it again");
                AskAgain(sequence, offset, null, force: true);
                return;
            }
            _snapshot.Write(data);
            _snapshotOffset += data.Length;
            if (_snapshotOffset == _snapshotLength) FinishSnapshot();
        }
        catch (IOException e)
        {
            _log.Error($"replication: cannot write the primary's snapshot at sequence {sequence}: {e.Message}; asking for it again");
            CloseSnapshot(delete: true);
            AskAgain(sequence, 0, null, force: true);
        }
    }

    /// <summary>The whole file arrived: checked, fsynced, and restored from.</summary>
    private void FinishSnapshot()
    {
        _snapshot!.Flush(flushToDisk: true);
        _snapshot.Dispose();
        _snapshot = null;
        string path = _snapshotPath!;
        string? problem = SnapshotStore.Check(path, out var info);
        if (problem == null && info!.Sequence != _snapshotSequence) problem = $"it says sequence {info.Sequence}, the chunks said {_snapshotSequence}";
        if (problem != null)
        {
            ChunksRefused++;
            _log.Error($"replication: REFUSED the primary's snapshot at sequence {_snapshotSequence}: {problem}; asking for it again");
            File.Delete(path);
            AskAgain(_snapshotSequence, 0, null, force: true);
            return;
        }
        try
        {
            _service.RestoreFromSnapshot(path, info!, _snapshotTerm, _snapshotTermStart);
            SnapshotsRestored++;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or JournalException or ConfigException)
        {
            _snapshotFailure = $"cannot restore from the primary's snapshot at sequence {_snapshotSequence}: {e.Message}";
            Diverged = true;
            _diverged(_snapshotFailure);
        }
    }

    /// <summary>Asks the primary for the snapshot from <paramref name="offset"/> (at most every 100 ms for chunks merely out of
    /// order: those in flight after a refused one are all out of order, and one request answers them all).</summary>
    private void AskAgain(long sequence, long offset, string? why, bool force = false)
    {
        if (!force && _now - _lastResend < GapHelloIntervalNanos) return;
        _lastResend = _now;
        if (why != null) _log.Info($"replication: snapshot at sequence {sequence}: {why}; asking again from offset {offset}");
        var resend = SnapshotResendEncoder.WrapAndApplyHeader(_buffer, 0);
        resend.SnapshotSequence = sequence;
        resend.FromOffset = offset;
        _toPrimary.Offer(_buffer.AsSpan(0, HeaderLength + resend.EncodedLength));
    }

    private void CloseSnapshot(bool delete)
    {
        _snapshot?.Dispose();
        _snapshot = null;
        if (delete && _snapshotPath != null && File.Exists(_snapshotPath)) File.Delete(_snapshotPath);
    }

    private void OnStateCheck(ReadOnlySpan<byte> message)
    {
        if (StateCheckDecoder.TryWrapWithHeader(message, 0, out var check) != SbeError.None) return;
        if (check.Sequence != _service.LastSequence) return; // not at that sequence: nothing to compare
        long mine = _service.StateHash();
        if (mine == check.StateHash)
        {
            ChecksPassed++;
            Joined = true;
            return;
        }
        Diverged = true;
        _diverged($"DIVERGED at sequence {check.Sequence}: the primary's state hash is {check.StateHash:x16}, this standby's {mine:x16}; " +
            "stopping (compare the two journals with exchange-replay diff)");
    }

    private bool FromPrimary(Image image)
    {
        if (image.IsAdmitted) return true;
        if (_primaryHost != null && !(IPEndPoint.TryParse(image.SourceAddress, out var source) && source.Address.Equals(_primaryHost)))
        {
            _log.Warn($"replication: records from {image.SourceAddress}, not the primary's host: ignored");
            image.Tag = -1;
            return false;
        }
        image.Admit();
        return true;
    }

    private struct RecordHandler(StandbyReplication owner) : ISubscriptionHandler
    {
        public readonly void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            if (owner.Diverged || message.Length < HeaderLength || image.Tag == -1 || !owner.FromPrimary(image)) return;
            owner._heardSinceHello = true;
            owner._image = image;
            switch (MessageHeaderDecoder.Wrap(message, 0).TemplateId)
            {
                case ReplicatedRecordDecoder.TemplateId: owner.OnRecord(message); return;
                case StateCheckDecoder.TemplateId: owner.OnStateCheck(message); return;
                case ReplicaCutDecoder.TemplateId: owner.OnCut(message); return;
                case SnapshotChunkDecoder.TemplateId: owner.OnSnapshotChunk(message); return;
            }
        }

        /// <summary>The primary's stream is admitted as soon as it joins: a restarted primary sends nothing until this
        /// standby's hello, and an image left unadmitted that long would be evicted as a stranger's.</summary>
        public readonly void OnImageAvailable(Image image)
        {
            if (owner.FromPrimary(image)) owner._helloOwed = true;
        }
        public readonly void OnImageUnavailable(Image image) { }
    }
}
