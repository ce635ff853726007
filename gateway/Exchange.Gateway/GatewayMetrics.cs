// The FIX gateway's counters, in the process's counters file (exchange-stat reads them): FIX sessions by state, the
// order-entry sessions' engine connections, application messages in by type, business rejects and execution reports
// out. Written by the gateway's one thread.
using Exchange.Fix.Session;

namespace Exchange.Gateway;

internal sealed class GatewayMetrics(CountersFile file)
{
    private readonly Counter _loggedOn = file.Add("fix_sessions", CounterKind.Gauge, "FIX sessions by state", "state=\"logged_on\"");
    private readonly Counter _connecting = file.Add("fix_sessions", CounterKind.Gauge, "FIX sessions by state", "state=\"connected_not_logged_on\"");
    private readonly Counter _disconnected = file.Add("fix_sessions", CounterKind.Gauge, "FIX sessions by state", "state=\"disconnected\"");
    private readonly Counter _enginesUp = file.Add("gateway_engine_sessions", CounterKind.Gauge, "Order-entry sessions' engine connections by state", "state=\"up\"");
    private readonly Counter _enginesDown = file.Add("gateway_engine_sessions", CounterKind.Gauge, "Order-entry sessions' engine connections by state", "state=\"down\"");
    private readonly Counter[] _received =
    [
        file.Add("fix_application_messages_received", CounterKind.Total, "Application messages from brokers, by type", "msg_type=\"D\""),
        file.Add("fix_application_messages_received", CounterKind.Total, "Application messages from brokers, by type", "msg_type=\"F\""),
        file.Add("fix_application_messages_received", CounterKind.Total, "Application messages from brokers, by type", "msg_type=\"G\""),
        file.Add("fix_application_messages_received", CounterKind.Total, "Application messages from brokers, by type", "msg_type=\"H\""),
        file.Add("fix_application_messages_received", CounterKind.Total, "Application messages from brokers, by type", "msg_type=\"q\""),
        file.Add("fix_application_messages_received", CounterKind.Total, "Application messages from brokers, by type", "msg_type=\"other\""),
    ];
    public readonly Counter ExecutionReports = file.Add("fix_execution_reports_sent", CounterKind.Total, "Execution reports sent to order-entry sessions");
    public readonly Counter BusinessRejects = file.Add("fix_business_rejects_sent", CounterKind.Total, "Business message rejects sent");
    private long _publishedAt;

    public void Received(ReadOnlySpan<byte> msgType)
    {
        int i = msgType.Length != 1 ? 5 : msgType[0] switch { (byte)'D' => 0, (byte)'F' => 1, (byte)'G' => 2, (byte)'H' => 3, (byte)'q' => 4, _ => 5 };
        _received[i].Increment();
    }

    /// <summary>What /ready answers, from the levels last published (read on the operator endpoint's thread): ready
    /// once every order-entry session's engine connection is up.</summary>
    public (bool Ready, string Reason) Readiness()
    {
        if (!_published) return (false, "starting");
        long up = _enginesUp.Value, down = _enginesDown.Value;
        return down == 0 ? (true, $"connected to the engines ({up} engine sessions up)")
            : (false, $"{down} of {up + down} engine sessions down");
    }

    private volatile bool _published;

    /// <summary>The levels, every 100 ms of <paramref name="nowMillis"/>.</summary>
    public void Publish(long nowMillis, IReadOnlyList<FixSession> sessions, Func<IEnumerable<bool>> enginesUp)
    {
        if (nowMillis - _publishedAt < 100) return;
        _publishedAt = nowMillis;
        long loggedOn = 0, connecting = 0, disconnected = 0, up = 0, down = 0;
        foreach (var s in sessions)
        {
            if (s.IsLoggedOn) loggedOn++;
            else if (s.IsConnected) connecting++;
            else disconnected++;
        }
        foreach (bool engine in enginesUp()) { if (engine) up++; else down++; }
        _loggedOn.Set(loggedOn);
        _connecting.Set(connecting);
        _disconnected.Set(disconnected);
        _enginesUp.Set(up);
        _enginesDown.Set(down);
        _published = true;
        file.Heartbeat(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}
