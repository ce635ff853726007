// <data>: a length-prefixed byte string after the block and groups of its message or group.
namespace Exchange.Sbe.Schema
{
    public sealed class VarData(string name, int id, CompositeType type, CompositeMember length, CompositeMember data, long maxLength)
        : SchemaElement(name)
    {
        public int Id { get; } = id;
        public CompositeType Type { get; } = type;

        // The composite's "length" member: an unsigned integer whose maxValue (if given) bounds the data.
        public CompositeMember Length { get; } = length;

        // The composite's "varData" member: a length-0 uint8 or char array.
        public CompositeMember Data { get; } = data;
        public long MaxLength { get; } = maxLength;

        public PrimitiveType LengthPrimitive => ((EncodedType)Length.Type).Primitive;

        public string? CharacterEncoding => ((EncodedType)Data.Type).CharacterEncoding;
    }
}
