// A client listener that records what it is told, and a loop that polls clients until a condition holds.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.System.Tests;

internal sealed class RecordingListener : ClientListener
{
    public readonly List<(int Shard, OrderAccepted E)> Accepted = [];
    public readonly List<(int Shard, CommandRejected E)> Rejected = [];
    public readonly List<(int Shard, Fill E)> Fills = [];
    public readonly List<(int Shard, OrderCancelled E)> Cancelled = [];
    public readonly List<(int Shard, LevelChanged E)> Levels = [];
    public readonly List<int> Disconnected = [];
    public readonly List<(int Shard, LogoutReason Reason)> Logouts = [];
    public readonly List<AccountPermissionChanged> Permissions = [];
    public readonly List<BalanceChanged> Balances = [];

    public override void OnAccepted(in OrderAccepted e) => Accepted.Add((EventShard, e));
    public override void OnRejected(in CommandRejected e) => Rejected.Add((EventShard, e));
    public override void OnFill(in Fill e) => Fills.Add((EventShard, e));
    public override void OnCancelled(in OrderCancelled e) => Cancelled.Add((EventShard, e));
    public override void OnLevel(in LevelChanged e) => Levels.Add((EventShard, e));
    public override void OnDisconnected(int shard) => Disconnected.Add(shard);
    public override void OnLogout(int shard, LogoutReason reason) => Logouts.Add((shard, reason));
    public override void OnPermissionChanged(in AccountPermissionChanged e) => Permissions.Add(e);
    public override void OnBalance(in BalanceChanged e) => Balances.Add(e);

    public string Describe() =>
        $"accepted {Accepted.Count} rejected [{string.Join(", ", Rejected.Select(r => r.E.Reason))}] fills [{string.Join(", ", Fills.Select(f => $"{f.Shard}:{f.E.Symbol}:{f.E.Quantity}"))}] " +
        $"cancelled {Cancelled.Count} levels {Levels.Count} disconnected {Disconnected.Count} logouts {Logouts.Count}";

    /// <summary>The resting quantity the market data last showed at a price.</summary>
    public long LevelQuantity(int symbol, Side side, long price)
    {
        for (int i = Levels.Count - 1; i >= 0; i--)
        {
            var level = Levels[i].E;
            if (level.Symbol == symbol && level.Side == side && level.Price == price) return level.Quantity;
        }
        return -1;
    }
}

internal static class Clients
{
    /// <summary>Logs on to every shard. Heartbeats every second: the tests poll their clients only while they wait
    /// for something, and a session is dropped after three silent intervals.</summary>
    public static ExchangeClient<RecordingListener> Connect(string apiKey, params ShardEndpoint[] shards)
    {
        var client = new ExchangeClient<RecordingListener>(
            new ClientOptions { ApiKey = apiKey, Shards = shards, HeartbeatIntervalMs = 2000 }, new RecordingListener());
        client.Connect(TimeSpan.FromSeconds(15));
        return client;
    }

    public static void PollUntil(Func<bool> done, TimeSpan timeout, params Func<int>[] polls) => PollUntil(done, timeout, () => "", polls);

    public static void PollUntil(Func<bool> done, TimeSpan timeout, Func<string> describe, params Func<int>[] polls)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached in time: " + describe());
            int work = 0;
            foreach (var poll in polls) work += poll();
            if (work == 0) Thread.Sleep(0);
        }
    }
}

