// Connections not logged on yet are bounded so that strangers cannot keep brokers out: a few per source address, a
// short logon timeout, a small buffer each, and a cap past which a new connection evicts the oldest. Each refusal is
// counted by reason and logged, a flood summed up rather than written out line by line.
namespace Exchange.Fix.Session.Tests;

public class AdmissionLimitTests
{
    private static FixTestClient Partial(AcceptorFixture fixture, string from)
    {
        var client = fixture.Connect(from);
        client.SendRaw(Wire.Raw("8=FIX.4.4|9=7"));
        return client;
    }

    [Fact]
    public void A_connection_past_its_addresss_limit_is_closed_at_once_and_counted()
    {
        using var fixture = new AcceptorFixture(options: new FixAcceptorOptions { MaxPendingConnectionsPerAddress = 2 });
        using var first = Partial(fixture, "127.0.0.2");
        using var second = Partial(fixture, "127.0.0.2");
        fixture.Pump(3);
        using var third = Partial(fixture, "127.0.0.2");
        third.ExpectClosedWithoutAByte();
        Assert.Equal(1, fixture.Acceptor.Counters.RefusedPerAddress);
        using var elsewhere = Partial(fixture, "127.0.0.3");
        elsewhere.ExpectNothing();
        Assert.False(elsewhere.Closed);
    }

    [Fact]
    public void Past_the_cap_a_new_connection_evicts_the_oldest_that_has_sent_nothing_valid()
    {
        using var fixture = new AcceptorFixture(options: new FixAcceptorOptions { MaxPendingConnections = 3 });
        using var oldest = Partial(fixture, "127.0.0.2");
        fixture.Pump(3);
        using var second = Partial(fixture, "127.0.0.3");
        using var third = Partial(fixture, "127.0.0.4");
        fixture.Pump(3);
        using var broker = fixture.Connect();
        broker.LogOn();
        oldest.ExpectClosedWithoutAByte();
        second.ExpectNothing();
        Assert.False(second.Closed);
        Assert.Equal(1, fixture.Acceptor.Counters.Evicted);
        Assert.Contains("evicted after", fixture.ScreenLog);
    }

    [Fact]
    public void A_first_message_longer_than_a_logon_may_be_is_closed_at_once()
    {
        using var fixture = new AcceptorFixture(options: new FixAcceptorOptions { MaxLogonLength = 512 });
        using var client = fixture.Connect();
        client.SendRaw(Wire.Raw("8=FIX.4.4|9=5000|35=A|" + new string('x', 600)));
        client.ExpectClosedWithoutAByte();
        Assert.Equal(1, fixture.Acceptor.Counters.Garbled);
        Assert.Contains("first message longer than a Logon may be (512 bytes)", fixture.ScreenLog);
    }

    [Fact]
    public void A_logon_timeout_in_the_settings_overrides_the_options()
    {
        using var fixture = new AcceptorFixture("LogonTimeout=5", new FixAcceptorOptions { LogonTimeout = TimeSpan.FromSeconds(1) });
        using var client = Partial(fixture, "127.0.0.2");
        fixture.Pump(3);
        fixture.Clock.Advance(TimeSpan.FromSeconds(3));
        client.ExpectNothing();
        Assert.False(client.Closed);
        fixture.Clock.Advance(TimeSpan.FromSeconds(3));
        client.ExpectClosedWithoutAByte();
        Assert.Equal(1, fixture.Acceptor.Counters.TimedOut);
    }

    [Fact]
    public void Acceptor_wide_limits_that_differ_between_sessions_are_refused_naming_both_lines()
    {
        string text = """
            [DEFAULT]
            ConnectionType=acceptor
            BeginString=FIX.4.4
            SenderCompID=EXCH
            SocketAcceptPort=0
            FileStorePath=store
            AllowNoPassword=Y
            LogonTimeout=2

            [SESSION]
            TargetCompID=A

            [SESSION]
            TargetCompID=B
            LogonTimeout=30
            """;
        var error = Assert.Throws<FixSessionException>(() => new FixAcceptor(SessionSettings.Parse(text, "fix.cfg"), new TestApplication(), () => 0,
            new FixAcceptorOptions { ScreenLog = Stream.Null }));
        Assert.Equal("fix.cfg:15: LogonTimeout is acceptor-wide: give it once, in [DEFAULT] (it differs from fix.cfg:8)", error.Message);
    }

    [Fact]
    public void A_flood_of_refusals_is_summed_up_with_the_counters_rather_than_logged_line_by_line()
    {
        using var fixture = new AcceptorFixture(options: new FixAcceptorOptions { MaxPendingConnectionsPerAddress = 1 });
        using var holder = Partial(fixture, "127.0.0.2");
        fixture.Pump(3);
        for (int i = 0; i < 40; i++)
        {
            using var refused = Partial(fixture, "127.0.0.2");
            refused.ExpectClosedWithoutAByte();
        }
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        fixture.Pump(3);
        var lines = fixture.ScreenLog.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length < 30, $"{lines.Length} lines logged");
        Assert.Contains(lines, line => line.Contains("more admission events not logged in the last second", StringComparison.Ordinal)
            && line.Contains("perAddressLimit=40", StringComparison.Ordinal));
    }
}
