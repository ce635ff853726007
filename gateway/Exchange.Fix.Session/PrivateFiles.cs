// The session layer's files hold brokers' order flow: the message store and the logs are created readable and
// writable by the gateway's user only (0600), in directories only it can enter (0700), whatever the umask allows.
namespace Exchange.Fix.Session;

internal static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> and any missing parent with <see cref="DirectoryMode"/>; an existing
    /// directory keeps its mode (an operator may have chosen it).</summary>
    public static void CreateDirectory(string path)
    {
        // Directory.CreateDirectory(path, mode) gives the mode to the last directory only: create each missing one.
        string full = Path.GetFullPath(path);
        var missing = new Stack<string>();
        for (string? at = full; at != null && !Directory.Exists(at); at = Path.GetDirectoryName(at)) missing.Push(at);
        while (missing.TryPop(out string? directory)) Directory.CreateDirectory(directory, DirectoryMode);
    }

    /// <summary>Opens <paramref name="path"/>, creating it with <see cref="FileMode"/> when absent; unbuffered, for
    /// callers that buffer or write at offsets themselves.</summary>
    public static FileStream Open(string path, System.IO.FileMode mode, FileAccess access) =>
        new(path, new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.Read, BufferSize = 0, UnixCreateMode = FileMode });
}
