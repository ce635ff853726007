// Order entry goes to the shard that owns the symbol, as the session's account, and what a shard answers comes
// back attributed to that shard.
using Exchange.Contract;
using Exchange.Sbe;

namespace Exchange.Client.Tests;

public class RoutingTests
{
    private struct Capture : ICommandHandler
    {
        public object? Command;
        public void On(in AddAccount c) => Command = c;
        public void On(in AddSymbol c) => Command = c;
        public void On(in HaltSymbol c) => Command = c;
        public void On(in ResumeSymbol c) => Command = c;
        public void On(in Deposit c) => Command = c;
        public void On(in Withdraw c) => Command = c;
        public void On(in SetAccountPermission c) => Command = c;
        public void On(in NewOrder c) => Command = c;
        public void On(in CancelOrder c) => Command = c;
        public void On(in ReplaceOrder c) => Command = c;
        public void On(in MassCancel c) => Command = c;
        public void On(in LeaderTerm c) => Command = c;
        public void On(in ExpireOrders c) => Command = c;
    }

    private static List<object> Commands(FakeEngine engine) =>
        engine.Read(e => e.Orders.Select(bytes =>
        {
            var capture = new Capture();
            Assert.Equal(SbeError.None, CommandCodec.Decode(bytes, ref capture));
            return capture.Command!;
        }).ToList());

    /// <summary>A client logged on to <paramref name="engine"/> alone, which owns symbol 1.</summary>
    private static ExchangeClient<RecordingListener> LoggedOn(FakeEngine engine)
    {
        var client = ExchangeClient.Create(new ClientOptions
        {
            ApiKey = "mm-key",
            Shards = [new ShardEndpoint(engine.Channel, [1])],
            Transport = FakeEngine.FastOptions,
        }, new RecordingListener());
        client.Connect(TimeSpan.FromSeconds(10));
        return client;
    }

    private static NewOrder Buy(long id, int symbol) => new(0, id, symbol, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 60_000, 1_000_000);

    [Fact]
    public void Each_command_goes_to_the_shard_that_owns_its_symbol_as_the_session_account()
    {
        using var a = new FakeEngine { Account = 1001 };
        using var b = new FakeEngine { Account = 1001 };
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(new ClientOptions
        {
            ApiKey = "mm-key",
            Shards = [new ShardEndpoint(a.Channel, [1]), new ShardEndpoint(b.Channel, [2, 3])],
            Transport = FakeEngine.FastOptions,
        }, listener);

        Assert.Equal(SendResult.NotLoggedOn, client.NewOrder(Buy(1, 1)));
        client.Connect(TimeSpan.FromSeconds(10));

        Assert.True(client.NewOrder(Buy(1, 1) with { Account = 555 }) > 0);
        Assert.True(client.NewOrder(Buy(2, 2)) > 0);
        Assert.True(client.Cancel(3, 2) > 0);
        Assert.True(client.Replace(1, 1, 4, 60_010, 2_000_000) > 0);
        Assert.True(client.MassCancel(2, Side.Sell) > 0);
        Assert.True(client.MassCancel() > 0);
        Assert.Equal(SendResult.UnknownSymbol, client.NewOrder(Buy(9, 9)));
        Assert.Equal(SendResult.UnknownSymbol, client.Cancel(9, 1));
        Assert.Equal(SendResult.UnknownSymbol, client.Replace(9, 1, 2, 1, 1));
        Assert.Equal(SendResult.UnknownSymbol, client.MassCancel(9));

        Assert.True(Wait.Until(client, () => a.Read(e => e.Orders.Count) == 3 && b.Read(e => e.Orders.Count) == 4));
        Assert.Equal<object>([Buy(1, 1) with { Account = 1001 }, new ReplaceOrder(1001, 1, 4, 60_010, 2_000_000), new MassCancel(1001, -1, Side.None)], Commands(a));
        Assert.Equal<object>([Buy(2, 2) with { Account = 1001 }, new CancelOrder(1001, 2), new MassCancel(1001, 2, Side.Sell), new MassCancel(1001, -1, Side.None)],
            Commands(b));
    }

    [Fact]
    public void Stop_and_stop_limit_orders_reach_the_shard_with_their_stop_price()
    {
        using var a = new FakeEngine { Account = 1001 };
        using var client = LoggedOn(a);

        var stop = new NewOrder(0, 1, 1, Side.Sell, OrderType.Stop, TimeInForce.ImmediateOrCancel, 0, 1_000_000, StopPrice: 59_000);
        var stopLimit = new NewOrder(0, 2, 1, Side.Buy, OrderType.StopLimit, TimeInForce.GoodTillCancel, 61_010, 1_000_000, StopPrice: 61_000);
        Assert.True(client.NewOrder(stop) > 0);
        Assert.True(client.NewOrder(stopLimit) > 0);

        Assert.True(Wait.Until(client, () => a.Read(e => e.Orders.Count) == 2));
        Assert.Equal<object>([stop with { Account = 1001 }, stopLimit with { Account = 1001 }], Commands(a));
    }

    [Fact]
    public void An_iceberg_reaches_the_shard_with_its_display_quantity()
    {
        using var a = new FakeEngine { Account = 1001 };
        using var client = LoggedOn(a);

        var iceberg = new NewOrder(0, 1, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 61_000, 5_000_000, DisplayQuantity: 1_000_000);
        Assert.True(client.NewOrder(iceberg) > 0);

        Assert.True(Wait.Until(client, () => a.Read(e => e.Orders.Count) == 1));
        Assert.Equal<object>([iceberg with { Account = 1001 }], Commands(a));
    }

    [Fact]
    public void Day_and_gtd_orders_reach_the_shard_with_their_time_in_force_and_expire_time()
    {
        using var a = new FakeEngine { Account = 1001 };
        using var client = LoggedOn(a);

        var gtd = new NewOrder(0, 1, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillDate, 61_000, 1_000_000, ExpireTime: 1_796_464_800_000_000_000);
        var day = new NewOrder(0, 2, 1, Side.Buy, OrderType.Limit, TimeInForce.Day, 59_000, 1_000_000);
        Assert.True(client.NewOrder(gtd) > 0);
        Assert.True(client.NewOrder(day) > 0);

        Assert.True(Wait.Until(client, () => a.Read(e => e.Orders.Count) == 2));
        Assert.Equal<object>([gtd with { Account = 1001 }, day with { Account = 1001 }], Commands(a));
    }

    [Fact]
    public void Responses_are_attributed_to_the_shard_that_sent_them()
    {
        using var a = new FakeEngine { AcknowledgeOrders = true };
        using var b = new FakeEngine { AcknowledgeOrders = true };
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(new ClientOptions
        {
            ApiKey = "mm-key",
            Shards = [new ShardEndpoint(a.Channel, [1]), new ShardEndpoint(b.Channel, [2])],
            Transport = FakeEngine.FastOptions,
        }, listener);
        client.Connect(TimeSpan.FromSeconds(10));

        Assert.True(client.NewOrder(Buy(10, 2)) > 0);
        Assert.True(client.NewOrder(Buy(11, 1)) > 0);
        Assert.True(Wait.Until(client, () => listener.Of("Accepted").Count() == 2));
        var accepted = listener.Of("Accepted").ToDictionary(c => ((OrderAccepted)c.Event!).ClientOrderId, c => c.Shard);
        Assert.Equal(1, accepted[10]);
        Assert.Equal(0, accepted[11]);
        Assert.All(listener.Of("Accepted"), c => Assert.Equal(100, c.Sequence));
        Assert.Equal(1_700_000_000_000_000_000, client.LastTimestamp);
    }

    [Fact]
    public void Market_data_from_a_shard_reaches_the_listener()
    {
        using var engine = new FakeEngine();
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(new ClientOptions
        {
            ApiKey = "mm-key",
            Shards = [new ShardEndpoint(engine.Channel, [1])],
            Transport = FakeEngine.FastOptions,
        }, listener);
        client.Connect(TimeSpan.FromSeconds(10));
        engine.Post(e =>
        {
            var writer = new SbeEventWriter(256) { Sequence = 41 };
            writer.OnBestBidOffer(new BestBidOffer(1, 59_990, 1_000_000, 60_010, 2_000_000));
            e.Publish(writer.Written[SbeEventWriter.LengthPrefix..]);
        });
        Assert.True(Wait.Until(client, () => listener.Of("BestBidOffer").Any()));
        Assert.Equal(new Call("BestBidOffer", 0, 41, new BestBidOffer(1, 59_990, 1_000_000, 60_010, 2_000_000)), listener.Calls[^1]);
    }
}
