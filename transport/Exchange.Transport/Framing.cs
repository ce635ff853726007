// How messages become frames in a term: alignment, mtu, fragmentation and the PAD at a term's end.
using System.Runtime.CompilerServices;

namespace Exchange.Transport;

public static class Framing
{
    /// <summary>Every frame starts at a multiple of this, and datagram lengths are multiples of it.</summary>
    public const int Alignment = 32;
    public const int DefaultMtu = 1408;
    /// <summary>The largest UDP payload over IPv4 (65535 − 20 IP − 8 UDP = 65507), rounded down to the alignment.</summary>
    public const int MaxMtu = 65504;
    /// <summary>The smallest mtu that leaves room for payload after the 32-byte data header.</summary>
    public const int MinMtu = DataFrame.HeaderLength + Alignment;
    public const int MaxMessageLengthCap = 16 * 1024 * 1024;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Align(int length) => (length + (Alignment - 1)) & ~(Alignment - 1);

    public static bool IsAligned(int value) => (value & (Alignment - 1)) == 0;

    /// <summary>Whether a term offset read from the wire can be where a frame starts.</summary>
    public static bool IsFrameOffset(int termOffset) => termOffset >= 0 && IsAligned(termOffset);

    public static bool IsValidMtu(int mtu) => mtu is >= MinMtu and <= MaxMtu && IsAligned(mtu);

    public static int MaxPayloadLength(int mtu) => mtu - DataFrame.HeaderLength;

    /// <summary>Caps a message at an eighth of a term so a term always holds several, as Aeron does.</summary>
    public static int MaxMessageLength(int termLength) => Math.Min(termLength / 8, MaxMessageLengthCap);

    /// <summary>Frames a message of <paramref name="messageLength"/> bytes needs; an empty message still takes one.</summary>
    public static int FragmentCount(int messageLength, int mtu)
    {
        int maxPayload = MaxPayloadLength(mtu);
        return messageLength == 0 ? 1 : (messageLength + maxPayload - 1) / maxPayload;
    }

    /// <summary>BEGIN on the first fragment, END on the last: 0xC0 alone, 0x80 first, 0x00 middle, 0x40 last.</summary>
    public static byte FragmentFlags(int index, int count)
    {
        byte flags = 0;
        if (index == 0) flags |= DataFrame.BeginFlag;
        if (index == count - 1) flags |= DataFrame.EndFlag;
        return flags;
    }

    /// <summary>Term bytes a message occupies once fragmented: every full fragment is exactly one mtu (the mtu is
    /// aligned), and the last is its header plus the remainder, aligned.</summary>
    public static int RequiredTermLength(int messageLength, int mtu)
    {
        int maxPayload = MaxPayloadLength(mtu);
        int fullFragments = messageLength / maxPayload;
        int remainder = messageLength % maxPayload;
        int required = fullFragments * mtu;
        if (remainder > 0 || messageLength == 0) required += Align(DataFrame.HeaderLength + remainder);
        return required;
    }

    /// <summary>
    /// Where a message goes when the term's tail is at <paramref name="termOffset"/>. A message's frames never
    /// straddle terms, so one that does not fit leaves the rest of the term to a PAD and starts the next term.
    /// </summary>
    public static TermPlacement Place(int termOffset, int termLength, int messageLength, int mtu)
    {
        int required = RequiredTermLength(messageLength, mtu);
        int remaining = termLength - termOffset;
        return required <= remaining ? new TermPlacement(true, 0) : new TermPlacement(false, remaining);
    }
}

/// <summary>Whether a message fits in the current term; if not, the PAD length (0 when the term is exactly full).</summary>
public readonly record struct TermPlacement(bool Fits, int PadLength);
