// The primary's side of replication: every journaled input goes to each standby as it is journaled (ReplicatedRecord
// on stream 13 of the standby's channel), each standby's acknowledgements (ReplicaAck on stream 14 of this engine's
// listen channel) say how far it holds them durably, and responses wait for the sync standbys' acknowledgements as
// they wait for the local fsync (LMAX's and Aeron Cluster's rule: nothing acknowledged that a lost machine could take
// with it). A standby that says hello, or that the live stream left behind (back pressure, a restart, a late start),
// is caught up from this engine's own journal, read back from disk, and rejoins the live stream where the catch-up
// ends: one cursor per standby, so there is neither a gap nor a duplicate. Every StateCheckInterval inputs the state
// hash goes along, for the standby to compare. Runs on the engine thread; the live path does not allocate.
//
// A standby that needs records this journal no longer holds (retention removed the segments, the standby being new or
// away) -- or, when configured, one further behind than SnapshotCatchUpBehind -- is first sent the newest snapshot
// file, in SnapshotChunks of up to 4 KiB each with its CRC32C, as fast as the transport takes them (back pressure
// holds the offset, as it does for the journal catch-up); a SnapshotResend from the standby (a chunk missing or
// refused) rewinds to the offset it names. Then the journal catch-up goes on from the record after the snapshot.
using System.Net;
using Exchange.Contract;
using Exchange.Engine.Recovery;
using Exchange.Journal;
using Microsoft.Win32.SafeHandles;
using Exchange.Sbe;
using Exchange.Transport;

namespace Exchange.Engine.Host;

internal sealed class PrimaryReplication : IDisposable
{
    private const int HeaderLength = MessageHeaderDecoder.EncodedLength;
    /// <summary>Records a catch-up sends per duty cycle, so a long one shares the thread with the live path.</summary>
    private const int CatchUpBatch = 256;
    /// <summary>Sequencer timestamps kept for the lag in microseconds (a power of two).</summary>
    private const int LagWindow = 1 << 16;
    /// <summary>Bytes of snapshot per chunk (the schema's limit for var data).</summary>
    internal const int ChunkLength = 4096;
    /// <summary>Chunks a snapshot catch-up sends per duty cycle.</summary>
    private const int SnapshotBatch = 64;

    private sealed class Replica(StandbyConfig config, Publication publication, ReplicaMetrics metrics)
    {
        public readonly StandbyConfig Config = config;
        public readonly ReplicaMetrics Metrics = metrics;
        public readonly Publication Publication = publication;
        /// <summary>The next sequence to send it; 0 until its hello says where it stands.</summary>
        public long Next;
        /// <summary>Whether records go to it as they are journaled (else the catch-up reads them from the journal).</summary>
        public bool Live;
        public long Acked;
        public long Applied;
        /// <summary>A sync standby not waited for (absent, or past the timeout, until it catches up again).</summary>
        public bool Degraded = true;
        /// <summary>A degraded standby is waited for again once it is live and has acknowledged this far: where it joined
        /// the live stream (its acknowledgements always trail the journal under load, so "caught up with the journal"
        /// would never hold).</summary>
        public long PromoteAt = long.MaxValue;
        /// <summary>Since when it has owed an acknowledgement without making progress (0: it owes none).</summary>
        public long OwingSince;
        public bool WaitLogged;
        public JournalReader? Reader;
        /// <summary>A catch-up record the transport refused, sent again first.</summary>
        public readonly byte[] Pending = new byte[HeaderLength + Math.Max(ReplicatedRecordEncoder.BlockLength, SnapshotChunkEncoder.BlockLength) + 2 + 4096];
        public int PendingLength;
        /// <summary>The snapshot being sent first, its sequence, length and the offset of the next chunk.</summary>
        public SafeFileHandle? Snapshot;
        public long SnapshotSequence, SnapshotLength, SnapshotOffset, NextChunkAt;
    }

    private readonly Replica[] _replicas;
    private readonly ReplicationConfig _config;
    private readonly Subscription _acks;
    private readonly string _journalDirectory;
    private readonly Exchange.Hosting.Log _log;
    private readonly long _syncTimeoutNanos;
    private readonly byte[] _buffer = new byte[HeaderLength + ReplicatedRecordEncoder.BlockLength + 2 + 4096];
    private readonly byte[] _chunk = new byte[ChunkLength];
    private long _chunksSent;
    private readonly long[] _appendNanos = new long[LagWindow];
    private AckHandler _handler;

    private readonly Func<long> _stateHash;

    /// <param name="stateHash">The engine's state hash now (at the journal's last sequence): sent to a standby as it joins
    /// the live stream, which answers its hello and checks it at once.</param>
    public PrimaryReplication(Transport.Transport transport, ReplicationConfig config, string listenChannel, string journalDirectory, Exchange.Hosting.Log log,
        Func<long> stateHash, EngineMetrics metrics)
    {
        _stateHash = stateHash;
        _config = config;
        _journalDirectory = journalDirectory;
        _log = log;
        _syncTimeoutNanos = config.SyncTimeoutMs * NanoClock.Millisecond;
        _replicas = [.. config.Standbys.Select(s => new Replica(s, transport.AddPublication(s.Channel, StreamIds.Replication), metrics.Replica(s.Name, s.Mode)))];
        _acks = transport.AddSubscription(listenChannel, StreamIds.ReplicaAcks);
        _handler = new AckHandler(this);
        foreach (var r in _replicas)
            if (r.Config.Synchronous)
                _log.Info(config.OnSyncLoss == "degrade"
                    ? $"replication: sync standby {r.Config.Name} at {r.Config.Channel} not caught up yet: responses do not wait for it until it is"
                    : $"replication: responses wait for sync standby {r.Config.Name} at {r.Config.Channel}");
        foreach (var r in _replicas) r.Degraded = r.Config.Synchronous && config.OnSyncLoss == "degrade";
    }

    /// <summary>Where standbys' acknowledgements arrive (the listen channel's port).</summary>
    internal int AckPort => _acks.LocalEndPoint.Port;

    /// <summary>The highest sequence every sync standby waited for holds durably (long.MaxValue when none is waited for).</summary>
    public long SyncDurable
    {
        get
        {
            long min = long.MaxValue;
            for (int i = 0; i < _replicas.Length; i++)
            {
                var r = _replicas[i];
                // In a cluster a degraded standby is waited for still until etcd has marked it behind.
                bool notWaited = r.Degraded && (Marks == null || Marks.ConfirmedBehind(i));
                if (r.Config.Synchronous && !notWaited && r.Acked < min) min = r.Acked;
            }
            return min;
        }
    }

    /// <summary>Called as each input is journaled: it goes to every standby the live stream has reached.</summary>
    public void OnJournaled(long sequence, long timestamp, ushort type, ushort version, ReadOnlySpan<byte> payload)
    {
        // The sequencer's stamp, not another clock read per input.
        _appendNanos[sequence & (LagWindow - 1)] = timestamp;
        int length = -1;
        foreach (var r in _replicas)
        {
            if (!r.Live || r.Next != sequence) continue;
            if (length < 0) length = EncodeRecord(_buffer, sequence, timestamp, type, version, payload);
            if (r.Publication.Offer(_buffer.AsSpan(0, length)) > 0) r.Next++;
            else r.Live = false; // the catch-up takes over from the journal
        }
    }

    /// <summary>After the input <paramref name="sequence"/> is applied: every StateCheckInterval inputs, the state hash.</summary>
    public void OnApplied(long sequence, MatchingEngine<SbeEventWriter> engine)
    {
        if (sequence % _config.StateCheckInterval != 0) return;
        bool any = false;
        foreach (var r in _replicas) any |= r.Live && r.Next == sequence + 1;
        if (!any) return;
        var check = StateCheckEncoder.WrapAndApplyHeader(_buffer, 0);
        check.Sequence = sequence;
        check.StateHash = engine.StateHash();
        foreach (var r in _replicas)
            if (r.Live && r.Next == sequence + 1) r.Publication.Offer(_buffer.AsSpan(0, HeaderLength + check.EncodedLength));
    }

    /// <summary>Acknowledgements and hellos, catch-ups, and the sync timeout. <paramref name="journal"/> has committed
    /// what it will this cycle, so what a catch-up may read is written.</summary>
    public int DoWork(long now, JournalWriter journal)
    {
        int work = _acks.Poll(ref _handler, 64);
        for (int i = 0; i < _replicas.Length; i++)
        {
            var r = _replicas[i];
            if (r.Snapshot != null) work += SendSnapshot(r, now);
            else if (r.Next > 0 && !r.Live) work += CatchUp(r, journal);
            if (!r.Config.Synchronous) continue;
            work += WatchSync(r, journal, now);
            // In a cluster: a sync standby not waited for, or not yet level, is marked behind in etcd (and may not lead).
            Marks?.Want(i, r.Degraded || !r.Live || r.Acked < r.PromoteAt);
        }
        return work;
    }

    private int CatchUp(Replica r, JournalWriter journal)
    {
        if (r.PendingLength > 0)
        {
            if (r.Publication.Offer(r.Pending.AsSpan(0, r.PendingLength)) <= 0) return 0;
            r.PendingLength = 0;
            r.Next++;
        }
        int sent = 0;
        try
        {
            r.Reader ??= JournalReader.Open(_journalDirectory, r.Next);
            while (sent < CatchUpBatch && r.Next <= journal.WrittenSequence)
            {
                if (r.Reader.TryRead(out var record) != ReadStatus.Record) break;
                int length = EncodeRecord(r.Pending, record.Sequence, record.Timestamp, record.Type, record.Version, record.Payload);
                if (r.Publication.Offer(r.Pending.AsSpan(0, length)) <= 0) { r.PendingLength = length; return sent; }
                r.Next++;
                sent++;
            }
        }
        catch (Exception e) when (e is JournalException or IOException)
        {
            _log.Warn($"replication: cannot read the journal for standby {r.Config.Name} from sequence {r.Next}: {e.Message}; it waits for its next hello");
            Stop(r);
            return sent;
        }
        // Everything appended has gone: from now on the live stream carries the rest.
        if (r.Next == journal.LastSequence + 1)
        {
            r.Reader.Dispose();
            r.Reader = null;
            r.Live = true;
            r.PromoteAt = journal.LastSequence;
            var check = StateCheckEncoder.WrapAndApplyHeader(_buffer, 0);
            check.Sequence = journal.LastSequence;
            check.StateHash = _stateHash();
            r.Publication.Offer(_buffer.AsSpan(0, HeaderLength + check.EncodedLength));
        }
        return sent;
    }

    private int WatchSync(Replica r, JournalWriter journal, long now)
    {
        long owed = journal.DurableSequence;
        if (r.Degraded)
        {
            if (!r.Live || r.Acked < r.PromoteAt) return 0;
            r.Degraded = false;
            r.OwingSince = 0;
            _log.Info($"replication: sync standby {r.Config.Name} caught up at sequence {r.Acked}: responses wait for it again");
            return 1;
        }
        if (r.Acked >= owed) { r.OwingSince = 0; return 0; }
        if (r.OwingSince == 0) { r.OwingSince = now; return 0; }
        if (now - r.OwingSince < _syncTimeoutNanos) return 0;
        if (_config.OnSyncLoss == "degrade")
        {
            r.Degraded = true;
            r.PromoteAt = journal.LastSequence;
            r.Metrics.Alarms.Increment();
            _log.Warn($"replication: ALARM: sync standby {r.Config.Name} acknowledged nothing for {_config.SyncTimeoutMs} ms (it holds {r.Acked}, " +
                $"this engine {owed}): responses no longer wait for it until it catches up");
            return 1;
        }
        if (!r.WaitLogged)
        {
            r.WaitLogged = true;
            r.Metrics.Alarms.Increment();
            _log.Warn($"replication: ALARM: sync standby {r.Config.Name} acknowledged nothing for {_config.SyncTimeoutMs} ms: responses wait for it (onSyncLoss wait)");
        }
        return 0;
    }

    /// <summary>The next chunks of the snapshot a standby gets first; once all have gone, the journal after it follows.</summary>
    private int SendSnapshot(Replica r, long now)
    {
        int sent = 0;
        try
        {
            while (sent < SnapshotBatch && r.SnapshotOffset < r.SnapshotLength)
            {
                if (_config.FaultSnapshotChunkPauseMs > 0)
                {
                    if (now < r.NextChunkAt) return sent;
                    r.NextChunkAt = now + _config.FaultSnapshotChunkPauseMs * NanoClock.Millisecond;
                }
                int length = (int)Math.Min(ChunkLength, r.SnapshotLength - r.SnapshotOffset);
                var data = _chunk.AsSpan(0, length);
                for (int read = 0; read < length;)
                {
                    int n = RandomAccess.Read(r.Snapshot!, data[read..], r.SnapshotOffset + read);
                    if (n <= 0) throw new IOException($"snapshot at sequence {r.SnapshotSequence} ends before its {r.SnapshotLength} bytes");
                    read += n;
                }
                var e = SnapshotChunkEncoder.WrapAndApplyHeader(r.Pending, 0);
                e.SnapshotSequence = r.SnapshotSequence;
                e.SnapshotLength = r.SnapshotLength;
                e.ChunkOffset = r.SnapshotOffset;
                e.ChunkCrc = Crc32C.Compute(data);
                var (term, termStart) = Terms?.At(r.SnapshotSequence) ?? (0, 0);
                e.Term = term;
                e.TermStart = termStart;
                if (_config.FaultCorruptSnapshotChunk > 0 && _chunksSent + 1 == _config.FaultCorruptSnapshotChunk)
                {
                    data[length / 2] ^= 0x5A; // the fault: a byte damaged after its CRC was taken
                    _log.Warn($"replication: FAULT INJECTED: chunk at offset {r.SnapshotOffset} of the snapshot for standby {r.Config.Name} sent damaged");
                }
                e.WriteData(data);
                if (r.Publication.Offer(r.Pending.AsSpan(0, HeaderLength + e.EncodedLength)) <= 0) return sent; // sent again next cycle
                _chunksSent++;
                r.SnapshotOffset += length;
                sent++;
            }
        }
        catch (IOException e)
        {
            _log.Warn($"replication: cannot read the snapshot for standby {r.Config.Name}: {e.Message}; it waits for its next hello");
            Stop(r);
            return sent;
        }
        if (r.SnapshotOffset == r.SnapshotLength)
        {
            _log.Info($"replication: snapshot at sequence {r.SnapshotSequence} ({r.SnapshotLength} bytes) sent to standby {r.Config.Name}: the journal follows from {r.Next}");
            r.Snapshot!.Dispose();
            r.Snapshot = null;
        }
        return sent;
    }

    /// <summary>Where a standby that says it holds <paramref name="durable"/> starts: from the journal, or from the newest
    /// snapshot when the journal no longer holds the next record (or the standby is further behind than configured).</summary>
    private void Begin(Replica r, long durable)
    {
        Stop(r);
        r.Next = durable + 1;
        r.Acked = durable;
        r.OwingSince = 0;
        long first;
        try { first = JournalRetention.FirstSequence(_journalDirectory); }
        catch (JournalException e) { _log.Warn($"replication: {e.Message}"); first = 1; }
        bool trimmed = first > r.Next;
        bool behind = _config.SnapshotCatchUpBehind > 0 && JournalLast - durable > _config.SnapshotCatchUpBehind;
        if (!trimmed && !behind)
        {
            _log.Info($"replication: standby {r.Config.Name} ({r.Config.Mode}) holds {durable}: sending from {r.Next}");
            return;
        }
        var skipped = new List<string>();
        var info = new SnapshotStore(StateRebuild.SnapshotDirectory(_journalDirectory)).NewestValid(skipped, atOrBefore: JournalLast);
        if (info == null || info.Sequence < first - 1 || info.Sequence <= durable)
        {
            if (!trimmed) { _log.Info($"replication: standby {r.Config.Name} holds {durable}: no newer snapshot, sending the journal from {r.Next}"); return; }
            _log.Warn($"replication: standby {r.Config.Name} holds {durable} but this journal starts at {first} and no valid snapshot covers " +
                $"{durable + 1}..{first - 1}{(skipped.Count > 0 ? $" (skipped: {string.Join("; ", skipped)})" : "")}: not replicating to it");
            Stop(r);
            return;
        }
        try
        {
            r.Snapshot = File.OpenHandle(info.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            r.SnapshotLength = RandomAccess.GetLength(r.Snapshot);
        }
        catch (IOException e)
        {
            _log.Warn($"replication: cannot open snapshot {info.Path} for standby {r.Config.Name}: {e.Message}; not replicating to it");
            Stop(r);
            return;
        }
        r.SnapshotSequence = info.Sequence;
        r.SnapshotOffset = 0;
        r.NextChunkAt = 0;
        r.Next = info.Sequence + 1;
        _log.Info($"replication: standby {r.Config.Name} ({r.Config.Mode}) holds {durable}, " +
            (trimmed ? $"this journal starts at {first}" : $"{JournalLast - durable} records behind") +
            $": sending snapshot at sequence {info.Sequence} ({r.SnapshotLength} bytes), then the journal from {r.Next}");
    }

    /// <summary>The first sequence a standby still reading this journal (or about to) needs from it: journal
    /// retention keeps the segments from there on (long.MaxValue when none does).</summary>
    public long JournalNeededFrom
    {
        get
        {
            long min = long.MaxValue;
            foreach (var r in _replicas)
                if (r.Next > 0 && r.Next < min) min = r.Next;
            return min;
        }
    }

    private static void Stop(Replica r)
    {
        r.Snapshot?.Dispose();
        r.Snapshot = null;
        r.Reader?.Dispose();
        r.Reader = null;
        r.Next = 0;
        r.Live = false;
        r.PendingLength = 0;
    }

    private static int EncodeRecord(byte[] buffer, long sequence, long timestamp, ushort type, ushort version, ReadOnlySpan<byte> payload)
    {
        var e = ReplicatedRecordEncoder.WrapAndApplyHeader(buffer, 0);
        e.Sequence = sequence;
        e.Timestamp = timestamp;
        e.RecordType = type;
        e.RecordVersion = version;
        e.WritePayload(payload);
        return HeaderLength + e.EncodedLength;
    }

    /// <summary>Each standby's position, lag (records, and microseconds from the sequencer's stamp of the oldest input it
    /// has not acknowledged), state and alarm into its counters; called about every millisecond.</summary>
    public void PublishMetrics(long now)
    {
        long last = JournalLast, wall = 0;
        foreach (var r in _replicas)
        {
            var m = r.Metrics;
            long lagRecords = Math.Max(0, last - r.Acked);
            m.Acked.Set(r.Acked);
            m.LagRecords.Set(lagRecords);
            if (lagRecords == 0) m.LagMicros.Set(0);
            else if (lagRecords < LagWindow)
            {
                if (wall == 0) wall = Sequencer.UnixNanos();
                m.LagMicros.Set(Math.Max(0, (wall - _appendNanos[(r.Acked + 1) & (LagWindow - 1)]) / 1000));
            }
            m.State.Set(r.Next == 0 ? 0 : r.Live ? 2 : 1);
            m.Degraded.Set(r.Config.Synchronous && r.Degraded ? 1 : 0);
        }
    }

    /// <summary>One line per standby: where it stands and how far behind (for the status line and operators).</summary>
    public string Describe(long last)
    {
        var parts = new List<string>();
        foreach (var r in _replicas)
        {
            string state = r.Next == 0 ? "absent" : r.Live ? "live" : r.Snapshot != null ? "snapshot" : "catching-up";
            long lagRecords = Math.Max(0, last - r.Acked);
            long lagMicros = lagRecords == 0 || lagRecords >= LagWindow ? 0 : (Sequencer.UnixNanos() - _appendNanos[(r.Acked + 1) & (LagWindow - 1)]) / 1000;
            parts.Add($"replica={r.Config.Name} mode={r.Config.Mode}{(r.Degraded && r.Config.Synchronous ? "(degraded)" : "")} state={state} " +
                $"acked={r.Acked} applied={r.Applied} lagRecords={lagRecords} lagUs={lagMicros}");
        }
        return string.Join(' ', parts);
    }

    // ---- acknowledgements and hellos ----

    private void OnHello(Image image, ReadOnlySpan<byte> message)
    {
        if (ReplicaHelloDecoder.TryWrapWithHeader(message, 0, out var hello) != SbeError.None) return;
        string name;
        try { name = System.Text.Encoding.ASCII.GetString(hello.ReadName()); }
        catch (SbeException) { return; }
        int index = Array.FindIndex(_replicas, r => r.Config.Name == name);
        if (index < 0) { _log.Warn($"replication: hello from {image.SourceAddress} names '{name}', no standby of this primary: ignored"); return; }
        var r = _replicas[index];
        if (!FromStandbyHost(image, r.Config))
        {
            _log.Warn($"replication: hello for standby {name} from {image.SourceAddress}, not its configured host: ignored");
            return;
        }
        image.Tag = index + 1;
        image.Admit();
        long durable = hello.DurableSequence;
        long cut = Terms?.CutFor(durable, hello.LastTerm, hello.LastTermStart) ?? TermHistory.NoCut;
        if (cut != TermHistory.NoCut)
        {
            // Its journal holds records this leader's history does not: they must go before it can follow.
            Stop(r);
            var m = ReplicaCutEncoder.WrapAndApplyHeader(_buffer, 0);
            m.Sequence = cut;
            m.Term = Terms!.Latest.Term;
            r.Publication.Offer(_buffer.AsSpan(0, HeaderLength + m.EncodedLength));
            _log.Warn($"replication: standby {name} holds {durable} with term {hello.LastTerm} from {hello.LastTermStart}; this leader's history " +
                $"has none of it after {cut}: told to cut its journal there and rejoin");
            return;
        }
        if (durable > JournalLast)
        {
            _log.Warn($"replication: standby {name} holds sequence {durable}, beyond this engine's {JournalLast}: not replicating to it (it is not this primary's standby)");
            Stop(r);
            return;
        }
        Begin(r, durable);
    }

    /// <summary>A standby missed or refused a snapshot chunk: the transfer rewinds to the offset it asks for (a transfer
    /// already finished starts over, the standby not having restored from it).</summary>
    private void OnResend(Image image, ReadOnlySpan<byte> message)
    {
        int index = (int)image.Tag - 1;
        if (index < 0 || index >= _replicas.Length) return;
        if (SnapshotResendDecoder.TryWrapWithHeader(message, 0, out var resend) != SbeError.None) return;
        var r = _replicas[index];
        long offset = resend.FromOffset;
        if (r.Snapshot != null && resend.SnapshotSequence == r.SnapshotSequence)
        {
            if (offset < 0 || offset > r.SnapshotOffset || offset % ChunkLength != 0) return;
            _log.Info($"replication: standby {r.Config.Name} asks for the snapshot at sequence {r.SnapshotSequence} again from offset {offset}");
            r.SnapshotOffset = offset;
            return;
        }
        if (r.Next > 0 && r.Acked < resend.SnapshotSequence)
        {
            _log.Info($"replication: standby {r.Config.Name} did not get the whole snapshot at sequence {resend.SnapshotSequence}: starting over");
            Begin(r, r.Acked);
        }
    }

    private static bool FromStandbyHost(Image image, StandbyConfig standby)
    {
        if (!ChannelUri.TryParse(standby.Channel, out var channel, out _) || !IPAddress.TryParse(channel.Endpoint.Host, out var expected)) return true;
        return IPEndPoint.TryParse(image.SourceAddress, out var source) && source.Address.Equals(expected);
    }

    private void OnAck(Image image, ReadOnlySpan<byte> message)
    {
        int index = (int)image.Tag - 1;
        if (index < 0 || index >= _replicas.Length) return;
        if (ReplicaAckDecoder.TryWrapWithHeader(message, 0, out var ack) != SbeError.None) return;
        var r = _replicas[index];
        if (ack.DurableSequence > r.Acked && ack.DurableSequence < r.Next)
        {
            r.Acked = ack.DurableSequence;
            r.OwingSince = 0;
            r.WaitLogged = false;
        }
        if (ack.AppliedSequence > r.Applied) r.Applied = ack.AppliedSequence;
    }

    /// <summary>The leaderships this primary's journal holds: a standby whose journal went past where its last one ended
    /// here is told to cut (set by the service).</summary>
    internal TermHistory? Terms { get; set; }

    /// <summary>In a cluster: the behind marks of the standbys, in their order (set by the cluster, see SyncMarks).</summary>
    internal SyncMarks? Marks { get; set; }

    /// <summary>The standbys' names, in their order.</summary>
    internal IReadOnlyList<string> StandbyNames => [.. _replicas.Select(r => r.Config.Name)];

    /// <summary>The journal's last sequence, for hellos (set by the service before each poll).</summary>
    public long JournalLast { get; set; }

    private struct AckHandler(PrimaryReplication owner) : ISubscriptionHandler
    {
        public readonly void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            if (message.Length < HeaderLength) return;
            switch (MessageHeaderDecoder.Wrap(message, 0).TemplateId)
            {
                case ReplicaHelloDecoder.TemplateId: owner.OnHello(image, message); return;
                case ReplicaAckDecoder.TemplateId: owner.OnAck(image, message); return;
                case SnapshotResendDecoder.TemplateId: owner.OnResend(image, message); return;
            }
        }

        public readonly void OnImageAvailable(Image image) { }
        public readonly void OnImageUnavailable(Image image) { }
    }

    public void Dispose()
    {
        foreach (var r in _replicas) Stop(r);
    }
}
