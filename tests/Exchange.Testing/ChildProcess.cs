// A real child process for a test: an executable of the solution (its dll, run through the dotnet host, copied next
// to the test assembly by a project reference) or any program. It dies with the test, however the test ends:
// - Dispose kills its whole process group (the child leads a group of its own, so its children go too);
// - if the test host itself dies (killed, crashed), the kernel sends the child SIGKILL (PR_SET_PDEATHSIG, set
//   by setpriv before exec). The parent-death signal follows the *thread* that forked, so every child is started
//   from one thread that lives as long as the test host.
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Exchange.Testing;

public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TestLogs.Tee? _tee;
    private bool _disposed;

    private ChildProcess(ProcessStartInfo info, string name)
    {
        Name = name;
        _process = Spawner.Start(info);
        _tee = TestLogs.Open(name, _process.Id);
        // The output is read on threads of its own, not on thread-pool callbacks: with many tests blocked in waits the
        // pool starves, and a process that had exited long ago would seem to have printed nothing.
        var stdout = _process.StandardOutput;
        var stderr = _process.StandardError;
        new Thread(() =>
        {
            try
            {
                for (string? line; (line = stdout.ReadLine()) != null;)
                {
                    _stdout.Enqueue(line);
                    _tee?.Write(line);
                    _lines.Add(line);
                }
            }
            catch (IOException) { }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException) { }
            _tee?.Done();
            _stdoutClosed.TrySetResult();
            _lines.CompleteAdding();
        }) { IsBackground = true, Name = $"{name} stdout" }.Start();
        new Thread(() =>
        {
            try
            {
                for (string? line; (line = stderr.ReadLine()) != null;)
                {
                    _stderr.Enqueue(line);
                    _tee?.Write(line);
                }
            }
            catch (IOException) { }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException) { }
            _tee?.Done();
            _stderrClosed.TrySetResult();
        }) { IsBackground = true, Name = $"{name} stderr" }.Start();
    }

    /// <summary>Starts <paramref name="dll"/> (a file next to the test assembly, e.g. "exchange-engine.dll") through the dotnet host.</summary>
    public static ChildProcess StartDll(string dll, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        string path = Path.Combine(AppContext.BaseDirectory, dll);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: a project reference should copy it next to the tests", path);
        return Start(DotnetHost, [path, .. args], environment, workingDirectory, Path.GetFileNameWithoutExtension(dll));
    }

    /// <summary>Starts any program.</summary>
    public static ChildProcess Start(string program, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null, string? name = null)
    {
        // setsid (which does not fork: a child of ours leads no group yet) makes it lead a process group of its own,
        // so Dispose can kill everything it started; setpriv gives it SIGKILL when the test host dies. Both exec in
        // place, so the process id is the program's.
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (string a in new[] { "setpriv", "--pdeathsig", "KILL", "--", program }) info.ArgumentList.Add(a);
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        if (environment != null) foreach (var (k, v) in environment) info.Environment[k] = v;
        return new ChildProcess(info, name ?? Path.GetFileName(program));
    }

    /// <summary>The dotnet host this test runs under (so children use the same runtime).</summary>
    public static string DotnetHost
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
            string? self = Environment.ProcessPath;
            return self != null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        }
    }

    public string Name { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public StreamWriter StandardInput => _process.StandardInput;
    /// <summary>Everything written to stdout so far.</summary>
    public string Stdout => string.Join('\n', _stdout);
    /// <summary>Everything written to stderr so far.</summary>
    public string Stderr => string.Join('\n', _stderr);
    public IReadOnlyCollection<string> StdoutLines => _stdout;

    /// <summary>Stderr once it holds <paramref name="text"/>, or as it is after <paramref name="timeout"/>. A line the process
    /// wrote before something the test saw another way (its stdout, the network) may still be on its way through the
    /// stderr reader's thread; after the process ended (<see cref="WaitForExit"/>) <see cref="Stderr"/> is whole.</summary>
    public string StderrOnce(string text, TimeSpan? timeout = null) => StderrOnce(s => s.Contains(text, StringComparison.Ordinal), timeout);

    /// <summary>Stderr once <paramref name="done"/> holds of it, or as it is after <paramref name="timeout"/>.</summary>
    public string StderrOnce(Func<string, bool> done, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeouts.Prompt;
        var watch = Stopwatch.StartNew();
        string now = Stderr;
        while (!done(now) && watch.Elapsed < limit)
        {
            Thread.Sleep(20);
            now = Stderr;
        }
        return now;
    }

    /// <summary>The next stdout line starting with <paramref name="prefix"/> (earlier lines are passed over).</summary>
    public string WaitForLine(string prefix, TimeSpan? timeout = null) => WaitForLine(prefix, _ => true, timeout);

    /// <summary>The next stdout line starting with <paramref name="prefix"/> that satisfies <paramref name="match"/>.</summary>
    public string WaitForLine(string prefix, Func<string, bool> match, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeouts.Process;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (_lines.TryTake(out string? line, 50))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal) && match(line)) return line;
            }
            else if (_lines.IsCompleted)
            {
                _process.WaitForExit(1000);
                throw new InvalidOperationException($"{Name} exited ({(_process.HasExited ? _process.ExitCode : -1)}) before printing '{prefix}'; stderr:\n{Stderr}");
            }
        }
        throw new TimeoutException($"{Name}: no '{prefix}' line within {limit.TotalSeconds:0} s; stderr:\n{Stderr}");
    }

    /// <summary>Waits for the process to end and for its output to be read; false on timeout.</summary>
    public bool WaitForExit(TimeSpan? timeout = null)
    {
        if (!_process.WaitForExit(timeout ?? Timeouts.Process)) return false;
        Task.WaitAll([_stdoutClosed.Task, _stderrClosed.Task], TimeSpan.FromSeconds(10));
        return true;
    }

    /// <summary>Sends a signal to the process (not its group).</summary>
    public void Signal(Signal signal) => _ = Native.kill(Id, (int)signal);

    /// <summary>SIGTERM, then waits for the exit; false if it did not end in time.</summary>
    public bool Terminate(TimeSpan? timeout = null)
    {
        if (_process.HasExited) return true;
        Signal(Testing.Signal.Term);
        return WaitForExit(timeout);
    }

    /// <summary>SIGKILL to the whole process group: no chance to flush or clean up.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _ = Native.kill(-Id, (int)Testing.Signal.Kill);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { Kill(); }
        catch (InvalidOperationException) { }
        _process.Dispose();
        // _lines is not disposed: the output reader may still deliver the last lines (and end of stream) on a pool
        // thread after this, and a disposed collection would throw there, taking the test host down. It holds no
        // handle until someone waits on it, and nobody waits after Dispose.
    }

    /// <summary>Runs a program to its end and returns what it printed (it is killed if it outlives <paramref name="timeout"/>).</summary>
    public static ProcessResult Run(ChildProcess child, TimeSpan? timeout = null)
    {
        using (child)
        {
            if (!child.WaitForExit(timeout ?? Timeouts.Process))
                throw new TimeoutException($"{child.Name} did not finish within {(timeout ?? Timeouts.Process).TotalSeconds:0} s; stderr:\n{child.Stderr}");
            return new ProcessResult(child.ExitCode, child.Stdout, child.Stderr);
        }
    }

    /// <summary>Every Process.Start happens on this one thread, which lives as long as the test host, because the
    /// parent-death signal fires when the forking thread ends.</summary>
    private static class Spawner
    {
        private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Result)> Queue = new();

        static Spawner()
        {
            var thread = new Thread(() =>
            {
                foreach (var (info, result) in Queue.GetConsumingEnumerable())
                {
                    try { result.SetResult(Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}")); }
                    catch (Exception e) { result.SetException(e); }
                }
            }) { IsBackground = true, Name = "child-process-spawner" };
            thread.Start();
        }

        public static Process Start(ProcessStartInfo info)
        {
            var result = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
            Queue.Add((info, result));
            return result.Task.GetAwaiter().GetResult();
        }
    }
}

public enum Signal
{
    Kill = 9,
    Term = 15,
    Cont = 18,
    Stop = 19,
}

internal static partial class Native
{
    [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int signal);

    [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
    internal static partial int setpriority(int which, int who, int priority);

    [System.Runtime.InteropServices.LibraryImport("libc")]
    internal static partial int gettid();
}

/// <summary>Scheduling priority (nice values), for tests that measure pauses on a machine other tests load: the
/// parts under test run ahead of the load, so a pause measured is theirs. Raising priority needs root (CI runs as
/// root); elsewhere the calls do nothing and the test runs at normal priority.</summary>
public static class Priority
{
    private const int Process = 0;

    /// <summary>Sets the nice value of a whole process (all its threads at the time). True if it took.</summary>
    public static bool SetProcess(int pid, int nice)
    {
        bool all = true;
        foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
            all &= Native.setpriority(Process, int.Parse(Path.GetFileName(task)), nice) == 0;
        return all;
    }

    /// <summary>Sets the nice value of the calling thread. True if it took.</summary>
    public static bool SetCurrentThread(int nice) => Native.setpriority(Process, Native.gettid(), nice) == 0;
}

/// <summary>What a finished program printed.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
