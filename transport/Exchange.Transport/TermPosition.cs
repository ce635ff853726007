// Stream positions: a 64-bit byte count since the publication began, and its (term_id, term_offset) form on the wire.
using System.Numerics;

namespace Exchange.Transport;

public static class TermPosition
{
    public const int MinTermLength = 64 * 1024;
    public const int MaxTermLength = 1024 * 1024 * 1024;
    public const int DefaultTermLength = 16 * 1024 * 1024;

    public static bool IsValidTermLength(int termLength) =>
        termLength is >= MinTermLength and <= MaxTermLength && BitOperations.IsPow2(termLength);

    /// <summary>log2 of a valid term length: the shift that turns a term count into a position.</summary>
    public static int PositionBitsToShift(int termLength) => BitOperations.Log2((uint)termLength);

    /// <summary>
    /// The position of <paramref name="termOffset"/> in term <paramref name="termId"/>. Term ids start at a random
    /// initial id and may wrap past int.MaxValue, so their difference is taken as a wrapping int32.
    /// </summary>
    public static long Compute(int termId, int termOffset, int initialTermId, int positionBitsToShift)
    {
        int termCount = unchecked(termId - initialTermId);
        return ((long)termCount << positionBitsToShift) + termOffset;
    }

    public static int TermId(long position, int initialTermId, int positionBitsToShift) =>
        unchecked((int)(position >>> positionBitsToShift) + initialTermId);

    public static int TermOffset(long position, int positionBitsToShift) =>
        (int)(position & ((1L << positionBitsToShift) - 1));
}
