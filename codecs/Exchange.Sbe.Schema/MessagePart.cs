// What messages and repeating groups share: a block of fixed fields, then groups, then var data, in schema
// order. The block layout (offsets, block length) is computed once when the schema is parsed.
using System.Collections.Generic;

namespace Exchange.Sbe.Schema
{
    public abstract class MessagePart
    {
        protected MessagePart(string name, int id)
        {
            Name = name;
            Id = id;
        }

        public string Name { get; }
        public int Id { get; }
        public string? Description { get; internal set; }
        public int SinceVersion { get; internal set; }
        public int? Deprecated { get; internal set; }

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

    public sealed class Message : MessagePart
    {
        internal Message(string name, int id) : base(name, id)
        {
        }

        public string? SemanticType { get; internal set; }
    }

    public sealed class Group : MessagePart
    {
        internal Group(string name, int id, GroupDimension dimension) : base(name, id)
        {
            Dimension = dimension;
        }

        public GroupDimension Dimension { get; }
    }

    // The composite before each group's entries: the entry block length and the number of entries.
    public sealed class GroupDimension
    {
        internal GroupDimension(CompositeType type, CompositeMember blockLength, CompositeMember numInGroup, long maxCount)
        {
            Type = type;
            BlockLength = blockLength;
            NumInGroup = numInGroup;
            MaxCount = maxCount;
        }

        public CompositeType Type { get; }
        public CompositeMember BlockLength { get; }
        public CompositeMember NumInGroup { get; }

        // numInGroup's maxValue: larger counts are rejected on both sides.
        public long MaxCount { get; }

        public PrimitiveType BlockLengthPrimitive => ((EncodedType)BlockLength.Type).Primitive;
        public PrimitiveType NumInGroupPrimitive => ((EncodedType)NumInGroup.Type).Primitive;
    }
}
