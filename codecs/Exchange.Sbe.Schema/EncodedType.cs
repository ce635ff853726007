// <type>: one primitive, or a fixed-length array of them (length > 1; length 0 only inside var data
// composites). A constant type carries its value and takes no space on the wire.
namespace Exchange.Sbe.Schema
{
    public sealed class EncodedType(string name, PrimitiveType primitive) : SbeType(name)
    {
        public PrimitiveType Primitive { get; } = primitive;
        public int Length { get; internal set; } = 1;
        public string? CharacterEncoding { get; internal set; }

        // The spec's defaults for the primitive unless the schema gives its own.
        public string NullValue { get; internal set; } = primitive.DefaultNullValue();
        public string MinValue { get; internal set; } = primitive.DefaultMinValue();
        public string MaxValue { get; internal set; } = primitive.DefaultMaxValue();

        // The element text of a presence="constant" type, e.g. "9000" or "Petrol".
        public string? ConstantValue { get; internal set; }

        // A constant may name an enum value instead ("Model.C").
        public string? ValueRef { get; internal set; }

        public EnumType? ValueRefEnum { get; internal set; }

        public EnumValue? ValueRefValue { get; internal set; }

        public bool IsArray => Length != 1;

        public override int EncodedLength => Presence == Presence.Constant ? 0 : Primitive.Size() * Length;
    }
}
