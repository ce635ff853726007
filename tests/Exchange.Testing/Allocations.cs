// Bytes a block of code allocates on its own thread, once it is in steady state. The runtime itself may allocate
// on the measuring thread the first times tiered compilation promotes a method (how soon depends on the machine's
// load), so the block is measured a few times and the least is taken: code that allocates per operation allocates
// in every block, a one-off of the runtime only in one.
namespace Exchange.Testing;

public static class Allocations
{
    /// <summary>The fewest bytes <paramref name="block"/> allocated on this thread over <paramref name="attempts"/>
    /// runs, after one run to warm it up.</summary>
    public static long InSteadyState(Action block, int attempts = 5)
    {
        block();
        long least = long.MaxValue;
        for (int i = 0; i < attempts && least > 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            block();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
