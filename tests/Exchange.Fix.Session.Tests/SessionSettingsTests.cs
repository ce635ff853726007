// The QuickFIX-style settings file: [DEFAULT] merged into each [SESSION], typed keys, custom keys kept, and errors
// that name the file and line.
using Exchange.Fix;

namespace Exchange.Fix.Session.Tests;

public class SessionSettingsTests
{
    private const string Defaults = """
        # the gateway's FIX sessions
        [DEFAULT]
        ConnectionType=acceptor
        BeginString=FIX.4.4
        SenderCompID=EXCH
        SocketAcceptPort=9878
        FileStorePath=store
        HeartBtIntMax=120
        AllowNoPassword=Y

        """;

    [Fact]
    public void Default_section_is_merged_into_each_session_and_custom_keys_are_kept()
    {
        var sessions = SessionSettings.Parse(Defaults + """
            [SESSION]
            TargetCompID=BROKER1
            Account=1001
            SessionType=order-entry
            HeartBtIntMax=60

            [SESSION]
            TargetCompID=BROKER2
            SocketAcceptPort=9879
            SocketAcceptAddress=0.0.0.0
            Transport=tcp
            ResetOnLogon=Y
            TimeStampPrecision=6
            MaxMessagesPerSecond=50
            RateLimitAction=logout
            CancelOnDisconnect=N
            """, "fix.cfg", ["Account", "SessionType", "CancelOnDisconnect"]);

        Assert.Equal(2, sessions.Count);
        var first = sessions[0];
        Assert.Equal(new SessionId("FIX.4.4", "EXCH", "BROKER1"), first.Id);
        Assert.Equal(9878, first.SocketAcceptPort);
        Assert.Equal("127.0.0.1", first.SocketAcceptAddress);
        Assert.Equal(60, first.HeartBtIntMax);
        Assert.Equal(1, first.HeartBtIntMin);
        Assert.Equal("1001", first.Get("Account"));
        Assert.Equal("order-entry", first.Get("sessiontype"));
        Assert.Null(first.Get("CancelOnDisconnect"));
        Assert.Equal(TimestampPrecision.Milliseconds, first.TimestampPrecision);
        Assert.Equal(TimeSpan.FromSeconds(120), first.MaxLatency);
        Assert.True(first.CheckLatency);
        Assert.True(first.PersistMessages);
        Assert.True(first.ValidateUserDefinedFields);
        Assert.False(first.ResetOnLogon);
        Assert.Equal(0, first.MaxMessagesPerSecond);
        Assert.Equal("fix.cfg:10", first.Source);

        var second = sessions[1];
        Assert.Equal("BROKER2", second.Id.TargetCompID);
        Assert.Equal(9879, second.SocketAcceptPort);
        Assert.Equal("0.0.0.0", second.SocketAcceptAddress);
        Assert.Equal(120, second.HeartBtIntMax);
        Assert.True(second.ResetOnLogon);
        Assert.Equal(TimestampPrecision.Microseconds, second.TimestampPrecision);
        Assert.Equal(50, second.MaxMessagesPerSecond);
        Assert.Equal(RateLimitAction.Logout, second.RateLimitAction);
        Assert.Equal("N", second.Get("CancelOnDisconnect"));
    }

    [Fact]
    public void Accept_address_defaults_to_loopback()
    {
        var session = SessionSettings.Parse(Defaults + "[SESSION]\nTargetCompID=B\n", "fix.cfg")[0];
        Assert.Equal("127.0.0.1", session.SocketAcceptAddress);
    }

    [Fact]
    public void Accept_address_may_be_spelled_SocketAcceptHost_as_QuickFIXn_does()
    {
        var session = SessionSettings.Parse(Defaults + "[SESSION]\nTargetCompID=B\nSocketAcceptHost=0.0.0.0\nTransport=tcp\n", "fix.cfg")[0];
        Assert.Equal("0.0.0.0", session.SocketAcceptAddress);
    }

    [Fact]
    public void Accept_address_given_twice_with_different_values_is_an_error()
    {
        var error = Assert.Throws<FixSessionException>(() =>
            SessionSettings.Parse(Defaults + "[SESSION]\nTargetCompID=B\nSocketAcceptHost=0.0.0.0\nSocketAcceptAddress=127.0.0.1\n", "fix.cfg"));
        Assert.StartsWith("fix.cfg:12: SocketAcceptHost=0.0.0.0 and SocketAcceptAddress=127.0.0.1", error.Message);
    }

    [Theory]
    [InlineData("TimeStampPrecision")]
    [InlineData("TimestampPrecision")]
    public void Both_spellings_of_timestamp_precision_are_read(string key)
    {
        var session = SessionSettings.Parse(Defaults + $"[SESSION]\nTargetCompID=B\n{key}=9\n", "fix.cfg")[0];
        Assert.Equal(TimestampPrecision.Nanoseconds, session.TimestampPrecision);
    }

    [Theory]
    [InlineData("TargetCompID=B\nnot a setting", "fix.cfg:12: expected Key=Value")]
    [InlineData("TargetCompID=B\n[SESION]", "fix.cfg:12: unknown section [SESION]")]
    [InlineData("TargetCompID=B\nHeartBtIntMin=abc", "fix.cfg:12: HeartBtIntMin=abc")]
    [InlineData("TargetCompID=B\nResetOnLogon=yes", "fix.cfg:12: ResetOnLogon=yes: must be Y or N")]
    [InlineData("TargetCompID=B\nTimeStampPrecision=4", "fix.cfg:12: TimeStampPrecision=4")]
    [InlineData("TargetCompID=B\nRateLimitAction=drop", "fix.cfg:12: RateLimitAction=drop")]
    [InlineData("TargetCompID=B\nBeginString=FIX.4.2", "fix.cfg:12: BeginString=FIX.4.2")]
    [InlineData("TargetCompID=B\nTargetCompID=C", "fix.cfg:12: TargetCompID appears twice")]
    [InlineData("TargetCompID=B\nConnectionType=initiator", "fix.cfg:12: ConnectionType=initiator")]
    [InlineData("TargetCompID=B\nSocketAcceptPort=70000", "fix.cfg:12: SocketAcceptPort=70000")]
    public void Bad_line_is_reported_with_file_and_line(string session, string expected)
    {
        var error = Assert.Throws<FixSessionException>(() => SessionSettings.Parse(Defaults + "[SESSION]\n" + session, "fix.cfg"));
        Assert.StartsWith(expected, error.Message);
    }

    [Theory]
    [InlineData("StartTime=00:00:00")]
    [InlineData("EndTime=23:59:59")]
    [InlineData("DataDictionary=FIX44.xml")]
    [InlineData("UseDataDictionary=Y")]
    [InlineData("ValidateFieldsOutOfOrder=N")]
    [InlineData("NoSuchKey=1")]
    public void A_key_the_acceptor_does_not_implement_is_refused_naming_it_with_file_and_line(string line)
    {
        var error = Assert.Throws<FixSessionException>(() => SessionSettings.Parse(Defaults + $"[SESSION]\nTargetCompID=B\n{line}\n", "fix.cfg"));
        Assert.StartsWith($"fix.cfg:12: {line[..line.IndexOf('=')]} is not a setting this acceptor implements", error.Message);
    }

    [Fact]
    public void A_key_unknown_to_the_session_layer_is_accepted_when_the_application_reads_it()
    {
        var session = SessionSettings.Parse(Defaults + "[SESSION]\nTargetCompID=B\nApiKey=k\n", "fix.cfg", ["ApiKey"])[0];
        Assert.Equal("k", session.Get("ApiKey"));
    }

    [Fact]
    public void A_harmless_quickfix_key_is_accepted_with_a_warning_naming_it_with_file_and_line()
    {
        var session = SessionSettings.Parse(Defaults + "[SESSION]\nTargetCompID=B\nHeartBtInt=30\n", "fix.cfg")[0];
        string warning = Assert.Single(session.Warnings);
        Assert.StartsWith("fix.cfg:12: HeartBtInt is ignored", warning);
    }

    private const string NoPasswordDefaults = """
        [DEFAULT]
        ConnectionType=acceptor
        BeginString=FIX.4.4
        SenderCompID=EXCH
        SocketAcceptPort=0
        FileStorePath=store

        """;

    [Fact]
    public void A_session_without_a_PasswordHash_is_refused_unless_it_says_AllowNoPassword_Y()
    {
        var error = Assert.Throws<FixSessionException>(() => SessionSettings.Parse(NoPasswordDefaults + "[SESSION]\nTargetCompID=B\n", "fix.cfg"));
        Assert.StartsWith("fix.cfg:7: session FIX.4.4:EXCH->B has no PasswordHash", error.Message);
        Assert.True(SessionSettings.Parse(NoPasswordDefaults + "[SESSION]\nTargetCompID=B\nAllowNoPassword=Y\n", "fix.cfg")[0].AllowNoPassword);
    }

    [Fact]
    public void A_password_in_clear_is_refused_without_being_quoted()
    {
        var error = Assert.Throws<FixSessionException>(() =>
            SessionSettings.Parse(NoPasswordDefaults + "[SESSION]\nTargetCompID=B\nUsername=u\nPassword=hunter2\n", "fix.cfg"));
        Assert.StartsWith("fix.cfg:10: Password: a password in clear is not accepted", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Theory]
    [InlineData("sha1$10000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "must be pbkdf2-sha256$")]
    [InlineData("pbkdf2-sha256$10$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "iterations must be")]
    [InlineData("pbkdf2-sha256$10000$not base64$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "base64")]
    [InlineData("pbkdf2-sha256$10000$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "the salt must have at least 16 bytes")]
    public void A_malformed_PasswordHash_is_refused_naming_its_line(string hash, string problem)
    {
        var error = Assert.Throws<FixSessionException>(() =>
            SessionSettings.Parse(NoPasswordDefaults + $"[SESSION]\nTargetCompID=B\nUsername=u\nPasswordHash={hash}\n", "fix.cfg"));
        Assert.StartsWith("fix.cfg:10: PasswordHash: ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_PasswordHash_needs_a_Username()
    {
        string hash = PasswordHash.Create("pw"u8, PasswordHash.MinIterations).ToString();
        var error = Assert.Throws<FixSessionException>(() =>
            SessionSettings.Parse(NoPasswordDefaults + $"[SESSION]\nTargetCompID=B\nPasswordHash={hash}\n", "fix.cfg"));
        Assert.Contains("PasswordHash needs a Username", error.Message);
    }

    [Fact]
    public void A_password_hash_verifies_the_password_it_was_made_from_and_no_other_after_a_round_trip_through_its_text()
    {
        var made = PasswordHash.Create("correct horse"u8, PasswordHash.MinIterations);
        Assert.True(PasswordHash.TryParse(made.ToString(), out var read, out _));
        Assert.True(read!.Verify("correct horse"u8));
        Assert.False(read.Verify("correct horsE"u8));
        Assert.False(read.Verify(""u8));
        Assert.NotEqual(made.ToString(), PasswordHash.Create("correct horse"u8, PasswordHash.MinIterations).ToString());
    }

    [Fact]
    public void Log_settings_default_to_no_files_and_events_only_on_the_screen()
    {
        var session = SessionSettings.Parse(Defaults + "[SESSION]\nTargetCompID=B\n", "fix.cfg")[0];
        Assert.Null(session.FileLogPath);
        Assert.Equal((false, false, true), (session.ScreenLogShowIncoming, session.ScreenLogShowOutgoing, session.ScreenLogShowEvents));
    }

    [Fact]
    public void Missing_required_key_is_reported_with_the_session_line()
    {
        var error = Assert.Throws<FixSessionException>(() => SessionSettings.Parse(Defaults + "[SESSION]\nAccount=1\n", "fix.cfg", ["Account"]));
        Assert.Equal("fix.cfg:10: [SESSION] is missing TargetCompID", error.Message);
    }

    [Fact]
    public void Duplicate_session_is_reported_with_both_lines()
    {
        var error = Assert.Throws<FixSessionException>(() =>
            SessionSettings.Parse(Defaults + "[SESSION]\nTargetCompID=B\n[SESSION]\nTargetCompID=B\n", "fix.cfg"));
        Assert.Equal("fix.cfg:12: duplicate session FIX.4.4:EXCH->B (first at line 10)", error.Message);
    }

    [Fact]
    public void Key_before_any_section_and_no_session_are_errors()
    {
        Assert.StartsWith("fix.cfg:1:", Assert.Throws<FixSessionException>(() => SessionSettings.Parse("A=1\n[SESSION]\n", "fix.cfg")).Message);
        Assert.Equal("fix.cfg: no [SESSION] section", Assert.Throws<FixSessionException>(() => SessionSettings.Parse(Defaults, "fix.cfg")).Message);
    }

    [Fact]
    public void Settings_file_is_loaded_from_disk_and_an_unreadable_one_is_named()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fix-{Guid.NewGuid():N}.cfg");
        File.WriteAllText(path, Defaults + "[SESSION]\r\nTargetCompID=B\r\n");
        try
        {
            Assert.Equal("B", SessionSettings.Load(path)[0].Id.TargetCompID);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.StartsWith(path, Assert.Throws<FixSessionException>(() => SessionSettings.Load(path)).Message);
    }

    [Fact]
    public void Settings_can_be_built_from_pairs()
    {
        var settings = SessionSettings.Create(new Dictionary<string, string>
        {
            ["ConnectionType"] = "acceptor", ["BeginString"] = "FIX.4.4", ["SenderCompID"] = "A", ["TargetCompID"] = "B",
            ["SocketAcceptPort"] = "0", ["FileStorePath"] = "s", ["AllowNoPassword"] = "Y",
        });
        Assert.Equal("FIX.4.4:A->B", settings.Id.ToString());
    }
}
