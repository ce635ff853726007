// exchange-perf's children (engine, gateway, stream receiver) die with it however it ends: a harness killed with
// SIGKILL, which can run no cleanup of its own, leaves nothing running behind it.
using System.Globalization;
using Exchange.Testing;

namespace Exchange.Perf.Tests;

public sealed class ParentDeathTests : IDisposable
{
    private readonly TempDirectory _temp = new("perf-parent-death-");
    private readonly List<int> _orphans = [];

    public void Dispose()
    {
        // Should the test fail, what it left running goes now rather than with the machine.
        foreach (int pid in _orphans) _ = Kill(pid, (int)Signal.Kill);
        _temp.Dispose();
    }

    [Theory]
    [InlineData("binary", new[] { "exchange-engine" })]
    [InlineData("fix", new[] { "exchange-engine", "exchange-gateway" })]
    public void An_e2e_run_killed_with_SIGKILL_leaves_no_engine_or_gateway_behind(string client, string[] children)
    {
        using var perf = ChildProcess.StartDll("exchange-perf.dll",
            ["e2e", "--client", client, "--rate", "500", "--seconds", "600", "--warmup", "0", "--idle", "backoff", "--engine-idle", "backoff",
             "--gateway-idle", "backoff", "--out", _temp.Combine(client)]);
        var started = new Dictionary<string, int>();
        Eventually.True(() =>
        {
            foreach (var (pid, commandLine) in Processes.ChildrenOf(perf.Id))
                foreach (string child in children)
                    // The long-lived one, not the short `--print-config` run before it.
                    if (commandLine.Contains(child, StringComparison.Ordinal) && commandLine.Contains(child == "exchange-engine" ? "--listen" : "--settings", StringComparison.Ordinal))
                        started[child] = pid;
            return started.Count == children.Length || perf.HasExited;
        }, $"exchange-perf starting {string.Join(" and ", children)}", Timeouts.Process);
        Assert.False(perf.HasExited, $"exchange-perf ended early: {perf.Stderr}");
        _orphans.AddRange(started.Values);

        perf.Signal(Signal.Kill);

        foreach (var (child, pid) in started)
            Eventually.True(() => !Processes.IsAlive(pid), $"{child} (pid {pid}) ending with its parent", Timeouts.Process);
    }

    [Fact]
    public void A_stream_run_killed_with_SIGKILL_leaves_no_receiver_behind()
    {
        using var perf = ChildProcess.StartDll("exchange-perf.dll", ["stream", "--messages", "1000000000000", "--idle", "backoff"]);
        int receiver = 0;
        Eventually.True(() =>
        {
            receiver = Processes.ChildrenOf(perf.Id).FirstOrDefault(c => c.CommandLine.Contains("stream-receive", StringComparison.Ordinal)).Pid;
            return receiver != 0 || perf.HasExited;
        }, "exchange-perf starting its receiver", Timeouts.Process);
        Assert.False(perf.HasExited, $"exchange-perf ended early: {perf.Stderr}");
        _orphans.Add(receiver);

        perf.Signal(Signal.Kill);

        Eventually.True(() => !Processes.IsAlive(receiver), $"the receiver (pid {receiver}) ending with its parent", Timeouts.Process);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    /// <summary>What /proc tells about processes: whose child each is, its command line, whether it still runs.</summary>
    private static class Processes
    {
        public static List<(int Pid, string CommandLine)> ChildrenOf(int parent)
        {
            var children = new List<(int, string)>();
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                try
                {
                    if (ParentOf(File.ReadAllText(Path.Combine(dir, "stat"))) != parent) continue;
                    children.Add((pid, File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ')));
                }
                catch (IOException) { } // it ended while we looked
                catch (UnauthorizedAccessException) { }
            }
            return children;
        }

        /// <summary>Running, or at least not yet dead: a zombie (state Z) has ended and only waits to be reaped.</summary>
        public static bool IsAlive(int pid)
        {
            try { return State(File.ReadAllText($"/proc/{pid}/stat")) is not ('Z' or 'X'); }
            catch (IOException) { return false; }
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields count from the last ')'.
        private static string[] FieldsAfterName(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        private static char State(string stat) => FieldsAfterName(stat)[0][0];

        private static int ParentOf(string stat) => int.Parse(FieldsAfterName(stat)[1], CultureInfo.InvariantCulture);
    }
}
