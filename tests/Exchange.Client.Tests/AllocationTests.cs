// The order path allocates nothing in steady state: encoding and offering new orders, replaces, cancels and mass
// cancels, and Poll (the transport's duty cycle, decoding the engine's acknowledgements into a struct listener,
// heartbeats). The fake engine runs on its own thread, so the counter of this thread sees only the client.
using Exchange.Contract;

namespace Exchange.Client.Tests;

public class AllocationTests
{
    [Fact]
    public void Sending_orders_and_polling_responses_allocates_nothing_after_warm_up()
    {
        using var engine = new FakeEngine { AcknowledgeOrders = true, RecordOrders = false };
        using var client = ExchangeClient.Create(new ClientOptions
        {
            ApiKey = "mm-key",
            Shards = [new ShardEndpoint(engine.Channel, [1, 2])],
            Transport = FakeEngine.FastOptions,
        }, new CountingListener());
        client.Connect(TimeSpan.FromSeconds(10));

        long id = 0;
        long backPressured = 0;
        void Run(int rounds)
        {
            for (int i = 0; i < rounds; i++)
            {
                id++;
                var order = new NewOrder(0, id, (int)(id & 1) + 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 60_000, 1_000_000);
                while (client.NewOrder(order) < 0) { backPressured++; client.Poll(); }
                while (client.Replace(order.Symbol, id, id + 1_000_000_000, 60_001, 2_000_000) < 0) { backPressured++; client.Poll(); }
                while (client.Cancel(order.Symbol, id + 1_000_000_000) < 0) { backPressured++; client.Poll(); }
                if (i % 100 == 0)
                    while (client.MassCancel() < 0) { backPressured++; client.Poll(); }
                client.Poll();
            }
            // Let every acknowledgement arrive.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (client.Listener.Accepted < id && DateTime.UtcNow < deadline) client.Poll();
        }

        Run(5_000);
        Assert.Equal(5_000, client.Listener.Accepted);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(20_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(25_000, client.Listener.Accepted);
        Assert.Equal(0, allocated);
        Assert.Equal(0, client.MalformedMessages);
        Assert.True(Wait.Until(client, () => engine.Read(e => e.OrdersReceived) == 25_000 * 3 + 250));
    }
}
