// The engine thread: one loop that runs the transport's duty cycle, polls client commands into the service, runs
// the service's timers, and idles by the configured strategy. SIGTERM or SIGINT ends it in order: stop accepting,
// drain, commit and fsync the journal, snapshot, log sessions out, let the responses go, exit.
using System.Runtime.InteropServices;
using Exchange.Transport;

namespace Exchange.Engine.Host;

public sealed class EngineLoop : IAgent
{
    private readonly Transport.Transport _transport;
    private readonly TransportLinks _links;
    private readonly EngineService _service;
    private readonly IIdleStrategy _idle;
    private readonly RefusedTrafficLog? _refused;
    private readonly AgentRunner _runner;
    private CommandHandler _handler;
    private LaneHandler _laneHandler;
    private long _reported, _seen, _lastChange, _heartbeat;
    private readonly Exchange.Runtime.CountersFile? _counters;

    private readonly Func<long, int>? _replication;

    /// <param name="replication">A standby's replication duty (records in, acknowledgements out), run each cycle.</param>
    public EngineLoop(Transport.Transport transport, TransportLinks links, EngineService service, IIdleStrategy idle, Exchange.Hosting.Log? log = null,
        Func<long, int>? replication = null)
    {
        _replication = replication;
        _transport = transport;
        _counters = transport.Options.Counters;
        _links = links;
        _service = service;
        _idle = idle;
        if (log != null) _refused = new RefusedTrafficLog(transport.Counters, links, log);
        _runner = new AgentRunner(this, idle);
        _handler = new CommandHandler(service, links);
        _laneHandler = new LaneHandler(service, links, []);
        if (service.DurableSignal >= 0) transport.WakeParkOn(service.DurableSignal);
    }

    public string Name => "engine";

    /// <summary>The longest park while the journal's sync thread has an fsync this engine awaits (its end wakes the park).</summary>
    private const long AwaitingDiskParkNanos = NanoClock.Millisecond;

    /// <summary>After a burst of commands, once quiet for this long, the loop prints a status line.</summary>
    private const long StatusQuietNanos = 200 * NanoClock.Millisecond;

    public void RequestStop() => _runner.RequestStop();

    /// <summary>Called once the service has stopped sequencing and drained, before its shutdown snapshot.</summary>
    public Action? HandOver { get; set; }

    /// <summary>The longest single duty cycle so far (work only, idling excluded): what one pass can hold a client up.</summary>
    public long LongestCycleNanos { get; private set; }

    /// <summary>One line on stdout for operators and scripts: where the shard's state stands (off the order path:
    /// printed only after the engine has been idle a while).</summary>
    private void ReportStatus()
    {
        Console.WriteLine($"status sequence={_service.LastSequence} durable={_service.DurableSequence} stateHash={_service.StateHash():x16} " +
            $"sessions={_service.ActiveSessions} clientConnections={_links.ClientConnections} lanes={_links.LaneConnections} openOrders={_service.OpenOrderCount} sealedRefused={_service.RefusedSealedMessages}" +
            (_service.Primary is { } primary ? " " + primary.Describe(_service.LastSequence) : ""));
        Console.Out.Flush();
    }

    /// <summary>Registers SIGTERM and SIGINT to stop the loop in order (the registrations live as long as the returned objects).</summary>
    public IDisposable[] StopOnSignals() =>
    [
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
    ];

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // this loop, not the runtime, ends the process
        RequestStop();
    }

    /// <summary>One duty cycle: the transport, client commands, the service's timers, the refused-traffic log, and a
    /// status line once the sequence has stood still a while.</summary>
    public int DoWork()
    {
        long now = NanoClock.Now();
        long before = _service.LastSequence;
        // Sessions stamp their traffic with this cycle's clock (a logon after a long cycle must not look old).
        _service.SetSessionClock(now);
        int work = _transport.DoWork(now);
        // One poll of each stream: the order entry in it may be held for lookahead until its end.
        _service.BeginPoll();
        work += _links.Commands.Poll(ref _handler, 64);
        _links.Now = now;
        work += _links.Lanes.Poll(ref _laneHandler, 64);
        _service.EndPoll();
        foreach (int connection in _links.ExpiredLanes(now))
        {
            _service.OnConnectionLost(connection);
            _links.ReleaseLane(connection);
            work++;
        }
        if (_replication != null) work += _replication(now);
        work += _service.DoWork(now);
        if (_refused != null) work += _refused.Poll(now);
        if (work == 0) work = _service.PrepareJournal();
        // Waiting for the journal's sync thread with nothing else to do: leave the core to it rather than spin (on a
        // machine with few cores a spinning engine delays the sync thread's wake-up by a scheduler tick), parked on the
        // sockets and the journal's signal, so a datagram or the fsync's end wakes the loop at once.
        if (work == 0 && _service.AwaitingDisk && _service.ArmDurableSignal()) _transport.Park(AwaitingDiskParkNanos);
        long took = NanoClock.Now() - now;
        if (took > LongestCycleNanos) LongestCycleNanos = took;
        long inputs = _service.LastSequence - before;
        if (inputs > 0)
        {
            _service.Metrics.CycleInputs.Increment();
            _service.Metrics.InputCycleMicros.Record(took / 1000, inputs);
        }
        if (now - _heartbeat >= NanoClock.Second)
        {
            _heartbeat = now;
            _counters?.Heartbeat(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            _service.Metrics.ClientConnections.Set(_links.ClientConnections);
            _service.Metrics.Lanes.Set(_links.LaneConnections);
        }
        // Status after the sequence has stood still a while (the transport's own timers always find some work).
        if (_service.LastSequence != _seen) { _seen = _service.LastSequence; _lastChange = now; }
        else if (_seen != _reported && now - _lastChange > StatusQuietNanos)
        {
            _reported = _seen;
            ReportStatus();
        }
        return work;
    }

    /// <summary>Runs on the calling thread until a stop is requested; then shuts the service down and drains the transport.</summary>
    public void Run()
    {
        _reported = _seen = _service.LastSequence;
        if (!_runner.Run()) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_runner.Failure!);
        _links.Commands.Close();
        _links.Lanes.Close();
        _service.StopAccepting();
        // Let the last responses and logouts reach clients (and the last records the standbys) before the sockets close:
        // 100 ms by the clock (a hundred 1 ms sleeps take several times that on a loaded machine, and a leader handing
        // over is waited for).
        long drainUntil = NanoClock.Now() + 100 * NanoClock.Millisecond;
        for (long now = NanoClock.Now(); now < drainUntil; now = NanoClock.Now()) { _transport.DoWork(now); _service.DoWork(now); Thread.Sleep(1); }
        // A cluster's leader hands over here, before the shutdown snapshot (which can take a second during which this
        // loop sends nothing): its standbys hold everything it acknowledged, and it sequences nothing more.
        HandOver?.Invoke();
        _service.FinishShutdown();
        _transport.CloseAndDrain(TimeSpan.FromSeconds(1));
    }

    private struct CommandHandler(EngineService service, TransportLinks links) : ISubscriptionHandler
    {
        public readonly void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            int connection = (int)image.Tag;
            if (connection >= 0) service.OnMessage(connection, message);
        }

        public readonly void OnImageAvailable(Image image) => links.Attach(image);

        public readonly void OnImageUnavailable(Image image)
        {
            int connection = (int)image.Tag;
            if (connection >= 0) service.OnConnectionLost(connection);
            links.Detach(image);
        }
    }

    /// <summary>The lane stream: each message to its lane's connection (a lane's first message gives it one).</summary>
    private struct LaneHandler(EngineService service, TransportLinks links, List<int> lost) : ISubscriptionHandler
    {
        public readonly void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            int connection = links.LaneConnection(image, ref message);
            if (connection >= 0) service.OnMessage(connection, message);
        }

        public readonly void OnImageAvailable(Image image) => links.AttachLanes(image);

        public readonly void OnImageUnavailable(Image image)
        {
            links.LanesOf(image, lost);
            foreach (int connection in lost)
            {
                service.OnConnectionLost(connection);
                links.ReleaseLane(connection);
            }
            links.DetachLanes(image);
        }
    }
}
