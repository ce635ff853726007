// What every named element of a schema carries, from types to enum values and from fields to var data.
namespace Exchange.Sbe.Schema
{
    public abstract class SchemaElement(string name)
    {
        public string Name { get; } = name;
        public string? Description { get; internal set; }

        // The schema version the element first appears in: a decoder whose acting version is older sees the
        // null value (or nothing) in its place.
        public int SinceVersion { get; internal set; }
        public int? Deprecated { get; internal set; }
    }
}
