// Stamps each input with the next sequence number and a timestamp: the only clock the state machine sees.
namespace Exchange.Engine.Host;

internal sealed class Sequencer(Func<long> clockNanos)
{
    public long Last { get; private set; }

    public static long UnixNanos() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    public (long Sequence, long Timestamp) Next() => (++Last, clockNanos());
}
