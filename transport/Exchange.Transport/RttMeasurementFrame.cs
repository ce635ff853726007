// RTTM: round-trip-time probe used by congestion controls that measure RTT; we answer requests by echoing.
using System.Buffers.Binary;

namespace Exchange.Transport;

public readonly ref struct RttMeasurementFrame : IControlFrame<RttMeasurementFrame>
{
    public const int SessionIdOffset = FrameHeader.Length;
    public const int StreamIdOffset = 12;
    public const int EchoTimestampOffset = 16;
    public const int ReceptionDeltaOffset = 24;
    public const int ReceiverIdOffset = 32;
    public const int Length = 40;

    public const byte ReplyRequestedFlag = 0x80;

    private readonly ReadOnlySpan<byte> _frame;

    private RttMeasurementFrame(ReadOnlySpan<byte> frame) => _frame = frame;

    public FrameHeader Header => new(_frame);
    public int SessionId => BinaryPrimitives.ReadInt32LittleEndian(_frame[SessionIdOffset..]);
    public int StreamId => BinaryPrimitives.ReadInt32LittleEndian(_frame[StreamIdOffset..]);
    public long EchoTimestamp => BinaryPrimitives.ReadInt64LittleEndian(_frame[EchoTimestampOffset..]);
    public long ReceptionDelta => BinaryPrimitives.ReadInt64LittleEndian(_frame[ReceptionDeltaOffset..]);
    public long ReceiverId => BinaryPrimitives.ReadInt64LittleEndian(_frame[ReceiverIdOffset..]);

    public bool IsReplyRequested => Header.HasFlag(ReplyRequestedFlag);

    public static bool TryWrap(ReadOnlySpan<byte> buffer, out RttMeasurementFrame frame, out FrameError error) =>
        FrameHeader.TryWrapControl(buffer, FrameType.Rttm, Length, out frame, out error);

    static RttMeasurementFrame IControlFrame<RttMeasurementFrame>.Wrap(ReadOnlySpan<byte> frame) => new(frame);

    FrameError IControlFrame<RttMeasurementFrame>.CheckFields() => FrameError.None;

    public static int Write(
        Span<byte> destination, byte flags, int sessionId, int streamId, long echoTimestamp, long receptionDelta, long receiverId)
    {
                var frame = FrameHeader.WriteControl(destination, Length, flags, FrameType.Rttm);
        BinaryPrimitives.WriteInt32LittleEndian(frame[SessionIdOffset..], sessionId);
        BinaryPrimitives.WriteInt32LittleEndian(frame[StreamIdOffset..], streamId);
        BinaryPrimitives.WriteInt64LittleEndian(frame[EchoTimestampOffset..], echoTimestamp);
        BinaryPrimitives.WriteInt64LittleEndian(frame[ReceptionDeltaOffset..], receptionDelta);
        BinaryPrimitives.WriteInt64LittleEndian(frame[ReceiverIdOffset..], receiverId);
        return Length;
    }

    /// <summary>Writes the reply to a request: the echo timestamp and receiver id returned, delta 0, no flags.</summary>
    public static int WriteReply(Span<byte> destination, RttMeasurementFrame request) =>
        Write(destination, 0, request.SessionId, request.StreamId, request.EchoTimestamp, 0, request.ReceiverId);
}
