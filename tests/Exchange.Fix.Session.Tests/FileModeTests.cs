// The store and the logs hold brokers' order flow: their files are created 0600 and their directories 0700, so no
// other user of the machine can read them, whatever the umask.
namespace Exchange.Fix.Session.Tests;

public class FileModeTests
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void Store_and_log_files_are_created_0600_in_directories_created_0700()
    {
        using var store = new TempStore();
        string storePath = Path.Combine(store.Path, "fix", "store");
        string logPath = Path.Combine(store.Path, "fix", "log");
        using (new FixAcceptor(SessionSettings.Parse($"""
            [SESSION]
            ConnectionType=acceptor
            BeginString=FIX.4.4
            SenderCompID=EXCH
            TargetCompID=BROKER
            SocketAcceptPort=0
            FileStorePath={storePath}
            FileLogPath={logPath}
            AllowNoPassword=Y
            """, "modes.cfg"), new TestApplication(), () => 0, new FixAcceptorOptions { ScreenLog = Stream.Null }))
        {
        }
        string[] files = [.. Directory.GetFiles(storePath), .. Directory.GetFiles(logPath)];
        Assert.Equal(4, files.Length);
        Assert.All(files, file => Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(file)));
        Assert.All(new[] { Path.Combine(store.Path, "fix"), storePath, logPath },
            directory => Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(directory)));
    }
}
