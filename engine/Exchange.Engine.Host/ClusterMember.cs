// An engine's place in a cluster whose leadership etcd holds (see Leadership). At start it leads if no one does (it
// campaigns) and otherwise follows the leader named in etcd. Then a thread of its own watches the leader key: a sync
// standby that has joined its primary's live stream campaigns as soon as the key is gone (the primary's lease ended,
// or it resigned) and, having won, is promoted on the engine thread; every other standby follows whoever leads now. A
// leader that can no longer be sure of its lease stops the process (exit 4) rather than acknowledge anything another
// member might contradict; restarted, it joins as a standby. A leader stopped by SIGTERM resigns once it has stopped
// in order, so a standby takes over without waiting out the lease.
namespace Exchange.Engine.Host;

internal sealed class ClusterMember : IDisposable
{
    private readonly ClusterConfig _config;
    private readonly Exchange.Hosting.Log _log;
    private readonly Thread? _watcher;
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _eligible, _won, _leading;
    private volatile string? _leaderChannel;
    private string? _following;

    private ClusterMember(ClusterConfig config, int shard, Exchange.Hosting.Log log)
    {
        _config = config;
        _log = log;
        var self = config.Self;
        Leadership = new Leadership(config.Etcd!, shard, self.Name, self.Channel, config.LeaseTtlSeconds, TimeSpan.FromMilliseconds(config.KeepAliveMs), log);
        _watcher = new Thread(Watch) { IsBackground = true, Name = "cluster-watch" };
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
            if (leader == null && member.Leadership.TryCampaign())
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
                throw new ConfigException($"cluster: no leader could be found or elected in etcd at {config.Etcd} within {patience.TotalSeconds:0} s");
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
        return null;
    }

    private void Watch()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (!_leading)
            {
                try
                {
                    var leader = Leadership.Leader();
                    if (leader == null)
                    {
                        if (_eligible && Leadership.TryCampaign())
                        {
                            _won = true;
                            _leading = true;
                        }
                    }
                    else if (leader.Member != _config.Member) _leaderChannel = leader.Channel;
                }
                catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException)
                {
                    _log.Warn($"cluster: etcd at {_config.Etcd} did not answer: {e.Message}");
                    _stop.Token.WaitHandle.WaitOne(1000);
                }
            }
            _stop.Token.WaitHandle.WaitOne(_config.PollMs);
        }
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
    }
}
