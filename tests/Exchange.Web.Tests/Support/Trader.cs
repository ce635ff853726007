// A market maker beside the web users: the binary client library on an account of its own (1001 or 1002), on a
// thread of its own that polls it, so the test thread only asks it to place orders and waits for their answers.
using System.Collections.Concurrent;
using Exchange.Client;
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class Trader : IDisposable
{
    private readonly ExchangeClient<Listener> _client;
    private readonly ConcurrentQueue<Action> _work = new();
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _nextId = 1;

    public Trader(string engineChannel, string apiKey)
    {
        _client = ExchangeClient.Create(new ClientOptions { ApiKey = apiKey, Shards = [new ShardEndpoint(engineChannel, [])], CancelOnDisconnect = true },
            new Listener());
        _client.Connect(Timeouts.Prompt);
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                while (_work.TryDequeue(out var action)) action();
                if (_client.Poll() == 0) Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = $"trader {apiKey}" };
        _thread.Start();
    }

    public sealed class Listener : ClientListener
    {
        public int Accepted, Rejected;
        public override void OnAccepted(in OrderAccepted e) => Interlocked.Increment(ref Accepted);
        public override void OnRejected(in CommandRejected e) => Interlocked.Increment(ref Rejected);
    }

    public int Accepted => Volatile.Read(ref _client.Listener.Accepted);
    public int Rejected => Volatile.Read(ref _client.Listener.Rejected);

    /// <summary>Sends a limit order (engine units: BTC-USD price in dollars, quantity in satoshis); returns its client order id.</summary>
    public long Limit(Side side, long price, long quantity, TimeInForce tif = TimeInForce.GoodTillCancel, int symbol = 1)
    {
        long id = Interlocked.Increment(ref _nextId);
        _work.Enqueue(() =>
        {
            while (_client.NewOrder(new NewOrder(0, id, symbol, side, OrderType.Limit, tif, price, quantity)) < 0) _client.Poll();
        });
        return id;
    }

    /// <summary>Waits until the engine has answered <paramref name="count"/> orders in all.</summary>
    public void WaitAnswered(int count) =>
        Eventually.True(() => Accepted + Rejected >= count, $"{count} orders answered (accepted {Accepted}, rejected {Rejected})", Timeouts.Process);

    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(10));
        _client.Dispose();
    }
}
