// Child processes that die with exchange-perf: engines, gateways and the stream receiver. Each is started as
// `setsid setpriv --pdeathsig KILL -- program args`; both exec in place, so the process id is the program's.
// setsid makes it lead a process group, so stopping it can kill the group (whatever it started too); setpriv asks
// the kernel to SIGKILL it when its parent goes, however that happens (SIGKILL included). The parent-death signal
// fires when the *thread* that forked the child ends, not the process, so every child is started from one thread
// that lives as long as exchange-perf.
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Exchange.Perf;

internal static partial class ChildProcesses
{
    private const int SigKill = 9, SigTerm = 15;
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> Requests = new();

    static ChildProcesses()
    {
        var spawner = new Thread(() =>
        {
            foreach (var (info, started) in Requests.GetConsumingEnumerable())
            {
                try { started.SetResult(Process.Start(info) ?? throw new IOException($"cannot start {info.ArgumentList[4]}")); }
                catch (Exception e) { started.SetException(e); }
            }
        }) { IsBackground = true, Name = "child-process-spawner" };
        spawner.Start();
    }

    /// <summary>Starts <paramref name="program"/> with its standard output and error redirected, tied to this process's life.</summary>
    public static Process Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (environment != null) foreach (var (name, value) in environment) info.Environment[name] = value;
        foreach (string a in new[] { "setpriv", "--pdeathsig", "KILL", "--", program }) info.ArgumentList.Add(a);
        foreach (string a in args) info.ArgumentList.Add(a);
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((info, started));
        try
        {
            return started.Task.GetAwaiter().GetResult();
        }
        catch (Win32Exception e)
        {
            throw new IOException($"cannot start {program} through setsid and setpriv (util-linux): {e.Message}", e);
        }
    }

    public const int SigStop = 19, SigCont = 18;

    /// <summary>Any signal to the process alone.</summary>
    public static void Signal(Process process, int signal)
    {
        if (!process.HasExited) _ = Kill(process.Id, signal);
    }

    /// <summary>SIGTERM to the process alone: it stops in order.</summary>
    public static void Terminate(Process process)
    {
        if (!process.HasExited) _ = Kill(process.Id, SigTerm);
    }

    /// <summary>SIGKILL to the process's whole group (it leads one), through libc: /bin/kill misreads negative ids.</summary>
    public static void KillGroup(Process process)
    {
        if (!process.HasExited) _ = Kill(-process.Id, SigKill);
    }

    /// <summary>Sets the nice value of every thread of <paramref name="process"/> (Linux keeps one per thread); false if
    /// any refused (lowering it needs CAP_SYS_NICE).</summary>
    public static bool Renice(Process process, int nice)
    {
        bool all = true;
        try
        {
            foreach (string task in Directory.GetDirectories($"/proc/{process.Id}/task"))
                if (int.TryParse(Path.GetFileName(task), out int tid) && SetPriority(PrioProcess, tid, nice) != 0) all = false;
        }
        catch (DirectoryNotFoundException) { return false; }
        return all;
    }

    private const int PrioProcess = 0;

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
