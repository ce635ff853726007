// <type>: one primitive, or a fixed-length array of them (length > 1; length 0 only inside var data
// composites). A constant type carries its value and takes no space on the wire.
namespace Exchange.Sbe.Schema
{
    public sealed class EncodedType : SbeType
    {
        internal EncodedType(string name, PrimitiveType primitive) : base(name)
        {
            Primitive = primitive;
            Length = 1;
            NullValue = primitive.DefaultNullValue();
            MinValue = primitive.DefaultMinValue();
            MaxValue = primitive.DefaultMaxValue();
        }

        public PrimitiveType Primitive { get; }
        public int Length { get; internal set; }
        public string? CharacterEncoding { get; internal set; }
        public string NullValue { get; internal set; }
        public string MinValue { get; internal set; }
        public string MaxValue { get; internal set; }

        // The element text of a presence="constant" type, e.g. "9000" or "Petrol".
        public string? ConstantValue { get; internal set; }

        // A constant may name an enum value instead ("Model.C").
        public string? ValueRef { get; internal set; }

        public bool IsArray => Length != 1;

        public override int EncodedLength => Presence == Presence.Constant ? 0 : Primitive.Size() * Length;
    }
}
