// What the load generator drives: one client session of some kind (the binary SBE client now; FIX through the
// gateway as another kind), each with its own OrderTracker fed by the session's execution reports.
using Exchange.Client;
using Exchange.Contract;

namespace Exchange.Perf.E2e;

public interface ILoadClient : IDisposable
{
    OrderTracker Tracker { get; }
    /// <summary>The session ended under the run (a failure).</summary>
    bool Disconnected { get; }
    /// <summary>Each returns &gt; 0 when sent, <see cref="SendResult.BackPressured"/> to try again later, else an error.</summary>
    long NewOrder(in SymbolMarket market, long clientOrderId, Side side, TimeInForce timeInForce, long price, long quantity);
    long Cancel(in SymbolMarket market, long clientOrderId);
    long Replace(in SymbolMarket market, long origClientOrderId, long clientOrderId, long price, long quantity);
    /// <summary>Does the session's I/O and delivers what arrived to the tracker; returns the work done.</summary>
    int Poll();
    /// <summary>Ends the session politely (logout) before disposal.</summary>
    void Close();
    /// <summary>What the generator may park on between polls to wake when a response arrives (null: sleep).</summary>
    Exchange.Runtime.IParker? Parker => null;
    /// <summary>Logged on, or refused: polling it longer will not change that (a client that logs on in its constructor
    /// is always settled).</summary>
    bool Settled => true;
    /// <summary>Once every session is <see cref="Settled"/> or the wait is over: returns if logged on, else throws why not
    /// (refused, or no answer within <paramref name="timeout"/>).</summary>
    void FinishLogon(TimeSpan timeout) { }
}

/// <summary>The market makers' binary client: SBE over the UDP transport, straight to the engine.</summary>
public sealed class BinaryLoadClient : ILoadClient
{
    private readonly ExchangeClient<SessionListener> _client;

    public BinaryLoadClient(string channel, string apiKey, int[] symbols, OrderTracker tracker, bool clearKeyLogon = false)
    {
        _client = new ExchangeClient<SessionListener>(new ClientOptions
        {
            ClearKeyLogon = clearKeyLogon,
            ApiKey = apiKey,
            Shards = [new ShardEndpoint(channel, symbols)],
            HeartbeatIntervalMs = 1000,
            TermLength = 16 << 20,
        }, new SessionListener(tracker));
        // Logs on as it is polled, beside the run's other sessions (see LoadGenerator.LogOn).
        _client.Reconnect();
    }

    public bool Settled => _client.StateOf(0) != ShardState.LoggingOn;

    public void FinishLogon(TimeSpan timeout) => _client.Connect(timeout);

    public OrderTracker Tracker => _client.Listener.Tracker;
    public bool Disconnected => _client.Listener.Disconnected;

    public long NewOrder(in SymbolMarket market, long clientOrderId, Side side, TimeInForce timeInForce, long price, long quantity) =>
        _client.NewOrder(new NewOrder(0, clientOrderId, market.Id, side, OrderType.Limit, timeInForce, price, quantity));

    public long Cancel(in SymbolMarket market, long clientOrderId) => _client.Cancel(market.Id, clientOrderId);

    public long Replace(in SymbolMarket market, long origClientOrderId, long clientOrderId, long price, long quantity) =>
        _client.Replace(market.Id, origClientOrderId, clientOrderId, price, quantity);

    public int Poll() => _client.Poll();

    public Exchange.Runtime.IParker? Parker => _client.Parker;

    public void Close()
    {
        if (_client.IsConnected) _client.Logout(TimeSpan.FromSeconds(2));
    }

    public void Dispose() => _client.Dispose();
}
