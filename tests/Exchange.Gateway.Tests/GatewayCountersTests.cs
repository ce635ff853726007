// The gateway's counters, read from outside as exchange-stat reads them: sessions by state and application traffic
// move as a broker logs on and trades.
using Exchange.Runtime;
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class GatewayCountersTests(GatewayFixture gateway)
{
    private long Value(string name, string labels = "")
    {
        var readers = CountersReader.OpenAll(gateway.CountersDirectory);
        try
        {
            var process = Assert.Single(readers);
            Assert.Equal("exchange-gateway", process.ProcessName);
            return process.Read().Single(c => c.Name == name && c.Labels == labels).Value;
        }
        finally { foreach (var r in readers) r.Dispose(); }
    }

    [Fact]
    public void The_alert_rules_and_the_dashboard_name_only_gateway_metrics_the_gateway_publishes()
    {
        var readers = CountersReader.OpenAll(gateway.CountersDirectory);
        string exposition;
        try { exposition = PrometheusText.Format(readers.Select(r => (r.ProcessName, r.Pid, (IReadOnlyList<CounterValue>)r.Read())).ToList()); }
        finally { foreach (var r in readers) r.Dispose(); }
        var declared = OpsFiles.Declared(exposition);
        Assert.Contains("exchange_fix_sessions", declared);
        foreach (string file in new[] { OpsFiles.AlertRules, OpsFiles.Dashboard })
        {
            var named = OpsFiles.MetricFamilies(file).Where(f => f.StartsWith("exchange_fix_", StringComparison.Ordinal) || f.StartsWith("exchange_gateway_", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(named);
            foreach (string family in named)
                Assert.True(declared.Contains(family), $"{Path.GetFileName(file)} names {family}, which the gateway does not publish");
        }
    }

    [Fact]
    public void Sessions_by_state_and_application_messages_are_counted()
    {
        long orders = Value("fix_application_messages_received", "msg_type=\"D\"");
        long reports = Value("fix_execution_reports_sent");
        using var broker = FixTestClient.LoggedOn(gateway.Port, "BROKER1");
        Eventually.True(() => Value("fix_sessions", "state=\"logged_on\"") >= 1, "the logged-on session is counted", TimeSpan.FromSeconds(10));
        Assert.True(Value("gateway_engine_sessions", "state=\"up\"") >= 1);

        string clOrdId = $"M-{Guid.NewGuid():N}"[..20];
        broker.Send("D", $"11={clOrdId}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50010|59=1|");
        broker.WaitFor("8", m => m[11] == clOrdId && m[150] == "0");
        Assert.Equal(orders + 1, Value("fix_application_messages_received", "msg_type=\"D\""));
        Assert.True(Value("fix_execution_reports_sent") > reports);
        broker.Send("F", $"11={clOrdId}-C|41={clOrdId}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|");
        broker.WaitFor("8", m => m[11] == $"{clOrdId}-C");
    }
}
