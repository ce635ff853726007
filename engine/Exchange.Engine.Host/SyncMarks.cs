// Which sync standbys a cluster's leader may acknowledge without, agreed with etcd first. A leader that stops waiting
// for a sync standby (onSyncLoss degrade, or one that has not caught up since the leadership began) acknowledges
// inputs that standby may not hold; if it then took over, acknowledged inputs would be lost. So before the leader
// releases anything without it, the standby is marked behind in etcd (`/exchange/shards/N/behind/MEMBER`), and a
// member so marked cannot win a campaign (the campaign's transaction requires the mark to be absent). Once the standby
// is waited for again and has caught up, the mark is removed.
//
// The engine thread says what it wants (Want) and reads what etcd has confirmed (ConfirmedBehind): plain volatile
// ints, no lock, no allocation. The cluster's watcher thread carries the wants out against etcd.
namespace Exchange.Engine.Host;

internal sealed class SyncMarks
{
    private const int Unknown = -1, InSync = 0, Behind = 1;
    private readonly string[] _members;
    private readonly int[] _wanted, _confirmed;
    private readonly Action _wake;

    public SyncMarks(IReadOnlyList<string> members, Action wake)
    {
        _members = [.. members];
        _wanted = [.. members.Select(_ => Unknown)];
        _confirmed = [.. members.Select(_ => Unknown)];
        _wake = wake;
    }

    public int Count => _members.Length;
    public string Member(int index) => _members[index];

    /// <summary>Engine thread: standby <paramref name="index"/> should be marked behind (or not). Wakes the watcher on a change.</summary>
    public void Want(int index, bool behind)
    {
        int value = behind ? Behind : InSync;
        if (Volatile.Read(ref _wanted[index]) == value) return;
        Volatile.Write(ref _wanted[index], value);
        _wake();
    }

    /// <summary>Engine thread: etcd holds the mark, so responses may go without this standby.</summary>
    public bool ConfirmedBehind(int index) => Volatile.Read(ref _confirmed[index]) == Behind;

    /// <summary>Watcher: a want not yet carried out (behind or not), if any.</summary>
    public bool Pending(int index, out bool behind)
    {
        int wanted = Volatile.Read(ref _wanted[index]);
        behind = wanted == Behind;
        return wanted != Unknown && wanted != Volatile.Read(ref _confirmed[index]);
    }

    /// <summary>Watcher: etcd now holds (or no longer holds) the mark.</summary>
    public void Confirm(int index, bool behind) => Volatile.Write(ref _confirmed[index], behind ? Behind : InSync);
}
