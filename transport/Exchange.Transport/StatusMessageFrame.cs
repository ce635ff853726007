// SM (status message): the receiver's consumption position and window, which set the sender's flow-control limit.
using System.Buffers.Binary;

namespace Exchange.Transport;

public readonly ref struct StatusMessageFrame : IControlFrame<StatusMessageFrame>
{
    public const int SessionIdOffset = FrameHeader.Length;
    public const int StreamIdOffset = 12;
    public const int ConsumptionTermIdOffset = 16;
    public const int ConsumptionTermOffsetOffset = 20;
    public const int ReceiverWindowOffset = 24;
    public const int ReceiverIdOffset = 28;
    public const int Length = 36;

    /// <summary>Asks the sender to send SETUP again: how a receiver that lost (or never had) the session rejoins.</summary>
    public const byte SendSetupFlag = 0x80;
    /// <summary>The receiver has drained an ended stream and leaves.</summary>
    public const byte EndOfStreamFlag = 0x40;

    private readonly ReadOnlySpan<byte> _frame;

    private StatusMessageFrame(ReadOnlySpan<byte> frame) => _frame = frame;

    public FrameHeader Header => new(_frame);
    public int SessionId => BinaryPrimitives.ReadInt32LittleEndian(_frame[SessionIdOffset..]);
    public int StreamId => BinaryPrimitives.ReadInt32LittleEndian(_frame[StreamIdOffset..]);
    public int ConsumptionTermId => BinaryPrimitives.ReadInt32LittleEndian(_frame[ConsumptionTermIdOffset..]);
    public int ConsumptionTermOffset => BinaryPrimitives.ReadInt32LittleEndian(_frame[ConsumptionTermOffsetOffset..]);
    public int ReceiverWindow => BinaryPrimitives.ReadInt32LittleEndian(_frame[ReceiverWindowOffset..]);
    public long ReceiverId => BinaryPrimitives.ReadInt64LittleEndian(_frame[ReceiverIdOffset..]);

    public bool IsSendSetup => Header.HasFlag(SendSetupFlag);
    public bool IsEndOfStream => Header.HasFlag(EndOfStreamFlag);

    /// <summary>Validates the frame's shape only. Whether the position and window are acceptable depends on the
    /// sender's term length and position, so flow control judges those.</summary>
    public static bool TryWrap(ReadOnlySpan<byte> buffer, out StatusMessageFrame frame, out FrameError error) =>
        FrameHeader.TryWrapControl(buffer, FrameType.StatusMessage, Length, out frame, out error);

    static StatusMessageFrame IControlFrame<StatusMessageFrame>.Wrap(ReadOnlySpan<byte> frame) => new(frame);

    FrameError IControlFrame<StatusMessageFrame>.CheckFields() => FrameError.None;

    public static int Write(
        Span<byte> destination, byte flags, int sessionId, int streamId, int consumptionTermId, int consumptionTermOffset,
        int receiverWindow, long receiverId)
    {
                var frame = FrameHeader.WriteControl(destination, Length, flags, FrameType.StatusMessage);
        BinaryPrimitives.WriteInt32LittleEndian(frame[SessionIdOffset..], sessionId);
        BinaryPrimitives.WriteInt32LittleEndian(frame[StreamIdOffset..], streamId);
        BinaryPrimitives.WriteInt32LittleEndian(frame[ConsumptionTermIdOffset..], consumptionTermId);
        BinaryPrimitives.WriteInt32LittleEndian(frame[ConsumptionTermOffsetOffset..], consumptionTermOffset);
        BinaryPrimitives.WriteInt32LittleEndian(frame[ReceiverWindowOffset..], receiverWindow);
        BinaryPrimitives.WriteInt64LittleEndian(frame[ReceiverIdOffset..], receiverId);
        return Length;
    }
}
