// <set>: a bit set of named choices, each choice one bit of an unsigned integer.
using System.Collections.Generic;

namespace Exchange.Sbe.Schema
{
    public sealed class SetType : SbeType
    {
        internal SetType(string name, PrimitiveType encoding) : base(name)
        {
            Encoding = encoding;
        }

        public PrimitiveType Encoding { get; }
        public List<SetChoice> Choices { get; } = new List<SetChoice>();

        public override int EncodedLength => Encoding.Size();
    }

    public sealed class SetChoice
    {
        internal SetChoice(string name, int bit)
        {
            Name = name;
            Bit = bit;
        }

        public string Name { get; }
        public int Bit { get; }
        public string? Description { get; internal set; }
        public int SinceVersion { get; internal set; }
        public int? Deprecated { get; internal set; }
    }
}
