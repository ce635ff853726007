// Logs as QuickFIX keeps them: with FileLogPath a message log (every message in and out) and an event log per
// session; on stderr (the screen log) events by default and messages when ScreenLogShowIncoming / Outgoing ask for
// them. Refusals are logged with their reason; a password never reaches any log.
namespace Exchange.Fix.Session.Tests;

public class LoggingTests
{
    private static string Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string MessageLog(AcceptorFixture fixture) => Read(Path.Combine(fixture.LogPath, "FIX.4.4-EXCH-BROKER.messages.current.log"));

    private static string EventLog(AcceptorFixture fixture) => Read(Path.Combine(fixture.LogPath, "FIX.4.4-EXCH-BROKER.event.current.log"));

    private static AcceptorFixture WithFileLog(string extra = "") => new($"FileLogPath=$LOG\n{extra}");

    [Fact]
    public void The_message_log_holds_every_message_received_and_sent_as_time_and_fix_text()
    {
        using var fixture = WithFileLog();
        using (var client = fixture.LogOn())
        {
            client.Send("1", "112=ping|");
            client.Receive("0");
        }
        fixture.Pump(3);
        var lines = MessageLog(fixture).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"^\d{8}-\d{2}:\d{2}:\d{2}\.\d{6} : 8=FIX\.4\.4\u00019=\d+\u0001.*\u000110=\d{3}\u0001$", line));
        Assert.Contains("\u000135=A\u000134=1\u000149=BROKER\u0001", lines[0]);
        Assert.Contains("\u000135=A\u000134=1\u000149=EXCH\u0001", lines[1]);
        Assert.Contains("\u000135=1\u0001", lines[2]);
        Assert.Contains("\u0001112=ping\u0001", lines[3]);
    }

    [Fact]
    public void The_event_log_records_the_connect_the_logon_and_the_disconnect()
    {
        using var fixture = WithFileLog();
        using (fixture.LogOn())
        {
        }
        fixture.Pump(3);
        string events = EventLog(fixture);
        Assert.Contains("connected from 127.0.0.1:", events);
        Assert.Contains("logged on", events);
        Assert.Contains("disconnected: connection closed by the peer", events);
    }

    [Fact]
    public void A_refused_logon_is_logged_with_its_reason_and_without_the_password()
    {
        using var fixture = WithFileLog(AcceptorFixture.Credentials("alice", "s3cret"));
        using (var wrong = fixture.Connect())
        {
            wrong.Send("A", "98=0|108=30|553=alice|554=guess-what|");
            wrong.ExpectClosedWithoutAByte();
        }
        using (var right = fixture.Connect())
            right.LogOn(extra: "553=alice|554=s3cret|");
        fixture.Pump(3);

        Assert.Contains("refused: wrong Username or Password", EventLog(fixture));
        Assert.Contains("\u0001554=***\u0001", MessageLog(fixture));
        foreach (string log in new[] { EventLog(fixture), MessageLog(fixture), fixture.ScreenLog })
        {
            Assert.DoesNotContain("guess-what", log);
            Assert.DoesNotContain("s3cret", log);
        }
    }

    [Fact]
    public void As_json_every_screen_log_line_is_one_object_naming_the_session_with_odd_bytes_escaped_and_no_password()
    {
        using var fixture = new AcceptorFixture(AcceptorFixture.Credentials("alice", "s3cret") + "\nScreenLogShowIncoming=Y\nScreenLogShowOutgoing=Y",
            new FixAcceptorOptions { ScreenLogJsonComponent = "exchange-gateway" });
        using (var wrong = fixture.Connect())
        {
            wrong.Send("A", "98=0|108=30|553=alice|554=guess-what|");
            wrong.ExpectClosedWithoutAByte();
        }
        using (var right = fixture.Connect())
        {
            right.LogOn(extra: "553=alice|554=s3cret|");
            right.Send("1", "112=a\"b\\c\u007f|");
            right.Receive("0");
        }
        fixture.Pump(3);

        string log = fixture.ScreenLog;
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 5, log);
        var parsed = lines.Select(line =>
        {
            try { return System.Text.Json.JsonDocument.Parse(line).RootElement; }
            catch (System.Text.Json.JsonException e) { throw new Xunit.Sdk.XunitException($"not JSON: {line}: {e.Message}"); }
        }).ToList();
        Assert.All(parsed, l =>
        {
            Assert.Equal("exchange-gateway", l.GetProperty("component").GetString());
            Assert.Equal("info", l.GetProperty("level").GetString());
            Assert.True(DateTime.TryParse(l.GetProperty("ts").GetString(), out _));
            Assert.False(string.IsNullOrEmpty(l.GetProperty("session").GetString()));
        });
        Assert.Contains(parsed, l => l.GetProperty("msg").GetString()!.Contains("refused: wrong Username or Password", StringComparison.Ordinal));
        Assert.Contains(parsed, l => l.GetProperty("msg").GetString()!.StartsWith("incoming: 8=FIX.4.4|", StringComparison.Ordinal)
            && l.GetProperty("msg").GetString()!.Contains("|554=***|", StringComparison.Ordinal));
        // The test request's id came back in the heartbeat, quote, backslash and control byte intact.
        Assert.Contains(parsed, l => l.GetProperty("msg").GetString()!.Contains("112=a\"b\\c\u007f|", StringComparison.Ordinal));
        Assert.DoesNotContain("guess-what", log);
        Assert.DoesNotContain("s3cret", log);
    }

    [Fact]
    public void A_session_reject_is_logged_with_its_reason()
    {
        using var fixture = WithFileLog();
        using var client = fixture.LogOn();
        client.Send("1");
        client.Receive("3");
        fixture.Pump();
        Assert.Contains("Reject sent for MsgSeqNum 2 (35=1): Required tag missing (tag 112)", EventLog(fixture));
    }

    [Fact]
    public void A_sequence_reset_is_logged()
    {
        using var fixture = WithFileLog();
        using var client = fixture.LogOn(reset: true);
        fixture.Pump();
        Assert.Contains("sequence numbers reset to 1 (ResetSeqNumFlag=Y)", EventLog(fixture));
    }

    [Fact]
    public void The_screen_log_shows_events_but_not_messages_by_default()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        fixture.Pump();
        Assert.Contains("FIX.4.4:EXCH->BROKER: logged on", fixture.ScreenLog);
        Assert.DoesNotContain("8=FIX.4.4", fixture.ScreenLog);
    }

    [Fact]
    public void The_screen_log_shows_messages_in_and_out_when_asked_with_bars_for_soh()
    {
        using var fixture = new AcceptorFixture("ScreenLogShowIncoming=Y\nScreenLogShowOutgoing=Y");
        using var client = fixture.LogOn();
        fixture.Pump();
        Assert.Matches(@"FIX\.4\.4:EXCH->BROKER incoming: 8=FIX\.4\.4\|9=\d+\|35=A\|34=1\|49=BROKER\|", fixture.ScreenLog);
        Assert.Matches(@"FIX\.4\.4:EXCH->BROKER outgoing: 8=FIX\.4\.4\|9=\d+\|35=A\|34=1\|49=EXCH\|", fixture.ScreenLog);
    }

    [Fact]
    public void ScreenLogShowEvents_N_keeps_the_sessions_events_off_the_screen()
    {
        using var fixture = new AcceptorFixture("ScreenLogShowEvents=N");
        using var client = fixture.LogOn();
        fixture.Pump();
        Assert.DoesNotContain("logged on", fixture.ScreenLog);
    }

    [Fact]
    public void A_connection_closed_before_its_logon_is_logged_with_the_reason_on_the_screen()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.SendRaw("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        client.ExpectClosedWithoutAByte();
        Assert.Matches(@"acceptor: connection from 127\.0\.0\.1:\d+ closed: garbled first message", fixture.ScreenLog);
    }
}
