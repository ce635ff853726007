// What the machine offers a run: the cores this process may run on (the CPU count narrowed by its affinity mask)
// and how busy the machine is (the one-minute load average of /proc/loadavg). Behind an interface so that the
// decisions and warnings built on them can be tested with any machine.
using System.Runtime.InteropServices;

namespace Exchange.Perf.E2e;

public interface IMachineState
{
    /// <summary>Cores this process may run on.</summary>
    int Cores { get; }
    /// <summary>The one-minute load average now, or null where the system does not tell.</summary>
    double? LoadAverage();
    /// <summary>CPU model, cores and the kind of build, for the report.</summary>
    string Description { get; }
}

public sealed partial class ThisMachine : IMachineState
{
    public static readonly ThisMachine Instance = new();

    private ThisMachine()
    {
        // .NET narrows ProcessorCount by the affinity mask and CPU quota on Linux; asking the kernel directly as well
        // keeps the count right should that ever differ (taskset, cpusets of a container).
        Cores = Math.Max(1, Math.Min(Environment.ProcessorCount, AffinityCount() ?? int.MaxValue));
    }

    public int Cores { get; }

    public double? LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            int end = text.IndexOf(' ', StringComparison.Ordinal);
            return double.TryParse(end > 0 ? text[..end] : text, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out double load) ? load : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public string Description
    {
        get
        {
            string cpu = File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
                : "unknown CPU";
            // Under the dotnet host this is the JIT build (tests, `dotnet exchange-perf.dll`); bin/exchange-perf is native.
            string code = Path.GetFileNameWithoutExtension(Environment.ProcessPath ?? "") is "dotnet" or "testhost" ? "JIT" : "native AOT";
            string affinity = Cores < Environment.ProcessorCount ? $" ({Environment.ProcessorCount} online)" : "";
            return $"{Cores} cores{affinity}, {cpu}, {code} harness";
        }
    }

    private static int? AffinityCount()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var mask = new byte[128]; // 1024 CPUs
        if (SchedGetAffinity(0, mask.Length, mask) != 0) return null;
        int count = 0;
        foreach (byte b in mask) count += System.Numerics.BitOperations.PopCount(b);
        return count > 0 ? count : null;
    }

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nint size, byte[] mask);
}
