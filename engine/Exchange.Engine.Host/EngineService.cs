// One shard's engine behind its transport: client SBE messages in, sessions, the sequencer, the journal and the
// matching engine, responses and market data out through IEngineLinks. Everything runs on the one engine thread
// that calls OnMessage, OnConnectionLost and DoWork; the transport glue owns the sockets and the duty cycle.
//
// An accepted command is sequenced, appended to the journal (its SBE bytes as the record payload, the format
// exchange-replay reads), applied to the engine, and its events are routed: per-account events to that account's
// session, public ones to market data. Nothing derived from a command leaves before the journal says the command
// is durable; see EngineService.Outbound.cs.
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
    private readonly Func<long> _clock;
    private JournalWriter? _journal;
    private MatchingEngine<EngineEvents> _engine = null!;

    /// <summary>Encodes each event, stamped with its command's sequence and timestamp, before it is routed.</summary>
    private SbeEventWriter _events = new(4096);
    private readonly byte[] _scratch = new byte[512];
    /// <summary>True while state is rebuilt from a snapshot and the journal: replayed events were sent long ago.</summary>
    private bool _muted;
    private bool _accepting = true;
    private bool _shutDown;

    private EngineService(ShardConfig config, IEngineLinks links, EngineServiceOptions options)
    {
        _config = config;
        _options = options;
        _links = links;
        _clock = options.Clock;
        _sequencer = new Sequencer(options.Clock);
        _apiKeys = config.ApiKeys();
        _sessions = new Session[options.MaxConnections];
        _outbound = new byte[options.OutboundBufferBytes];
        _unsendableNanos = options.UnsendableTimeout.Ticks * 100;
    }

    /// <summary>Opens the shard: the journal (recovering a torn tail; <see cref="EngineServiceOptions.Repair"/> truncates
    /// at damage), the state from the newest valid snapshot plus the journal after it, engine.json for the replay tool,
    /// and on a new journal the opening state of <paramref name="config"/> sequenced and journaled as commands.</summary>
    /// <exception cref="ConfigException">The config is unusable, or differs in engine capacities from the journal's engine.json.</exception>
    /// <exception cref="JournalException">The journal cannot be opened (locked by another writer, or damaged without Repair).</exception>
    /// <exception cref="InvalidDataException">The journal and its snapshots do not add up to a state.</exception>
    public static EngineService Open(ShardConfig config, IEngineLinks links, EngineServiceOptions? options = null)
    {
        options ??= new EngineServiceOptions();
        options.Validate();
        try { config.Engine.Validate(); }
        catch (ArgumentException e) { throw new ConfigException($"bad engine config: {e.Message}"); }
        var opening = config.OpeningCommands();
        var service = new EngineService(config, links, options);
        try
        {
            bool fresh = service.Recover();
            if (fresh)
            {
                foreach (byte[] command in opening) service.SubmitOpening(command);
                service._journal?.Flush();
                service.Release();
            }
            return service;
        }
        catch
        {
            service._journal?.Dispose();
            throw;
        }
    }

    /// <summary>Rebuilds the engine; true if there was no state to rebuild (a new journal, or none at all).</summary>
    private bool Recover()
    {
        string? directory = _options.JournalDirectory;
        if (directory == null)
        {
            _engine = new MatchingEngine<EngineEvents>(_config.Engine, new EngineEvents(this));
            return true;
        }
        _journal = JournalWriter.Open(new JournalOptions
        {
            Directory = directory, Durability = _options.Durability, BatchMaxDelay = _options.BatchMaxDelay,
            BatchMaxRecords = _options.BatchMaxRecords, SegmentSize = _options.SegmentSize, Repair = _options.Repair,
            AcceptLostRecords = _options.AcceptLostRecords,
        }, out var recovery);
        Recovery = recovery;
        _lostRecords = _journal.LostRecords;

        // engine.json says which capacities the journal's commands were applied under; replaying them under others
        // could reject what was accepted, so a journal is only ever continued under its own config.
        bool hasJournal = _journal.LastSequence > 0;
        if (hasJournal && File.Exists(EngineConfigFile.PathIn(directory)))
        {
            EngineConfig written;
            try { written = EngineConfigFile.Read(directory); }
            catch (InvalidDataException e) { throw new ConfigException(e.Message); }
            if (written != _config.Engine)
                throw new ConfigException($"{EngineConfigFile.PathIn(directory)} differs from the configured engine capacities; " +
                    "the journal must be continued under the config it was written with");
        }
        EngineConfigFile.Write(directory, _config.Engine);

        _muted = true;
        try
        {
            var (engine, report) = StateRebuild.Run(directory, _config.Engine, new EngineEvents(this));
            _engine = engine;
            Rebuild = report;
            if (report.Replayed.StoppedAt != null)
                throw new InvalidDataException($"{directory}: the journal could not be read to its end: {report.Replayed.StoppedAt}");
        }
        finally
        {
            _muted = false;
        }
        if (_engine.LastSequence != _journal.LastSequence)
            throw new InvalidDataException($"{directory}: state rebuilt to sequence {_engine.LastSequence} but the journal ends at {_journal.LastSequence}");
        _sequencer.ContinueAfter(_engine.LastSequence);
        return _engine.LastSequence == 0;
    }

    private void SubmitOpening(byte[] message)
    {
        var command = new CommandCapture();
        if (CommandCodec.Decode(message, ref command) != SbeError.None) throw new InvalidOperationException("an opening command did not decode");
        Submit(message);
    }

    // ---- what the glue calls ----

    /// <summary>One complete SBE message from a client on <paramref name="connection"/>.</summary>
    public void OnMessage(int connection, ReadOnlySpan<byte> sbeMessage)
    {
        if (!_accepting || connection < 0) return;
        bool known = connection < _sessions.Length;
        if (known && _sessions[connection].State == SessionState.Active) _sessions[connection].LastInbound = Stamp();

        int template = CommandCodec.TemplateOf(sbeMessage);
        switch (template)
        {
            case LogonDecoder.TemplateId: OnLogon(connection, sbeMessage); return;
            case HeartbeatDecoder.TemplateId:
                // Liveness was refreshed above; the engine does not answer a heartbeat.
                if (HeartbeatDecoder.TryWrapWithHeader(sbeMessage, 0, out _) != SbeError.None) RejectMalformed(connection, template);
                return;
            case LogoutDecoder.TemplateId:
                if (LogoutDecoder.TryWrapWithHeader(sbeMessage, 0, out _) != SbeError.None) { RejectMalformed(connection, template); return; }
                if (known && _sessions[connection].State == SessionState.Active) EndSession(connection, LogoutReason.ClientRequest, alive: true);
                return;
            case NewOrderDecoder.TemplateId or CancelOrderDecoder.TemplateId or ReplaceOrderDecoder.TemplateId or MassCancelDecoder.TemplateId:
                OnOrderEntry(connection, sbeMessage);
                return;
            default:
                // Admin commands (templates 20-25) change accounts, symbols and funds: never from a client session.
                // Anything else is not a message a client sends.
                var command = new CommandCapture();
                if (template is >= AddAccountDecoder.TemplateId and <= WithdrawDecoder.TemplateId &&
                    CommandCodec.Decode(sbeMessage, ref command) == SbeError.None)
                    Reject(connection, in command, RejectReason.NotLoggedOn);
                else
                    RejectMalformed(connection, template);
                return;
        }
    }

    private void OnOrderEntry(int connection, ReadOnlySpan<byte> message)
    {
        var command = new CommandCapture();
        if (CommandCodec.Decode(message, ref command) != SbeError.None) { RejectMalformed(connection, CommandCodec.TemplateOf(message)); return; }
        if ((uint)connection >= (uint)_sessions.Length) { Reject(connection, in command, RejectReason.NotLoggedOn); return; }
        ref Session session = ref _sessions[connection];
        if (session.State != SessionState.Active || session.Account != command.Account) { Reject(connection, in command, RejectReason.NotLoggedOn); return; }
        if (command.Kind == CommandKind.NewOrder && !_engine.TryGetSymbol(command.Symbol, out _, out _)) { Reject(connection, in command, RejectReason.WrongShard); return; }
        // Only the message itself is journaled: header and root block (order entry has no groups or var data).
        int length = HeaderLength + MessageHeaderDecoder.Wrap(message, 0).BlockLength;
        Submit(message[..length]);
    }

    /// <summary>The client's stream went away (transport liveness timeout or end of stream).</summary>
    public void OnConnectionLost(int connection)
    {
        if ((uint)connection >= (uint)_sessions.Length) return;
        switch (_sessions[connection].State)
        {
            case SessionState.Active: EndSession(connection, LogoutReason.ClientRequest, alive: false); break;
            case SessionState.Closing: FreeSession(connection); break;
        }
    }

    /// <summary>Periodic duties: group commit of the journal, release of responses now durable, retries of sends that
    /// failed, heartbeats, heartbeat timeouts and unsendable connections. Returns how much work it did.</summary>
    public int DoWork(long nowNanos)
    {
        _now = nowNanos;
        _haveNow = true;
        int work = 0;
        if (_journal != null)
        {
            long durable = _journal.DurableSequence;
            _journal.Commit();
            if (_journal.DurableSequence != durable) work++;
        }
        work += Release();
        work += SessionDuties(nowNanos);
        if (_refusals.Suppressed != 0) work += ReportSuppressedRefusals();
        return work;
    }

    /// <summary>Stops the shard: stops accepting messages, ends every session (cancel-on-disconnect applies, then
    /// Logout(ShuttingDown)), commits and fsyncs the journal, sends what it can, writes a snapshot and closes the
    /// journal. Responses the transport could not take yet stay queued: further DoWork calls retry them and close
    /// each session's path once drained (or unsendable for too long); <see cref="Dispose"/> closes what is left.</summary>
    public void Shutdown()
    {
        if (_shutDown) return;
        _accepting = false;
        for (int c = 0; c < _highWater; c++)
        {
            ref Session s = ref _sessions[c];
            if (s.State != SessionState.Active) continue;
            if (s.CancelOnDisconnect) CancelAll(s.Account);
            Send(c, LogoutMessage(s.Id, LogoutReason.ShuttingDown));
            _sessionByAccount.Remove(s.Account);
            s.State = SessionState.Closing;
            Log($"session {s.Id} (account {s.Account}, connection {c}) logged out: ShuttingDown");
        }
        _journal?.Flush();
        Release();
        for (int c = 0; c < _highWater; c++)
            if (_sessions[c].State == SessionState.Closing && _sessions[c].Pending == 0) FreeSession(c);
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
        for (int c = 0; c < _highWater; c++)
            if (_sessions[c].State != SessionState.Free) FreeSession(c);
    }

    // ---- state, for the process, operators and tests ----

    public ShardConfig Config => _config;
    public string? JournalDirectory => _options.JournalDirectory;
    public long StateHash() => _engine.StateHash();
    public long LastSequence => _engine.LastSequence;
    /// <summary>What the journal has made durable; without a journal, everything applied.</summary>
    public long DurableSequence => _journal?.DurableSequence ?? _engine.LastSequence;
    public long Fsyncs => _journal?.Fsyncs ?? 0;
    public int OpenOrderCount => _engine.OpenOrderCount;
    public bool TryGetOrder(long account, long clientOrderId, out OrderView order) => _engine.TryGetOrder(account, clientOrderId, out order);
    public bool TryGetBalance(long account, int asset, out BalanceView balance) => _engine.TryGetBalance(account, asset, out balance);
    /// <summary>What the journal's start-up recovery did (null without a journal).</summary>
    public RecoveryReport? Recovery { get; private set; }
    /// <summary>How the state was rebuilt at start-up (null without a journal).</summary>
    public RebuildReport? Rebuild { get; private set; }
    /// <summary>Why the snapshot at <see cref="Shutdown"/> could not be written (null if it was, or none was due).</summary>
    public string? SnapshotFailure { get; private set; }
    /// <summary>The sequences the journal's checkpoint said were durable but were missing, when started with
    /// <see cref="EngineServiceOptions.AcceptLostRecords"/> (null otherwise).</summary>
    public (long From, long To)? LostRecords => _lostRecords;
    private (long From, long To)? _lostRecords;
    /// <summary>The snapshot written by <see cref="Shutdown"/>, if any.</summary>
    public SnapshotInfo? LastSnapshot { get; private set; }
    public bool IsShutDown => _shutDown;

    internal MatchingEngine<EngineEvents> Engine => _engine;

    // ---- sequencing ----

    /// <summary>Sequences a well-formed command, journals its bytes, then applies the journaled message exactly as
    /// recovery, standbys and the replay tool do (<see cref="MatchingEngine{TOutput}.Apply(long, long, ReadOnlySpan{byte})"/>),
    /// its events routed as they come.</summary>
    private void Submit(ReadOnlySpan<byte> message)
    {
        var (sequence, timestamp) = _sequencer.Next();
        if (_journal != null)
        {
            var header = MessageHeaderDecoder.Wrap(message, 0);
            _journal.Append(sequence, timestamp, header.TemplateId, header.Version, message);
            // Under None a command is durable once the OS has it: hand it over now, so its responses can go at once.
            if (_journal.Durability == Durability.None) _journal.Commit();
        }
        _events.Sequence = sequence;
        _events.Timestamp = timestamp;
        _engine.Apply(sequence, timestamp, message);
        if (_options.StallEveryCommands > 0 && ++_sinceStall >= _options.StallEveryCommands) Stall();
    }

    private int _sinceStall;

    /// <summary>The benchmark self-test's artificial stall: spins, so the pause is exact and nothing else runs meanwhile.</summary>
    private void Stall()
    {
        _sinceStall = 0;
        long until = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(_options.StallDuration.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
    }

    /// <summary>Cancel-on-disconnect: a MassCancel of every order of the account, sequenced and journaled like any
    /// input so that replay reproduces it. (The engine reports these cancels with reason MassCancel: its commands
    /// carry no cause, and the events must stay derivable from the journal.)</summary>
    private void CancelAll(long account)
    {
        Submit(_scratch.AsSpan(0, CommandCodec.Encode(new MassCancel(account, -1, Side.None), _scratch)));
    }

    // ---- rejects of inputs that never reach the sequencer ----

    private void RejectMalformed(int connection, int template)
    {
        var command = new CommandCapture { Kind = KindOf(template), Symbol = -1 };
        Reject(connection, in command, RejectReason.MalformedMessage);
    }

    /// <summary>A CommandRejected for an input that was not sequenced: sequence 0, the sequencer's clock as timestamp.</summary>
    private void Reject(int connection, in CommandCapture command, RejectReason reason)
    {
        var m = CommandRejectedEncoder.WrapAndApplyHeader(_scratch, 0);
        m.Sequence = 0;
        m.Timestamp = _clock();
        m.Command = command.Kind == 0 ? CommandKind.NULL_VALUE : (CommandKind)command.Kind;
        m.Account = command.Account;
        m.ClientOrderId = command.ClientOrderId;
        m.Symbol = command.Symbol;
        m.Reason = reason;
        Reply(connection, _scratch.AsSpan(0, HeaderLength + m.EncodedLength));
    }

    private static CommandKind KindOf(int template) => template switch
    {
        NewOrderDecoder.TemplateId => CommandKind.NewOrder,
        CancelOrderDecoder.TemplateId => CommandKind.CancelOrder,
        ReplaceOrderDecoder.TemplateId => CommandKind.ReplaceOrder,
        MassCancelDecoder.TemplateId => CommandKind.MassCancel,
        AddAccountDecoder.TemplateId => CommandKind.AddAccount,
        AddSymbolDecoder.TemplateId => CommandKind.AddSymbol,
        HaltSymbolDecoder.TemplateId => CommandKind.HaltSymbol,
        ResumeSymbolDecoder.TemplateId => CommandKind.ResumeSymbol,
        DepositDecoder.TemplateId => CommandKind.Deposit,
        WithdrawDecoder.TemplateId => CommandKind.Withdraw,
        _ => 0,
    };

    private void Log(string line) => _options.Log?.Invoke(line);

    private readonly LogThrottle _refusals = new(linesPerSecond: 10);

    /// <summary>A line about something a stranger caused: throttled.</summary>
    private void LogRefusal(string line)
    {
        if (_options.Log == null) return;
        if (_refusals.Allow(Environment.TickCount64)) Log(line);
    }

    private int ReportSuppressedRefusals()
    {
        long suppressed = _refusals.TakeSummary(Environment.TickCount64);
        if (suppressed == 0) return 0;
        Log($"{suppressed} more refused logons in the last second (not logged one by one)");
        return 1;
    }
}

/// <summary>What the session layer checks of a command before it is sequenced (whose account, which symbol), and what
/// a reject of it carries. The command itself is applied from its journaled bytes.</summary>
internal struct CommandCapture : ICommandHandler
{
    public CommandKind Kind;
    public long Account;
    public long ClientOrderId;
    /// <summary>The symbol, or for deposits and withdrawals the asset; -1 when the command has neither.</summary>
    public int Symbol;

    public void On(in AddAccount c) { Kind = CommandKind.AddAccount; Account = c.Account; Symbol = -1; }
    public void On(in AddSymbol c) { Kind = CommandKind.AddSymbol; Symbol = c.Spec.Id; }
    public void On(in HaltSymbol c) { Kind = CommandKind.HaltSymbol; Symbol = c.Symbol; }
    public void On(in ResumeSymbol c) { Kind = CommandKind.ResumeSymbol; Symbol = c.Symbol; }
    public void On(in Deposit c) { Kind = CommandKind.Deposit; Account = c.Account; Symbol = c.Asset; }
    public void On(in Withdraw c) { Kind = CommandKind.Withdraw; Account = c.Account; Symbol = c.Asset; }
    public void On(in NewOrder c) { Kind = CommandKind.NewOrder; Account = c.Account; ClientOrderId = c.ClientOrderId; Symbol = c.Symbol; }
    public void On(in CancelOrder c) { Kind = CommandKind.CancelOrder; Account = c.Account; ClientOrderId = c.ClientOrderId; Symbol = -1; }
    public void On(in ReplaceOrder c) { Kind = CommandKind.ReplaceOrder; Account = c.Account; ClientOrderId = c.ClientOrderId; Symbol = -1; }
    public void On(in MassCancel c) { Kind = CommandKind.MassCancel; Account = c.Account; Symbol = c.Symbol; }
}
