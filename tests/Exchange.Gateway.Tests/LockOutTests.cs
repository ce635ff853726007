// Strangers cannot lock brokers out: however many connections they open and hold without logging on (half-open, slow,
// from many source addresses), a logged-on broker keeps trading and a broker logging on gets through within a bound.
// The limits: per source address, a short logon timeout, a cap on connections not logged on with the oldest evicted,
// and a bound on what such a connection may send before its Logon. Each refusal is logged and counted.
using System.Diagnostics;
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class LockOutTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ChildProcess _engine;
    private ChildProcess? _gateway;

    public LockOutTests() => _engine = Processes.StartEngine(out _enginePort);

    private readonly int _enginePort;

    private int StartGateway(string defaults = "")
    {
        string settings = _dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(_dir.Combine("store"), defaults));
        _gateway = Processes.StartGateway(settings, _enginePort, out int port);
        return port;
    }

    public void Dispose()
    {
        _gateway?.Dispose();
        _engine.Dispose();
        _dir.Dispose();
    }

    private static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    // A broker's engine reconnects after a refused attempt, as real ones do; true once logged on.
    private static FixTestClient LogOnWithin(int port, string broker, TimeSpan bound)
    {
        var watch = Stopwatch.StartNew();
        Exception? last = null;
        while (watch.Elapsed < bound)
        {
            var client = new FixTestClient(port, broker);
            try
            {
                client.Logon();
                return client;
            }
            catch (Exception e) when (e is IOException or TimeoutException or System.Net.Sockets.SocketException)
            {
                last = e;
                client.Dispose();
                Thread.Sleep(500);
            }
        }
        throw new TimeoutException($"{broker} could not log on within {bound.TotalSeconds:0} s: {last?.Message}");
    }

    private static void Trades(FixTestClient broker, string price)
    {
        string clOrdId = Id("T");
        broker.Send("D", $"11={clOrdId}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44={price}|59=3|");
        broker.WaitFor("8", m => m[11] == clOrdId && m[150] == "4", (int)Timeouts.Prompt.TotalMilliseconds);
    }

    [Fact]
    public void A_broker_logs_on_and_trades_while_strangers_keep_hundreds_of_half_open_connections()
    {
        int port = StartGateway();
        using var strangers = new FixStrangers(port, 300, i => FixStrangers.Address(i / 3));
        Eventually.True(() => strangers.Opened >= 300, "the strangers have connected");
        using var broker = LogOnWithin(port, "BROKER1", Timeouts.Prompt);
        Trades(broker, "50600");
    }

    [Fact]
    public void A_broker_logs_on_while_a_thousand_connections_arrive_at_once()
    {
        int port = StartGateway();
        using var strangers = new FixStrangers(port, 1000, FixStrangers.Address);
        Eventually.True(() => strangers.Opened >= 500, "the strangers are connecting");
        using var broker = LogOnWithin(port, "BROKER2", Timeouts.Prompt);
        Trades(broker, "50610");
    }

    [Fact]
    public void A_logged_on_broker_keeps_trading_while_strangers_flood_the_port()
    {
        int port = StartGateway();
        using var broker = LogOnWithin(port, "BROKER1", Timeouts.Prompt);
        using var strangers = new FixStrangers(port, 300, i => FixStrangers.Address(i / 2));
        Eventually.True(() => strangers.Opened >= 300, "the strangers have connected");
        for (int i = 0; i < 5; i++) Trades(broker, "50620");
    }

    [Fact]
    public void Connections_from_one_address_beyond_its_limit_are_closed_at_once()
    {
        int port = StartGateway("LogonTimeout=60\nMaxPendingConnectionsPerAddress=4");
        using var strangers = new FixStrangers(port, 10, _ => "127.0.0.2", reopen: false);
        Eventually.True(() => strangers.ClosedByGateway == 6, "six of the ten are closed");
        Thread.Sleep(500);
        Assert.Equal(4, strangers.OpenNow);
    }

    [Fact]
    public void A_connection_that_sends_nothing_valid_is_closed_after_the_logon_timeout()
    {
        int port = StartGateway("LogonTimeout=1");
        using var strangers = new FixStrangers(port, 1, FixStrangers.Address, reopen: false);
        Eventually.True(() => strangers.ClosedByGateway == 1, "the silent connection is closed");
        Eventually.True(() => LogLines.AsText(_gateway!.Stderr).Contains("closed: no Logon within the logon timeout", StringComparison.Ordinal), "the close is logged with its reason");
    }

    [Fact]
    public void A_connection_trickling_bytes_is_closed_after_the_logon_timeout_all_the_same()
    {
        int port = StartGateway("LogonTimeout=2");
        using var strangers = new FixStrangers(port, 1, FixStrangers.Address, greeting: "8=FIX.4.4\u00019=200\u000135=A\u000134=1\u0001",
            reopen: false, trickle: TimeSpan.FromMilliseconds(200));
        Eventually.True(() => strangers.ClosedByGateway == 1, "the slow connection is closed");
        Eventually.True(() => LogLines.AsText(_gateway!.Stderr).Contains("closed: no Logon within the logon timeout", StringComparison.Ordinal), "the close is logged with its reason");
    }

    [Fact]
    public void A_first_message_longer_than_a_logon_may_be_is_closed_at_once()
    {
        int port = StartGateway("LogonTimeout=60");
        using var strangers = new FixStrangers(port, 1, FixStrangers.Address, greeting: "8=FIX.4.4\u00019=100000\u0001" + new string('x', 8000), reopen: false);
        Eventually.True(() => strangers.ClosedByGateway == 1, "the connection is closed");
    }

    [Fact]
    public void Past_the_cap_the_oldest_connection_not_logged_on_is_evicted_for_a_new_one()
    {
        int port = StartGateway("LogonTimeout=60\nMaxPendingConnections=8");
        using var strangers = new FixStrangers(port, 8, FixStrangers.Address, reopen: false);
        Eventually.True(() => strangers.Opened == 8, "the strangers have connected");
        using var broker = LogOnWithin(port, "BROKER1", Timeouts.Prompt);
        Eventually.True(() => strangers.ClosedByGateway == 1, "one stranger is evicted");
        Eventually.True(() => LogLines.AsText(_gateway!.Stderr).Contains("evicted", StringComparison.Ordinal), "the eviction is logged");
    }
}
