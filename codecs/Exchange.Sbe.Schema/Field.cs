// <field>: a fixed-size value at a fixed offset inside a message's or group's block.
namespace Exchange.Sbe.Schema
{
    // Its SinceVersion is the larger of the field's and its type's: a field cannot be older than its type.
    public sealed class Field(string name, int id, SbeType type) : SchemaElement(name)
    {
        public int Id { get; } = id;
        public SbeType Type { get; } = type;
        public string? SemanticType { get; internal set; }

        // The field's own presence if given, else its type's.
        public Presence Presence { get; internal set; }

        // Offset from the start of the block: either computed (the end of the previous field) or the
        // schema's offset attribute.
        public int Offset { get; internal set; }

        // For a constant field given as valueRef="Enum.Value".
        public EnumType? ValueRefEnum { get; internal set; }
        public EnumValue? ValueRefValue { get; internal set; }

        public int EncodedLength => Presence == Presence.Constant ? 0 : Type.EncodedLength;
    }
}
