// exchange-perf's children (engine, its standbys, gateway, stream receiver) die with it however it ends: a harness
// killed with SIGKILL, which can run no cleanup of its own, leaves nothing running behind it.
using System.Globalization;
using Exchange.Testing;

namespace Exchange.Perf.Tests;

public sealed class ParentDeathTests : IDisposable
{
    private readonly TempDirectory _temp = new("perf-parent-death-");
    private readonly List<Processes.Identity> _orphans = [];
    // A harness killed outright cannot remove its engine's scratch directory (config and journal); the test does.
    private readonly List<string> _scratch = [];

    public void Dispose()
    {
        // Should the test fail, what it left running goes now rather than with the machine. Only if it is still that
        // process: once reaped, its pid may be reused, even as a thread id of this test host.
        foreach (var orphan in _orphans)
            if (Processes.IsAlive(orphan)) _ = Kill(orphan.Pid, (int)Signal.Kill);
        foreach (string dir in _scratch)
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        }
        _temp.Dispose();
    }

    [Theory]
    [InlineData("binary", new[] { "exchange-engine" })]
    [InlineData("fix", new[] { "exchange-engine", "exchange-gateway" })]
    [InlineData("ws", new[] { "exchange-engine", "exchange-web" })]
    public void An_e2e_run_killed_with_SIGKILL_leaves_no_engine_or_gateway_behind(string client, string[] children)
    {
        using var perf = ChildProcess.StartDll("exchange-perf.dll",
            ["e2e", "--client", client, "--rate", "500", "--seconds", "600", "--warmup", "0", "--idle", "backoff", "--engine-idle", "backoff",
             "--gateway-idle", "backoff", "--out", _temp.Combine(client)]);
        var started = new Dictionary<string, Processes.Identity>();
        Eventually.True(() =>
        {
            foreach (var (process, commandLine) in Processes.ChildrenOf(perf.Id))
                foreach (string child in children)
                    // The long-lived one, not the short `--print-config` run before it.
                    if (commandLine.Contains(child, StringComparison.Ordinal) && commandLine.Contains(child switch { "exchange-engine" => "--listen", "exchange-web" => "--config", _ => "--settings" }, StringComparison.Ordinal))
                    {
                        started[child] = process;
                        if (child == "exchange-engine" && ScratchOf(commandLine) is { } scratch && !_scratch.Contains(scratch)) _scratch.Add(scratch);
                    }
            return started.Count == children.Length || perf.HasExited;
        }, $"exchange-perf starting {string.Join(" and ", children)}", Timeouts.Process);
        Assert.False(perf.HasExited, $"exchange-perf ended early: {perf.Stderr}");
        _orphans.AddRange(started.Values);

        perf.Signal(Signal.Kill);

        foreach (var (child, process) in started)
            Eventually.True(() => !Processes.IsAlive(process), $"{child} (pid {process.Pid}) ending with its parent", Timeouts.Process);
    }

    [Fact]
    public void An_e2e_run_with_standbys_killed_with_SIGKILL_leaves_neither_primary_nor_standbys_behind()
    {
        using var perf = ChildProcess.StartDll("exchange-perf.dll",
            ["e2e", "--standbys", "2", "--standby-loss", "0.05", "--rate", "500", "--seconds", "600", "--warmup", "0", "--idle", "backoff",
             "--engine-idle", "backoff", "--standby-idle", "backoff", "--out", _temp.Combine("standbys")]);
        var engines = new List<Processes.Identity>();
        Eventually.True(() =>
        {
            engines.Clear();
            foreach (var (process, commandLine) in Processes.ChildrenOf(perf.Id))
                if (commandLine.Contains("exchange-engine", StringComparison.Ordinal) && commandLine.Contains("--listen", StringComparison.Ordinal))
                {
                    engines.Add(process);
                    if (ScratchOf(commandLine) is { } scratch && !_scratch.Contains(scratch)) _scratch.Add(scratch);
                }
            // The primary starts last, naming both standbys.
            return engines.Count == 3 || perf.HasExited;
        }, "exchange-perf starting two standbys and their primary", Timeouts.Process);
        Assert.False(perf.HasExited, $"exchange-perf ended early: {perf.Stderr}");
        _orphans.AddRange(engines);

        perf.Signal(Signal.Kill);

        foreach (var engine in engines)
            Eventually.True(() => !Processes.IsAlive(engine), $"engine (pid {engine.Pid}) ending with its parent", Timeouts.Process);
    }

    [Fact]
    public void A_stream_run_killed_with_SIGKILL_leaves_no_receiver_behind()
    {
        using var perf = ChildProcess.StartDll("exchange-perf.dll", ["stream", "--messages", "1000000000000", "--idle", "backoff"]);
        Processes.Identity receiver = default;
        Eventually.True(() =>
        {
            receiver = Processes.ChildrenOf(perf.Id).FirstOrDefault(c => c.CommandLine.Contains("stream-receive", StringComparison.Ordinal)).Process;
            return receiver.Pid != 0 || perf.HasExited;
        }, "exchange-perf starting its receiver", Timeouts.Process);
        Assert.False(perf.HasExited, $"exchange-perf ended early: {perf.Stderr}");
        _orphans.Add(receiver);

        perf.Signal(Signal.Kill);

        Eventually.True(() => !Processes.IsAlive(receiver), $"the receiver (pid {receiver.Pid}) ending with its parent", Timeouts.Process);
    }

    /// <summary>The directory of the engine's --config file: the scratch directory the harness made for it.</summary>
    private static string? ScratchOf(string commandLine)
    {
        string[] args = commandLine.Split(' ');
        int at = Array.IndexOf(args, "--config");
        return at >= 0 && at + 1 < args.Length && Path.GetFileName(Path.GetDirectoryName(args[at + 1])) is { } name
            && name.StartsWith("exchange-perf-e2e-", StringComparison.Ordinal) ? Path.GetDirectoryName(args[at + 1]) : null;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    /// <summary>What /proc tells about processes: whose child each is, its command line, whether it still runs.</summary>
    private static class Processes
    {
        /// <summary>A process, told apart from a later one given the same pid by its start time (clock ticks since boot).</summary>
        public readonly record struct Identity(int Pid, long StartTime);

        /// <summary>The children of <paramref name="parent"/> that run their program: setsid and setpriv have exec'd it, so
        /// the parent-death signal is set (a child caught before that would outlive its parent by design of the test,
        /// not of the harness).</summary>
        public static List<(Identity Process, string CommandLine)> ChildrenOf(int parent)
        {
            var children = new List<(Identity, string)>();
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                try
                {
                    string[] stat = FieldsAfterName(File.ReadAllText(Path.Combine(dir, "stat")));
                    if (int.Parse(stat[1], CultureInfo.InvariantCulture) != parent) continue;
                    string[] argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                    if (Path.GetFileName(argv[0]) is "setsid" or "setpriv") continue;
                    children.Add((new Identity(pid, StartTime(stat)), string.Join(' ', argv)));
                }
                catch (IOException) { } // it ended while we looked
                catch (UnauthorizedAccessException) { }
            }
            return children;
        }

        /// <summary>Still that process and not dead: a zombie (state Z) has ended and only waits to be reaped.</summary>
        public static bool IsAlive(Identity process)
        {
            try
            {
                string[] stat = FieldsAfterName(File.ReadAllText($"/proc/{process.Pid}/stat"));
                return StartTime(stat) == process.StartTime && stat[0][0] is not ('Z' or 'X');
            }
            catch (IOException) { return false; }
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields count from the last ')';
        // after it, field 0 is the state, 1 the parent, 19 the start time.
        private static string[] FieldsAfterName(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        private static long StartTime(string[] fields) => long.Parse(fields[19], CultureInfo.InvariantCulture);
    }
}
