// How an EngineService runs: where its journal is and how durable, how many connections it serves, session
// timing, and the room it keeps for responses waiting on the journal.
using Exchange.Journal;

namespace Exchange.Engine.Host;

public sealed record EngineServiceOptions
{
    /// <summary>The journal directory (segments, engine.json, snapshots/). Null runs without a journal: state is in
    /// memory only and every response goes out at once (demos).</summary>
    public string? JournalDirectory { get; init; }
    /// <summary>Runs as a standby of the primary at this channel: inputs come only from its replication stream, and a
    /// client's Logon is refused with LogonReject(NotPrimary) naming it.</summary>
    public string? StandbyOf { get; init; }
    /// <summary>Where the engine's counters go: the process's counters file (null: private to the process).</summary>
    public Exchange.Runtime.CountersFile? Counters { get; init; }
    public Durability Durability { get; init; } = Durability.Batch;
    /// <summary>Group commit bounds under <see cref="Durability.Batch"/>: one fsync covers what arrived within this delay…
    /// Zero (the default) is natural batching: the engine loop fsyncs at the end of each duty cycle that appended, so
    /// an idle engine answers after one fsync and a busy one batches whatever arrived while the last fsync ran.</summary>
    public TimeSpan BatchMaxDelay { get; init; } = TimeSpan.Zero;
    /// <summary>Under <see cref="Durability.Batch"/>: fsync on the journal's own sync thread, so the engine thread goes
    /// on matching while the disk works and responses leave as the durable position passes them (the process's default,
    /// <c>--journal-sync thread</c>); false: the engine thread fsyncs in its duty cycle and waits (<c>--journal-sync
    /// engine</c>; the default here, so a test driving the service by hand sees durability move only when it calls). Under
    /// <see cref="Durability.None"/>: the journal's own thread faults its next pages in ahead of the appends, where
    /// otherwise only the loop's idle duty cycles do (<see cref="EngineService.PrepareJournal"/>).</summary>
    public bool JournalSyncThread { get; init; }
    /// <summary>Set by <see cref="EngineService.Open"/> with <see cref="JournalSyncThread"/>: what the loop parks on besides its sockets.</summary>
    public Exchange.Runtime.WakeSignal? JournalSignal { get; init; }
    /// <summary>…or this many records, whichever comes first.</summary>
    public int BatchMaxRecords { get; init; } = 4096;
    public long SegmentSize { get; init; } = 128L << 20;
    /// <summary>Passed to <see cref="JournalOptions.Repair"/>: truncate at damage in the journal instead of refusing to start.</summary>
    public bool Repair { get; init; }
    /// <summary>Start even though the journal holds fewer records than its checkpoint says were durable (the
    /// operator accepts that they are lost); without it such a journal is refused.</summary>
    public bool AcceptLostRecords { get; init; }
    /// <summary>Write a snapshot at <see cref="EngineService.Shutdown"/> so the next start replays little.</summary>
    public bool SnapshotOnShutdown { get; init; } = true;
    /// <summary>While running, a snapshot after every this many inputs (0: not by count). The engine thread only copies
    /// the state (<see cref="MatchingEngine{TOutput}.BeginCapture"/>) and hashes it; another thread serialises, writes
    /// and fsyncs the file.</summary>
    public long SnapshotEveryInputs { get; init; }
    /// <summary>While running, a snapshot once this much sequencer time has passed since the last (zero: not by time).
    /// Measured by the inputs' timestamps, so an idle engine writes none.</summary>
    public TimeSpan SnapshotEvery { get; init; }
    /// <summary>How many snapshot files the running engine keeps (the newest); older ones are removed after each new one.</summary>
    public int SnapshotsKept { get; init; } = 2;
    /// <summary>Order-entry commands one session may send per second before they are sequenced (0: no limit), and how
    /// many at once; beyond, rejected RateLimited without being journaled.</summary>
    public int SessionCommandsPerSecond { get; init; }
    public int SessionCommandBurst { get; init; } = 1000;
    /// <summary>One order-entry command in this many (on average, at random intervals) is timed through the engine's stages (received, sequenced,
    /// journaled, matched, durable, sent; <see cref="EngineService.StageReport"/>); 0: none.</summary>
    public int StageSampleEvery { get; init; } = 64;
    /// <summary>Within one poll of the transport, order entry is held up to <see cref="EngineService.Window"/> commands
    /// deep and the engine is hinted about the commands behind the one it applies (see EngineService.Lookahead); off:
    /// each command is sequenced as it arrives. Either way the journal and every response are the same.</summary>
    public bool Lookahead { get; init; } = true;
    /// <summary>With <see cref="Lookahead"/>: a poll's order entry is held only while the engine has at least this many
    /// open orders. Below, the orders, their index and the levels stay in the processor's caches, and holding and hinting
    /// only cost (a tenth of the shallow book's throughput, perf/results/2026-12-07-live-lookahead).</summary>
    public int LookaheadFromOpenOrders { get; init; } = 16_384;
    /// <summary>What becomes of journal segments wholly before the newest snapshot once no standby still reading the
    /// journal needs them: kept (the default), deleted, or moved to the journal's archive/ directory.</summary>
    public JournalRetentionMode JournalRetention { get; init; } = JournalRetentionMode.Keep;

    /// <summary>Connections are numbered 0 .. MaxConnections-1 by the transport glue; a logon on any other number is rejected.</summary>
    public int MaxConnections { get; init; } = 1024;
    /// <summary>Sessions logged on at once (0: as many as <see cref="MaxConnections"/>). The process keeps it below
    /// MaxConnections by the transport's pool of connections that have not logged on, so those always find a number.</summary>
    public int MaxSessions { get; init; }

    internal int EffectiveMaxSessions => MaxSessions == 0 ? MaxConnections : MaxSessions;
    /// <summary>Initial room for responses and market data waiting for the journal or for a back-pressured connection.</summary>
    public int OutboundBufferBytes { get; init; } = 4 << 20;

    /// <summary>Heartbeat interval granted when a Logon asks for 0; requests are clamped to Min..Max.</summary>
    public uint DefaultHeartbeatIntervalMs { get; init; } = 1000;
    /// <summary>Takes the clear-key Logon (message 1, the API key on the wire) as before the challenge-response logon.
    /// Off (the default): it is refused with UpgradeRequired. The shard config's <c>limits.acceptClearKeyLogon</c>, for a
    /// migration window from clients before schema version 4 (and the benchmark of sealing's cost); in-process harnesses
    /// that test the order path without a client library use it too.</summary>
    public bool AcceptClearKeyLogon { get; init; }
    /// <summary>Handshakes (LogonRequest answered, LogonProof awaited) pending at once; beyond, a LogonRequest is not answered.</summary>
    public int MaxPendingHandshakes { get; init; } = 256;
    /// <summary>How long a LogonChallenge's server nonce stays good: a LogonProof later is refused (NoHandshake).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public uint MinHeartbeatIntervalMs { get; init; } = 100;
    public uint MaxHeartbeatIntervalMs { get; init; } = 60_000;
    /// <summary>A connection whose responses cannot be sent for longer than this is treated as lost.</summary>
    public TimeSpan UnsendableTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Benchmark self-test only: after every this many sequenced commands the engine thread stalls for
    /// <see cref="StallDuration"/>, so a load generator can show that it reports stalls (0: never).</summary>
    public int StallEveryCommands { get; init; }
    public TimeSpan StallDuration { get; init; }

    /// <summary>The sequencer's clock (ns since the Unix epoch) for command timestamps. Session timing uses the
    /// <c>nowNanos</c> given to <see cref="EngineService.DoWork"/> instead.</summary>
    public Func<long> Clock { get; init; } = Sequencer.UnixNanos;
    /// <summary>One line per session event (logon, logout, rejected logon, lost connection); never called on the order path.</summary>
    public Exchange.Hosting.Log? Log { get; init; }

    internal void Validate()
    {
        if (MaxConnections is < 1 or > 1 << 20) throw new ArgumentException($"MaxConnections {MaxConnections} outside 1..2^20");
        if (MaxSessions < 0 || MaxSessions > MaxConnections) throw new ArgumentException($"MaxSessions {MaxSessions} outside 0..MaxConnections");
        if (OutboundBufferBytes < 4096) throw new ArgumentException("OutboundBufferBytes must be at least 4 KiB");
        if (MinHeartbeatIntervalMs < 1 || MinHeartbeatIntervalMs > MaxHeartbeatIntervalMs)
            throw new ArgumentException("heartbeat interval bounds must satisfy 1 <= Min <= Max");
        if (DefaultHeartbeatIntervalMs < MinHeartbeatIntervalMs || DefaultHeartbeatIntervalMs > MaxHeartbeatIntervalMs)
            throw new ArgumentException("DefaultHeartbeatIntervalMs must lie within Min..Max");
        if (UnsendableTimeout <= TimeSpan.Zero) throw new ArgumentException("UnsendableTimeout must be positive");
        if (SnapshotEveryInputs < 0 || SnapshotEvery < TimeSpan.Zero) throw new ArgumentException("snapshot intervals cannot be negative");
        if (SnapshotsKept < 1) throw new ArgumentException("SnapshotsKept must be at least 1");
        if (JournalRetention != JournalRetentionMode.Keep && SnapshotEveryInputs == 0 && SnapshotEvery == TimeSpan.Zero)
            throw new ArgumentException("journal retention needs snapshots while running (an interval in inputs or seconds)");
        if (StallEveryCommands < 0 || StallDuration < TimeSpan.Zero) throw new ArgumentException("StallEveryCommands and StallDuration cannot be negative");
    }
}

/// <summary>What journal segments a snapshot has made unnecessary become (see <see cref="EngineServiceOptions.JournalRetention"/>).</summary>
public enum JournalRetentionMode { Keep, Delete, Archive }
