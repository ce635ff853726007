// The schema's byteOrder attribute: one order for every multi-byte value in every message of the schema.
namespace Exchange.Sbe.Schema
{
    public enum ByteOrder
    {
        LittleEndian,
        BigEndian,
    }
}
