// The type field of the common header (@6, int16). Values are Aeron's; 7 and above are not used by unicast.
namespace Exchange.Transport;

public enum FrameType : short
{
    Pad = 0,
    Data = 1,
    Nak = 2,
    StatusMessage = 3,
    Error = 4,
    Setup = 5,
    Rttm = 6,
}
