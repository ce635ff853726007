// What messages and repeating groups share: a block of fixed fields, then groups, then var data, in schema
// order. The block layout (offsets, block length) is computed once when the schema is parsed.
using System.Collections.Generic;

namespace Exchange.Sbe.Schema
{
    public abstract class MessagePart(string name, int id) : SchemaElement(name)
    {
        public int Id { get; } = id;

        public List<Field> Fields { get; } = new List<Field>();
        public List<Group> Groups { get; } = new List<Group>();
        public List<VarData> Data { get; } = new List<VarData>();

        // The computed length of the fixed fields, or the blockLength attribute when it is larger.
        public int BlockLength { get; internal set; }

        // The shortest block an encoder at this acting version may send: it must hold every field that
        // version knows. Anything shorter is malformed, so decoders can reject it before reading any field.
        public int MinimumBlockLength(int actingVersion)
        {
            var length = 0;
            foreach (var field in Fields)
            {
                if (field.SinceVersion <= actingVersion && field.EncodedLength > 0 && field.Offset + field.EncodedLength > length)
                {
                    length = field.Offset + field.EncodedLength;
                }
            }

            return length;
        }
    }

    public sealed class Message(string name, int id) : MessagePart(name, id)
    {
        public string? SemanticType { get; internal set; }
    }

    public sealed class Group(string name, int id, GroupDimension dimension) : MessagePart(name, id)
    {
        public GroupDimension Dimension { get; } = dimension;
    }

    // The composite before each group's entries: the entry block length and the number of entries.
    // MaxCount is numInGroup's maxValue: larger counts are rejected on both sides.
    public sealed record GroupDimension(CompositeType Type, CompositeMember BlockLength, CompositeMember NumInGroup, long MaxCount)
    {
        public PrimitiveType BlockLengthPrimitive => ((EncodedType)BlockLength.Type).Primitive;
        public PrimitiveType NumInGroupPrimitive => ((EncodedType)NumInGroup.Type).Primitive;
    }
}
