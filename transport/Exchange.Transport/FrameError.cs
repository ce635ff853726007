// Why a received frame was rejected. The receive path drops bad datagrams with one of these reasons
// (counted, never thrown), because anything on the network can send us any bytes.
namespace Exchange.Transport;

public enum FrameError : byte
{
    None = 0,
    /// <summary>Fewer bytes than the header of the frame type.</summary>
    TooShort,
    /// <summary>Version byte is not <see cref="FrameHeader.CurrentVersion"/>.</summary>
    UnsupportedVersion,
    /// <summary>Type is not one Aeron defines for unicast (PAD, DATA, NAK, SM, ERR, SETUP, RTTM).</summary>
    UnknownType,
    /// <summary>A known type, but not the one the caller asked to read.</summary>
    UnexpectedType,
    /// <summary>frame_length is smaller than the header or larger than the bytes received.</summary>
    BadLength,
    /// <summary>A term offset that is negative or not a multiple of <see cref="Framing.Alignment"/>.</summary>
    Misaligned,
    /// <summary>The frame starts outside the term or its aligned length runs past the term's end.</summary>
    CrossesTerm,
    /// <summary>SETUP announces a term length that is not a power of two in 64 KiB..1 GiB.</summary>
    InvalidTermLength,
    /// <summary>SETUP announces an mtu that is not a multiple of 32 in 64..65504.</summary>
    InvalidMtu,
}
