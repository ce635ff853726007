// <set>: a bit set of named choices, each choice one bit of an unsigned integer.
using System.Collections.Generic;

namespace Exchange.Sbe.Schema
{
    public sealed class SetType(string name, PrimitiveType encoding) : SbeType(name)
    {
        public PrimitiveType Encoding { get; } = encoding;
        public List<SetChoice> Choices { get; } = new List<SetChoice>();

        public override int EncodedLength => Encoding.Size();
    }

    public sealed class SetChoice(string name, int bit) : SchemaElement(name)
    {
        public int Bit { get; } = bit;
    }
}
