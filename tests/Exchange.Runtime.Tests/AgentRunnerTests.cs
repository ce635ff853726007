// Agents run by AgentRunner, on a thread of their own or on the caller's: duty cycles until a stop, errors counted,
// and handed to the error handler, which decides whether the agent carries on. The clock moves only when told.
namespace Exchange.Runtime.Tests;

public sealed class AgentRunnerTests
{
    /// <summary>Counts its duty cycles; throws on the ones listed; asks its runner to stop after the last one.</summary>
    private sealed class CountingAgent(int stopAfter, params int[] throwOn) : IAgent
    {
        public int Cycles;
        public AgentRunner? Runner;
        public string Name => "counting";

        public int DoWork()
        {
            int cycle = ++Cycles;
            if (cycle == stopAfter) Runner!.RequestStop();
            if (throwOn.Contains(cycle)) throw new InvalidOperationException($"cycle {cycle}");
            return 1;
        }
    }

    /// <summary>Records what the runner told it after each duty cycle.</summary>
    private sealed class RecordingIdle : IIdleStrategy
    {
        public readonly List<int> Work = [];
        public void Idle(int workCount) => Work.Add(workCount);
        public void Reset() { }
    }

    [Fact]
    public void Run_on_the_calling_thread_does_duty_cycles_until_a_stop_is_requested()
    {
        var agent = new CountingAgent(stopAfter: 5);
        var idle = new RecordingIdle();
        var runner = agent.Runner = new AgentRunner(agent, idle);

        Assert.True(runner.Run());

        Assert.Equal(5, agent.Cycles);
        Assert.Equal([1, 1, 1, 1, 1], idle.Work);
        Assert.Null(runner.Failure);
        Assert.Equal(0, runner.Errors);
    }

    [Fact]
    public void Without_an_error_handler_the_first_exception_stops_the_agent_and_is_kept()
    {
        var agent = new CountingAgent(stopAfter: 100, throwOn: 3);
        var runner = agent.Runner = new AgentRunner(agent, new RecordingIdle());

        Assert.False(runner.Run());

        Assert.Equal(3, agent.Cycles);
        Assert.Equal("cycle 3", runner.Failure!.Message);
        Assert.Equal(1, runner.Errors);
    }

    [Fact]
    public void An_error_handler_that_carries_on_sees_every_exception_and_the_agent_runs_on()
    {
        var agent = new CountingAgent(stopAfter: 10, throwOn: [2, 7]);
        var seen = new List<string>();
        var runner = agent.Runner = new AgentRunner(agent, new RecordingIdle(), e => { seen.Add(e.Message); return true; });

        Assert.True(runner.Run());

        Assert.Equal(10, agent.Cycles);
        Assert.Equal(["cycle 2", "cycle 7"], seen);
        Assert.Equal(2, runner.Errors);
        Assert.Null(runner.Failure);
    }

    [Fact]
    public void Started_it_runs_on_a_thread_named_after_the_agent_until_disposed()
    {
        string? threadName = null;
        int cycles = 0;
        var agent = new DelegateAgent("market-data", () => { threadName = Thread.CurrentThread.Name; Interlocked.Increment(ref cycles); return 0; });
        var runner = new AgentRunner(agent, new BackoffIdleStrategy()).Start();

        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref cycles) > 3, TimeSpan.FromSeconds(30)));
        runner.Dispose();
        int after = Volatile.Read(ref cycles); // Dispose joined the thread: no cycle can follow

        Assert.Equal("market-data", threadName);
        Assert.Equal(after, Volatile.Read(ref cycles));
        Assert.Throws<InvalidOperationException>(() => runner.Start());
    }

    [Fact]
    public void A_manual_clock_moves_only_when_told()
    {
        var clock = new ManualClock(start: 5);
        Assert.Equal(5, clock.NanoTime());
        Assert.Equal(5, clock.NanoTime());
        clock.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Equal(5 + 2 * NanoClock.Millisecond, clock.NanoTime());
        clock.Advance(7);
        Assert.Equal(12 + 2 * NanoClock.Millisecond, clock.NanoTime());
    }

    [Fact]
    public void Idle_strategies_are_named_in_configuration_and_an_unknown_name_is_null()
    {
        Assert.IsType<BusySpinIdleStrategy>(IdleStrategies.Parse("busy-spin"));
        Assert.IsType<YieldingIdleStrategy>(IdleStrategies.Parse("yield"));
        Assert.IsType<BackoffIdleStrategy>(IdleStrategies.Parse("backoff"));
        Assert.Null(IdleStrategies.Parse("sleepy"));
    }
}
