// Leader election for a shard against a real etcd (Debian's, started by ops/servers/etcd.sh on free loopback ports):
// one leader at a time, terms that only grow, a resignation that frees the key at once, a leader that stops renewing
// loses the key after its TTL and fences itself before that.
using Exchange.Engine.Host;
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class EtcdFixture : IDisposable
{
    public EtcdServer Server { get; } = new();
    public void Dispose() => Server.Dispose();
}

public sealed class LeadershipTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>
{
    private static int _shard = 100;
    private readonly List<string> _log = [];

    private Leadership Member(int shard, string name, int ttlSeconds = 1, int keepAliveMs = 200) =>
        new(etcd.Server.Endpoint, shard, name, $"aeron:udp?endpoint=127.0.0.1:{40000 + name.Length}", ttlSeconds, TimeSpan.FromMilliseconds(keepAliveMs),
            new Exchange.Hosting.LogOutput(new Exchange.Hosting.LogSettings(Exchange.Hosting.LogFormat.Text), line => { lock (_log) _log.Add(line); }).For("leadership"));

    [Fact]
    public void One_member_leads_and_the_others_campaign_in_vain_while_its_lease_is_renewed()
    {
        int shard = Interlocked.Increment(ref _shard);
        // A TTL of 3 s renewed every 200 ms: a loaded machine that starves etcd or the renewing thread for a second or
        // two (a full test run with every server beside it did, with a TTL of 2 s) does not end the lease.
        using var a = Member(shard, "a", ttlSeconds: 3, keepAliveMs: 200);
        using var b = Member(shard, "b");

        Assert.True(a.TryCampaign());
        Assert.False(b.TryCampaign());
        // Half as long again as the TTL: renewals keep the key.
        Thread.Sleep(4_500);
        Assert.True(a.IsLeader, string.Join('\n', _log));
        Assert.False(b.TryCampaign());
        var leader = b.Leader()!;
        // The record names the lease that keeps the key (what a standby revokes to depose a silent leader).
        Assert.NotEqual(0, leader.Lease);
        Assert.Equal(new LeaderRecord("a", "aeron:udp?endpoint=127.0.0.1:40001", a.Term), leader with { Lease = 0 });
    }

    [Fact]
    public void A_resigning_leader_frees_the_key_at_once_and_the_next_term_is_higher()
    {
        int shard = Interlocked.Increment(ref _shard);
        using var a = Member(shard, "a", ttlSeconds: 30, keepAliveMs: 1_000);
        using var b = Member(shard, "b", ttlSeconds: 30, keepAliveMs: 1_000);
        Assert.True(a.TryCampaign());

        a.Resign();
        // No wait for a 30 s TTL.
        Assert.False(a.IsLeader);
        Assert.Null(b.Leader());
        Assert.True(b.TryCampaign());
        Assert.True(b.Term > a.Term, $"term {b.Term} after {a.Term}");
    }

    [Fact]
    public void A_leader_that_stops_renewing_fences_itself_and_loses_the_key_after_its_ttl()
    {
        int shard = Interlocked.Increment(ref _shard);
        var a = Member(shard, "a", ttlSeconds: 1, keepAliveMs: 200);
        using var b = Member(shard, "b");
        Assert.True(a.TryCampaign());
        long term = a.Term;
        // A leader that goes silent (killed, paused, cut off): here its renewals stop without a revoke.
        a.Dispose();
        var silent = global::System.Diagnostics.Stopwatch.StartNew();

        Eventually.True(() => !a.IsLeader, "the silent leader fences itself", TimeSpan.FromSeconds(5));
        long fencedAfter = silent.ElapsedMilliseconds;
        Eventually.True(() => b.TryCampaign(), "another member wins once the lease has ended", TimeSpan.FromSeconds(10), () => Thread.Sleep(50));
        long wonAfter = silent.ElapsedMilliseconds;
        Assert.True(b.Term > term);
        // It stepped down before anyone else could lead.
        Assert.True(fencedAfter < wonAfter, $"fenced after {fencedAfter} ms, the other won after {wonAfter} ms");
    }
}
