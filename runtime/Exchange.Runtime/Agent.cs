// Agents: units of work with a duty cycle (the transport, the engine's loop, the gateway's loop), run on a thread of
// their own or on the caller's by AgentRunner, or from an owner's loop (DoWork).
// After each duty cycle the idle strategy decides, from the work done, whether to spin, yield or park.
namespace Exchange.Runtime;

public interface IAgent
{
    /// <summary>One duty cycle; returns how much work it did (0 lets the idle strategy idle).</summary>
    int DoWork();
    string Name { get; }
}

/// <summary>An agent made of a function, for a piece of a loop that has no class of its own.</summary>
public sealed class DelegateAgent(string name, Func<int> doWork) : IAgent
{
    public string Name { get; } = name;
    public int DoWork() => doWork();
}

/// <summary>
/// Runs an agent's duty cycle until stopped: on a thread of its own (<see cref="Start"/>), or on the calling thread
/// (<see cref="Run"/>, for a process whose main thread is its one agent, like the engine's or the gateway's). An
/// exception from a duty cycle is counted and handed to the error handler, which says whether to carry on; without
/// one, the first stops the runner (<see cref="Failure"/>), as a bug in a state machine should.
/// </summary>
public sealed class AgentRunner : IDisposable
{
    private readonly IAgent _agent;
    private readonly IIdleStrategy _idle;
    private readonly Func<Exception, bool>? _onError;
    private Thread? _thread;
    private volatile bool _stopRequested;
    private Exception? _failure;
    private long _errors;

    public AgentRunner(IAgent agent, IIdleStrategy idle, Func<Exception, bool>? onError = null)
    {
        _agent = agent;
        _idle = idle;
        _onError = onError;
    }

    /// <summary>What stopped the agent, if a duty cycle threw and the error handler did not carry on.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);
    /// <summary>Duty cycles that threw, whether the runner carried on or not.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Runs the agent on a new thread named after it; returns this runner.</summary>
    public AgentRunner Start()
    {
        if (_thread != null) throw new InvalidOperationException($"{_agent.Name} is already running");
        _thread = new Thread(() => Run()) { IsBackground = true, Name = _agent.Name };
        _thread.Start();
        return this;
    }

    /// <summary>Runs the agent on the calling thread until <see cref="RequestStop"/> (from any thread or a signal
    /// handler) or a failure; returns false on a failure.</summary>
    public bool Run()
    {
        while (!_stopRequested)
        {
            try
            {
                while (!_stopRequested) _idle.Idle(_agent.DoWork());
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _errors);
                if (_onError?.Invoke(e) == true) continue;
                Volatile.Write(ref _failure, e);
                return false;
            }
        }
        return true;
    }

    /// <summary>Asks the runner to stop after the current duty cycle; does not wait.</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>Stops after the current duty cycle and waits for the runner's own thread (unless called from it).</summary>
    public void Dispose()
    {
        _stopRequested = true;
        if (_thread != null && Thread.CurrentThread != _thread) _thread.Join();
    }
}
