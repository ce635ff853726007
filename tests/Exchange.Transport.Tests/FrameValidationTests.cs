// Malformed frames are rejected with the specific reason and never throw: the receive path faces the network.
using System.Buffers.Binary;
using Exchange.Transport;

namespace Exchange.Transport.Tests;

public class FrameValidationTests
{
    private const int TermLength = 64 * 1024;

    private static byte[] Data(int payloadLength = 8, int termOffset = 0)
    {
        var buffer = new byte[DataFrame.HeaderLength + payloadLength];
        DataFrame.WriteData(buffer, termOffset, 1, 2, 3, DataFrame.UnfragmentedFlags, new byte[payloadLength]);
        return buffer;
    }

    private static FrameError DataError(byte[] buffer, int? termLength = null)
    {
        bool ok = termLength is int length
            ? DataFrame.TryWrap(buffer, length, out _, out var error)
            : DataFrame.TryWrap(buffer, out _, out error);
        Assert.Equal(ok, error == FrameError.None);
        return error;
    }

    [Fact]
    public void Buffer_shorter_than_the_common_header_is_too_short()
    {
        Assert.False(FrameHeader.TryWrap(new byte[7], out _, out var error));
        Assert.Equal(FrameError.TooShort, error);
        Assert.Equal(FrameError.TooShort, DataError([]));
    }

    [Fact]
    public void Data_shorter_than_its_32_byte_header_is_too_short() =>
        Assert.Equal(FrameError.TooShort, DataError(Data()[..31]));

    [Fact]
    public void Nonzero_version_is_unsupported()
    {
        var buffer = Data();
        buffer[FrameHeader.VersionOffset] = 1;
        Assert.Equal(FrameError.UnsupportedVersion, DataError(buffer));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(0x7FFF)]
    [InlineData(-1)]
    public void Type_outside_pad_to_rttm_is_unknown(short type)
    {
        var buffer = Data();
        BinaryPrimitives.WriteInt16LittleEndian(buffer.AsSpan(FrameHeader.TypeOffset), type);
        Assert.False(FrameHeader.TryWrap(buffer, out _, out var error));
        Assert.Equal(FrameError.UnknownType, error);
        Assert.Equal(FrameError.UnknownType, DataError(buffer));
    }

    [Fact]
    public void Reading_a_setup_as_data_is_an_unexpected_type()
    {
        var buffer = new byte[40];
        SetupFrame.Write(buffer, 0, 1, 2, 3, 3, TermLength, 1408, 0);
        Assert.Equal(FrameError.UnexpectedType, DataError(buffer));
        Assert.False(NakFrame.TryWrap(buffer, out _, out var error));
        Assert.Equal(FrameError.UnexpectedType, error);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(-32)]
    [InlineData(41)]
    public void Data_frame_length_below_the_header_or_beyond_the_datagram_is_bad(int frameLength)
    {
        var buffer = Data();
        BinaryPrimitives.WriteInt32LittleEndian(buffer, frameLength);
        Assert.Equal(FrameError.BadLength, DataError(buffer));
    }

    [Fact]
    public void Header_only_pad_may_declare_more_than_the_datagram_holds()
    {
        var buffer = new byte[32];
        DataFrame.WritePad(buffer, TermLength - 4096, 1, 2, 3, 4096);
        Assert.Equal(FrameError.None, DataError(buffer, TermLength));
    }

    [Fact]
    public void Pad_beyond_the_largest_term_is_bad_length()
    {
        var buffer = new byte[32];
        DataFrame.WritePad(buffer, 0, 1, 2, 3, int.MaxValue);
        Assert.Equal(FrameError.BadLength, DataError(buffer));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(33)]
    [InlineData(-32)]
    public void Term_offset_not_on_a_32_byte_boundary_is_misaligned(int termOffset) =>
        Assert.Equal(FrameError.Misaligned, DataError(Data(termOffset: termOffset)));

    [Fact]
    public void Frame_whose_aligned_length_runs_past_the_term_end_crosses_the_term()
    {
        // 40 bytes align to 64, so at 32 bytes before the end the frame needs 32 more than the term has.
        Assert.Equal(FrameError.CrossesTerm, DataError(Data(8, TermLength - 32), TermLength));
        Assert.Equal(FrameError.None, DataError(Data(8, TermLength - 64), TermLength));
    }

    [Fact]
    public void Frame_starting_at_or_beyond_the_term_length_crosses_the_term() =>
        Assert.Equal(FrameError.CrossesTerm, DataError(Data(0, TermLength), TermLength));

    [Fact]
    public void Heartbeat_at_the_term_end_is_accepted() =>
        Assert.Equal(FrameError.None, DataError(Data(0, TermLength - 32), TermLength));

    [Fact]
    public void Control_frame_shorter_than_its_size_is_too_short()
    {
        var buffer = new byte[40];
        SetupFrame.Write(buffer, 0, 1, 2, 3, 3, TermLength, 1408, 0);
        Assert.False(SetupFrame.TryWrap(buffer.AsSpan(0, 39), out _, out var error));
        Assert.Equal(FrameError.TooShort, error);
    }

    [Theory]
    [InlineData(27)]
    [InlineData(29)]
    [InlineData(0)]
    public void Nak_frame_length_that_is_not_within_header_and_datagram_is_bad(int frameLength)
    {
        var buffer = new byte[28];
        NakFrame.Write(buffer, 1, 2, 3, 0, 64);
        BinaryPrimitives.WriteInt32LittleEndian(buffer, frameLength);
        Assert.False(NakFrame.TryWrap(buffer, out _, out var error));
        Assert.Equal(FrameError.BadLength, error);
    }

    [Fact]
    public void Nak_at_an_unaligned_offset_is_misaligned_and_negative_gap_is_bad_length()
    {
        var buffer = new byte[28];
        NakFrame.Write(buffer, 1, 2, 3, 8, 64);
        Assert.False(NakFrame.TryWrap(buffer, out _, out var error));
        Assert.Equal(FrameError.Misaligned, error);

        NakFrame.Write(buffer, 1, 2, 3, 0, -1);
        Assert.False(NakFrame.TryWrap(buffer, out _, out error));
        Assert.Equal(FrameError.BadLength, error);
    }

    [Theory]
    [InlineData(65536 + 1, 1408, 0, FrameError.InvalidTermLength)]
    [InlineData(32768, 1408, 0, FrameError.InvalidTermLength)]
    [InlineData(65536, 1400, 0, FrameError.InvalidMtu)]
    [InlineData(65536, 65536, 0, FrameError.InvalidMtu)]
    [InlineData(65536, 32, 0, FrameError.InvalidMtu)]
    [InlineData(65536, 1408, 48, FrameError.Misaligned)]
    [InlineData(65536, 1408, 65536, FrameError.CrossesTerm)]
    public void Setup_with_impossible_geometry_is_rejected(int termLength, int mtu, int termOffset, FrameError expected)
    {
        var buffer = new byte[40];
        SetupFrame.Write(buffer, termOffset, 1, 2, 3, 3, termLength, mtu, 0);
        Assert.False(SetupFrame.TryWrap(buffer, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Control_frames_with_longer_frame_length_inside_the_datagram_are_accepted()
    {
        // Later protocol versions append fields; a reader that knows the prefix must not drop them.
        var buffer = new byte[48];
        StatusMessageFrame.Write(buffer, 0, 1, 2, 3, 0, 4096, 5);
        BinaryPrimitives.WriteInt32LittleEndian(buffer, 44);
        Assert.True(StatusMessageFrame.TryWrap(buffer, out var frame, out _));
        Assert.Equal(44, frame.Header.FrameLength);
    }

    [Fact]
    public void Truncated_status_message_and_rttm_are_too_short()
    {
        var buffer = new byte[40];
        StatusMessageFrame.Write(buffer, 0, 1, 2, 3, 0, 4096, 5);
        Assert.False(StatusMessageFrame.TryWrap(buffer.AsSpan(0, 35), out _, out var error));
        Assert.Equal(FrameError.TooShort, error);

        RttMeasurementFrame.Write(buffer, 0, 1, 2, 3, 4, 5);
        Assert.False(RttMeasurementFrame.TryWrap(buffer.AsSpan(0, 39), out _, out error));
        Assert.Equal(FrameError.TooShort, error);
    }
}
