// Polling assertions: wait for a condition rather than sleep for a guessed time.
using System.Diagnostics;

namespace Exchange.Testing;

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; throws with <paramref name="what"/> if it never does
    /// within <paramref name="timeout"/> (default <see cref="Timeouts.Prompt"/>).</summary>
    public static void True(Func<bool> condition, string what, TimeSpan? timeout = null, Action? between = null)
    {
        var limit = timeout ?? Timeouts.Prompt;
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit) throw new TimeoutException($"not within {limit.TotalSeconds:0} s: {what}");
            if (between != null) between();
            else Thread.Sleep(5);
        }
    }
}
