// DATA and PAD frames: a 32-byte header followed by payload. A PAD frame fills the rest of a term and may
// arrive header-only; a DATA frame with frame_length 0 is a heartbeat at the sender's position.
using System.Buffers.Binary;

namespace Exchange.Transport;

public readonly ref struct DataFrame
{
    public const int TermOffsetOffset = FrameHeader.Length;
    public const int SessionIdOffset = 12;
    public const int StreamIdOffset = 16;
    public const int TermIdOffset = 20;
    public const int ReservedValueOffset = 24;
    public const int PayloadOffset = 32;
    public const int HeaderLength = 32;

    public const byte BeginFlag = 0x80;
    public const byte EndFlag = 0x40;
    public const byte EndOfStreamFlag = 0x20;
    /// <summary>A message carried whole in one frame.</summary>
    public const byte UnfragmentedFlags = BeginFlag | EndFlag;

    private readonly ReadOnlySpan<byte> _frame;

    private DataFrame(ReadOnlySpan<byte> frame) => _frame = frame;

    public FrameHeader Header => new(_frame);
    public int TermOffset => BinaryPrimitives.ReadInt32LittleEndian(_frame[TermOffsetOffset..]);
    public int SessionId => BinaryPrimitives.ReadInt32LittleEndian(_frame[SessionIdOffset..]);
    public int StreamId => BinaryPrimitives.ReadInt32LittleEndian(_frame[StreamIdOffset..]);
    public int TermId => BinaryPrimitives.ReadInt32LittleEndian(_frame[TermIdOffset..]);
    public long ReservedValue => BinaryPrimitives.ReadInt64LittleEndian(_frame[ReservedValueOffset..]);

    public bool IsPadding => Header.Type == FrameType.Pad;
    public bool IsHeartbeat => Header.Type == FrameType.Data && Header.FrameLength == 0;
    public bool IsBegin => Header.HasFlag(BeginFlag);
    public bool IsEnd => Header.HasFlag(EndFlag);
    public bool IsEndOfStream => Header.HasFlag(EndOfStreamFlag);

    /// <summary>The bytes of the term this frame occupies: its length rounded up to the frame alignment.</summary>
    public int AlignedLength => Framing.Align(Header.FrameLength);

    /// <summary>The message bytes of a DATA frame; empty for PAD (its padding is never sent) and heartbeats.</summary>
    public ReadOnlySpan<byte> Payload =>
        IsPadding || Header.FrameLength <= HeaderLength ? [] : _frame[PayloadOffset..Header.FrameLength];

    /// <summary>
    /// Validates a DATA or PAD frame at the start of <paramref name="buffer"/> without knowing the term length
    /// (a receiver that has not yet seen SETUP for the session still needs the session and stream).
    /// </summary>
    public static bool TryWrap(ReadOnlySpan<byte> buffer, out DataFrame frame, out FrameError error)
    {
        frame = default;
        error = Check(buffer);
        if (error != FrameError.None) return false;
        frame = new DataFrame(buffer);
        return true;
    }

    /// <summary>As <see cref="TryWrap(ReadOnlySpan{byte}, out DataFrame, out FrameError)"/>, and also rejects a
    /// frame that starts outside a term of <paramref name="termLength"/> bytes or whose aligned length runs past its end.</summary>
    public static bool TryWrap(ReadOnlySpan<byte> buffer, int termLength, out DataFrame frame, out FrameError error)
    {
        if (!TryWrap(buffer, out frame, out error)) return false;
        // Both operands are non-negative ints, so the subtraction cannot overflow the way a sum could.
        if (frame.TermOffset >= termLength || frame.AlignedLength > termLength - frame.TermOffset)
        {
            frame = default;
            error = FrameError.CrossesTerm;
            return false;
        }
        return true;
    }

    private static FrameError Check(ReadOnlySpan<byte> buffer)
    {
        if (!FrameHeader.TryWrap(buffer, out var header, out var error)) return error;
        if (header.Type is not (FrameType.Data or FrameType.Pad)) return FrameError.UnexpectedType;
        if (buffer.Length < HeaderLength) return FrameError.TooShort;
        int frameLength = header.FrameLength;
        bool heartbeat = header.Type == FrameType.Data && frameLength == 0;
        if (!heartbeat)
        {
            if (frameLength < HeaderLength) return FrameError.BadLength;
            // A PAD declares the rest of the term but its padding is not transmitted, so only DATA must be whole.
            if (header.Type == FrameType.Data && frameLength > buffer.Length) return FrameError.BadLength;
            if (frameLength > TermPosition.MaxTermLength) return FrameError.BadLength; // keeps Align from overflowing
        }
        int termOffset = BinaryPrimitives.ReadInt32LittleEndian(buffer[TermOffsetOffset..]);
        if (!Framing.IsFrameOffset(termOffset)) return FrameError.Misaligned;
        return FrameError.None;
    }

    /// <summary>Writes a DATA frame of header and <paramref name="payload"/>; returns its frame_length (unaligned).</summary>
    public static int WriteData(
        Span<byte> destination, int termOffset, int sessionId, int streamId, int termId, byte flags,
        ReadOnlySpan<byte> payload, long reservedValue = 0)
    {
        int frameLength = HeaderLength + payload.Length;
        WriteHeader(destination, frameLength, flags, FrameType.Data, termOffset, sessionId, streamId, termId, reservedValue);
        payload.CopyTo(destination[PayloadOffset..]);
        return frameLength;
    }

    /// <summary>Writes the header of a PAD frame that fills <paramref name="padLength"/> bytes of the term from
    /// <paramref name="termOffset"/>; only the header is written, the padding itself is never sent. Its flags are
    /// BEGIN|END, as Aeron's are: the padding is one whole (empty) message to a reader of the term.</summary>
    public static void WritePad(Span<byte> destination, int termOffset, int sessionId, int streamId, int termId, int padLength) =>
        WriteHeader(destination, padLength, UnfragmentedFlags, FrameType.Pad, termOffset, sessionId, streamId, termId, 0);

    /// <summary>Writes a heartbeat: a DATA header with frame_length 0 at the sender's position (EOS flags when closing).</summary>
    public static void WriteHeartbeat(
        Span<byte> destination, int termOffset, int sessionId, int streamId, int termId, bool endOfStream = false) =>
        WriteHeader(destination, 0, endOfStream ? (byte)(UnfragmentedFlags | EndOfStreamFlag) : UnfragmentedFlags,
            FrameType.Data, termOffset, sessionId, streamId, termId, 0);

    private static void WriteHeader(
        Span<byte> destination, int frameLength, byte flags, FrameType type,
        int termOffset, int sessionId, int streamId, int termId, long reservedValue)
    {
        var header = destination[..HeaderLength];
        FrameHeader.Write(header, frameLength, flags, type);
        BinaryPrimitives.WriteInt32LittleEndian(header[TermOffsetOffset..], termOffset);
        BinaryPrimitives.WriteInt32LittleEndian(header[SessionIdOffset..], sessionId);
        BinaryPrimitives.WriteInt32LittleEndian(header[StreamIdOffset..], streamId);
        BinaryPrimitives.WriteInt32LittleEndian(header[TermIdOffset..], termId);
        BinaryPrimitives.WriteInt64LittleEndian(header[ReservedValueOffset..], reservedValue);
    }
}
