// What every process the tests start prints, kept when EXCHANGE_TEST_LOGS names a directory (./build.sh test sets
// it): one file per process, so the logs of the whole suite can be checked afterwards, e.g. that no secret a test
// configured (tests/secrets.txt) ever appears in them.
namespace Exchange.Testing;

public static class TestLogs
{
    public const string Variable = "EXCHANGE_TEST_LOGS";

    /// <summary>The file for process <paramref name="name"/> (<paramref name="pid"/>), or null when logs are not kept.</summary>
    public static Tee? Open(string name, int pid)
    {
        string? directory = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(directory)) return null;
        Directory.CreateDirectory(directory);
        string safe = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'));
        return new Tee(Path.Combine(directory, $"{safe}-{pid}-{Guid.NewGuid():N}.log"));
    }

    /// <summary>Lines from a process's stdout and stderr readers, appended as they come; the file is closed when both
    /// readers are done.</summary>
    public sealed class Tee(string path)
    {
        private readonly Lock _gate = new();
        private readonly StreamWriter _writer = new(path, append: true) { AutoFlush = true };
        private int _readers = 2;

        public void Write(string line)
        {
            lock (_gate)
            {
                if (_readers == 0) return;
                try { _writer.WriteLine(line); }
                catch (IOException) { }
            }
        }

        /// <summary>One reader reached the end of its stream.</summary>
        public void Done()
        {
            lock (_gate)
            {
                if (_readers == 0 || --_readers > 0) return;
                _writer.Dispose();
            }
        }
    }
}
