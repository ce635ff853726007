// A reader over one framed message: fields recorded in order in a caller-provided table, read without allocating.
namespace Exchange.Fix;

public readonly ref struct FixMessage
{
    /// <summary>A field table this large holds any message a broker sends in practice.</summary>
    public const int DefaultFieldCapacity = 512;

    private readonly ReadOnlySpan<byte> _bytes;
    private readonly ReadOnlySpan<FixField> _fields;

    private FixMessage(ReadOnlySpan<byte> bytes, ReadOnlySpan<FixField> fields)
    {
        _bytes = bytes;
        _fields = fields;
    }

    /// <summary>The message bytes the field offsets refer to.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Every field in wire order, repeated tags included.</summary>
    public ReadOnlySpan<FixField> Fields => _fields;

    public ReadOnlySpan<byte> MsgType =>
        _fields.Length > 2 && _fields[2].Tag == FixTag.MsgType ? Value(2) : TryGetValue(FixTag.MsgType, out var v) ? v : default;

    /// <summary>
    /// Splits <paramref name="message"/> (one whole message, as framed by <see cref="FixFraming"/>) into
    /// fields stored in <paramref name="fieldTable"/>. A DATA field (RawData, SecureData, …) is read for the
    /// length its preceding length field gives, so it may contain SOH.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> message, Span<FixField> fieldTable, out FixMessage parsed, out FixParseError error)
    {
        parsed = default;
        int count = 0;
        int pos = 0;
        while (pos < message.Length)
        {
            // A tag is a number: 0 and negative ones are kept as fields, so that the message is rejected as naming an
            // invalid tag number (and counted), not dropped as garbled. Leading zeros would make one tag look like another.
            bool negative = message[pos] == (byte)'-';
            if (negative) pos++;
            int digitsStart = pos;
            int tag = 0;
            while (pos < message.Length && message[pos] != FixSyntax.EqualsSign)
            {
                int digit = message[pos] - '0';
                if ((uint)digit > 9 || pos - digitsStart == 9)
                {
                    error = FixParseError.MalformedTag;
                    return false;
                }
                tag = tag * 10 + digit;
                pos++;
            }
            if (pos == message.Length || pos == digitsStart || (message[digitsStart] == (byte)'0' && (pos - digitsStart > 1 || negative)))
            {
                error = FixParseError.MalformedTag;
                return false;
            }
            if (negative) tag = -tag;

            int valueStart = pos + 1;
            int valueLength;
            int lengthTag = Fix44.DataLengthTag(tag);
            if (lengthTag != 0 && count > 0 && fieldTable[count - 1].Tag == lengthTag
                && FixValue.TryParseInt(Slice(message, fieldTable[count - 1]), out int dataLength) && dataLength >= 0)
            {
                if (dataLength >= message.Length - valueStart || message[valueStart + dataLength] != FixSyntax.Soh)
                {
                    error = FixParseError.BadDataLength;
                    return false;
                }
                valueLength = dataLength;
            }
            else
            {
                valueLength = IndexOfSoh(message[valueStart..]);
                if (valueLength < 0)
                {
                    error = FixParseError.Unterminated;
                    return false;
                }
            }

            if (count == fieldTable.Length)
            {
                error = FixParseError.TooManyFields;
                return false;
            }
            fieldTable[count++] = new FixField(tag, valueStart, valueLength);
            pos = valueStart + valueLength + 1;
        }

        if (count == 0)
        {
            error = FixParseError.Empty;
            return false;
        }
        parsed = new FixMessage(message, fieldTable[..count]);
        error = FixParseError.None;
        return true;
    }

    public ReadOnlySpan<byte> Value(int index) => Slice(_bytes, _fields[index]);

    public ReadOnlySpan<byte> Value(in FixField field) => Slice(_bytes, field);

    /// <summary>Index of the first occurrence of <paramref name="tag"/>, or -1.</summary>
    public int IndexOf(int tag) => IndexOf(tag, 0);

    /// <summary>Index of the first occurrence of <paramref name="tag"/> at or after <paramref name="startIndex"/>,
    /// or -1; walks the entries of a repeating group.</summary>
    public int IndexOf(int tag, int startIndex)
    {
        for (int i = startIndex; i < _fields.Length; i++)
            if (_fields[i].Tag == tag) return i;
        return -1;
    }

    public bool Contains(int tag) => IndexOf(tag) >= 0;

    public bool TryGetValue(int tag, out ReadOnlySpan<byte> value)
    {
        int i = IndexOf(tag);
        value = i >= 0 ? Value(i) : default;
        return i >= 0;
    }

    public bool ValueEquals(int tag, ReadOnlySpan<byte> expected) => TryGetValue(tag, out var v) && v.SequenceEqual(expected);

    public bool TryGetInt(int tag, out int value)
    {
        value = 0;
        return TryGetValue(tag, out var v) && FixValue.TryParseInt(v, out value);
    }

    public bool TryGetLong(int tag, out long value)
    {
        value = 0;
        return TryGetValue(tag, out var v) && FixValue.TryParseLong(v, out value);
    }

    /// <summary>A PRICE, QTY, AMT or FLOAT as a fixed-point integer with <paramref name="scale"/> decimals.</summary>
    public bool TryGetDecimal(int tag, int scale, out long value)
    {
        value = 0;
        return TryGetValue(tag, out var v) && FixValue.TryParseDecimal(v, scale, out value);
    }

    public bool TryGetChar(int tag, out char value)
    {
        value = default;
        return TryGetValue(tag, out var v) && FixValue.TryParseChar(v, out value);
    }

    public bool TryGetBool(int tag, out bool value)
    {
        value = false;
        return TryGetValue(tag, out var v) && FixValue.TryParseBool(v, out value);
    }

    /// <summary>A UTCTimestamp as nanoseconds since the Unix epoch.</summary>
    public bool TryGetUtcTimestamp(int tag, out long unixNanos)
    {
        unixNanos = 0;
        return TryGetValue(tag, out var v) && UtcTimestamp.TryParse(v, out unixNanos);
    }

    // Most values are a few bytes long, where a plain loop beats setting up a vectorised search.
    private static int IndexOfSoh(ReadOnlySpan<byte> bytes)
    {
        int shortScan = Math.Min(bytes.Length, 16);
        for (int i = 0; i < shortScan; i++)
            if (bytes[i] == FixSyntax.Soh) return i;
        int rest = bytes[shortScan..].IndexOf(FixSyntax.Soh);
        return rest < 0 ? -1 : shortScan + rest;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> bytes, in FixField field) =>
        bytes.Slice(field.ValueOffset, field.ValueLength);
}
