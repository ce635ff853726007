// Stamps each input with the next sequence number and a timestamp: the only clock the state machine sees.
namespace Exchange.Engine.Host;

internal sealed class Sequencer(Func<long> clockNanos)
{
    public long Last { get; private set; }

    public static long UnixNanos() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    public (long Sequence, long Timestamp) Next() => (++Last, clockNanos());

    /// <summary>Continues numbering after <paramref name="last"/>: what a restarted engine recovered to.</summary>
    public void ContinueAfter(long last)
    {
        if (last < Last) throw new ArgumentOutOfRangeException(nameof(last), last, $"sequence must not go back from {Last}");
        Last = last;
    }
}
