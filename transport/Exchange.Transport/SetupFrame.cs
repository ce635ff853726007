// SETUP: the sender's announcement of a stream (term geometry and where it is now), repeated until an SM arrives.
using System.Buffers.Binary;

namespace Exchange.Transport;

public readonly ref struct SetupFrame : IControlFrame<SetupFrame>
{
    public const int TermOffsetOffset = FrameHeader.Length;
    public const int SessionIdOffset = 12;
    public const int StreamIdOffset = 16;
    public const int InitialTermIdOffset = 20;
    public const int ActiveTermIdOffset = 24;
    public const int TermLengthOffset = 28;
    public const int MtuOffset = 32;
    public const int TtlOffset = 36;
    public const int Length = 40;

    private readonly ReadOnlySpan<byte> _frame;

    private SetupFrame(ReadOnlySpan<byte> frame) => _frame = frame;

    public FrameHeader Header => new(_frame);
    public int TermOffset => BinaryPrimitives.ReadInt32LittleEndian(_frame[TermOffsetOffset..]);
    public int SessionId => BinaryPrimitives.ReadInt32LittleEndian(_frame[SessionIdOffset..]);
    public int StreamId => BinaryPrimitives.ReadInt32LittleEndian(_frame[StreamIdOffset..]);
    public int InitialTermId => BinaryPrimitives.ReadInt32LittleEndian(_frame[InitialTermIdOffset..]);
    public int ActiveTermId => BinaryPrimitives.ReadInt32LittleEndian(_frame[ActiveTermIdOffset..]);
    public int TermLength => BinaryPrimitives.ReadInt32LittleEndian(_frame[TermLengthOffset..]);
    public int Mtu => BinaryPrimitives.ReadInt32LittleEndian(_frame[MtuOffset..]);
    public int Ttl => BinaryPrimitives.ReadInt32LittleEndian(_frame[TtlOffset..]);

    /// <summary>Validates a SETUP, including the geometry a receiver will build its image from: a bad term
    /// length or mtu, or a join offset outside the term, would corrupt every position computed later.</summary>
    public static bool TryWrap(ReadOnlySpan<byte> buffer, out SetupFrame frame, out FrameError error) =>
        FrameHeader.TryWrapControl(buffer, FrameType.Setup, Length, out frame, out error);

    static SetupFrame IControlFrame<SetupFrame>.Wrap(ReadOnlySpan<byte> frame) => new(frame);

    FrameError IControlFrame<SetupFrame>.CheckFields() =>
        !TermPosition.IsValidTermLength(TermLength) ? FrameError.InvalidTermLength
        : !Framing.IsValidMtu(Mtu) ? FrameError.InvalidMtu
        : !Framing.IsFrameOffset(TermOffset) ? FrameError.Misaligned
        : TermOffset >= TermLength ? FrameError.CrossesTerm
        : FrameError.None;

    public static int Write(
        Span<byte> destination, int termOffset, int sessionId, int streamId, int initialTermId, int activeTermId,
        int termLength, int mtu, int ttl)
    {
        // Flags are 0 for unicast; Aeron uses them only for multicast/response channels.
        var frame = FrameHeader.WriteControl(destination, Length, 0, FrameType.Setup);
        BinaryPrimitives.WriteInt32LittleEndian(frame[TermOffsetOffset..], termOffset);
        BinaryPrimitives.WriteInt32LittleEndian(frame[SessionIdOffset..], sessionId);
        BinaryPrimitives.WriteInt32LittleEndian(frame[StreamIdOffset..], streamId);
        BinaryPrimitives.WriteInt32LittleEndian(frame[InitialTermIdOffset..], initialTermId);
        BinaryPrimitives.WriteInt32LittleEndian(frame[ActiveTermIdOffset..], activeTermId);
        BinaryPrimitives.WriteInt32LittleEndian(frame[TermLengthOffset..], termLength);
        BinaryPrimitives.WriteInt32LittleEndian(frame[MtuOffset..], mtu);
        BinaryPrimitives.WriteInt32LittleEndian(frame[TtlOffset..], ttl);
        return Length;
    }
}
