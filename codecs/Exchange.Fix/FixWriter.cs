// Encodes one message into a caller's buffer: 8, 9 and 35 first, fields in the order appended, then BodyLength
// patched in and the CheckSum appended. Writes nothing outside the buffer and never throws or allocates.
namespace Exchange.Fix;

public ref struct FixWriter
{
    // A long needs at most 20 bytes ("-9223372036854775808"); a fixed-point one adds a decimal point.
    private const int MaxNumberLength = 21;

    private readonly Span<byte> _buffer;
    private readonly int _lengthDigitsAt;
    private readonly int _reservedLengthDigits;
    private int _position;
    private FixWriteError _error;
    private bool _finished;

    /// <summary>Starts a FIX 4.4 message of type <paramref name="msgType"/>.</summary>
    public FixWriter(Span<byte> buffer, ReadOnlySpan<byte> msgType) : this(buffer, Fix44.BeginString, msgType)
    {
    }

    public FixWriter(Span<byte> buffer, ReadOnlySpan<byte> beginString, ReadOnlySpan<byte> msgType)
    {
        _buffer = buffer;
        Append(FixTag.BeginString, beginString);
        // BodyLength cannot exceed the buffer, so that many digits are reserved; unused ones are closed up when
        // the message is finished, so BodyLength never carries leading zeros.
        _reservedLengthDigits = CountDigits((ulong)Math.Max(buffer.Length, 1));
        if (TryWriteTag(FixTag.BodyLength, _reservedLengthDigits))
        {
            _lengthDigitsAt = _position;
            _position += _reservedLengthDigits;
            _buffer[_position++] = FixSyntax.Soh;
        }
        Append(FixTag.MsgType, msgType);
    }

    public readonly FixWriteError Error => _error;

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _position;

    /// <summary>An ASCII value (a String, Char, MultipleValueString, …) as is. It must not be empty or contain SOH.</summary>
    public void Append(int tag, scoped ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Contains(FixSyntax.Soh))
        {
            Fail(FixWriteError.InvalidValue);
            return;
        }
        AppendValue(tag, value);
    }

    public void Append(int tag, long value)
    {
        Span<byte> digits = stackalloc byte[MaxNumberLength];
        int start = WriteDigitsBackwards(digits, value < 0 ? (ulong)-(value + 1) + 1 : (ulong)value);
        if (value < 0) digits[--start] = (byte)'-';
        AppendValue(tag, digits[start..]);
    }

    /// <summary>A Char field; only printable ASCII is allowed.</summary>
    public void Append(int tag, char value)
    {
        if (value is < ' ' or > '~')
        {
            Fail(FixWriteError.InvalidValue);
            return;
        }
        Span<byte> one = [(byte)value];
        AppendValue(tag, one);
    }

    public void Append(int tag, bool value) => AppendValue(tag, value ? "Y"u8 : "N"u8);

    /// <summary>A PRICE, QTY, AMT or FLOAT held as a fixed-point integer with <paramref name="scale"/> decimals:
    /// 1234500 at scale 4 is written "123.45" (trailing fractional zeros are dropped).</summary>
    public void AppendDecimal(int tag, long mantissa, int scale)
    {
        if ((uint)scale > FixValue.MaxScale)
        {
            Fail(FixWriteError.InvalidValue);
            return;
        }
        Span<byte> text = stackalloc byte[MaxNumberLength + 1];
        ulong magnitude = mantissa < 0 ? (ulong)-(mantissa + 1) + 1 : (ulong)mantissa;
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
        start = WriteDigitsBackwards(text[..start], magnitude / factor);
        if (mantissa < 0) text[--start] = (byte)'-';
        AppendValue(tag, text[start..]);
    }

    /// <summary>A UTCTimestamp from nanoseconds since the Unix epoch, truncated to <paramref name="precision"/>.</summary>
    public void AppendUtcTimestamp(int tag, long unixNanos, TimestampPrecision precision)
    {
        Span<byte> text = stackalloc byte[UtcTimestamp.MaxLength];
        if (!UtcTimestamp.TryFormat(unixNanos, precision, text, out int written))
        {
            Fail(FixWriteError.InvalidValue);
            return;
        }
        AppendValue(tag, text[..written]);
    }

    /// <summary>A DATA field preceded by its LENGTH field (RawDataLength 95 then RawData 96, …); the data may
    /// contain SOH.</summary>
    public void AppendData(int lengthTag, int dataTag, scoped ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            Fail(FixWriteError.InvalidValue);
            return;
        }
        Append(lengthTag, data.Length);
        AppendValue(dataTag, data);
    }

    /// <summary>Patches BodyLength and appends CheckSum. <paramref name="length"/> is the length of the complete
    /// message at the start of the buffer.</summary>
    public bool TryFinish(out int length)
    {
        length = 0;
        if (_finished) Fail(FixWriteError.AlreadyFinished);
        if (_error != FixWriteError.None) return false;
        _finished = true;

        int bodyStart = _lengthDigitsAt + _reservedLengthDigits + 1;
        int bodyLength = _position - bodyStart;
        int digits = CountDigits((ulong)bodyLength);
        int unused = _reservedLengthDigits - digits;
        if (unused > 0)
        {
            _buffer[(bodyStart - 1).._position].CopyTo(_buffer[(bodyStart - 1 - unused)..]);
            _position -= unused;
        }
        WriteDigitsBackwards(_buffer.Slice(_lengthDigitsAt, digits), (ulong)bodyLength);

        if (_buffer.Length - _position < FixSyntax.CheckSumFieldLength)
        {
            _error = FixWriteError.BufferTooSmall;
            return false;
        }
        int checksum = FixChecksum.Compute(_buffer[.._position]);
        var field = _buffer.Slice(_position, FixSyntax.CheckSumFieldLength);
        "10="u8.CopyTo(field);
        field[3] = (byte)('0' + checksum / 100);
        field[4] = (byte)('0' + checksum / 10 % 10);
        field[5] = (byte)('0' + checksum % 10);
        field[6] = FixSyntax.Soh;
        _position += FixSyntax.CheckSumFieldLength;
        length = _position;
        return true;
    }

    private void AppendValue(int tag, scoped ReadOnlySpan<byte> value)
    {
        if (!TryWriteTag(tag, value.Length)) return;
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
        _buffer[_position++] = FixSyntax.Soh;
    }

    // Writes "tag=" if the whole field (tag, '=', value, SOH) fits.
    private bool TryWriteTag(int tag, int valueLength)
    {
        if (_finished) Fail(FixWriteError.AlreadyFinished);
        if (tag < 1) Fail(FixWriteError.InvalidValue);
        if (_error != FixWriteError.None) return false;
        int tagDigits = CountDigits((ulong)tag);
        if (_buffer.Length - _position < tagDigits + valueLength + 2)
        {
            Fail(FixWriteError.BufferTooSmall);
            return false;
        }
        WriteDigitsBackwards(_buffer.Slice(_position, tagDigits), (ulong)tag);
        _position += tagDigits;
        _buffer[_position++] = FixSyntax.EqualsSign;
        return true;
    }

    private void Fail(FixWriteError error)
    {
        if (_error == FixWriteError.None) _error = error;
    }

    private static int CountDigits(ulong value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }

    // Writes value's digits ending at the end of destination; returns where they start.
    private static int WriteDigitsBackwards(Span<byte> destination, ulong value)
    {
        int i = destination.Length;
        do
        {
            destination[--i] = (byte)('0' + value % 10);
            value /= 10;
        }
        while (value != 0);
        return i;
    }
}
