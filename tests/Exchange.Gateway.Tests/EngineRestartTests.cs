// The gateway follows an engine restart: it notices the engine session is lost, answers every request it had in
// flight and every new one with the reason, logs on again when the engine is back on the same port and journal, and
// brokers trade again, against orders that rested in the book before the crash too.
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class EngineRestartTests : IDisposable
{
    private const string Reason = "Exchange unavailable: engine session lost, reconnecting";

    private readonly TempDirectory _dir = new();
    private readonly int _enginePort = Ports.FreeUdp();
    private ChildProcess _engine;
    private readonly ChildProcess _gateway;
    private readonly int _port;

    public EngineRestartTests()
    {
        _engine = StartEngine();
        string settings = _dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(_dir.Combine("store")));
        _gateway = Processes.StartGateway(settings, _enginePort, out _port);
    }

    private ChildProcess StartEngine() => Processes.StartEngine(out _, _enginePort, _dir.Combine("journal"));

    public void Dispose()
    {
        _gateway.Dispose();
        _engine.Dispose();
        _dir.Dispose();
    }

    private static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static string Order(string clOrdId, char side, string price, string tif = "1") =>
        $"11={clOrdId}|55=BTC-USD|54={side}|60={FixTestClient.Timestamp()}|38=0.05|40=2|44={price}|59={tif}|";

    private FixTestClient LoggedOn(string broker)
    {
        var client = new FixTestClient(_port, broker);
        client.Logon();
        return client;
    }

    private void WaitForEngineSession(string broker) =>
        Eventually.True(() => LogLines.AsText(_gateway.Stderr).Contains($"EXCH->{broker}: engine session restored", StringComparison.Ordinal),
            $"the gateway logs {broker} on to the engine again", Timeouts.Process);

    [Fact]
    public void After_the_engine_is_killed_orders_are_answered_with_the_reason_and_after_its_restart_brokers_trade_again()
    {
        using var seller = LoggedOn("BROKER2");
        using var buyer = LoggedOn("BROKER1");
        string resting = Id("S");
        seller.Send("D", Order(resting, '2', "51000"));
        seller.WaitFor("8", m => m[11] == resting && m[150] == "0");

        _engine.Kill();
        string whileDown = Id("B");
        buyer.Send("D", Order(whileDown, '1', "51000"));
        var refused = buyer.WaitFor("8", m => m[11] == whileDown, (int)Timeouts.Process.TotalMilliseconds);
        Assert.Equal(("8", "8", Reason), (refused[150], refused[39], refused[58]));

        _engine.Dispose();
        _engine = StartEngine();
        WaitForEngineSession("BROKER1");
        WaitForEngineSession("BROKER2");

        string after = Id("B");
        buyer.Send("D", Order(after, '1', "51000", tif: "3"));
        var bought = buyer.WaitFor("8", m => m[11] == after && m[150] == "F", (int)Timeouts.Process.TotalMilliseconds);
        Assert.Equal(("0.05", "51000"), (bought[32], bought[31]));
        var sold = seller.WaitFor("8", m => m[11] == resting && m[150] == "F", (int)Timeouts.Process.TotalMilliseconds);
        Assert.Equal(("2", "0.05"), (sold[39], sold[32]));
    }

    [Fact]
    public void Requests_in_flight_when_the_engine_session_is_lost_are_answered_with_the_reason()
    {
        using var broker = LoggedOn("BROKER1");
        string resting = Id("R");
        broker.Send("D", Order(resting, '1', "50010"));
        broker.WaitFor("8", m => m[11] == resting && m[150] == "0");

        // A stopped engine takes what is sent and answers nothing, until the gateway declares its session lost.
        _engine.Signal(Signal.Stop);
        string newOrder = Id("N"), cancel = Id("C");
        broker.Send("D", Order(newOrder, '1', "50011"));
        broker.Send("F", $"11={cancel}|41={resting}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|");

        var rejected = broker.WaitFor("8", m => m[11] == newOrder, (int)Timeouts.Process.TotalMilliseconds);
        Assert.Equal(("8", "8", Reason), (rejected[150], rejected[39], rejected[58]));
        var cancelReject = broker.WaitFor("9", m => m[11] == cancel, (int)Timeouts.Process.TotalMilliseconds);
        Assert.Equal((resting, Reason), (cancelReject[41], cancelReject[58]));
        Eventually.True(() => LogLines.AsText(_gateway.Stderr).Contains("EXCH->BROKER1: engine session lost", StringComparison.Ordinal), "the loss is logged");
    }

    [Fact]
    public void While_the_engine_is_down_the_gateway_keeps_logging_on_again_and_says_so()
    {
        using var broker = LoggedOn("BROKER1");
        _engine.Kill();
        Eventually.True(() => LogLines.AsText(_gateway.Stderr).Contains("EXCH->BROKER1: logging on to the engine again (attempt 2)", StringComparison.Ordinal),
            "the gateway tries again with backoff", Timeouts.Process);
        string clOrdId = Id("D");
        broker.Send("D", Order(clOrdId, '1', "50020"));
        Assert.Equal(Reason, broker.WaitFor("8", m => m[11] == clOrdId)[58]);
    }
}
