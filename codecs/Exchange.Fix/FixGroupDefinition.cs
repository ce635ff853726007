// A repeating group: its NumInGroup counter tag and the fields of one entry, the first of which starts each entry.
namespace Exchange.Fix;

public sealed class FixGroupDefinition(int countTag, FixFieldSet fields)
{
    public int CountTag { get; } = countTag;
    public int DelimiterTag => Fields.Tag(0);
    public FixFieldSet Fields { get; } = fields;
}
