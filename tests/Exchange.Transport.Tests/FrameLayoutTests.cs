// Every frame type written by our encoder has Aeron's bytes at Aeron's offsets, and reads back field for field.
using System.Buffers.Binary;
using Exchange.Transport;

namespace Exchange.Transport.Tests;

public class FrameLayoutTests
{
    private static int I32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadInt32LittleEndian(b[at..]);
    private static long I64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadInt64LittleEndian(b[at..]);
    private static short I16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadInt16LittleEndian(b[at..]);

    [Fact]
    public void Frame_type_values_are_aerons()
    {
        Assert.Equal(0, (short)FrameType.Pad);
        Assert.Equal(1, (short)FrameType.Data);
        Assert.Equal(2, (short)FrameType.Nak);
        Assert.Equal(3, (short)FrameType.StatusMessage);
        Assert.Equal(4, (short)FrameType.Error);
        Assert.Equal(5, (short)FrameType.Setup);
        Assert.Equal(6, (short)FrameType.Rttm);
    }

    [Fact]
    public void Flag_values_are_aerons()
    {
        Assert.Equal(0x80, DataFrame.BeginFlag);
        Assert.Equal(0x40, DataFrame.EndFlag);
        Assert.Equal(0x20, DataFrame.EndOfStreamFlag);
        Assert.Equal(0xC0, DataFrame.UnfragmentedFlags);
        Assert.Equal(0x80, StatusMessageFrame.SendSetupFlag);
        Assert.Equal(0x40, StatusMessageFrame.EndOfStreamFlag);
        Assert.Equal(0x80, RttMeasurementFrame.ReplyRequestedFlag);
    }

    [Fact]
    public void Common_header_is_length_version_flags_type_little_endian()
    {
        var buffer = new byte[8];
        FrameHeader.Write(buffer, 0x01020304, 0xC0, FrameType.Setup);
        Assert.Equal(new byte[] { 0x04, 0x03, 0x02, 0x01, 0x00, 0xC0, 0x05, 0x00 }, buffer);
        Assert.True(FrameHeader.TryWrap(buffer, out var header, out _));
        Assert.Equal((0x01020304, (byte)0, (byte)0xC0, FrameType.Setup), (header.FrameLength, header.Version, header.Flags, header.Type));
    }

    [Fact]
    public void Data_frame_has_fields_at_documented_offsets_and_payload_from_32()
    {
        var buffer = new byte[64];
        byte[] payload = [1, 2, 3, 4, 5];
        int length = DataFrame.WriteData(buffer, 4096, -7, 1001, 0x7FFFFFFF, 0x80, payload, 0x0102030405060708);

        Assert.Equal(37, length);
        Assert.Equal(37, I32(buffer, 0));
        Assert.Equal(0, buffer[4]);
        Assert.Equal(0x80, buffer[5]);
        Assert.Equal(1, I16(buffer, 6));
        Assert.Equal(4096, I32(buffer, 8));
        Assert.Equal(-7, I32(buffer, 12));
        Assert.Equal(1001, I32(buffer, 16));
        Assert.Equal(0x7FFFFFFF, I32(buffer, 20));
        Assert.Equal(0x0102030405060708, I64(buffer, 24));
        Assert.Equal(payload, buffer[32..37]);

        Assert.True(DataFrame.TryWrap(buffer, out var frame, out var error), error.ToString());
        Assert.Equal((37, 4096, -7, 1001, 0x7FFFFFFF, 0x0102030405060708L), (frame.Header.FrameLength, frame.TermOffset, frame.SessionId, frame.StreamId, frame.TermId, frame.ReservedValue));
        Assert.True(frame.IsBegin);
        Assert.False(frame.IsEnd);
        Assert.Equal(64, frame.AlignedLength);
        Assert.Equal(payload, frame.Payload.ToArray());
    }

    [Fact]
    public void Pad_frame_is_a_header_declaring_the_rest_of_the_term()
    {
        var buffer = new byte[32];
        DataFrame.WritePad(buffer, 65536 - 96, 5, 6, 7, 96);

        Assert.Equal(96, I32(buffer, 0));
        Assert.Equal(0xC0, buffer[5]); // BEGIN|END, as Aeron writes it
        Assert.Equal(0, I16(buffer, 6));
        Assert.Equal(65536 - 96, I32(buffer, 8));
        Assert.True(DataFrame.TryWrap(buffer, 65536, out var frame, out var error), error.ToString());
        Assert.True(frame.IsPadding);
        Assert.True(frame.Payload.IsEmpty);
        Assert.Equal(96, frame.AlignedLength);
    }

    [Fact]
    public void Heartbeat_is_a_data_header_with_zero_length_and_eos_heartbeat_has_flags_E0()
    {
        var buffer = new byte[32];
        DataFrame.WriteHeartbeat(buffer, 128, 1, 2, 3);
        Assert.Equal(0, I32(buffer, 0));
        Assert.Equal(0xC0, buffer[5]);
        Assert.Equal(1, I16(buffer, 6));
        Assert.True(DataFrame.TryWrap(buffer, out var frame, out _));
        Assert.True(frame.IsHeartbeat);
        Assert.False(frame.IsEndOfStream);

        DataFrame.WriteHeartbeat(buffer, 128, 1, 2, 3, endOfStream: true);
        Assert.Equal(0xE0, buffer[5]);
        Assert.True(DataFrame.TryWrap(buffer, out frame, out _));
        Assert.True(frame.IsEndOfStream);
    }

    [Fact]
    public void Setup_frame_is_40_bytes_with_fields_at_documented_offsets()
    {
        var buffer = new byte[40];
        Assert.Equal(40, SetupFrame.Write(buffer, 1024, 11, 12, -5, -3, 65536, 1408, 8));

        Assert.Equal(40, I32(buffer, 0));
        Assert.Equal(0, buffer[5]);
        Assert.Equal(5, I16(buffer, 6));
        Assert.Equal(1024, I32(buffer, 8));
        Assert.Equal(11, I32(buffer, 12));
        Assert.Equal(12, I32(buffer, 16));
        Assert.Equal(-5, I32(buffer, 20));
        Assert.Equal(-3, I32(buffer, 24));
        Assert.Equal(65536, I32(buffer, 28));
        Assert.Equal(1408, I32(buffer, 32));
        Assert.Equal(8, I32(buffer, 36));

        Assert.True(SetupFrame.TryWrap(buffer, out var frame, out var error), error.ToString());
        Assert.Equal((1024, 11, 12, -5, -3, 65536, 1408, 8),
            (frame.TermOffset, frame.SessionId, frame.StreamId, frame.InitialTermId, frame.ActiveTermId, frame.TermLength, frame.Mtu, frame.Ttl));
    }

    [Fact]
    public void Status_message_is_36_bytes_with_fields_at_documented_offsets()
    {
        var buffer = new byte[36];
        Assert.Equal(36, StatusMessageFrame.Write(buffer, StatusMessageFrame.EndOfStreamFlag, 21, 22, 23, 2048, 131072, -0x0102030405060708));

        Assert.Equal(36, I32(buffer, 0));
        Assert.Equal(0x40, buffer[5]);
        Assert.Equal(3, I16(buffer, 6));
        Assert.Equal(21, I32(buffer, 8));
        Assert.Equal(22, I32(buffer, 12));
        Assert.Equal(23, I32(buffer, 16));
        Assert.Equal(2048, I32(buffer, 20));
        Assert.Equal(131072, I32(buffer, 24));
        Assert.Equal(-0x0102030405060708, I64(buffer, 28));

        Assert.True(StatusMessageFrame.TryWrap(buffer, out var frame, out var error), error.ToString());
        Assert.Equal((21, 22, 23, 2048, 131072, -0x0102030405060708L),
            (frame.SessionId, frame.StreamId, frame.ConsumptionTermId, frame.ConsumptionTermOffset, frame.ReceiverWindow, frame.ReceiverId));
        Assert.True(frame.IsEndOfStream);
        Assert.False(frame.IsSendSetup);
    }

    [Fact]
    public void Send_setup_status_message_has_flag_80_and_zero_position_and_window()
    {
        var buffer = new byte[36];
        StatusMessageFrame.Write(buffer, StatusMessageFrame.SendSetupFlag, 1, 2, 0, 0, 0, 99);
        Assert.Equal(0x80, buffer[5]);
        Assert.True(StatusMessageFrame.TryWrap(buffer, out var frame, out _));
        Assert.True(frame.IsSendSetup);
        Assert.Equal((0, 0, 0), (frame.ConsumptionTermId, frame.ConsumptionTermOffset, frame.ReceiverWindow));
    }

    [Fact]
    public void Nak_is_28_bytes_with_fields_at_documented_offsets()
    {
        var buffer = new byte[28];
        Assert.Equal(28, NakFrame.Write(buffer, 31, 32, 33, 640, 1408));

        Assert.Equal(28, I32(buffer, 0));
        Assert.Equal(0, buffer[5]);
        Assert.Equal(2, I16(buffer, 6));
        Assert.Equal(31, I32(buffer, 8));
        Assert.Equal(32, I32(buffer, 12));
        Assert.Equal(33, I32(buffer, 16));
        Assert.Equal(640, I32(buffer, 20));
        Assert.Equal(1408, I32(buffer, 24));

        Assert.True(NakFrame.TryWrap(buffer, out var frame, out var error), error.ToString());
        Assert.Equal((31, 32, 33, 640, 1408), (frame.SessionId, frame.StreamId, frame.TermId, frame.TermOffset, frame.GapLength));
    }

    [Fact]
    public void Rttm_is_40_bytes_with_fields_at_documented_offsets()
    {
        var buffer = new byte[40];
        Assert.Equal(40, RttMeasurementFrame.Write(buffer, RttMeasurementFrame.ReplyRequestedFlag, 41, 42, 123456789012, 55, 77));

        Assert.Equal(40, I32(buffer, 0));
        Assert.Equal(0x80, buffer[5]);
        Assert.Equal(6, I16(buffer, 6));
        Assert.Equal(41, I32(buffer, 8));
        Assert.Equal(42, I32(buffer, 12));
        Assert.Equal(123456789012, I64(buffer, 16));
        Assert.Equal(55, I64(buffer, 24));
        Assert.Equal(77, I64(buffer, 32));

        Assert.True(RttMeasurementFrame.TryWrap(buffer, out var frame, out var error), error.ToString());
        Assert.True(frame.IsReplyRequested);
        Assert.Equal((41, 42, 123456789012L, 55L, 77L), (frame.SessionId, frame.StreamId, frame.EchoTimestamp, frame.ReceptionDelta, frame.ReceiverId));
    }

    [Fact]
    public void Rttm_reply_echoes_timestamp_and_receiver_id_with_zero_delta_and_no_flags()
    {
        var request = new byte[40];
        RttMeasurementFrame.Write(request, RttMeasurementFrame.ReplyRequestedFlag, 1, 2, 1000, 9, 42);
        Assert.True(RttMeasurementFrame.TryWrap(request, out var frame, out _));

        var reply = new byte[40];
        RttMeasurementFrame.WriteReply(reply, frame);
        Assert.True(RttMeasurementFrame.TryWrap(reply, out var answer, out _));
        Assert.Equal((0, 1, 2, 1000L, 0L, 42L), (answer.Header.Flags, answer.SessionId, answer.StreamId, answer.EchoTimestamp, answer.ReceptionDelta, answer.ReceiverId));
    }
}
