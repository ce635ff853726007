// The root of a parsed schema: identity, byte order, the header composite every message is framed with,
// every named type (inline ones included, so generators can emit them) and the messages.
using System.Collections.Generic;

namespace Exchange.Sbe.Schema
{
    public sealed class MessageSchema
    {
        internal MessageSchema(string package, int id, int version, ByteOrder byteOrder, MessageHeader header)
        {
            Package = package;
            Id = id;
            Version = version;
            ByteOrder = byteOrder;
            Header = header;
        }

        public string Package { get; }
        public int Id { get; }
        public int Version { get; }
        public string? SemanticVersion { get; internal set; }
        public string? Description { get; internal set; }
        public ByteOrder ByteOrder { get; }
        public MessageHeader Header { get; }
        public List<SbeType> Types { get; } = new List<SbeType>();
        public List<Message> Messages { get; } = new List<Message>();
    }

    // The headerType composite, with the four members the framing needs located once.
    public sealed class MessageHeader
    {
        internal MessageHeader(CompositeType type, CompositeMember blockLength, CompositeMember templateId, CompositeMember schemaId, CompositeMember version)
        {
            Type = type;
            BlockLength = blockLength;
            TemplateId = templateId;
            SchemaId = schemaId;
            Version = version;
        }

        public CompositeType Type { get; }
        public CompositeMember BlockLength { get; }
        public CompositeMember TemplateId { get; }
        public CompositeMember SchemaId { get; }
        public CompositeMember Version { get; }
    }
}
