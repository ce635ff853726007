// One shard's engine behind its transport: client SBE messages in, sessions, the sequencer, the journal and the
// matching engine, responses and market data out through IEngineLinks. Everything runs on the one engine thread
// that calls OnMessage, OnConnectionLost and DoWork; the transport glue owns the sockets and the duty cycle.
//
// An accepted command is sequenced, its bytes appended to the journal, then applied from those bytes exactly as
// recovery and the replay tool apply a journal record; its events go out through the router and the outbound queue,
// which holds each until the journal counts its command durable. The parts, one job each: SessionLayer (the session
// protocol), SessionTable (who is logged on where), Outbound (the durability-gated queue), EventRouter (which event
// goes where), ShardStartup (state from the journal at start).
using Exchange.Contract;
using Exchange.Engine.Recovery;
using Exchange.Journal;
using Exchange.Sbe;

namespace Exchange.Engine.Host;

public sealed partial class EngineService : IDisposable
{
    private const int HeaderLength = MessageHeaderDecoder.EncodedLength;

    private readonly ShardConfig _config;
    private readonly EngineServiceOptions _options;
    private readonly IEngineLinks _links;
    private readonly Sequencer _sequencer;
    private readonly SessionTable _sessions;
    private readonly Outbound _outbound;
    private readonly EventRouter _router;
    private readonly SessionLayer _sessionLayer;
    private readonly ReferenceData _reference;
    private readonly LogThrottle _refusals = new(linesPerSecond: 10);
    private readonly byte[] _scratch = new byte[512];
    private JournalWriter? _journal;
    private readonly RunningSnapshots? _snapshots;
    private MatchingEngine<SbeEventWriter> _engine;
    private bool _accepting = true;
    private bool _shutDown;
    private int _sinceStall;
    private readonly long _sessionRateInterval, _sessionRateTolerance;

    private EngineService(ShardConfig config, IEngineLinks links, EngineServiceOptions options, RecoveredShard shard)
    {
        _config = config;
        _options = options;
        _links = links;
        Stages = new StageClock(options.StageSampleEvery);
        if (options.SessionCommandsPerSecond > 0)
        {
            _sessionRateInterval = Math.Max(1, 1_000_000_000L / options.SessionCommandsPerSecond);
            _sessionRateTolerance = (Math.Max(1, options.SessionCommandBurst) - 1) * _sessionRateInterval;
        }
        _sequencer = new Sequencer(options.Clock);
        _sessions = new SessionTable(options.MaxConnections);
        _outbound = new Outbound(_sessions, links, options.OutboundBufferBytes, MakeDurable);
        Metrics = new EngineMetrics(options.Counters ?? Exchange.Runtime.CountersFile.Private(256), config.ShardId);
        _router = new EventRouter(_sessions, _outbound, Metrics);
        _reference = new ReferenceData(config);
        _sessionLayer = new SessionLayer(_sessions, _outbound, links, options, config, CancelAll, SendReferenceData, options.Log, LogRefusal, RejectMalformed,
            account => _engine!.TryGetPermission(account, out var permission) ? permission : AccountPermission.Trade);
        _journal = shard.Journal;
        if (_journal != null) _journal.FsyncObserved = nanos => { Metrics.FsyncMicros.Record(nanos / 1000); Stages.Fsync(nanos); };
        _engine = shard.Engine;
        StandbyOf = options.StandbyOf;
        Recovery = shard.Recovery;
        Rebuild = shard.Rebuild;
        LostRecords = shard.LostRecords;
        Terms = shard.Terms;
        RejoinCutDone = shard.Cut;
        _sequencer.ContinueAfter(_engine.LastSequence);
        _outbound.Durable = _journal?.DurableSequence ?? long.MaxValue;
        if (_journal != null && (options.SnapshotEveryInputs > 0 || options.SnapshotEvery > TimeSpan.Zero))
            _snapshots = new RunningSnapshots(options.JournalDirectory!, options, _engine.LastSequence);
    }

    /// <summary>Opens the shard: its state from the journal and snapshots (see <see cref="ShardStartup"/>), and on a new
    /// journal the opening state of <paramref name="config"/> sequenced and journaled as commands.</summary>
    /// <exception cref="ConfigException">The config is unusable, or differs in engine capacities from the journal's engine.json.</exception>
    /// <exception cref="JournalException">The journal cannot be opened (locked by another writer, not writable, damaged without
    /// Repair, or shorter than its checkpoint without AcceptLostRecords).</exception>
    /// <exception cref="InvalidDataException">The journal and its snapshots do not add up to a state.</exception>
    public static EngineService Open(ShardConfig config, IEngineLinks links, EngineServiceOptions? options = null)
    {
        options ??= new EngineServiceOptions();
        options.Validate();
        try { config.Engine.Validate(); }
        catch (ArgumentException e) { throw new ConfigException($"bad engine config: {e.Message}"); }
        var opening = config.OpeningCommands();
        config.OperatorKeys();
        if (options.JournalSyncThread && options.Durability == Durability.Batch && options.JournalDirectory != null && options.JournalSignal == null)
            options = options with { JournalSignal = new Exchange.Runtime.WakeSignal() };
        var shard = ShardStartup.Open(config, options);
        var service = new EngineService(config, links, options, shard);
        try
        {
            // A standby's inputs, the opening ones included, come from its primary.
            if (shard.Fresh && options.StandbyOf == null)
            {
                foreach (byte[] command in opening)
                {
                    var check = new CommandSummary();
                    if (CommandCodec.Decode(command, ref check) != SbeError.None) throw new InvalidOperationException("an opening command did not decode");
                    service.Submit(command);
                }
                service.MakeDurable();
                service._outbound.Release();
            }
            return service;
        }
        catch
        {
            service._journal?.Dispose();
            throw;
        }
    }

    // ---- what the glue calls ----

    /// <summary>One complete SBE message from a client on <paramref name="connection"/>.</summary>
    public void OnMessage(int connection, ReadOnlySpan<byte> sbeMessage)
    {
        if (!_accepting || connection < 0) return;
        // A session that logged on by challenge-response takes only messages sealed under its key, each with a higher
        // sequence than the last: forged, tampered and replayed ones stop here, before they count as liveness.
        if (_sessions.IsActive(connection) && _sessions[connection].Mac != null && !_sessionLayer.Open(connection, ref sbeMessage)) return;
        _sessionLayer.Touch(connection);
        int template = CommandCodec.TemplateOf(sbeMessage);
        // Whatever is not order entry comes after the order entry held for lookahead.
        if (_heldCount > 0 && template is not (NewOrderDecoder.TemplateId or CancelOrderDecoder.TemplateId or ReplaceOrderDecoder.TemplateId or MassCancelDecoder.TemplateId))
            SequenceHeld();
        switch (template)
        {
            case LogonDecoder.TemplateId:
                if (StandbyOf != null) { _sessionLayer.RejectStandbyLogon(connection, sbeMessage, StandbyOf); return; }
                _sessionLayer.OnLogon(connection, sbeMessage);
                return;
            case LogonRequestDecoder.TemplateId:
                if (StandbyOf != null) { _sessionLayer.RejectStandbyLogon(connection, sbeMessage, StandbyOf); return; }
                _sessionLayer.OnLogonRequest(connection, sbeMessage);
                return;
            case LogonProofDecoder.TemplateId:
                if (StandbyOf != null) return; // a standby answered the request with NotPrimary already
                _sessionLayer.OnLogonProof(connection, sbeMessage);
                return;
            case HeartbeatDecoder.TemplateId:
                // Liveness was refreshed above; the engine does not answer a heartbeat.
                if (HeartbeatDecoder.TryWrapWithHeader(sbeMessage, 0, out _) != SbeError.None) RejectMalformed(connection, template);
                return;
            case LogoutDecoder.TemplateId:
                if (LogoutDecoder.TryWrapWithHeader(sbeMessage, 0, out _) != SbeError.None) { RejectMalformed(connection, template); return; }
                _sessionLayer.OnLogout(connection);
                return;
            case NewOrderDecoder.TemplateId or CancelOrderDecoder.TemplateId or ReplaceOrderDecoder.TemplateId or MassCancelDecoder.TemplateId:
                OnOrderEntry(connection, sbeMessage);
                return;
            case >= AddAccountDecoder.TemplateId and <= SetAccountPermissionDecoder.TemplateId:
                OnAdministration(connection, sbeMessage);
                return;
            case OrderStatusRequestDecoder.TemplateId or AccountStateRequestDecoder.TemplateId or BookSnapshotRequestDecoder.TemplateId:
                OnQuery(connection, template, sbeMessage);
                return;
            default:
                RejectMalformed(connection, template);
                return;
        }
    }

    /// <summary>Order entry: only from a trading session, for its own account; a new order only for a symbol this
    /// shard holds.</summary>
    private void OnOrderEntry(int connection, ReadOnlySpan<byte> message)
    {
        Stages.Received();
        var command = new CommandSummary();
        if (CommandCodec.Decode(message, ref command) != SbeError.None) { RejectMalformed(connection, CommandCodec.TemplateOf(message)); return; }
        if (!_sessions.IsActive(connection)) { Reject(connection, in command, RejectReason.NotLoggedOn); return; }
        ref Session session = ref _sessions[connection];
        if (session.IsOperator || session.Account != command.Account) { Reject(connection, in command, RejectReason.NotLoggedOn); return; }
        if (command.Kind == CommandKind.NewOrder && !_engine.TryGetSymbol(command.Symbol, out _, out _)) { Reject(connection, in command, RejectReason.WrongShard); return; }
        if (OverSessionRate(ref session)) { Reject(connection, in command, RejectReason.RateLimited); return; }
        var block = Block(message);
        if (!TryHold(block, in command)) Submit(block);
    }

    /// <summary>The session's flood guard (<see cref="EngineServiceOptions.SessionCommandsPerSecond"/>), by the session clock:
    /// before sequencing, so what it refuses is never journaled and replay does not depend on it.</summary>
    private bool OverSessionRate(ref Session session)
    {
        if (_sessionRateInterval == 0) return false;
        long now = _sessions.Stamp();
        if (now == SessionTable.Unstamped) return false;
        long due = Math.Max(session.RateDue, now);
        if (due - now > _sessionRateTolerance) return true;
        session.RateDue = due + _sessionRateInterval;
        return false;
    }

    /// <summary>Administration (accounts, symbols, funds, halts): only from an operator's session or an Admin account's
    /// (any other account's is rejected NotPermitted, before sequencing), which then gets every event the command produces.</summary>
    private void OnAdministration(int connection, ReadOnlySpan<byte> message)
    {
        var command = new CommandSummary();
        if (CommandCodec.Decode(message, ref command) != SbeError.None) { RejectMalformed(connection, CommandCodec.TemplateOf(message)); return; }
        if (!_sessions.IsActive(connection)) { Reject(connection, in command, RejectReason.NotLoggedOn); return; }
        ref Session session = ref _sessions[connection];
        if (!session.IsOperator && !(_engine.TryGetPermission(session.Account, out var permission) && permission == AccountPermission.Admin))
        {
            LogRefusal($"{command.Kind} from account {session.Account} (connection {connection}) refused: administration needs an operator or an admin account");
            Reject(connection, in command, RejectReason.NotPermitted);
            return;
        }
        string who = session.IsOperator ? $"operator {session.Operator}" : $"admin account {session.Account}";
        _options.Log?.Info($"{who}: {command.Kind} (sequence {_sequencer.Last + 1})", ("operator", session.Operator ?? $"account {session.Account}"), ("sequence", _sequencer.Last + 1));
        Submit(Block(message), operatorConnection: connection);
    }

    /// <summary>Only the message itself is journaled: header and root block (commands have no groups or var data).</summary>
    private static ReadOnlySpan<byte> Block(ReadOnlySpan<byte> message) => message[..(HeaderLength + MessageHeaderDecoder.Wrap(message, 0).BlockLength)];

    /// <summary>The client's stream went away (transport liveness timeout or end of stream).</summary>
    public void OnConnectionLost(int connection)
    {
        if (_heldCount > 0) SequenceHeld();
        _sessionLayer.OnConnectionLost(connection);
    }

    /// <summary>Periodic duties: group commit of the journal, release of responses now durable, retries of sends that
    /// failed, heartbeats, heartbeat timeouts and unsendable connections. Returns how much work it did.</summary>
    /// <summary>The clock sessions stamp their traffic with until the next <see cref="DoWork"/> (the loop sets it at the
    /// start of each duty cycle).</summary>
    public void SetSessionClock(long nowNanos) => _sessions.SetNow(nowNanos);

    public int DoWork(long nowNanos)
    {
        if (_heldCount > 0) SequenceHeld();
        _sessions.SetNow(nowNanos);
        int work = 0;
        if (_journal != null)
        {
            _journal.Commit();
            if (Primary != null)
            {
                Primary.JournalLast = _journal.LastSequence;
                work += Primary.DoWork(nowNanos, _journal);
            }
            long durable = ReleasableSequence();
            if (durable != _outbound.Durable)
            {
                _outbound.Durable = durable;
                work++;
            }
        }
        if (_snapshots != null)
        {
            if (_snapshots.Poll() is { } written) work += AfterSnapshot(written);
            _snapshots.StartIfDue(_engine);
        }
        work += InjectTimer();
        if (Stages.Enabled)
        {
            Stages.Durable(_outbound.Durable);
            work += _outbound.Release();
            Stages.Sent();
        }
        else work += _outbound.Release();
        work += _sessionLayer.Duties(nowNanos);
        PublishMetrics(nowNanos);
        if (_refusals.Suppressed != 0) work += ReportSuppressedRefusals();
        return work;
    }

    /// <summary>The engine's counters (published in the process's counters file when it has one).</summary>
    internal EngineMetrics Metrics { get; }

    /// <summary>Where sampled order-entry commands spent their time in this process (see <see cref="StageClock"/>).</summary>
    internal StageClock Stages { get; }

    /// <summary>The stage report: <c>stages every=N samples=S dropped=D sequenced=p50/p90/p99/max ...</c> (ns).</summary>
    public string StageReport() => Stages.Line();

    private long _metricsPublished;

    /// <summary>Levels (sequence, durability, sessions, the journal's totals) every millisecond; events count as they happen.</summary>
    private void PublishMetrics(long now)
    {
        if (now - _metricsPublished < NanoClock.Millisecond) return;
        _metricsPublished = now;
        Metrics.Sequence.Set(_engine.LastSequence);
        Metrics.Durable.Set(DurableSequence);
        Metrics.Sessions.Set(_sessions.TradingCount);
        if (_journal != null)
        {
            Metrics.JournalBytes.Set(_journal.BytesAppended);
            Metrics.Fsyncs.Set(_journal.Fsyncs);
        }
        Primary?.PublishMetrics(now);
    }

    // ---- sequencing ----

    /// <summary>Sequences a well-formed command, journals its bytes, then applies the journaled message exactly as
    /// recovery and the replay tool do (<see cref="MatchingEngine{TOutput}.Apply(long, long, ReadOnlySpan{byte})"/>),
    /// and routes its events (to <paramref name="operatorConnection"/> too, for an operator's command).</summary>
    private void Submit(ReadOnlySpan<byte> message, int operatorConnection = -1)
    {
        var (sequence, timestamp) = _sequencer.Next();
        Stages.Sequenced(sequence);
        var header = MessageHeaderDecoder.Wrap(message, 0);
        Metrics.Input(header.TemplateId);
        if (header.TemplateId == LeaderTermDecoder.TemplateId) Terms.Add(LeaderTermDecoder.WrapWithHeader(message).Term, sequence);
        if (_journal != null)
        {
            _journal.Append(sequence, timestamp, header.TemplateId, header.Version, message);
            Primary?.OnJournaled(sequence, timestamp, header.TemplateId, header.Version, message);
            // Under None a command is durable once the OS has it, which it has once appended (the journal writes into the
            // segment's shared mapping): count it so now, so its responses can go at once; the checkpoint follows at the
            // duty cycle's commit. The stage ends after the append.
            if (_journal.Durability == Durability.None)
            {
                _journal.CountAppendedDurable();
                Stages.Journaled();
                _outbound.Durable = ReleasableSequence();
            }
            else Stages.Journaled();
        }
        else Stages.Journaled();
        ref var events = ref _engine.Output;
        events.Clear();
        events.Sequence = sequence;
        events.Timestamp = timestamp;
        _engine.Apply(sequence, timestamp, message);
        Primary?.OnApplied(sequence, _engine);
        _snapshots?.AfterApply(sequence, timestamp, _engine);
        _router.Route(in _engine.Output, sequence, operatorConnection);
        if (Stages.Enabled)
        {
            Stages.Matched();
            // Without a journal, or under None, its responses left as they were routed.
            Stages.Durable(_outbound.Durable);
            if (_outbound.QueuedMessages == 0) Stages.Sent();
        }
        if (header.TemplateId == AddSymbolDecoder.TemplateId) AnnounceSymbol(sequence, AddSymbolDecoder.WrapWithHeader(message).Symbol);
        if (_options.StallEveryCommands > 0 && ++_sinceStall >= _options.StallEveryCommands) Stall();
    }

    /// <summary>The timer input: once the sequencer's clock has passed the engine's earliest pending expiry, an
    /// <see cref="ExpireOrders"/> input, sequenced, stamped, journaled and replicated like any other, whose application
    /// expires what is due (so replay and standbys expire the same orders at the same sequence). Only a primary that is
    /// accepting injects one: a standby applies its primary's, and a promoted standby starts injecting its own. The clock
    /// is read only while some order has an expiry.</summary>
    private int InjectTimer()
    {
        long due = _engine.NextExpiry;
        if (due == long.MaxValue || StandbyOf != null || !_accepting || _options.Clock() < due) return 0;
        Submit(_scratch.AsSpan(0, CommandCodec.Encode(new ExpireOrders(due), _scratch)));
        return 1;
    }

    /// <summary>A new session's reference data: every symbol's definition, behind whatever made it durable.</summary>
    private void SendReferenceData(int connection)
    {
        foreach (int symbol in _engine.SymbolIds()) _outbound.Route(connection, _engine.LastSequence, _reference.Definition(_engine, symbol));
    }

    /// <summary>A symbol added by command <paramref name="sequence"/> (if the engine took it) is announced to every session.</summary>
    private void AnnounceSymbol(long sequence, int symbol)
    {
        var definition = _reference.Definition(_engine, symbol);
        if (definition.IsEmpty) return;
        for (int connection = 0; connection < _sessions.Capacity; connection++)
            if (_sessions.IsActive(connection)) _outbound.Route(connection, sequence, definition);
    }

    /// <summary>Cancel-on-disconnect: a MassCancel of every order of the account, sequenced and journaled like any
    /// input so that replay reproduces it. (The engine reports these cancels with reason MassCancel: its commands
    /// carry no cause, and the events must stay derivable from the journal.)</summary>
    private void CancelAll(long account) => Submit(_scratch.AsSpan(0, CommandCodec.Encode(new MassCancel(account, -1, Side.None), _scratch)));

    /// <summary>Makes everything journaled durable now (an fsync outside the group commit).</summary>
    private void MakeDurable()
    {
        if (_journal == null) return;
        _journal.Flush();
        _outbound.Durable = ReleasableSequence();
    }

    /// <summary>What responses may be released up to: durable here and, with sync standbys, acknowledged by them; and
    /// nothing more while <see cref="Fence"/> says this engine may not be the leader any longer.</summary>
    private long ReleasableSequence()
    {
        if (Fence != null && !Fence()) return Math.Min(_outbound.Durable, _journal!.DurableSequence);
        return Math.Min(_journal!.DurableSequence, Primary?.SyncDurable ?? long.MaxValue);
    }

    /// <summary>In a cluster: a stop hands the sessions over to the next leader, so cancel-on-disconnect does not fire
    /// for them (a session that follows the failover finds its orders on the new leader).</summary>
    internal bool HandsOverAtShutdown { get; set; }

    /// <summary>In a cluster: whether this engine is sure it still leads. While it is not, no response leaves.</summary>
    internal Func<bool>? Fence { get; set; }

    // ---- replication ----

    /// <summary>As a primary: the standbys' side, fed every journaled input (set once, before the first client input).</summary>
    internal PrimaryReplication? Primary
    {
        get => _primary;
        set
        {
            _primary = value;
            if (value != null) value.Terms = Terms;
        }
    }
    private PrimaryReplication? _primary;

    /// <summary>The leaderships this engine's journal holds (see <see cref="TermHistory"/>).</summary>
    internal TermHistory Terms { get; private set; }

    /// <summary>What the cut a leader asked for in this member's last life removed at start (null: none was asked).</summary>
    public string? RejoinCutDone { get; }

    /// <summary>This engine leads a cluster in <paramref name="term"/>: its first input says so, journaled and replicated
    /// like any other, so every replica's journal shows which leadership sequenced what (and a deposed leader's
    /// records can be told from the new one's). Once per term.</summary>
    internal void BeginTerm(long term)
    {
        if (Terms.Latest.Term >= term) return;
        Submit(_scratch.AsSpan(0, CommandCodec.Encode(new LeaderTerm(term), _scratch)));
        _options.Log?.Info($"term {term} begins at sequence {_engine.LastSequence}", ("sequence", _engine.LastSequence));
    }

    /// <summary>As a standby: the primary's channel (clients are sent there); null on a primary.</summary>
    public string? StandbyOf { get; private set; }

    /// <summary>A standby takes over as primary: from the next input on it sequences after what it holds, takes
    /// sessions, and streams its journal to <paramref name="primary"/>'s standbys.</summary>
    internal void Promote(PrimaryReplication primary)
    {
        if (StandbyOf == null) throw new InvalidOperationException("already a primary");
        StandbyOf = null;
        _sequencer.ContinueAfter(_engine.LastSequence);
        Primary = primary;
        _options.Log?.Info($"promoted to primary at sequence {_engine.LastSequence} stateHash {_engine.StateHash():x16}", ("sequence", _engine.LastSequence));
    }

    /// <summary>As a standby: one input of the primary's journal, journaled here with the same sequence and timestamp and
    /// applied as every journaled input is. Nobody is answered: a standby has no sessions and publishes nothing.</summary>
    internal void ApplyReplicated(long sequence, long timestamp, ushort type, ushort version, ReadOnlySpan<byte> payload)
    {
        if (_journal == null) throw new InvalidOperationException("a standby journals what it applies");
        if (type == LeaderTermDecoder.TemplateId && LeaderTermDecoder.TryWrapWithHeader(payload, 0, out var term) == SbeError.None) Terms.Add(term.Term, sequence);
        _journal.Append(sequence, timestamp, type, version, payload);
        Metrics.Input(type);
        if (_journal.Durability == Durability.None) _journal.Commit();
        ref var events = ref _engine.Output;
        events.Clear();
        events.Sequence = sequence;
        events.Timestamp = timestamp;
        _engine.Apply(sequence, timestamp, payload);
        events.Clear();
        _sequencer.ContinueAfter(sequence);
        _snapshots?.AfterApply(sequence, timestamp, _engine);
    }

    /// <summary>As a standby whose records end before its primary's journal starts: the snapshot received from the
    /// primary (checked whole, at <paramref name="received"/>) replaces this engine's journal and state. The old
    /// segments and checkpoint go first, then the snapshot takes its place among the snapshots (renamed, directory
    /// fsynced), then the shard is opened as at start-up: state from that snapshot, an empty journal continuing after
    /// its sequence. A crash anywhere in between leaves a directory that starts up and asks its primary again.</summary>
    /// <exception cref="InvalidDataException">The snapshot does not restore to the state hash it records.</exception>
    internal void RestoreFromSnapshot(string received, SnapshotInfo info, long term = 0, long termStart = 0)
    {
        if (StandbyOf == null || _journal == null) throw new InvalidOperationException("only a standby with a journal restores from its primary's snapshot");
        _snapshots?.WaitIdle();
        string directory = _options.JournalDirectory!;
        _journal.Dispose();
        _journal = null;
        int removed = JournalRetention.RemoveAll(directory);
        new SnapshotStore(StateRebuild.SnapshotDirectory(directory)).Adopt(received, info.Sequence);
        var shard = ShardStartup.Open(_config, _options);
        if (shard.Engine.LastSequence != info.Sequence || shard.Rebuild?.Snapshot?.Sequence != info.Sequence)
        {
            shard.Journal?.Dispose();
            throw new InvalidDataException($"the primary's snapshot at sequence {info.Sequence} did not restore: {shard.Rebuild?.Describe()}");
        }
        _journal = shard.Journal;
        _journal!.FsyncObserved = nanos => { Metrics.FsyncMicros.Record(nanos / 1000); Stages.Fsync(nanos); };
        Terms = shard.Terms;
        Terms.ResetTo(term, termStart);
        _engine = shard.Engine;
        _sequencer.ContinueAfter(_engine.LastSequence);
        _outbound.Durable = _journal.DurableSequence;
        _snapshots?.Restart(_engine.LastSequence);
        Log($"restored from the primary's snapshot at sequence {info.Sequence} (stateHash {_engine.StateHash():x16}); " +
            $"{removed} old journal segments removed; the journal continues at {info.Sequence + 1}");
    }

    /// <summary>A snapshot written while running: with retention on, the journal segments it makes unnecessary go,
    /// except what a standby still reading the journal needs and what is not durable yet.</summary>
    private int AfterSnapshot(SnapshotInfo info)
    {
        LastSnapshot = info;
        if (_options.JournalRetention == JournalRetentionMode.Keep || _journal == null) return 1;
        long through = Math.Min(info.Sequence, _journal.DurableSequence);
        if (Primary != null) through = Math.Min(through, Primary.JournalNeededFrom - 1);
        try
        {
            var (first, removed) = JournalRetention.RemoveThrough(_options.JournalDirectory!, through, _options.JournalRetention == JournalRetentionMode.Archive);
            if (removed > 0)
                Log($"journal retention: {removed} segments before sequence {first} {(_options.JournalRetention == JournalRetentionMode.Archive ? "moved to archive/" : "removed")} " +
                    $"(snapshot at {info.Sequence}); the journal starts at {first}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JournalException)
        {
            _options.Log?.Warn($"journal retention: segments not removed: {e.Message}");
        }
        return 1;
    }

    /// <summary>The benchmark self-test's artificial stall: spins, so the pause is exact and nothing else runs meanwhile.</summary>
    private void Stall()
    {
        _sinceStall = 0;
        long until = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(_options.StallDuration.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
    }

    // ---- rejects of inputs that never reach the sequencer ----

    private void RejectMalformed(int connection, int template)
    {
        Stages.Refused();
        var command = new CommandSummary { Kind = CommandCodec.KindOf(template), Symbol = -1 };
        Reject(connection, in command, RejectReason.MalformedMessage);
    }

    /// <summary>A CommandRejected for an input that was not sequenced: sequence 0, the sequencer's clock as timestamp.</summary>
    private void Reject(int connection, in CommandSummary command, RejectReason reason)
    {
        // The commands held for lookahead arrived first: their responses go first.
        if (_heldCount > 0) SequenceHeld();
        Stages.Refused();
        Metrics.Reject(reason);
        var m = CommandRejectedEncoder.WrapAndApplyHeader(_scratch, 0);
        m.Sequence = 0;
        m.Timestamp = _options.Clock();
        m.Command = command.Kind == 0 ? CommandKind.NULL_VALUE : command.Kind;
        m.Account = command.Account;
        m.ClientOrderId = command.ClientOrderId;
        m.Symbol = command.Symbol;
        m.Reason = reason;
        _outbound.Reply(connection, _scratch.AsSpan(0, HeaderLength + m.EncodedLength));
    }

    // ---- shutdown ----

    /// <summary>Stops the shard: stops accepting messages, ends every session (cancel-on-disconnect applies, then
    /// Logout(ShuttingDown)), commits and fsyncs the journal, sends what it can, writes a snapshot and closes the
    /// journal. Responses the transport could not take yet stay queued: further DoWork calls retry them and close
    /// each session's path once drained (or unsendable for too long); <see cref="Dispose"/> closes what is left.</summary>
    public void Shutdown()
    {
        StopAccepting();
        FinishShutdown();
    }

    /// <summary>The first half of <see cref="Shutdown"/>: stops accepting, ends every session, makes the journal durable
    /// and releases what may be sent. Nothing is sequenced after it; the journal stays open until <see cref="FinishShutdown"/>.</summary>
    public void StopAccepting()
    {
        if (_shutDown || !_accepting) return;
        if (_heldCount > 0) SequenceHeld();
        _accepting = false;
        _sessionLayer.EndAll(HandsOverAtShutdown);
        MakeDurable();
        _outbound.Release();
        _sessionLayer.FreeDrained();
    }

    /// <summary>The second half of <see cref="Shutdown"/>: the shutdown snapshot, and the journal closed.</summary>
    public void FinishShutdown()
    {
        if (_shutDown) return;
        StopAccepting();
        _snapshots?.WaitIdle();
        if (_journal != null)
        {
            try
            {
                if (_options.SnapshotOnShutdown && _engine.LastSequence > 0)
                {
                    long hash = _engine.StateHash();
                    var snapshot = _engine.BeginCapture().Complete();
                    LastSnapshot = new SnapshotStore(StateRebuild.SnapshotDirectory(_options.JournalDirectory!)).Write(snapshot.Sequence, hash, snapshot.WriteTo);
                }
            }
            catch (IOException e)
            {
                // The journal is whole and durable (flushed above): the next start replays it instead. Say so, and let
                // the process end non-zero.
                SnapshotFailure = e.Message;
                Log($"{e.Message}; the journal is intact, the next start replays it");
            }
            finally
            {
                _journal.Dispose();
                _journal = null;
            }
        }
        _shutDown = true;
    }

    /// <summary>Shuts down if that has not happened yet, and closes every response path still open.</summary>
    public void Dispose()
    {
        Shutdown();
        _sessionLayer.FreeAll();
        _options.JournalSignal?.Dispose();
    }

    // ---- logging ----

    private void Log(string line) => _options.Log?.Info(line);

    /// <summary>A line about something a stranger caused: throttled.</summary>
    private void LogRefusal(string line)
    {
        if (_options.Log == null) return;
        if (_refusals.Allow(Environment.TickCount64)) _options.Log.Warn(line);
    }

    private int ReportSuppressedRefusals()
    {
        long suppressed = _refusals.TakeSummary(Environment.TickCount64);
        if (suppressed == 0) return 0;
        Log($"{suppressed} more refused logons in the last second (not logged one by one)");
        return 1;
    }

    // ---- state, for the process, operators and tests ----

    public ShardConfig Config => _config;
    public string? JournalDirectory => _options.JournalDirectory;
    public long StateHash() => _engine.StateHash();
    public long LastSequence => _engine.LastSequence;
    /// <summary>What the journal has made durable; without a journal, everything applied.</summary>
    public long DurableSequence => _journal?.DurableSequence ?? _engine.LastSequence;
    /// <summary>The journal's sync thread is making records durable that this engine has not yet taken up.</summary>
    public bool AwaitingDisk => _journal is { SyncPending: true };

    /// <summary>For a duty cycle that found nothing to do: the journal lengthens its open segment and faults in the pages
    /// the next appends will write (<see cref="JournalWriter.PrepareAhead"/>), off any command's path.</summary>
    public int PrepareJournal() => _journal?.PrepareAhead() ?? 0;
    /// <summary>An eventfd readable once the journal's sync thread has made more durable (-1 without a sync thread): what
    /// a parked engine loop also waits on.</summary>
    public int DurableSignal => _options.JournalSignal?.Descriptor ?? -1;
    /// <summary>Whether a park on <see cref="DurableSignal"/> may begin: an fsync is awaited, and the signal is cleared.</summary>
    public bool ArmDurableSignal() => _journal != null && _journal.ArmDurableSignal();
    public long Fsyncs => _journal?.Fsyncs ?? 0;
    /// <summary>Pages of the journal faulted in by its prefault thread (under none with <see cref="EngineServiceOptions.JournalSyncThread"/>).</summary>
    public long JournalPagesPrefaulted => _journal?.PagesPrefaulted ?? 0;
    public int OpenOrderCount => _engine.OpenOrderCount;
    /// <summary>Trading sessions logged on.</summary>
    public int ActiveSessions => _sessions.TradingCount;
    /// <summary>Inbound messages of authenticated sessions refused for a wrong MAC or a replayed sequence.</summary>
    public long RefusedSealedMessages => _sessionLayer.RefusedSealed;
    /// <summary>Operator sessions logged on.</summary>
    public int OperatorSessions => _sessions.OperatorCount;
    /// <summary>Messages waiting in the outbound queue (for durability or for a back-pressured connection).</summary>
    public int QueuedMessages => _outbound.QueuedMessages;
    public bool TryGetOrder(long account, long clientOrderId, out OrderView order) => _engine.TryGetOrder(account, clientOrderId, out order);

    /// <summary>An account's permission in the engine's state, if the account exists.</summary>
    public bool TryGetPermission(long account, out AccountPermission permission) => _engine.TryGetPermission(account, out permission);
    public bool TryGetBalance(long account, int asset, out BalanceView balance) => _engine.TryGetBalance(account, asset, out balance);

    /// <summary>The live session on <paramref name="connection"/>, if any.</summary>
    public bool TryGetSession(int connection, out ulong sessionId, out long account)
    {
        bool active = _sessions.IsActive(connection);
        sessionId = active ? _sessions[connection].Id : 0;
        account = active ? _sessions[connection].Account : 0;
        return active;
    }

    /// <summary>What the journal's start-up recovery did (null without a journal).</summary>
    public RecoveryReport? Recovery { get; }
    /// <summary>How the state was rebuilt at start-up (null without a journal).</summary>
    public RebuildReport? Rebuild { get; }
    /// <summary>The sequences the journal's checkpoint said were durable but were missing, when started with
    /// <see cref="EngineServiceOptions.AcceptLostRecords"/> (null otherwise).</summary>
    public (long From, long To)? LostRecords { get; }
    /// <summary>Why the snapshot at <see cref="Shutdown"/> could not be written (null if it was, or none was due).</summary>
    public string? SnapshotFailure { get; private set; }
    /// <summary>The newest snapshot this engine wrote (while running, or at <see cref="Shutdown"/>), if any.</summary>
    public SnapshotInfo? LastSnapshot { get; private set; }
    public bool IsShutDown => _shutDown;

    internal MatchingEngine<SbeEventWriter> Engine => _engine;
}
