// A child process's output, read line by line on a background thread until it ends. The reader is taken from the
// process on the calling thread: a thread that starts late (a loaded machine) after the process object was disposed
// would otherwise fail on Process.StandardError, and an unhandled exception on a thread ends the whole process (it took
// a test host down once). A reader whose process was disposed under it has simply reached the end of its output.
namespace Exchange.Perf;

internal static class OutputReader
{
    public static Thread Start(StreamReader reader, Action<string>? onLine, string? name = null, bool start = true)
    {
        var thread = new Thread(() =>
        {
            try
            {
                while (reader.ReadLine() is { } line) onLine?.Invoke(line);
            }
            catch (Exception e) when (e is ObjectDisposedException or IOException) { }
        }) { IsBackground = true, Name = name };
        if (start) thread.Start();
        return thread;
    }
}
