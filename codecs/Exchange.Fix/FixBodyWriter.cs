// Writes "tag=value<SOH>" fields in the order appended: the one field encoder, used alone for the body of an
// application message (FixSession.SendApplication adds header and trailer) and by FixWriter for a whole message.
// Never throws or allocates: a field that does not fit or is invalid is not written, the first error sticks and
// later appends are ignored.
namespace Exchange.Fix;

public ref struct FixBodyWriter
{
    // A long needs at most 20 characters; a fixed-point one adds a decimal point and a leading "0".
    private const int MaxNumberLength = 22;

    private readonly Span<byte> _buffer;
    private int _length;
    private FixWriteError _error;

    public FixBodyWriter(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    public readonly FixWriteError Error => _error;

    /// <summary>A field did not fit in the buffer.</summary>
    public readonly bool Overflow => _error == FixWriteError.BufferTooSmall;

    /// <summary>An ASCII value as is (String, Char, MultipleValueString, …); empty values and SOH are refused.</summary>
    public bool Append(int tag, scoped ReadOnlySpan<byte> ascii)
    {
        if (ascii.IsEmpty || ascii.Contains(FixSyntax.Soh)) return Fail(FixWriteError.InvalidValue);
        return AppendField(tag, ascii);
    }

    public bool Append(int tag, long value)
    {
        Span<byte> text = stackalloc byte[MaxNumberLength];
        value.TryFormat(text, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        return AppendField(tag, text[..written]);
    }

    public bool Append(int tag, int value) => Append(tag, (long)value);

    /// <summary>A Char field; printable ASCII only.</summary>
    public bool Append(int tag, char value)
    {
        if (value is < '!' or > '~') return Fail(FixWriteError.InvalidValue);
        Span<byte> one = [(byte)value];
        return AppendField(tag, one);
    }

    /// <summary>A Boolean field: Y or N.</summary>
    public bool Append(int tag, bool value) => AppendField(tag, value ? "Y"u8 : "N"u8);

    /// <summary>A PRICE, QTY, AMT or FLOAT held as a fixed-point integer with <paramref name="scale"/> decimals, trailing
    /// fractional zeros dropped: 1234500 at scale 4 is "123.45", 1000 at scale 3 is "1".</summary>
    public bool AppendDecimal(int tag, long fixedPoint, int scale)
    {
        if ((uint)scale > FixValue.MaxScale) return Fail(FixWriteError.InvalidValue);
        Span<byte> text = stackalloc byte[MaxNumberLength];
        ulong magnitude = fixedPoint < 0 ? (ulong)-(fixedPoint + 1) + 1 : (ulong)fixedPoint;
        ulong factor = (ulong)FixValue.PowerOfTen(scale);
        ulong fraction = magnitude % factor;
        int start = text.Length;
        if (fraction != 0)
        {
            int decimals = scale;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                decimals--;
            }
            for (int d = 0; d < decimals; d++)
            {
                text[--start] = (byte)('0' + fraction % 10);
                fraction /= 10;
            }
            text[--start] = (byte)'.';
        }
        ulong whole = magnitude / factor;
        do
        {
            text[--start] = (byte)('0' + whole % 10);
            whole /= 10;
        }
        while (whole != 0);
        if (fixedPoint < 0) text[--start] = (byte)'-';
        return AppendField(tag, text[start..]);
    }

    /// <summary>A UTCTimestamp from nanoseconds since the Unix epoch, truncated to <paramref name="precision"/>.</summary>
    public bool AppendUtcTimestamp(int tag, long unixNanos, TimestampPrecision precision)
    {
        Span<byte> text = stackalloc byte[UtcTimestamp.MaxLength];
        if (!UtcTimestamp.TryFormat(unixNanos, precision, text, out int written)) return Fail(FixWriteError.InvalidValue);
        return AppendField(tag, text[..written]);
    }

    /// <summary>A LENGTH field then its DATA field (RawDataLength 95, RawData 96, …); the data may contain SOH.
    /// Both are written or neither.</summary>
    public bool AppendData(int lengthTag, int dataTag, scoped ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return Fail(FixWriteError.InvalidValue);
        int before = _length;
        if (Append(lengthTag, data.Length) && AppendField(dataTag, data)) return true;
        _length = before;
        return false;
    }

    /// <summary>Records <paramref name="error"/> unless an earlier one is recorded; always false.</summary>
    internal bool Fail(FixWriteError error)
    {
        if (_error == FixWriteError.None) _error = error;
        return false;
    }

    /// <summary>Takes <paramref name="count"/> written bytes out at <paramref name="start"/>, closing the gap.</summary>
    internal void Remove(int start, int count)
    {
        _buffer[(start + count).._length].CopyTo(_buffer[start..]);
        _length -= count;
    }

    private bool AppendField(int tag, scoped ReadOnlySpan<byte> value)
    {
        if (_error != FixWriteError.None) return false;
        if (tag < 1) return Fail(FixWriteError.InvalidValue);
        Span<byte> tagText = stackalloc byte[10];
        tag.TryFormat(tagText, out int tagLength, default, System.Globalization.CultureInfo.InvariantCulture);
        int needed = tagLength + 1 + value.Length + 1;
        if (_buffer.Length - _length < needed) return Fail(FixWriteError.BufferTooSmall);
        var field = _buffer.Slice(_length, needed);
        tagText[..tagLength].CopyTo(field);
        field[tagLength] = FixSyntax.EqualsSign;
        value.CopyTo(field[(tagLength + 1)..]);
        field[^1] = FixSyntax.Soh;
        _length += needed;
        return true;
    }
}
