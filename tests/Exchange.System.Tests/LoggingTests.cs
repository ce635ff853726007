// The log every process writes: JSON lines off a terminal (ts, level, component, msg and the ids that matter as
// fields of their own), text with EXCHANGE_LOG_FORMAT=text, levels from EXCHANGE_LOG_LEVEL, and never a secret,
// whether it was right or wrong.
using System.Text.Json;
using Exchange.Client;
using Exchange.Hosting;
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class LoggingTests : IDisposable
{
    private const int Btc = 1;
    private readonly string _root = Directory.CreateTempSubdirectory("exchange-logging-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private ChildProcess StartEngine(Dictionary<string, string>? environment = null) =>
        ChildProcess.StartDll("exchange-engine.dll", EngineProcess.Arguments(1, "BTC-USD", Path.Combine(_root, "j"), Ports.FreeUdp()), environment);

    private static List<JsonElement> JsonLines(string stderr)
    {
        var lines = new List<JsonElement>();
        foreach (string line in stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            JsonElement element;
            try { element = JsonDocument.Parse(line).RootElement; }
            catch (JsonException e) { throw new Xunit.Sdk.XunitException($"not a JSON line: {line}\n{e.Message}"); }
            Assert.Equal(JsonValueKind.Object, element.ValueKind);
            foreach (string field in new[] { "ts", "level", "component", "msg" })
                Assert.True(element.TryGetProperty(field, out _), $"no {field} in {line}");
            Assert.True(DateTime.TryParse(element.GetProperty("ts").GetString(), out _), line);
            lines.Add(element);
        }
        return lines;
    }

    [Fact]
    public void Off_a_terminal_the_engine_logs_json_lines_with_the_shard_the_session_and_the_account_and_no_key()
    {
        using var engine = StartEngine();
        string listen = engine.WaitForLine("listening");
        string channel = EngineProcess.Channel(int.Parse(StatusLines.Field(listen, "port")));
        using (var maker = Clients.Connect("mm-1001-key", new ShardEndpoint(channel, [Btc])))
        {
        }
        Assert.ThrowsAny<Exception>(() => Clients.Connect("not-the-key", new ShardEndpoint(channel, [Btc])).Dispose());

        List<JsonElement> lines = [];
        Eventually.True(() =>
        {
            lines = JsonLines(engine.Stderr);
            return lines.Any(l => l.GetProperty("msg").GetString()!.Contains("logged out", StringComparison.Ordinal))
                && lines.Any(l => l.GetProperty("level").GetString() == "warning");
        }, "a logon, a logout and a refused logon in the engine's log", TimeSpan.FromSeconds(20));

        Assert.All(lines, l =>
        {
            Assert.Equal("exchange-engine", l.GetProperty("component").GetString());
            Assert.Equal(1, l.GetProperty("shard").GetInt32());
        });
        var logon = lines.Single(l => l.GetProperty("msg").GetString()!.Contains("logged on", StringComparison.Ordinal));
        Assert.Equal("info", logon.GetProperty("level").GetString());
        Assert.Equal(1001, logon.GetProperty("account").GetInt64());
        Assert.True(logon.GetProperty("session").GetUInt64() > 0);
        Assert.True(logon.TryGetProperty("connection", out _));
        var listening = lines.Single(l => l.GetProperty("msg").GetString()!.StartsWith("listening on", StringComparison.Ordinal));
        Assert.Equal(long.Parse(StatusLines.Field(listen, "sequence")), listening.GetProperty("sequence").GetInt64());
        // The refused logon is a warning, and neither key appears anywhere the engine printed.
        Assert.Contains(lines, l => l.GetProperty("level").GetString() == "warning" && l.GetProperty("msg").GetString()!.Contains("rejected", StringComparison.Ordinal));
        Assert.DoesNotContain("mm-1001-key", engine.Stderr + engine.Stdout);
        Assert.DoesNotContain("not-the-key", engine.Stderr + engine.Stdout);
    }

    [Fact]
    public void Text_format_and_level_come_from_the_environment()
    {
        using (var text = StartEngine(new() { [LogSettings.FormatVariable] = "text" }))
        {
            text.WaitForLine("listening");
            Eventually.True(() => text.Stderr.Contains("exchange-engine: listening on", StringComparison.Ordinal), "the listening line in text");
            Assert.All(text.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("exchange-engine: ", line));
        }
        using (var quiet = StartEngine(new() { [LogSettings.FormatVariable] = "json", [LogSettings.LevelVariable] = "warning" }))
        {
            string channel = EngineProcess.Channel(int.Parse(StatusLines.Field(quiet.WaitForLine("listening"), "port")));
            Assert.ThrowsAny<Exception>(() => Clients.Connect("no-such-key", new ShardEndpoint(channel, [Btc])).Dispose());
            Eventually.True(() => quiet.Stderr.Contains("rejected", StringComparison.Ordinal), "the refused logon's warning");
            Assert.All(JsonLines(quiet.Stderr), l => Assert.Equal("warning", l.GetProperty("level").GetString()));
        }
    }

    [Fact]
    public void An_unknown_format_or_level_is_a_usage_error_naming_the_variable()
    {
        var format = ChildProcess.Run(StartEngine(new() { [LogSettings.FormatVariable] = "xml" }));
        Assert.Equal(2, format.ExitCode);
        Assert.Contains("EXCHANGE_LOG_FORMAT='xml'", format.Stderr);
        var level = ChildProcess.Run(StartEngine(new() { [LogSettings.LevelVariable] = "loud" }));
        Assert.Equal(2, level.ExitCode);
        Assert.Contains("EXCHANGE_LOG_LEVEL='loud'", level.Stderr);
    }

    [Fact]
    public void A_line_is_one_json_object_whatever_the_message_holds_and_secret_fields_are_masked()
    {
        using var sink = new MemoryStream();
        var output = new LogOutput(new LogSettings(LogFormat.Json), sink);
        output.AddContext("shard", 3);
        var log = output.For("exchange-test");
        log.Info("a \"quoted\"\nmulti-line message with \\ and \u0001", ("session", 7UL), ("clOrdId", "abc\"def"), ("apiKey", "k-123"), ("Password", "p-456"));
        log.Debug("below the level");
        log.Error("an error", ("sequence", 42L));

        string text = global::System.Text.Encoding.UTF8.GetString(sink.ToArray());
        var lines = JsonLines(text);
        Assert.Equal(2, lines.Count);
        Assert.Equal("a \"quoted\"\nmulti-line message with \\ and \u0001", lines[0].GetProperty("msg").GetString());
        Assert.Equal(3, lines[0].GetProperty("shard").GetInt32());
        Assert.Equal(7UL, lines[0].GetProperty("session").GetUInt64());
        Assert.Equal("abc\"def", lines[0].GetProperty("clOrdId").GetString());
        Assert.Equal("***", lines[0].GetProperty("apiKey").GetString());
        Assert.Equal("***", lines[0].GetProperty("Password").GetString());
        Assert.DoesNotContain("k-123", text);
        Assert.DoesNotContain("p-456", text);
        Assert.Equal("error", lines[1].GetProperty("level").GetString());
        Assert.Equal(42, lines[1].GetProperty("sequence").GetInt64());
    }

    [Fact]
    public void As_text_a_line_is_the_component_the_level_when_it_matters_and_the_message()
    {
        using var sink = new MemoryStream();
        var log = new LogOutput(new LogSettings(LogFormat.Text), sink).For("exchange-test");
        log.Info("started", ("session", 1));
        log.Warn("slow");
        log.Error("broken");
        Assert.Equal("exchange-test: started\nexchange-test: WARNING: slow\nexchange-test: ERROR: broken\n",
            global::System.Text.Encoding.UTF8.GetString(sink.ToArray()));
    }
}
