// Encodes one whole message into a caller's buffer: 8, 9 and 35 first, fields in the order appended, then BodyLength
// patched in and the CheckSum appended. The fields are written by FixBodyWriter; this adds the header and trailer
// around them. Writes nothing outside the buffer and never throws or allocates.
namespace Exchange.Fix;

public ref struct FixWriter
{
    private readonly Span<byte> _buffer;
    private FixBodyWriter _fields;
    private readonly int _lengthDigitsAt;
    private readonly int _reservedLengthDigits;
    private bool _finished;

    /// <summary>Starts a FIX 4.4 message of type <paramref name="msgType"/>.</summary>
    public FixWriter(Span<byte> buffer, ReadOnlySpan<byte> msgType) : this(buffer, Fix44.BeginString, msgType)
    {
    }

    public FixWriter(Span<byte> buffer, ReadOnlySpan<byte> beginString, ReadOnlySpan<byte> msgType)
    {
        _buffer = buffer;
        _fields = new FixBodyWriter(buffer);
        _fields.Append(FixTag.BeginString, beginString);
        // BodyLength cannot exceed the buffer, so that many digits are reserved; unused ones are closed up when
        // the message is finished, so BodyLength never carries leading zeros.
        _reservedLengthDigits = CountDigits(Math.Max(buffer.Length, 1));
        Span<byte> reserved = stackalloc byte[10];
        reserved.Fill((byte)'0');
        _lengthDigitsAt = _fields.Append(FixTag.BodyLength, reserved[.._reservedLengthDigits])
            ? _fields.Length - _reservedLengthDigits - 1
            : 0;
        _fields.Append(FixTag.MsgType, msgType);
    }

    public readonly FixWriteError Error => _fields.Error;

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _fields.Length;

    /// <summary>An ASCII value (a String, Char, MultipleValueString, …) as is. It must not be empty or contain SOH.</summary>
    public bool Append(int tag, scoped ReadOnlySpan<byte> value) => Open() && _fields.Append(tag, value);

    public bool Append(int tag, long value) => Open() && _fields.Append(tag, value);

    /// <summary>A Char field; only printable ASCII is allowed.</summary>
    public bool Append(int tag, char value) => Open() && _fields.Append(tag, value);

    public bool Append(int tag, bool value) => Open() && _fields.Append(tag, value);

    /// <summary>A PRICE, QTY, AMT or FLOAT held as a fixed-point integer with <paramref name="scale"/> decimals:
    /// 1234500 at scale 4 is written "123.45" (trailing fractional zeros are dropped).</summary>
    public bool AppendDecimal(int tag, long mantissa, int scale) => Open() && _fields.AppendDecimal(tag, mantissa, scale);

    /// <summary>A UTCTimestamp from nanoseconds since the Unix epoch, truncated to <paramref name="precision"/>.</summary>
    public bool AppendUtcTimestamp(int tag, long unixNanos, TimestampPrecision precision) =>
        Open() && _fields.AppendUtcTimestamp(tag, unixNanos, precision);

    /// <summary>A DATA field preceded by its LENGTH field (RawDataLength 95 then RawData 96, …); the data may
    /// contain SOH.</summary>
    public bool AppendData(int lengthTag, int dataTag, scoped ReadOnlySpan<byte> data) =>
        Open() && _fields.AppendData(lengthTag, dataTag, data);

    /// <summary>Patches BodyLength and appends CheckSum. <paramref name="length"/> is the length of the complete
    /// message at the start of the buffer.</summary>
    public bool TryFinish(out int length)
    {
        length = 0;
        if (!Open() || _fields.Error != FixWriteError.None) return false;
        _finished = true;

        int bodyStart = _lengthDigitsAt + _reservedLengthDigits + 1;
        int bodyLength = _fields.Length - bodyStart;
        int digits = CountDigits(bodyLength);
        _fields.Remove(_lengthDigitsAt + digits, _reservedLengthDigits - digits);
        int value = bodyLength;
        for (int i = _lengthDigitsAt + digits - 1; i >= _lengthDigitsAt; i--)
        {
            _buffer[i] = (byte)('0' + value % 10);
            value /= 10;
        }

        int checksum = FixChecksum.Compute(_fields.Written);
        Span<byte> checksumDigits = [(byte)('0' + checksum / 100), (byte)('0' + checksum / 10 % 10), (byte)('0' + checksum % 10)];
        if (!_fields.Append(FixTag.CheckSum, checksumDigits)) return false;
        length = _fields.Length;
        return true;
    }

    // Nothing may follow the CheckSum.
    private bool Open() => !_finished || _fields.Fail(FixWriteError.AlreadyFinished);

    private static int CountDigits(int value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }
}
