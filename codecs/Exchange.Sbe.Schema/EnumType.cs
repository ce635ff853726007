// <enum>: a closed list of values encoded as one char or integer primitive.
using System.Collections.Generic;

namespace Exchange.Sbe.Schema
{
    public sealed class EnumType(string name, PrimitiveType encoding, string nullValue) : SbeType(name)
    {
        public PrimitiveType Encoding { get; } = encoding;

        // The wire value that means "no value"; the spec default for the encoding primitive.
        public string NullValue { get; } = nullValue;

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

    public sealed class EnumValue(string name, string literal, long numeric) : SchemaElement(name)
    {
        // As written in the schema: "A" for a char enum, "1" for an integer one.
        public string Literal { get; } = literal;

        // The value on the wire: the character's code for char enums.
        public long Numeric { get; } = numeric;
    }
}
