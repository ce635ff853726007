// <enum>: a closed list of values encoded as one char or integer primitive.
using System.Collections.Generic;

namespace Exchange.Sbe.Schema
{
    public sealed class EnumType : SbeType
    {
        internal EnumType(string name, PrimitiveType encoding, string nullValue) : base(name)
        {
            Encoding = encoding;
            NullValue = nullValue;
        }

        public PrimitiveType Encoding { get; }

        // The wire value that means "no value"; the spec default for the encoding primitive.
        public string NullValue { get; }

        public List<EnumValue> Values { get; } = new List<EnumValue>();

        public override int EncodedLength => Presence == Presence.Constant ? 0 : Encoding.Size();

        public EnumValue? Value(string name)
        {
            foreach (var value in Values)
            {
                if (value.Name == name)
                {
                    return value;
                }
            }

            return null;
        }
    }

    public sealed class EnumValue
    {
        internal EnumValue(string name, string literal, long numeric)
        {
            Name = name;
            Literal = literal;
            Numeric = numeric;
        }

        public string Name { get; }

        // As written in the schema: "A" for a char enum, "1" for an integer one.
        public string Literal { get; }

        // The value on the wire: the character's code for char enums.
        public long Numeric { get; }

        public string? Description { get; internal set; }
        public int SinceVersion { get; internal set; }
        public int? Deprecated { get; internal set; }
    }
}
