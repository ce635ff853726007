// A shard's leadership, held in etcd (consensus is etcd's, not ours). One key per shard, /exchange/shards/N/leader,
// names the leader (member name and the channel it listens on) and is written with a lease the leader keeps alive.
// - Winning is creating the key: a transaction that succeeds only while no key exists. The term of a leadership is
//   the etcd revision at which its key was created; revisions only grow, so any two leaderships are ordered, and the
//   term is the fencing token the journal and the replication stream carry.
// - A leadership ends when its lease does: not kept alive for its TTL (a dead, paused or cut-off leader), or revoked
//   (a leader resigning on SIGTERM: the key goes at once, so a standby need not wait out the TTL).
// - A leader fences itself: once it has not renewed its lease for TTL less a margin, it can no longer be sure the
//   lease still exists, and IsLeader turns false before etcd could let anyone else win. A renewal that then gets
//   through and finds the lease alive proves the key is still its own (no one can win while it exists), and it leads
//   again; a renewal that finds the lease gone ends the leadership for good.
// Every etcd call runs on this object's own thread; the engine thread only reads IsLeader and Term.
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Exchange.Engine.Host;

/// <summary>Who leads a shard: the member's name, its listen channel, the term of its leadership and the etcd lease that
/// keeps its key.</summary>
public sealed record LeaderRecord(string Member, string Channel, long Term, long Lease = 0);

public sealed class Leadership : IDisposable
{
    private readonly EtcdClient _client;
    private readonly ByteString _key;
    private readonly int _shard;
    private readonly string _member, _channel;
    private readonly int _ttlSeconds;
    private readonly TimeSpan _keepAliveInterval;
    private readonly Exchange.Hosting.Log _log;
    private readonly CancellationTokenSource _stop = new();
    private Thread? _keeper;
    private long _lease;
    private long _renewedAt;
    private volatile bool _leader;

    /// <param name="endpoints">etcd client URLs, comma-separated (e.g. http://127.0.0.1:2379).</param>
    /// <param name="ttlSeconds">The lease's TTL: how long a silent leader keeps the key (etcd's unit is the second).</param>
    /// <param name="keepAliveInterval">How often the leader renews; a few renewals per TTL ride out a slow one.</param>
    public Leadership(string endpoints, int shard, string member, string channel, int ttlSeconds, TimeSpan keepAliveInterval, Exchange.Hosting.Log log)
    {
        if (ttlSeconds < 1) throw new ArgumentOutOfRangeException(nameof(ttlSeconds), "etcd leases last whole seconds, at least one");
        if (keepAliveInterval <= TimeSpan.Zero || keepAliveInterval >= TimeSpan.FromSeconds(ttlSeconds))
            throw new ArgumentOutOfRangeException(nameof(keepAliveInterval), "renew more often than the lease lasts");
        _client = new EtcdClient(endpoints);
        _key = ByteString.CopyFromUtf8(KeyOf(shard));
        _shard = shard;
        _member = member;
        _channel = channel;
        _ttlSeconds = ttlSeconds;
        _keepAliveInterval = keepAliveInterval;
        _log = log;
    }

    public static string KeyOf(int shard) => $"/exchange/shards/{shard}/leader";

    /// <summary>Set while <paramref name="member"/> may lack inputs a leader acknowledged without it (see SyncMarks).</summary>
    public static string BehindKeyOf(int shard, string member) => $"/exchange/shards/{shard}/behind/{member}";

    /// <summary>As the leader: marks <paramref name="member"/> behind, or clears its mark, provided this member still
    /// holds the leader key of its term. False if it no longer does.</summary>
    public bool SetBehind(string member, bool behind)
    {
        var key = ByteString.CopyFromUtf8(BehindKeyOf(_shard, member));
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = _key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = Term });
        txn.Success.Add(behind
            ? new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFromUtf8($"term {Term}") } }
            : new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } });
        return _client.Transaction(txn).Succeeded;
    }

    /// <summary>Whether a leader has marked this member behind: it cannot win a campaign until a leader clears it.</summary>
    public bool MarkedBehind() => _client.Get(BehindKeyOf(_shard, _member)).Kvs.Count > 0;

    /// <summary>Whether this member leads, as far as it can be sure: its lease renewed within the last TTL less a margin.</summary>
    public bool IsLeader => _leader && Environment.TickCount64 - Volatile.Read(ref _renewedAt) < SelfFenceMillis;

    /// <summary>The term of this member's leadership (0 if it never led).</summary>
    public long Term { get; private set; }

    /// <summary>A leader that cannot renew steps down this long after its last renewal: a quarter of the TTL before etcd
    /// could expire the lease, so the two never overlap while clocks run at the same rate.</summary>
    private long SelfFenceMillis => _ttlSeconds * 750L;

    /// <summary>Tries to become the leader: true (and <see cref="Term"/> set) if no one leads now; the lease is then kept
    /// alive on a thread of its own until <see cref="Resign"/>, <see cref="Dispose"/> or its loss. The same transaction
    /// marks <paramref name="markBehind"/> behind: the other sync members, none of which holds this leadership's inputs
    /// yet, so the new leader may acknowledge without them from its first response instead of after one more etcd round
    /// trip (each mark is cleared as usual once its member has caught up).</summary>
    public bool TryCampaign(IReadOnlyList<string>? markBehind = null)
    {
        if (_leader) return true;
        var lease = _client.LeaseGrant(new LeaseGrantRequest { TTL = _ttlSeconds });
        long granted = Environment.TickCount64;
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = _key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        // A member a leader acknowledged inputs without may not lead: the mark must be absent, in the same transaction.
        txn.Compare.Add(new Compare { Key = ByteString.CopyFromUtf8(BehindKeyOf(_shard, _member)), Target = Compare.Types.CompareTarget.Create,
            Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = _key, Value = ByteString.CopyFromUtf8($"{_member}\n{_channel}"), Lease = lease.ID } });
        foreach (string other in markBehind ?? [])
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(BehindKeyOf(_shard, other)), Value = ByteString.CopyFromUtf8($"campaign of {_member}") } });
        var result = _client.Transaction(txn);
        if (!result.Succeeded)
        {
            _client.LeaseRevoke(new LeaseRevokeRequest { ID = lease.ID });
            return false;
        }
        _lease = lease.ID;
        Term = result.Header.Revision;
        Volatile.Write(ref _renewedAt, granted);
        _leader = true;
        _log.Info($"leadership: {_member} leads shard key {_key.ToStringUtf8()} in term {Term} (lease {_ttlSeconds} s, renewed every {_keepAliveInterval.TotalMilliseconds:0} ms)");
        _keeper = new Thread(KeepAlive) { IsBackground = true, Name = "etcd-lease" };
        _keeper.Start();
        return true;
    }

    /// <summary>The current leader, or null when the key does not exist (no one leads: a campaign can win).</summary>
    public LeaderRecord? Leader()
    {
        var range = _client.Get(_key.ToStringUtf8());
        if (range.Kvs.Count == 0) return null;
        var kv = range.Kvs[0];
        string[] parts = kv.Value.ToStringUtf8().Split('\n', 2);
        return new LeaderRecord(parts[0], parts.Length > 1 ? parts[1] : "", kv.CreateRevision, kv.Lease);
    }

    /// <summary>Ends <paramref name="leader"/>'s leadership by revoking its lease: a sync standby does so when the leader
    /// has gone silent on the replication stream, rather than wait out the TTL. Safe whatever the leader's true state:
    /// a lease identifies one leadership, so a stale one is a no-op; a leader still alive finds its lease gone at its next
    /// renewal and stops; until then it acknowledges nothing the new leader lacks, because its acknowledgements need its
    /// sync standbys (the new leader no longer acknowledges its stream) or, degraded, a behind mark that etcd only
    /// writes while its key exists.</summary>
    public void Depose(LeaderRecord leader)
    {
        if (leader.Lease == 0) return;
        _client.LeaseRevoke(new LeaseRevokeRequest { ID = leader.Lease });
    }

    /// <summary>Ends this member's leadership at once (its lease revoked, so the key goes now, not after the TTL).</summary>
    public void Resign()
    {
        if (!_leader) return;
        _leader = false;
        _stop.Cancel();
        try { _client.LeaseRevoke(new LeaseRevokeRequest { ID = _lease }); }
        catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException)
        {
            _log.Warn($"leadership: resigning term {Term}: etcd did not take the revoke ({e.Message}); the lease ends with its TTL");
        }
        _log.Info($"leadership: {_member} resigned term {Term}");
    }

    private void KeepAlive()
    {
        bool fenced = false;
        while (!_stop.IsCancellationRequested && _leader)
        {
            try
            {
                long ttl = long.MinValue;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromMilliseconds(SelfFenceMillis));
                long sent = Environment.TickCount64;
                _client.LeaseKeepAlive(new LeaseKeepAliveRequest { ID = _lease }, r => ttl = r.TTL, timeout.Token, null).GetAwaiter().GetResult();
                if (ttl != long.MinValue && ttl <= 0)
                {
                    _leader = false;
                    _log.Warn($"leadership: {_member} lost term {Term}: its lease has ended");
                    return;
                }
                // Renewed as of when the request left: the lease runs at least TTL from then.
                if (ttl > 0) Volatile.Write(ref _renewedAt, sent);
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException)
            {
                if (_stop.IsCancellationRequested) return;
                if (!fenced && !IsLeader) _log.Warn($"leadership: {_member} cannot renew term {Term}'s lease ({e.Message}): not leading until it can");
            }
            if (fenced && IsLeader) _log.Info($"leadership: {_member} renewed term {Term}'s lease: leading again");
            fenced = !IsLeader;
            _stop.Token.WaitHandle.WaitOne(_keepAliveInterval);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _keeper?.Join(TimeSpan.FromSeconds(5));
        _client.Dispose();
        _stop.Dispose();
    }
}
