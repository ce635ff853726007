// How a field or type is present on the wire (SBE 1.0 "presence" attribute).
namespace Exchange.Sbe.Schema
{
    public enum Presence
    {
        Required,
        Optional,
        // Not on the wire at all: the value lives in the schema.
        Constant,
    }
}
