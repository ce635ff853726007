// The root of a parsed schema: identity, byte order, the header composite every message is framed with,
// every named type (inline ones included, so generators can emit them) and the messages.
using System.Collections.Generic;

namespace Exchange.Sbe.Schema
{
    public sealed record MessageSchema(string Package, int Id, int Version, ByteOrder ByteOrder, MessageHeader Header)
    {
        public string? SemanticVersion { get; internal set; }
        public string? Description { get; internal set; }
        public List<SbeType> Types { get; } = new List<SbeType>();
        public List<Message> Messages { get; } = new List<Message>();
    }

    // The headerType composite, with the four members the framing needs located once.
    public sealed record MessageHeader(
        CompositeType Type, CompositeMember BlockLength, CompositeMember TemplateId, CompositeMember SchemaId, CompositeMember Version);
}
