// Finds one complete FIX message at the start of a TCP byte stream, or says how to resynchronise.
namespace Exchange.Fix;

public static class FixFraming
{
    /// <summary>A message longer than this is treated as garbage, so a hostile BodyLength cannot make a
    /// reader buffer forever.</summary>
    public const int DefaultMaxMessageLength = 64 * 1024;

    // "8=FIXT.1.1" is the longest BeginString in use; anything much longer is not a FIX message.
    private const int MaxBeginStringFieldLength = 32;
    private const int MaxBodyLengthDigits = 9;

    private static ReadOnlySpan<byte> MsgTypeTag => "35="u8;

    public static bool TryFrame(ReadOnlySpan<byte> buffer, out int length, out FramingError error) =>
        TryFrame(buffer, DefaultMaxMessageLength, out length, out error);

    /// <summary>
    /// On success, <paramref name="length"/> is the length of the message at the start of
    /// <paramref name="buffer"/>. On <see cref="FramingError.Incomplete"/> it is 0: keep the bytes and read
    /// more. On any other error the bytes are garbled and <paramref name="length"/> (at least 1) is how many to
    /// discard so that the buffer starts at the next "8=FIX" (or at a tail that may become one); after
    /// <see cref="FramingError.BadMsgType"/> it is the whole message.
    /// </summary>
    public static bool TryFrame(ReadOnlySpan<byte> buffer, int maxMessageLength, out int length, out FramingError error)
    {
        error = Check(buffer, maxMessageLength, out length);
        if (error == FramingError.None) return true;
        // A message delimited and checked but with the wrong head is skipped whole: what follows it is the next one.
        if (error != FramingError.BadMsgType) length = error == FramingError.Incomplete ? 0 : SkipToNextStart(buffer);
        return false;
    }

    private static FramingError Check(ReadOnlySpan<byte> buffer, int maxMessageLength, out int length)
    {
        length = 0;
        var start = FixSyntax.MessageStart;
        int prefix = Math.Min(buffer.Length, start.Length);
        if (!buffer[..prefix].SequenceEqual(start[..prefix])) return FramingError.BadBeginString;
        if (buffer.Length <= start.Length) return FramingError.Incomplete;

        var window = buffer[..Math.Min(buffer.Length, MaxBeginStringFieldLength)];
        int beginEnd = window.IndexOf(FixSyntax.Soh);
        if (beginEnd < 0)
            return buffer.Length < MaxBeginStringFieldLength ? FramingError.Incomplete : FramingError.BadBeginString;

        int p = beginEnd + 1;
        if (p < buffer.Length && buffer[p] != (byte)'9') return FramingError.BadBodyLength;
        if (p + 1 < buffer.Length && buffer[p + 1] != FixSyntax.EqualsSign) return FramingError.BadBodyLength;
        p += 2;
        int digitsStart = p;
        long bodyLength = 0;
        while (p < buffer.Length && (uint)(buffer[p] - '0') <= 9)
        {
            if (p - digitsStart == MaxBodyLengthDigits) return FramingError.BadBodyLength;
            bodyLength = bodyLength * 10 + (buffer[p] - '0');
            p++;
        }
        if (p >= buffer.Length) return FramingError.Incomplete;
        if (buffer[p] != FixSyntax.Soh || p == digitsStart || bodyLength == 0) return FramingError.BadBodyLength;

        long checksumAt = p + 1 + bodyLength;
        long total = checksumAt + FixSyntax.CheckSumFieldLength;
        if (total > maxMessageLength) return FramingError.MessageTooLong;
        if (total > buffer.Length) return FramingError.Incomplete;

        int c = (int)checksumAt;
        // BodyLength counts up to and including the SOH before "10=", so both must be exactly there.
        if (buffer[c - 1] != FixSyntax.Soh || buffer[c] != (byte)'1' || buffer[c + 1] != (byte)'0' || buffer[c + 2] != FixSyntax.EqualsSign)
            return FramingError.BadBodyLength;
        int declared = 0;
        for (int i = c + 3; i < c + 6; i++)
        {
            int digit = buffer[i] - '0';
            if ((uint)digit > 9) return FramingError.BadCheckSum;
            declared = declared * 10 + digit;
        }
        if (buffer[c + 6] != FixSyntax.Soh || declared != FixChecksum.Compute(buffer[..c])) return FramingError.BadCheckSum;

        length = (int)total;
        // FIX counts a message whose third field is not MsgType as garbled, like a bad BodyLength: it is ignored
        // and its MsgSeqNum, which cannot be trusted, is not counted.
        var head = buffer[(p + 1)..c];
        if (!head.StartsWith(MsgTypeTag) || head[MsgTypeTag.Length] == FixSyntax.Soh) return FramingError.BadMsgType;
        return FramingError.None;
    }

    private static int SkipToNextStart(ReadOnlySpan<byte> buffer)
    {
        var start = FixSyntax.MessageStart;
        int next = buffer[1..].IndexOf(start);
        if (next >= 0) return next + 1;
        // Keep a tail that could be the first bytes of the next message's "8=FIX".
        for (int keep = Math.Min(start.Length - 1, buffer.Length - 1); keep > 0; keep--)
            if (buffer[^keep..].SequenceEqual(start[..keep])) return buffer.Length - keep;
        return buffer.Length;
    }
}
