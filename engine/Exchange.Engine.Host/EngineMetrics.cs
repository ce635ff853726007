// The engine's counters for operators, in the process's counters file (exchange-stat and the metrics endpoint read
// them from outside): inputs sequenced by kind, rejects by reason, where the sequence and durability stand, sessions,
// the journal's bytes and fsyncs with their latency, the duty cycles that carried inputs, and each standby's lag.
// Written by the engine thread with plain stores; nothing here allocates after start-up.
using Exchange.Contract;
using Exchange.Runtime;

namespace Exchange.Engine.Host;

internal sealed class EngineMetrics
{
    private readonly CountersFile _file;
    private readonly string _labels;
    private readonly Counter[] _inputs = new Counter[256];
    private readonly Counter[] _rejects;
    public readonly Counter Sequence, Durable, Sessions, ClientConnections, Lanes, JournalBytes, Fsyncs, CycleInputs;
    public readonly CounterHistogram FsyncMicros, InputCycleMicros;

    public EngineMetrics(CountersFile file, int shard)
    {
        _file = file;
        _labels = $"shard=\"{shard}\"";
        foreach (var kind in Enum.GetValues<CommandKind>())
            if (kind != CommandKind.NULL_VALUE)
                _inputs[(int)kind] = file.Add("engine_inputs", CounterKind.Total, "Inputs sequenced (or applied from the primary, on a standby), by kind", $"{_labels},kind=\"{kind}\"");
        var reasons = Enum.GetValues<RejectReason>();
        int maxReason = 0;
        foreach (var reason in reasons) if (reason != RejectReason.NULL_VALUE) maxReason = Math.Max(maxReason, (int)reason);
        _rejects = new Counter[maxReason + 1];
        foreach (var reason in reasons)
            if (reason != RejectReason.NULL_VALUE && reason != RejectReason.None)
                _rejects[(int)reason] = file.Add("engine_rejects", CounterKind.Total, "Commands rejected (by the engine or before sequencing), by reason", $"{_labels},reason=\"{reason}\"");
        Sequence = file.Add("engine_sequence", CounterKind.Gauge, "The last input sequenced or applied", _labels);
        Durable = file.Add("engine_durable_sequence", CounterKind.Gauge, "The last input durable by the journal's policy", _labels);
        Sessions = file.Add("engine_sessions", CounterKind.Gauge, "Client sessions logged on", _labels);
        ClientConnections = file.Add("engine_client_connections", CounterKind.Gauge, "Client connections (transport images on the command and lane streams)", _labels);
        Lanes = file.Add("engine_lanes", CounterKind.Gauge, "Sessions' lanes on connections that carry many (a gateway's)", _labels);
        JournalBytes = file.Add("journal_bytes", CounterKind.Total, "Bytes appended to the journal", _labels);
        Fsyncs = file.Add("journal_fsyncs", CounterKind.Total, "Journal fsyncs", _labels);
        CycleInputs = file.Add("engine_cycles_with_inputs", CounterKind.Total, "Duty cycles that sequenced at least one input", _labels);
        FsyncMicros = new CounterHistogram(file, "journal_fsync_us", "Journal fsync latency", _labels);
        InputCycleMicros = new CounterHistogram(file, "engine_input_cycle_us",
            "For each input, the duty cycle that read and processed it: from reading the sockets to the responses handed to the transport", _labels);
    }

    public void Input(int templateId)
    {
        int kind = (int)CommandCodec.KindOf(templateId);
        if ((uint)kind < (uint)_inputs.Length && _inputs[kind].IsValid) _inputs[kind].Increment();
    }

    public void Reject(RejectReason reason)
    {
        int r = (int)reason;
        if ((uint)r < (uint)_rejects.Length && _rejects[r].IsValid) _rejects[r].Increment();
    }

    /// <summary>A standby's counters (added when the primary starts, one set per configured standby).</summary>
    public ReplicaMetrics Replica(string name, string mode) => new(_file, $"{_labels},standby=\"{name}\",mode=\"{mode}\"");
}

internal sealed class ReplicaMetrics(CountersFile file, string labels)
{
    public readonly Counter Acked = file.Add("replication_acked_sequence", CounterKind.Gauge, "The last sequence the standby holds durably", labels);
    public readonly Counter LagRecords = file.Add("replication_lag_records", CounterKind.Gauge, "Inputs journaled here that the standby has not acknowledged", labels);
    public readonly Counter LagMicros = file.Add("replication_lag_us", CounterKind.Gauge,
        "Age of the oldest input the standby has not acknowledged (0 when level)", labels);
    public readonly Counter State = file.Add("replication_state", CounterKind.Gauge, "0 absent, 1 catching up, 2 live", labels);
    public readonly Counter Degraded = file.Add("replication_sync_degraded", CounterKind.Gauge, "1 while a sync standby is not waited for", labels);
    public readonly Counter Alarms = file.Add("replication_sync_alarms", CounterKind.Total, "Times a sync standby stopped acknowledging past the timeout", labels);
}
