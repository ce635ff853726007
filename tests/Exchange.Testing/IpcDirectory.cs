// An ipc directory of a test's own (on /dev/shm, as in production), owner-only as the transport requires, removed with
// everything in it afterwards.
using Exchange.Transport;

namespace Exchange.Testing;

public sealed class IpcDirectory : IDisposable
{
    public IpcDirectory()
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(root, $"exchange-test-ipc-{Guid.NewGuid():n}");
        Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Path { get; }

    public TransportOptions Options(TransportOptions? options = null) => (options ?? new TransportOptions()) with { IpcDirectory = Path };

    public string[] Logs(string name) =>
        Directory.Exists(System.IO.Path.Combine(Path, name)) ? Directory.GetFiles(System.IO.Path.Combine(Path, name), "*.log") : [];

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
