// Options are checked once, at construction, and a bad one is refused with a message that names it.
namespace Exchange.Client.Tests;

public class OptionsTests
{
    private static readonly ClientOptions Good = new()
    {
        ApiKey = "mm-key",
        Shards = [new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:40123", [1, 2]), new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:40124", [3])],
    };

    public static TheoryData<string, ClientOptions> Bad() => new()
    {
        { "ApiKey is required", Good with { ApiKey = "" } },
        { "ApiKey must be printable ASCII", Good with { ApiKey = "clé" } },
        { "ApiKey must be printable ASCII", Good with { ApiKey = new string('k', 1025) } },
        { "Account -5 is negative", Good with { Account = -5 } },
        { "Shards must list at least one engine shard", Good with { Shards = [] } },
        { "shard 0: Channel is required", Good with { Shards = [new ShardEndpoint("", [1])] } },
        { "shard 1: channel 'udp://127.0.0.1:1'", Good with { Shards = [Good.Shards[0], new ShardEndpoint("udp://127.0.0.1:1", [3])] } },
        { "shard 0: channel 'aeron:udp?endpoint=127.0.0.1:40123|color=red'", Good with { Shards = [new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:40123|color=red", [1])] } },
        { "shard 0: Symbols is required (it may be empty)", Good with { Shards = [new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:1", null!)] } },
        { "shard 0: symbol id -1 is negative", Good with { Shards = [new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:1", [-1])] } },
        { "shard 0: symbol 4 is listed twice", Good with { Shards = [new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:1", [4, 4])] } },
        { "symbol 2 is listed by shard 0 and shard 1", Good with { Shards = [Good.Shards[0], new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:2", [2])] } },
        { "ResponseHost is required", Good with { ResponseHost = " " } },
        { "TermLength 1000000 is not a power of two", Good with { TermLength = 1_000_000 } },
        { "TermLength 32768 is not a power of two", Good with { TermLength = 32 * 1024 } },
        { "IdleStrategy 'lazy' is not one of busy-spin, yield, backoff", Good with { TransportThread = true, IdleStrategy = "lazy" } },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Bad_options_are_refused_with_a_message_naming_the_problem(string expected, ClientOptions options)
    {
        var e = Assert.Throws<ArgumentException>(() => ExchangeClient.Create(options, new RecordingListener()));
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Good_options_bind_a_response_port_per_shard_and_name_it_in_the_response_channel()
    {
        using var client = ExchangeClient.Create(Good with { Transport = FakeEngine.FastOptions }, new RecordingListener());
        Assert.Equal(2, client.ShardCount);
        string a = client.ResponseChannelOf(0), b = client.ResponseChannelOf(1);
        Assert.Matches(@"^aeron:udp\?endpoint=127\.0\.0\.1:\d+\|term-length=1048576$", a);
        Assert.Matches(@"^aeron:udp\?endpoint=127\.0\.0\.1:\d+\|term-length=1048576$", b);
        Assert.Equal(client.ShardAt(0).Responses!.LocalEndPoint.Port, client.ShardAt(0).MarketData!.LocalEndPoint.Port);
        Assert.NotEqual(client.ShardAt(0).Responses!.LocalEndPoint.Port, client.ShardAt(1).Responses!.LocalEndPoint.Port);
        Assert.EndsWith($":{client.ShardAt(1).Responses!.LocalEndPoint.Port}|term-length=1048576", b);
        Assert.All(Enumerable.Range(0, 2), i => Assert.Equal(ShardState.Idle, client.StateOf(i)));
    }

    [Fact]
    public void Symbols_map_to_their_shard_and_unknown_ones_to_none()
    {
        using var client = ExchangeClient.Create(Good with { Shards = [.. Good.Shards, new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:40125", [100_000])] },
            new RecordingListener());
        Assert.Equal(0, client.ShardOf(1));
        Assert.Equal(0, client.ShardOf(2));
        Assert.Equal(1, client.ShardOf(3));
        Assert.Equal(2, client.ShardOf(100_000));
        Assert.Equal(-1, client.ShardOf(4));
        Assert.Equal(-1, client.ShardOf(-1));
    }

    [Fact]
    public void The_client_uses_its_term_length_unless_the_engine_channel_sets_one()
    {
        using var client = ExchangeClient.Create(Good with
        {
            TermLength = 64 * 1024,
            Shards = [new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:40123", [1]), new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:40124|term-length=128k", [2])],
        }, new RecordingListener());
        Assert.Equal(64 * 1024, client.ShardAt(0).Publication.Channel.TermLength);
        Assert.Equal(128 * 1024, client.ShardAt(1).Publication.Channel.TermLength);
        Assert.EndsWith("|term-length=65536", client.ResponseChannelOf(0));
    }
}
