// NAK: a receiver's request to retransmit a gap of one term.
using System.Buffers.Binary;

namespace Exchange.Transport;

public readonly ref struct NakFrame : IControlFrame<NakFrame>
{
    public const int SessionIdOffset = FrameHeader.Length;
    public const int StreamIdOffset = 12;
    public const int TermIdOffset = 16;
    public const int TermOffsetOffset = 20;
    public const int GapLengthOffset = 24;
    public const int Length = 28;

    private readonly ReadOnlySpan<byte> _frame;

    private NakFrame(ReadOnlySpan<byte> frame) => _frame = frame;

    public FrameHeader Header => new(_frame);
    public int SessionId => BinaryPrimitives.ReadInt32LittleEndian(_frame[SessionIdOffset..]);
    public int StreamId => BinaryPrimitives.ReadInt32LittleEndian(_frame[StreamIdOffset..]);
    public int TermId => BinaryPrimitives.ReadInt32LittleEndian(_frame[TermIdOffset..]);
    public int TermOffset => BinaryPrimitives.ReadInt32LittleEndian(_frame[TermOffsetOffset..]);
    public int GapLength => BinaryPrimitives.ReadInt32LittleEndian(_frame[GapLengthOffset..]);

    /// <summary>Validates shape and that the gap starts on a frame boundary; the sender clamps the length to
    /// what it still holds, so a long or zero length is not an error here, only a negative one.</summary>
    public static bool TryWrap(ReadOnlySpan<byte> buffer, out NakFrame frame, out FrameError error) =>
        FrameHeader.TryWrapControl(buffer, FrameType.Nak, Length, out frame, out error);

    static NakFrame IControlFrame<NakFrame>.Wrap(ReadOnlySpan<byte> frame) => new(frame);

    FrameError IControlFrame<NakFrame>.CheckFields() =>
        !Framing.IsFrameOffset(TermOffset) ? FrameError.Misaligned
        : GapLength < 0 ? FrameError.BadLength
        : FrameError.None;

    public static int Write(Span<byte> destination, int sessionId, int streamId, int termId, int termOffset, int gapLength)
    {
                var frame = FrameHeader.WriteControl(destination, Length, 0, FrameType.Nak);
        BinaryPrimitives.WriteInt32LittleEndian(frame[SessionIdOffset..], sessionId);
        BinaryPrimitives.WriteInt32LittleEndian(frame[StreamIdOffset..], streamId);
        BinaryPrimitives.WriteInt32LittleEndian(frame[TermIdOffset..], termId);
        BinaryPrimitives.WriteInt32LittleEndian(frame[TermOffsetOffset..], termOffset);
        BinaryPrimitives.WriteInt32LittleEndian(frame[GapLengthOffset..], gapLength);
        return Length;
    }
}
