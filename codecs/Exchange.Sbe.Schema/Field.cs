// <field>: a fixed-size value at a fixed offset inside a message's or group's block.
namespace Exchange.Sbe.Schema
{
    public sealed class Field
    {
        internal Field(string name, int id, SbeType type)
        {
            Name = name;
            Id = id;
            Type = type;
        }

        public string Name { get; }
        public int Id { get; }
        public SbeType Type { get; }
        public string? Description { get; internal set; }
        public string? SemanticType { get; internal set; }

        // The field's own presence if given, else its type's.
        public Presence Presence { get; internal set; }

        // Offset from the start of the block: either computed (the end of the previous field) or the
        // schema's offset attribute.
        public int Offset { get; internal set; }

        // The larger of the field's and its type's sinceVersion: a decoder whose acting version is older sees
        // the null value.
        public int SinceVersion { get; internal set; }
        public int? Deprecated { get; internal set; }

        // For a constant field given as valueRef="Enum.Value".
        public EnumType? ValueRefEnum { get; internal set; }
        public EnumValue? ValueRefValue { get; internal set; }

        public int EncodedLength => Presence == Presence.Constant ? 0 : Type.EncodedLength;
    }
}
