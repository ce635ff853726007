// Agents: units of work with a duty cycle, run on a thread of their own or invoked from an owner's loop.
namespace Exchange.Transport;

public interface IAgent
{
    /// <summary>One duty cycle; returns how much work it did (0 lets the idle strategy idle).</summary>
    int DoWork();
    string Name { get; }
}

/// <summary>Runs an agent's duty cycle on a dedicated thread until disposed.</summary>
public sealed class AgentRunner : IDisposable
{
    private readonly IAgent _agent;
    private readonly IIdleStrategy _idle;
    private readonly Thread _thread;
    private volatile bool _running = true;
    private Exception? _failure;

    public AgentRunner(IAgent agent, IIdleStrategy idle)
    {
        _agent = agent;
        _idle = idle;
        _thread = new Thread(Run) { IsBackground = true, Name = agent.Name };
        _thread.Start();
    }

    /// <summary>What stopped the agent, if its duty cycle threw.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    public bool IsRunning => _running && _failure == null;

    private void Run()
    {
        try
        {
            while (_running) _idle.Idle(_agent.DoWork());
        }
        catch (Exception e)
        {
            Volatile.Write(ref _failure, e);
        }
    }

    public void Dispose()
    {
        _running = false;
        if (Thread.CurrentThread != _thread) _thread.Join();
    }
}
