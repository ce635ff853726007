// Lines of text into a preallocated buffer, handed to a stream (a log file, stderr) when full and at the end of each
// duty cycle: one write per cycle, and nothing allocated per line, so logging every message keeps the session's
// message path free of allocation. Secrets in FIX messages (Password 554, NewPassword 925, RawData 96) are masked.
using Exchange.Fix;

namespace Exchange.Fix.Session;

internal sealed class LogWriter : IDisposable
{
    private const byte Soh = 0x01;
    private static ReadOnlySpan<byte> Mask => "***"u8;

    private readonly Stream _sink;
    private readonly bool _ownsSink;
    private readonly byte[] _buffer;
    private readonly FixField[] _fields = new FixField[FixMessage.DefaultFieldCapacity];
    private int _length;
    private bool _failed;

    public LogWriter(Stream sink, bool ownsSink, int bufferLength = 1 << 16)
    {
        _sink = sink;
        _ownsSink = ownsSink;
        _buffer = new byte[bufferLength];
    }

    /// <summary>"yyyyMMdd-HH:mm:ss.ffffff " at <paramref name="unixNanos"/>, starting a line.</summary>
    public void Timestamp(long unixNanos)
    {
        Span<byte> text = stackalloc byte[UtcTimestamp.MaxLength];
        if (UtcTimestamp.TryFormat(unixNanos, TimestampPrecision.Microseconds, text, out int written)) Append(text[..written]);
        Append(" "u8);
    }

    /// <summary>Whether what is appended is escaped as the inside of a JSON string (quotes, backslashes, control
    /// characters and bytes above ASCII as \uXXXX), for a line that is a JSON object.</summary>
    public bool EscapeJson { get; set; }

    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        if (EscapeJson)
        {
            AppendEscaped(bytes);
            return;
        }
        AppendRaw(bytes);
    }

    private void AppendEscaped(scoped ReadOnlySpan<byte> bytes)
    {
        Span<byte> escape = stackalloc byte[6];
        while (!bytes.IsEmpty)
        {
            int safe = 0;
            while (safe < bytes.Length && bytes[safe] is >= 0x20 and < 0x7f and not (byte)'"' and not (byte)'\\') safe++;
            AppendRaw(bytes[..safe]);
            if (safe == bytes.Length) return;
            byte b = bytes[safe];
            escape[0] = (byte)'\\';
            if (b is (byte)'"' or (byte)'\\')
            {
                escape[1] = b;
                AppendRaw(escape[..2]);
            }
            else
            {
                "u00"u8.CopyTo(escape[1..]);
                escape[4] = (byte)"0123456789abcdef"[b >> 4];
                escape[5] = (byte)"0123456789abcdef"[b & 0xf];
                AppendRaw(escape);
            }
            bytes = bytes[(safe + 1)..];
        }
    }

    private void AppendRaw(scoped ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_length == _buffer.Length) Flush();
            int n = Math.Min(bytes.Length, _buffer.Length - _length);
            bytes[..n].CopyTo(_buffer.AsSpan(_length));
            _length += n;
            bytes = bytes[n..];
        }
    }

    /// <summary>Text as ASCII (anything else becomes '?'), without allocating.</summary>
    public void Append(string text)
    {
        Span<byte> chunk = stackalloc byte[256];
        for (int start = 0; start < text.Length; start += chunk.Length)
        {
            int n = Math.Min(chunk.Length, text.Length - start);
            for (int i = 0; i < n; i++)
            {
                char c = text[start + i];
                chunk[i] = c is >= ' ' and < (char)127 ? (byte)c : (byte)'?';
            }
            Append(chunk[..n]);
        }
    }

    /// <summary>A FIX message with its secrets masked; SOH kept as is (a file's readers expect it) or shown as '|'.</summary>
    public void AppendMessage(ReadOnlySpan<byte> message, bool sohAsBar)
    {
        if (!HoldsSecret(message))
        {
            AppendFields(message, sohAsBar);
            return;
        }
        if (!FixMessage.TryParse(message, _fields, out var parsed, out _))
        {
            AppendMaskingBySoh(message, sohAsBar);
            return;
        }
        int position = 0;
        foreach (var field in parsed.Fields)
        {
            if (!IsSecret(field.Tag)) continue;
            AppendFields(message[position..field.ValueOffset], sohAsBar);
            Append(Mask);
            position = field.ValueOffset + field.ValueLength;
        }
        AppendFields(message[position..], sohAsBar);
    }

    private const int NewPasswordTag = 925;

    private static bool IsSecret(int tag) => tag is FixTag.Password or NewPasswordTag or FixTag.RawData;

    // A message that does not parse (garbled, cut short) is masked field by field as SOH splits it.
    private void AppendMaskingBySoh(ReadOnlySpan<byte> message, bool sohAsBar)
    {
        while (!message.IsEmpty)
        {
            int soh = message.IndexOf(Soh);
            var field = soh < 0 ? message : message[..soh];
            int equals = field.IndexOf((byte)'=');
            if (equals > 0 && FixValue.TryParseInt(field[..equals], out int tag) && IsSecret(tag))
            {
                Append(field[..(equals + 1)]);
                Append(Mask);
            }
            else
            {
                Append(field);
            }
            if (soh < 0) break;
            Append(sohAsBar ? "|"u8 : "\u0001"u8);
            message = message[(soh + 1)..];
        }
    }

    private static bool HoldsSecret(ReadOnlySpan<byte> message) =>
        message.IndexOf("\u0001554="u8) >= 0 || message.IndexOf("\u0001925="u8) >= 0 || message.IndexOf("\u000196="u8) >= 0;

    private void AppendFields(ReadOnlySpan<byte> bytes, bool sohAsBar)
    {
        if (!sohAsBar)
        {
            Append(bytes);
            return;
        }
        while (!bytes.IsEmpty)
        {
            int soh = bytes.IndexOf(Soh);
            Append(soh < 0 ? bytes : bytes[..soh]);
            if (soh < 0) break;
            Append("|"u8);
            bytes = bytes[(soh + 1)..];
        }
    }

    public void EndLine() => AppendRaw("\n"u8);

    /// <summary>Bytes written as they are, whatever <see cref="EscapeJson"/> says (a JSON line's own punctuation).</summary>
    public void AppendVerbatim(scoped ReadOnlySpan<byte> bytes) => AppendRaw(bytes);

    public bool HasPending => _length > 0;

    /// <summary>Hands what is buffered to the stream. A log that cannot be written (disk full) stops logging rather
    /// than stopping the sessions.</summary>
    public void Flush()
    {
        if (_length == 0) return;
        int length = _length;
        _length = 0;
        if (_failed) return;
        try
        {
            _sink.Write(_buffer, 0, length);
            _sink.Flush();
        }
        catch (IOException)
        {
            _failed = true;
        }
    }

    public void Dispose()
    {
        Flush();
        if (_ownsSink) _sink.Dispose();
    }
}
