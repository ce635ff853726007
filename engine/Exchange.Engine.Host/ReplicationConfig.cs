// How a shard is replicated: as a primary, the standbys it streams its journal to (each sync or async); as a standby,
// the primary it follows. Neither: a single engine, as without replication.
namespace Exchange.Engine.Host;

/// <summary>A standby of this primary: its name (it says it in its hello), the listen channel it binds, and whether
/// responses wait for it (<c>sync</c>) or not (<c>async</c>).</summary>
public sealed record StandbyConfig(string Name, string Channel, string Mode = "sync")
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Synchronous => Mode == "sync";
}

public sealed record ReplicationConfig
{
    /// <summary>As a primary: the standbys to stream to.</summary>
    public List<StandbyConfig> Standbys { get; set; } = [];
    /// <summary>As a standby: the primary's listen channel (where acknowledgements go). Set, the engine is a standby.</summary>
    public string? Primary { get; set; }
    /// <summary>As a standby: its name in the primary's list.</summary>
    public string? Name { get; set; }
    /// <summary>How long responses may wait for a sync standby that acknowledges nothing before <see cref="OnSyncLoss"/> applies.</summary>
    public int SyncTimeoutMs { get; set; } = 500;
    /// <summary><c>degrade</c>: past the timeout, stop waiting for that standby (an alarm in the log) until it has caught up
    /// again; <c>wait</c>: responses wait for it however long it takes (no acknowledgement without the standby).</summary>
    public string OnSyncLoss { get; set; } = "degrade";
    /// <summary>Every this many inputs the primary sends its state hash; a standby that differs stops.</summary>
    public int StateCheckInterval { get; set; } = 10_000;
    /// <summary>As a primary: a standby whose hello says it is more than this many records behind is sent the newest
    /// snapshot (and the journal after it) rather than every record (0, the default: only when the journal no longer
    /// holds the records it needs, having been trimmed by retention).</summary>
    public long SnapshotCatchUpBehind { get; set; }

    /// <summary>Fault injection for tests: the primary flips a byte in the Nth snapshot chunk it sends (once; 0: never).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int FaultCorruptSnapshotChunk { get; set; }
    /// <summary>Fault injection for tests: the primary waits this long between snapshot chunks, so a transfer lasts.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int FaultSnapshotChunkPauseMs { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsStandby => Primary != null;
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsPrimary => Standbys.Count > 0;

    public void Validate(bool hasJournal)
    {
        if (IsStandby && IsPrimary) throw new ConfigException("replication: an engine is a primary with standbys or a standby of a primary, not both");
        if ((IsStandby || IsPrimary) && !hasJournal) throw new ConfigException("replication needs a journal: the records replicated are the journal's");
        if (IsStandby && string.IsNullOrWhiteSpace(Name)) throw new ConfigException("replication: a standby needs its name (as the primary's config lists it)");
        if (IsStandby)
        {
            if (!Transport.ChannelUri.TryParse(Primary!, out var primary, out string error)) throw new ConfigException($"replication: primary channel: {error}");
            if (primary.IsIpc) throw new ConfigException("replication: primary channel: replication runs over udp, not ipc");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in Standbys)
        {
            if (string.IsNullOrWhiteSpace(s.Name) || !names.Add(s.Name)) throw new ConfigException($"replication: standby names must be unique and non-empty ('{s.Name}')");
            if (s.Mode is not ("sync" or "async")) throw new ConfigException($"replication: standby {s.Name}: mode '{s.Mode}' is not sync or async");
            if (!Transport.ChannelUri.TryParse(s.Channel, out var standby, out string channelError)) throw new ConfigException($"replication: standby {s.Name}: {channelError}");
            if (standby.IsIpc) throw new ConfigException($"replication: standby {s.Name}: replication runs over udp, not ipc");
        }
        if (SyncTimeoutMs is < 1 or > 3_600_000) throw new ConfigException($"replication: syncTimeoutMs {SyncTimeoutMs} outside 1..3600000");
        if (OnSyncLoss is not ("degrade" or "wait")) throw new ConfigException($"replication: onSyncLoss '{OnSyncLoss}' is not degrade or wait");
        if (StateCheckInterval < 1) throw new ConfigException("replication: stateCheckInterval must be positive");
        if (SnapshotCatchUpBehind < 0) throw new ConfigException("replication: snapshotCatchUpBehind must not be negative");
        if (FaultCorruptSnapshotChunk < 0 || FaultSnapshotChunkPauseMs < 0) throw new ConfigException("replication: fault settings must not be negative");
    }
}

/// <summary>A shard run as a cluster: its members (each an engine with its own listen channel and data directory) elect
/// their primary in etcd; the others are its standbys. See <see cref="Leadership"/> and <see cref="ClusterMember"/>.</summary>
public sealed record ClusterConfig
{
    /// <summary>etcd client URLs, comma-separated. Null: no cluster (a single engine, or replication fixed by hand).</summary>
    public string? Etcd { get; set; }
    /// <summary>This engine's name among <see cref="Members"/>.</summary>
    public string? Member { get; set; }
    /// <summary>Every member, this one included: name, listen channel, and sync or async as a standby. Only a sync member
    /// campaigns to lead: it holds everything the primary acknowledged.</summary>
    public List<StandbyConfig> Members { get; set; } = [];
    /// <summary>The leader's lease (etcd counts whole seconds; its minimum follows from its election timeout).</summary>
    public int LeaseTtlSeconds { get; set; } = 1;
    public int KeepAliveMs { get; set; } = 200;
    /// <summary>How often a standby looks for a leader (and campaigns when there is none).</summary>
    public int PollMs { get; set; } = 50;
    /// <summary>A joined sync standby that has heard nothing from the leader on the replication stream (no record, no
    /// heartbeat: the transport heartbeats every 100 ms when idle) for this long revokes the leader's lease instead of
    /// waiting out its TTL, and the members campaign at once. 0: off (only the lease's end starts a take-over). See the
    /// engine README's failover section for what it trades.</summary>
    public int SuspectLeaderAfterMs { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Enabled => Etcd != null;

    [System.Text.Json.Serialization.JsonIgnore]
    public StandbyConfig Self => Members.Find(m => m.Name == Member) ?? throw new ConfigException($"cluster: member '{Member}' is not among the members");

    public void Validate(bool hasJournal)
    {
        if (!Enabled) return;
        if (!hasJournal) throw new ConfigException("cluster: members journal what they replicate");
        if (string.IsNullOrWhiteSpace(Member)) throw new ConfigException("cluster: this engine's member name is missing");
        new ReplicationConfig { Standbys = Members }.Validate(hasJournal: true);
        _ = Self;
        if (Members.Count < 2) throw new ConfigException("cluster: a cluster has at least two members");
        if (LeaseTtlSeconds < 1) throw new ConfigException("cluster: leaseTtlSeconds is at least 1 (etcd's unit)");
        if (KeepAliveMs < 10 || KeepAliveMs >= LeaseTtlSeconds * 1000) throw new ConfigException("cluster: keepAliveMs must be at least 10 and shorter than the lease");
        if (PollMs is < 5 or > 10_000) throw new ConfigException("cluster: pollMs outside 5..10000");
        if (SuspectLeaderAfterMs != 0 && SuspectLeaderAfterMs is < 200 or > 60_000)
            throw new ConfigException("cluster: suspectLeaderAfterMs is 0 (off) or 200..60000 (below two transport heartbeats a lost datagram would depose a live leader)");
    }

    /// <summary>The replication a primary runs: every other member as its standby.</summary>
    public ReplicationConfig AsPrimary(ReplicationConfig settings) => settings with { Standbys = Members.Where(m => m.Name != Member).ToList(), Primary = null, Name = null };

    /// <summary>The replication a standby runs: following <paramref name="leaderChannel"/>.</summary>
    public ReplicationConfig AsStandby(ReplicationConfig settings, string leaderChannel) => settings with { Standbys = [], Primary = leaderChannel, Name = Member };
}
