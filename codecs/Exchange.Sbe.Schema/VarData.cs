// <data>: a length-prefixed byte string after the block and groups of its message or group.
namespace Exchange.Sbe.Schema
{
    public sealed class VarData
    {
        internal VarData(string name, int id, CompositeType type, CompositeMember length, CompositeMember data, long maxLength)
        {
            Name = name;
            Id = id;
            Type = type;
            Length = length;
            Data = data;
            MaxLength = maxLength;
        }

        public string Name { get; }
        public int Id { get; }
        public string? Description { get; internal set; }
        public CompositeType Type { get; }

        // The composite's "length" member: an unsigned integer whose maxValue (if given) bounds the data.
        public CompositeMember Length { get; }

        // The composite's "varData" member: a length-0 uint8 or char array.
        public CompositeMember Data { get; }
        public long MaxLength { get; }
        public int SinceVersion { get; internal set; }
        public int? Deprecated { get; internal set; }

        public PrimitiveType LengthPrimitive => ((EncodedType)Length.Type).Primitive;

        public string? CharacterEncoding => ((EncodedType)Data.Type).CharacterEncoding;
    }
}
