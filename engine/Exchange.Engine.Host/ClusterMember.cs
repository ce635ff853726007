// An engine's place in a cluster whose leadership etcd holds (see Leadership). At start it leads if no one does (it
// campaigns) and otherwise follows the leader named in etcd. Then a thread of its own watches the leader key: a sync
// standby that has joined its primary's live stream campaigns as soon as the key is gone (the primary's lease ended,
// or it resigned) and, having won, is promoted on the engine thread; every other standby follows whoever leads now. A
// leader that can no longer be sure of its lease stops the process (exit 4) rather than acknowledge anything another
// member might contradict; restarted, it joins as a standby. A leader stopped by SIGTERM resigns once it has stopped
// in order, so a standby takes over without waiting out the lease.
using Exchange.Transport;

namespace Exchange.Engine.Host;

internal sealed class ClusterMember : IDisposable
{
    private readonly ClusterConfig _config;
    private readonly Exchange.Hosting.Log _log;
    private readonly Thread? _watcher;
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _eligible, _won, _leading;
    private volatile string? _leaderChannel;
    private volatile SyncMarks? _marks;
    private readonly AutoResetEvent _wake = new(false);
    private readonly WaitHandle[] _waits;
    private bool _behindLogged;
    /// <summary>The leader's channel this standby follows (engine thread writes; the watcher reads it).</summary>
    private volatile string? _following;
    /// <summary>The leader's replication stream as this standby joined it, while it is a joined sync standby (else null):
    /// the watcher reads how long the leader has been silent on it.</summary>
    private volatile Image? _leaderStream;
    /// <summary>The last term this member deposed (revoked the lease of), so it does so once.</summary>
    private long _deposedTerm;

    private readonly int _shard;
    /// <summary>The other sync members: a campaign marks them behind (see <see cref="Leadership.TryCampaign"/>).</summary>
    private readonly string[] _otherSync;

    private ClusterMember(ClusterConfig config, int shard, Exchange.Hosting.Log log)
    {
        _shard = shard;
        _config = config;
        _otherSync = [.. config.Members.Where(m => m.Synchronous && m.Name != config.Member).Select(m => m.Name)];
        _log = log;
        var self = config.Self;
        Leadership = new Leadership(config.Etcd!, shard, self.Name, self.Channel, config.LeaseTtlSeconds, TimeSpan.FromMilliseconds(config.KeepAliveMs), log);
        _watcher = new Thread(Watch) { IsBackground = true, Name = "cluster-watch" };
        _waits = [_stop.Token.WaitHandle, _wake];
    }

    public Leadership Leadership { get; }

    /// <summary>Whether this member leads (decided at start, or won since).</summary>
    public bool Leads => _leading;

    /// <summary>The channel of the leader this member follows (null while it leads).</summary>
    public string? LeaderChannel => _following;

    /// <summary>Decides this member's role: leads if no one does, else follows the leader. Waits out a leader key this
    /// member left behind in an earlier life (its lease still running) rather than follow itself.</summary>
    public static ClusterMember Join(ClusterConfig config, int shard, Exchange.Hosting.Log log, TimeSpan patience)
    {
        var member = new ClusterMember(config, shard, log);
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var leader = member.Leadership.Leader();
            if (leader == null && member.Leadership.TryCampaign(member._otherSync))
            {
                member._leading = true;
                break;
            }
            if (leader != null && leader.Member != config.Member)
            {
                member._following = member._leaderChannel = leader.Channel;
                log.Info($"cluster: {leader.Member} leads (term {leader.Term}); this member ({config.Member}) follows it at {leader.Channel}");
                break;
            }
            if (DateTime.UtcNow > deadline)
                throw new ConfigException($"cluster: no leader could be found or elected in etcd at {config.Etcd} within {patience.TotalSeconds:0} s" +
                    (leader == null && member.Leadership.MarkedBehind()
                        ? $"; this member is marked behind ({Leadership.BehindKeyOf(shard, config.Self.Name)}): the last leader acknowledged inputs " +
                          "without it, so another member must lead first (or delete the key to accept their loss)"
                        : ""));
            Thread.Sleep(config.PollMs);
        }
        member._watcher!.Start();
        return member;
    }

    /// <summary>The engine thread's part, each duty cycle: tells the watcher whether this standby may campaign, promotes
    /// it when it has won, follows a new leader, and says when a leader must stop (null: go on).</summary>
    public string? DoWork(EngineService service, ref StandbyReplication? standby, Func<PrimaryReplication> primary)
    {
        if (_leading)
        {
            if (standby != null && _won)
            {
                service.Promote(primary());
                service.BeginTerm(Leadership.Term);
                standby = null;
                _won = false;
            }
            return Leadership.IsLeader ? null : $"cluster: this member ({_config.Member}) can no longer be sure it leads (term {Leadership.Term}): stopping so that nothing more is acknowledged; restart it to rejoin as a standby";
        }
        if (standby == null) return null;
        _eligible = _config.Self.Synchronous && standby.Joined;
        string? channel = _leaderChannel;
        if (channel != null && channel != _following)
        {
            _following = channel;
            standby.Follow(channel);
        }
        _leaderStream = _eligible ? standby.PrimaryImage : null;
        return null;
    }

    /// <summary>As the leader: the behind marks of <paramref name="primary"/>'s sync standbys, carried out by the watcher.</summary>
    public void Attach(PrimaryReplication primary)
    {
        var marks = new SyncMarks(primary.StandbyNames, () => _wake.Set());
        // Marked behind by the campaign itself: confirmed already.
        for (int i = 0; i < marks.Count; i++)
            if (_otherSync.Contains(marks.Member(i))) marks.Confirm(i, behind: true);
        primary.Marks = marks;
        _marks = marks;
        _wake.Set();
    }

    private void CarryOutMarks(SyncMarks marks)
    {
        for (int i = 0; i < marks.Count; i++)
        {
            if (!marks.Pending(i, out bool behind)) continue;
            if (Leadership.SetBehind(marks.Member(i), behind))
            {
                marks.Confirm(i, behind);
                _log.Info(behind ? $"cluster: {marks.Member(i)} marked behind in etcd: it may not lead until it has caught up"
                    : $"cluster: {marks.Member(i)} has caught up: its behind mark is cleared");
            }
            else _log.Warn($"cluster: cannot mark {marks.Member(i)}: this member no longer holds the leader key of term {Leadership.Term}");
        }
    }

    private void Watch()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (_leading && _marks is { } marks)
            {
                try { CarryOutMarks(marks); }
                catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException)
                {
                    _log.Warn($"cluster: etcd at {_config.Etcd} did not answer: {e.Message}");
                    _stop.Token.WaitHandle.WaitOne(100);
                    continue;
                }
            }
            if (!_leading)
            {
                try
                {
                    var leader = Leadership.Leader();
                    if (leader == null)
                    {
                        if (_eligible && Leadership.TryCampaign(_otherSync))
                        {
                            _won = true;
                            _leading = true;
                        }
                        else if (_eligible && !_behindLogged && Leadership.MarkedBehind())
                        {
                            _behindLogged = true;
                            _log.Warn($"cluster: no leader, but this member ({_config.Member}) is marked behind: the last leader acknowledged " +
                                "inputs without it, so it does not campaign (another member must lead; or accept the loss by deleting " +
                                $"{Leadership.BehindKeyOf(_shard, _config.Self.Name)})");
                        }
                    }
                    else if (leader.Member != _config.Member)
                    {
                        _leaderChannel = leader.Channel;
                        if (SilentFor(leader) is long silent)
                        {
                            _deposedTerm = leader.Term;
                            _log.Warn($"cluster: the leader {leader.Member} (term {leader.Term}) has sent nothing on the replication stream for " +
                                $"{silent / Exchange.Runtime.NanoClock.Millisecond} ms (suspectLeaderAfterMs {_config.SuspectLeaderAfterMs}): revoking its lease so that a member takes over now");
                            try { Leadership.Depose(leader); }
                            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound) { /* its lease has just ended anyway */ }
                            continue; // campaign at once
                        }
                    }
                }
                catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException)
                {
                    _log.Warn($"cluster: etcd at {_config.Etcd} did not answer: {e.Message}");
                    _stop.Token.WaitHandle.WaitOne(1000);
                }
            }
            WaitHandle.WaitAny(_waits, _config.PollMs);
        }
    }

    /// <summary>How long <paramref name="leader"/> has been silent on the replication stream this joined sync standby
    /// follows, if longer than suspectLeaderAfterMs (else null). Checked twice 20 ms apart, so that a standby whose own
    /// process was stalled (its transport not yet through the datagrams that queued meanwhile) does not take its own
    /// pause for the leader's.</summary>
    private long? SilentFor(LeaderRecord leader)
    {
        if (_config.SuspectLeaderAfterMs <= 0 || !_eligible || leader.Term == _deposedTerm) return null;
        if (_leaderStream is not { } stream || _following != leader.Channel) return null;
        long threshold = _config.SuspectLeaderAfterMs * Exchange.Runtime.NanoClock.Millisecond;
        long heard = stream.LastPacketNanos;
        if (Exchange.Runtime.NanoClock.Now() - heard <= threshold) return null;
        if (_stop.Token.WaitHandle.WaitOne(20)) return null;
        if (stream.LastPacketNanos != heard || !_eligible || _leaderStream != stream) return null;
        return Exchange.Runtime.NanoClock.Now() - heard;
    }

    /// <summary>After an orderly stop: a leader gives its leadership up at once.</summary>
    public void Resign()
    {
        if (_leading) Leadership.Resign();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _watcher?.Join(TimeSpan.FromSeconds(5));
        Leadership.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }
}
