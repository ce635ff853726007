// What a LossyUdpProxy does to the datagrams it relays: the seed and rates of its impairments.
namespace Exchange.Transport.Shim;

public sealed record ShimOptions
{
    /// <summary>Seeds the forward direction's random source; the reverse direction derives its own from it.</summary>
    public int Seed { get; init; }

    /// <summary>Probability in [0, 1] that a datagram is dropped.</summary>
    public double DropRate { get; init; }

    /// <summary>Probability in [0, 1] that a datagram that is not dropped is sent twice.</summary>
    public double DuplicateRate { get; init; }

    /// <summary>Probability in [0, 1] that a datagram that is not dropped is held back and overtaken.</summary>
    public double ReorderRate { get; init; }

    /// <summary>How many later arrivals in the same direction a held datagram waits for before it is sent.</summary>
    public int ReorderDepth { get; init; } = 3;

    /// <summary>Apply the impairments and the drop filter to replies (receiver to sender) as well.</summary>
    public bool AffectReverse { get; init; }

    /// <summary>
    /// Drops every datagram it returns true for, on top of the random drops (e.g. to lose a stream's tail
    /// deterministically). Runs on the proxy's thread; the memory is valid only during the call.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, bool>? DropFilter { get; init; }

    internal void Validate()
    {
        CheckRate(DropRate, nameof(DropRate));
        CheckRate(DuplicateRate, nameof(DuplicateRate));
        CheckRate(ReorderRate, nameof(ReorderRate));
        if (ReorderDepth < 1)
            throw new ArgumentOutOfRangeException(nameof(ReorderDepth), ReorderDepth, "ReorderDepth must be at least 1");
    }

    private static void CheckRate(double rate, string name)
    {
        if (!(rate >= 0 && rate <= 1))
            throw new ArgumentOutOfRangeException(name, rate, $"{name} must be between 0 and 1");
    }
}
