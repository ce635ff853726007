// A named type from a schema's <types>: an encoded primitive (possibly an array), a composite, an enum or a
// set. The attributes every kind shares live here; EncodedLength is what the type occupies in a block.
namespace Exchange.Sbe.Schema
{
    public abstract class SbeType
    {
        protected SbeType(string name)
        {
            Name = name;
        }

        public string Name { get; }
        public string? Description { get; internal set; }
        public string? SemanticType { get; internal set; }
        public Presence Presence { get; internal set; }
        public int SinceVersion { get; internal set; }
        public int? Deprecated { get; internal set; }

        public abstract int EncodedLength { get; }
    }
}
