// The gateway's message stores and logs hold brokers' order flow: created 0600, in directories created 0700.
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class FileModeTests
{
    [Fact]
    public void The_gateway_creates_its_stores_and_logs_0600_in_directories_0700()
    {
        using var dir = new TempDirectory();
        using var engine = Processes.StartEngine(out int enginePort);
        string settings = dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(dir.Combine("fix", "store"), $"FileLogPath={dir.Combine("fix", "log")}"));
        using var gateway = Processes.StartGateway(settings, enginePort, out _);

        string[] directories = [dir.Combine("fix"), dir.Combine("fix", "store"), dir.Combine("fix", "log")];
        string[] files = [.. Directory.GetFiles(directories[1]), .. Directory.GetFiles(directories[2])];
        Assert.Equal(3 * 4, files.Length);
        Assert.All(files, file => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)));
        Assert.All(directories, d => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(d)));
    }
}
