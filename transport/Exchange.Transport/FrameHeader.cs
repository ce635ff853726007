// The 8-byte header every Aeron frame starts with: frame_length, version, flags, type. Each frame type reads and
// writes these through here and declares only the fields that follow.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Exchange.Transport;

public readonly ref struct FrameHeader
{
    public const int FrameLengthOffset = 0;
    public const int VersionOffset = 4;
    public const int FlagsOffset = 5;
    public const int TypeOffset = 6;
    public const int Length = 8;

    public const byte CurrentVersion = 0;

    private readonly ReadOnlySpan<byte> _buffer;

    /// <summary>The header of a frame that starts at <paramref name="buffer"/>; unchecked, for frame types that
    /// have already validated it.</summary>
    internal FrameHeader(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    public int FrameLength => BinaryPrimitives.ReadInt32LittleEndian(_buffer);
    public byte Version => _buffer[VersionOffset];
    public byte Flags => _buffer[FlagsOffset];
    public FrameType Type => (FrameType)BinaryPrimitives.ReadInt16LittleEndian(_buffer[TypeOffset..]);

    /// <summary>Whether any bit of <paramref name="flag"/> is set; each frame type gives its flags their meaning.</summary>
    public bool HasFlag(byte flag) => (Flags & flag) != 0;

    /// <summary>
    /// Reads the common header and classifies the frame. Only the 8 bytes are checked here; each frame
    /// type's own <c>TryWrap</c> checks its length and fields, so a dispatcher can switch on <see cref="Type"/>.
    /// </summary>
    public static bool TryWrap(ReadOnlySpan<byte> buffer, out FrameHeader header, out FrameError error)
    {
        header = default;
        if (buffer.Length < Length) { error = FrameError.TooShort; return false; }
        var candidate = new FrameHeader(buffer);
        if (candidate.Version != CurrentVersion) { error = FrameError.UnsupportedVersion; return false; }
        if ((ushort)candidate.Type > (ushort)FrameType.Rttm) { error = FrameError.UnknownType; return false; }
        header = candidate;
        error = FrameError.None;
        return true;
    }

    /// <summary>
    /// Wraps a fixed-size control frame (SETUP, SM, NAK, RTTM): the common header, the type and the length are
    /// checked here, then the frame's own fields by <see cref="IControlFrame{TSelf}.CheckFields"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryWrapControl<TFrame>(
        ReadOnlySpan<byte> buffer, FrameType expected, int headerLength, out TFrame frame, out FrameError error)
        where TFrame : struct, IControlFrame<TFrame>, allows ref struct
    {
        frame = default;
        error = CheckControl(buffer, expected, headerLength);
        if (error != FrameError.None) return false;
        var candidate = TFrame.Wrap(buffer);
        error = candidate.CheckFields();
        if (error != FrameError.None) return false;
        frame = candidate;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FrameError CheckControl(ReadOnlySpan<byte> buffer, FrameType expected, int headerLength)
    {
        if (!TryWrap(buffer, out var header, out var error)) return error;
        if (header.Type != expected) return FrameError.UnexpectedType;
        if (buffer.Length < headerLength) return FrameError.TooShort;
        // A longer frame_length is accepted (later Aeron versions may append fields); more than was received is not.
        int frameLength = header.FrameLength;
        if (frameLength < headerLength || frameLength > buffer.Length) return FrameError.BadLength;
        return FrameError.None;
    }

    public static void Write(Span<byte> destination, int frameLength, byte flags, FrameType type)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, frameLength);
        destination[VersionOffset] = CurrentVersion;
        destination[FlagsOffset] = flags;
        BinaryPrimitives.WriteInt16LittleEndian(destination[TypeOffset..], (short)type);
    }

    /// <summary>Writes the header of a fixed-size control frame of <paramref name="length"/> bytes and returns those
    /// bytes, for the frame to write its own fields into.</summary>
    internal static Span<byte> WriteControl(Span<byte> destination, int length, byte flags, FrameType type)
    {
        var frame = destination[..length];
        Write(frame, length, flags, type);
        return frame;
    }
}

/// <summary>What <see cref="FrameHeader.TryWrapControl{TFrame}"/> needs of a control frame type.</summary>
internal interface IControlFrame<TSelf> where TSelf : IControlFrame<TSelf>, allows ref struct
{
    /// <summary>The frame at the start of <paramref name="frame"/>, whose header has been checked.</summary>
    static abstract TSelf Wrap(ReadOnlySpan<byte> frame);

    /// <summary>What the header check cannot see: whether the frame's own fields are usable.</summary>
    FrameError CheckFields();
}
