// A named type from a schema's <types>: an encoded primitive (possibly an array), a composite, an enum or a
// set. The attributes every kind shares beyond those of any element live here; EncodedLength is what the type
// occupies in a block.
namespace Exchange.Sbe.Schema
{
    public abstract class SbeType(string name) : SchemaElement(name)
    {
        public string? SemanticType { get; internal set; }
        public Presence Presence { get; internal set; }

        public abstract int EncodedLength { get; }

        // The composite an inline type is declared in; null for a type declared directly under <types>.
        public CompositeType? Outer { get; internal set; }
    }
}
