// One engine and one gateway, real child processes on loopback, shared by the tests of a class: the brokers'
// sessions of Processes.BrokerSessions (order entry on accounts 2001 and 2002, one drop copy of both).
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class GatewayFixture : IDisposable
{
    private readonly TempDirectory _dir = new("gateway-tests-");
    private readonly ChildProcess _engine, _gateway;

    public GatewayFixture()
    {
        _engine = Processes.StartEngine(out int enginePort);
        try
        {
            string settings = _dir.Combine("sessions.cfg");
            File.WriteAllText(settings, Processes.BrokerSessions(_dir.Combine("store")));
            _gateway = Processes.StartGateway(settings, enginePort, out int port,
                new Dictionary<string, string> { ["EXCHANGE_COUNTERS_DIR"] = CountersDirectory });
            Port = port;
        }
        catch
        {
            _engine.Dispose();
            _dir.Dispose();
            throw;
        }
    }

    public int Port { get; }

    /// <summary>The engine process (its status lines say how many client connections and sessions it has).</summary>
    public ChildProcess Engine => _engine;

    /// <summary>Where the gateway publishes its counters (a directory of this fixture's own).</summary>
    public string CountersDirectory => _dir.Combine("counters");

    /// <summary>What the gateway wrote to stderr so far.</summary>
    public string GatewayStderr => _gateway.Stderr;

    public void Dispose()
    {
        _gateway.Dispose();
        _engine.Dispose();
        _dir.Dispose();
    }
}
