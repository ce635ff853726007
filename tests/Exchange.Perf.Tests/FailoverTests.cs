// exchange-perf failover against a real etcd and three real engine processes: the leader killed once each way
// (SIGKILL, SIGSTOP past its lease, SIGTERM) under load from clients that follow the leader; nothing acknowledged is
// lost or sequenced twice, and the three members end with the same state.
using Exchange.Perf.Failover;
using Exchange.Testing;

namespace Exchange.Perf.Tests;

public sealed class FailoverTests : IDisposable
{
    private readonly TempDirectory _out = new("failover-tests-");

    public void Dispose() => _out.Dispose();

    [Fact]
    public void Killing_the_leader_each_way_loses_nothing_acknowledged_and_the_replicas_end_equal()
    {
        var log = new StringWriter();
        var result = FailoverBench.Run(new FailoverOptions { Kills = 3, Rate = 200, SecondsBetweenKills = 1 }, log);
        Assert.True(result.Failure == null, $"{result.Failure}\n{log}");
        Assert.Equal(["SIGKILL", "SIGSTOP", "SIGTERM"], result.Failovers.Select(f => f.Method));
        // The leadership moves every time, between the two sync members; the async one never leads.
        Assert.All(result.Failovers, f => Assert.NotEqual(f.Member, f.NewLeader));
        Assert.All(result.Failovers, f => Assert.Contains(f.NewLeader, new[] { "a", "b" }));
        Assert.True(result.Acknowledged > 500, $"{result.Acknowledged} acknowledged");
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Duplicated);
        Assert.True(result.ReplicasEqual, string.Join('\n', result.FinalStates));
        Assert.Equal(3, result.FinalStates.Count);
        Assert.All(result.Failovers, f => Assert.False(double.IsNaN(f.RtoMillis), $"kill {f.Index}: no acknowledgement after it"));
        Assert.True(FailoverCommand.Passed(result));
        Assert.Contains("\"lost\": 0", FailoverCommand.Json(new FailoverOptions(), result));
    }
}
