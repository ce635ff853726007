// The gateway logs as QuickFIX does: per session, with FileLogPath, a message log and an event log; events on stderr.
// Settings it does not implement stop it at start, naming the key and where it is; secrets never reach a log.
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class LoggingTests
{
    private static string Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    [Fact]
    public void Each_session_gets_a_message_log_and_an_event_log_under_FileLogPath_and_its_events_on_stderr()
    {
        using var dir = new TempDirectory();
        using var engine = Processes.StartEngine(out int enginePort);
        string settings = dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(dir.Combine("store"), $"FileLogPath={dir.Combine("log")}"));
        using var gateway = Processes.StartGateway(settings, enginePort, out int port);
        string clOrdId = $"L-{Guid.NewGuid():N}"[..20];
        using (var broker = new FixTestClient(port, "BROKER1"))
        {
            broker.Logon();
            broker.Send("D", $"11={clOrdId}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50500|59=3|");
            broker.WaitFor("8", m => m[11] == clOrdId && m[150] == "4");
        }
        string messages = dir.Combine("log", "FIX.4.4-EXCH-BROKER1.messages.current.log");
        string events = dir.Combine("log", "FIX.4.4-EXCH-BROKER1.event.current.log");
        Eventually.True(() => File.Exists(events) && Read(events).Contains("disconnected", StringComparison.Ordinal), "the event log records the disconnect");
        Assert.Contains("connected from 127.0.0.1:", Read(events));
        Assert.Contains("logged on", Read(events));
        Assert.Contains($"\u000135=D\u0001", Read(messages));
        Assert.Contains($"\u000111={clOrdId}\u0001", Read(messages));
        Assert.Contains("\u000135=8\u0001", Read(messages));
        Eventually.True(() => LogLines.AsText(gateway.Stderr).Contains("FIX.4.4:EXCH->BROKER1: disconnected", StringComparison.Ordinal), "events reach stderr");
        Assert.DoesNotContain("broker-2001-key", gateway.Stderr + Read(events) + Read(messages));
    }

    [Theory]
    [InlineData("StartTime=00:00:00")]
    [InlineData("EndTime=23:59:59")]
    [InlineData("UseDataDictionary=Y")]
    [InlineData("DataDictionary=FIX44.xml")]
    public void A_settings_key_the_gateway_does_not_implement_stops_it_at_start_naming_the_key_and_its_line(string line)
    {
        using var dir = new TempDirectory();
        string settings = dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(dir.Combine("store"), line));
        int lineNumber = File.ReadAllLines(settings).ToList().FindIndex(l => l.Trim() == line) + 1;
        var result = Processes.RunGateway("--settings", settings);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{settings}:{lineNumber}: {line[..line.IndexOf('=')]} is not a setting", result.Stderr);
    }

    [Fact]
    public void A_harmless_quickfix_key_is_accepted_with_a_warning_naming_it()
    {
        using var dir = new TempDirectory();
        using var engine = Processes.StartEngine(out int enginePort);
        string settings = dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(dir.Combine("store"), "HeartBtInt=30"));
        using var gateway = Processes.StartGateway(settings, enginePort, out _);
        Eventually.True(() => LogLines.AsText(gateway.Stderr).Contains("exchange-gateway: warning: ", StringComparison.Ordinal), "a warning on stderr");
        Assert.Contains("HeartBtInt is ignored", gateway.Stderr);
    }
}
