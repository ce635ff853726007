// How a shard is replicated: as a primary, the standbys it streams its journal to (each sync or async); as a standby,
// the primary it follows. Neither: a single engine, as without replication.
namespace Exchange.Engine.Host;

/// <summary>A standby of this primary: its name (it says it in its hello), the listen channel it binds, and whether
/// responses wait for it (<c>sync</c>) or not (<c>async</c>).</summary>
public sealed record StandbyConfig(string Name, string Channel, string Mode = "sync")
{
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

    public bool IsStandby => Primary != null;
    public bool IsPrimary => Standbys.Count > 0;

    public void Validate(bool hasJournal)
    {
        if (IsStandby && IsPrimary) throw new ConfigException("replication: an engine is a primary with standbys or a standby of a primary, not both");
        if ((IsStandby || IsPrimary) && !hasJournal) throw new ConfigException("replication needs a journal: the records replicated are the journal's");
        if (IsStandby && string.IsNullOrWhiteSpace(Name)) throw new ConfigException("replication: a standby needs its name (as the primary's config lists it)");
        if (IsStandby && !Transport.ChannelUri.TryParse(Primary!, out _, out string error)) throw new ConfigException($"replication: primary channel: {error}");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in Standbys)
        {
            if (string.IsNullOrWhiteSpace(s.Name) || !names.Add(s.Name)) throw new ConfigException($"replication: standby names must be unique and non-empty ('{s.Name}')");
            if (s.Mode is not ("sync" or "async")) throw new ConfigException($"replication: standby {s.Name}: mode '{s.Mode}' is not sync or async");
            if (!Transport.ChannelUri.TryParse(s.Channel, out _, out string channelError)) throw new ConfigException($"replication: standby {s.Name}: {channelError}");
        }
        if (SyncTimeoutMs is < 1 or > 3_600_000) throw new ConfigException($"replication: syncTimeoutMs {SyncTimeoutMs} outside 1..3600000");
        if (OnSyncLoss is not ("degrade" or "wait")) throw new ConfigException($"replication: onSyncLoss '{OnSyncLoss}' is not degrade or wait");
        if (StateCheckInterval < 1) throw new ConfigException("replication: stateCheckInterval must be positive");
    }
}
