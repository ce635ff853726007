// Decodes SBE messages of any schema at run time, without generated code: for operators reading captures and
// journals. Every read is checked against the buffer; a message that lies about its lengths or counts is
// rejected with the offset where it went wrong.
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using Exchange.Sbe.Schema;

namespace Exchange.Sbe.Tool;

internal sealed class SchemaDecoder(MessageSchema schema)
{
    private readonly bool _bigEndian = schema.ByteOrder == ByteOrder.BigEndian;

    /// <summary>Decodes the message starting at <paramref name="offset"/>; <paramref name="end"/> is where it ended.</summary>
    public DecodedObject Decode(ReadOnlySpan<byte> buffer, int offset, out int end)
    {
        var header = schema.Header;
        int headerLength = header.Type.EncodedLength;
        Need(buffer, offset, headerLength, "message header");
        long blockLength = ReadInteger(buffer, offset, header.BlockLength);
        long templateId = ReadInteger(buffer, offset, header.TemplateId);
        long schemaId = ReadInteger(buffer, offset, header.SchemaId);
        long version = ReadInteger(buffer, offset, header.Version);
        // A header that fixes the schema id as a constant carries none to check.
        if (header.SchemaId.Type.Presence != Presence.Constant && schemaId != schema.Id) throw new SbeDecodeException($"schema id {schemaId}, expected {schema.Id}", offset);
        var message = schema.Messages.Find(m => m.Id == templateId)
            ?? throw new SbeDecodeException($"no message with template id {templateId} in schema {schema.Id}", offset);

        // The header and the message's name come first, as "header" and "message" unless the message has a member of
        // that name: then as "sbe:header" and "sbe:message", which no schema name can be, so no two keys are alike.
        bool clash = message.Fields.Exists(IsMeta) || message.Groups.Exists(IsMeta) || message.Data.Exists(IsMeta);
        var members = new List<DecodedNode>
        {
            new DecodedObject(clash ? "sbe:header" : "header", [
                Number("blockLength", blockLength), Number("templateId", templateId),
                Number("schemaId", schemaId), Number("version", version)]),
            new DecodedScalar(clash ? "sbe:message" : "message", message.Name, IsNumber: false),
        };
        int position = offset + headerLength;
        members.AddRange(DecodePart(buffer, message, (int)blockLength, (int)version, ref position));
        end = position;
        return new DecodedObject(message.Name, members);
    }

    private static bool IsMeta(SchemaElement element) => element.Name is "header" or "message";

    private List<DecodedNode> DecodePart(ReadOnlySpan<byte> buffer, MessagePart part, int blockLength, int version, ref int position)
    {
        int minimum = part.MinimumBlockLength(version);
        if (blockLength < minimum)
            throw new SbeDecodeException($"{part.Name}: block length {blockLength} is shorter than the {minimum} bytes version {version} needs", position);
        Need(buffer, position, blockLength, $"{part.Name} block");
        int block = position;
        var members = new List<DecodedNode>();
        foreach (var field in part.Fields)
        {
            if (field.SinceVersion > version) members.Add(new DecodedScalar(field.Name, null, IsNumber: false));
            else if (field.Presence == Presence.Constant) members.Add(Constant(field));
            else members.Add(DecodeType(buffer, block + field.Offset, field.Name, field.Type, field.Presence, version));
        }
        position = block + blockLength;

        foreach (var group in part.Groups)
        {
            var entries = new List<DecodedNode>();
            if (group.SinceVersion <= version)
            {
                var dimension = group.Dimension;
                Need(buffer, position, dimension.Type.EncodedLength, $"{group.Name} dimensions");
                long entryLength = ReadInteger(buffer, position, dimension.BlockLength);
                long count = ReadInteger(buffer, position, dimension.NumInGroup);
                // The generated decoders' rules, in their order: count within numInGroup's range, a block length that
                // holds the acting version's fields whatever the count, entries that fit in what is left.
                if (count < 0 || count > dimension.MaxCount)
                    throw new SbeDecodeException($"{group.Name}: {count} entries exceeds the schema's maximum {dimension.MaxCount}", position);
                int needed = group.MinimumBlockLength(version);
                if (entryLength < needed)
                    throw new SbeDecodeException($"{group.Name}: block length {entryLength} is shorter than the {needed} bytes version {version} needs", position);
                long left = buffer.Length - (position + (long)dimension.Type.EncodedLength);
                if (count * entryLength > left)
                    throw new SbeDecodeException($"{group.Name}: {count} entries of {entryLength} bytes run past the end of the buffer", position);
                // Entries of an empty block would each still cost a decoded node: no more of them than bytes left, so a
                // message's work stays in proportion to its size.
                if (count > left)
                    throw new SbeDecodeException($"{group.Name}: {count} entries are more than the {left} bytes left", position);
                position += dimension.Type.EncodedLength;
                for (long i = 0; i < count; i++)
                    entries.Add(new DecodedObject(group.Name, DecodePart(buffer, group, (int)entryLength, version, ref position)));
            }
            members.Add(new DecodedList(group.Name, entries));
        }

        foreach (var data in part.Data)
        {
            if (data.SinceVersion > version)
            {
                members.Add(new DecodedScalar(data.Name, null, IsNumber: false));
                continue;
            }
            int lengthSize = data.Data.Offset;
            Need(buffer, position, lengthSize, $"{data.Name} length");
            long length = ReadInteger(buffer, position, data.Length);
            if (length < 0 || length > data.MaxLength)
                throw new SbeDecodeException($"{data.Name}: length {length} exceeds the schema's maximum {data.MaxLength}", position);
            position += lengthSize;
            Need(buffer, position, (int)length, $"{data.Name} bytes");
            var bytes = buffer.Slice(position, (int)length);
            var element = (EncodedType)data.Data.Type;
            // Var data is delimited by its length, not by a NUL: every byte is shown (a NUL as \x00).
            members.Add(new DecodedScalar(data.Name, element.CharacterEncoding != null || element.Primitive == PrimitiveType.Char
                ? Text(bytes, stopAtNul: false) : Convert.ToHexString(bytes), IsNumber: false));
            position += (int)length;
        }
        return members;
    }

    private DecodedNode DecodeType(ReadOnlySpan<byte> buffer, int at, string name, SbeType type, Presence presence, int version)
    {
        switch (type)
        {
            case EncodedType encoded when encoded.Presence == Presence.Constant:
                return ConstantOf(name, encoded);
            case EncodedType encoded:
                Need(buffer, at, encoded.EncodedLength, name);
                if (encoded.Primitive == PrimitiveType.Char && encoded.IsArray)
                    return new DecodedScalar(name, Text(buffer.Slice(at, encoded.Length)), IsNumber: false);
                if (encoded.IsArray)
                {
                    var items = new List<DecodedNode>();
                    for (int i = 0; i < encoded.Length; i++)
                        items.Add(Primitive(buffer, at + i * encoded.Primitive.Size(), name, encoded, presence));
                    return new DecodedList(name, items);
                }
                return Primitive(buffer, at, name, encoded, presence);
            case EnumType enumType:
            {
                if (enumType.Presence == Presence.Constant) return new DecodedScalar(name, null, IsNumber: false);
                Need(buffer, at, enumType.EncodedLength, name);
                long raw = ReadRaw(buffer, at, enumType.Encoding, out _);
                var value = enumType.Values.Find(v => v.Numeric == raw && v.SinceVersion <= version);
                if (value != null) return new DecodedScalar(name, value.Name, IsNumber: false);
                if (raw.ToString(CultureInfo.InvariantCulture) == enumType.NullValue || IsNullChar(enumType, raw))
                    return new DecodedScalar(name, null, IsNumber: false);
                return new DecodedScalar(name, $"UNKNOWN({raw})", IsNumber: false);
            }
            case SetType set:
            {
                Need(buffer, at, set.EncodedLength, name);
                long bits = ReadRaw(buffer, at, set.Encoding, out _);
                var chosen = new List<DecodedNode>();
                foreach (var choice in set.Choices)
                    if (choice.SinceVersion <= version && (bits >> choice.Bit & 1) != 0)
                        chosen.Add(new DecodedScalar(choice.Name, choice.Name, IsNumber: false));
                return new DecodedList(name, chosen);
            }
            case CompositeType composite:
            {
                var members = new List<DecodedNode>();
                foreach (var member in composite.Members)
                    members.Add(member.SinceVersion > version
                        ? new DecodedScalar(member.Name, null, IsNumber: false)
                        : DecodeType(buffer, at + member.Offset, member.Name, member.Type, member.Type.Presence, version));
                return new DecodedObject(name, members);
            }
            default:
                throw new SbeDecodeException($"{name}: unsupported type {type.GetType().Name}", at);
        }
    }

    private static bool IsNullChar(EnumType type, long raw) => type.Encoding == PrimitiveType.Char && raw == 0;

    private DecodedScalar Primitive(ReadOnlySpan<byte> buffer, int at, string name, EncodedType type, Presence presence)
    {
        var primitive = type.Primitive;
        string text;
        switch (primitive)
        {
            case PrimitiveType.Float:
                return Floating(name, type, presence, _bigEndian ? BinaryPrimitives.ReadSingleBigEndian(buffer[at..]) : BinaryPrimitives.ReadSingleLittleEndian(buffer[at..]));
            case PrimitiveType.Double:
                return Floating(name, type, presence, _bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(buffer[at..]) : BinaryPrimitives.ReadDoubleLittleEndian(buffer[at..]));
            case PrimitiveType.Char:
            {
                // One char reads as a char array of length 1: NUL is padding (empty text, or null when optional) and
                // any other byte is shown as text shows it.
                byte c = buffer[at];
                if (presence == Presence.Optional && c == 0) return new DecodedScalar(name, null, IsNumber: false);
                return new DecodedScalar(name, Text(buffer.Slice(at, 1)), IsNumber: false);
            }
            case PrimitiveType.UInt64:
            {
                ulong u = _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(buffer[at..]) : BinaryPrimitives.ReadUInt64LittleEndian(buffer[at..]);
                text = u.ToString(CultureInfo.InvariantCulture);
                break;
            }
            default:
                text = ReadRaw(buffer, at, primitive, out _).ToString(CultureInfo.InvariantCulture);
                break;
        }
        return Number(name, type, presence, text);
    }

    // An optional float or double is null when NaN (the spec's null) or when it prints as the schema's nullValue.
    // NaN and ±Infinity are not JSON numbers, so they render as strings.
    private static DecodedScalar Floating<T>(string name, EncodedType type, Presence presence, T value) where T : IFloatingPointIeee754<T>
    {
        if (presence == Presence.Optional && T.IsNaN(value)) return new DecodedScalar(name, null, IsNumber: false);
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return T.IsFinite(value) ? Number(name, type, presence, text) : new DecodedScalar(name, text, IsNumber: false);
    }

    private static DecodedScalar Number(string name, EncodedType type, Presence presence, string text) =>
        presence == Presence.Optional && text == type.NullValue
            ? new DecodedScalar(name, null, IsNumber: false)
            : new DecodedScalar(name, text, IsNumber: true);

    private static DecodedScalar Constant(Field field)
    {
        if (field.ValueRefValue != null) return new DecodedScalar(field.Name, field.ValueRefValue.Name, IsNumber: false);
        if (field.Type is EncodedType { ConstantValue: not null } encoded) return ConstantOf(field.Name, encoded);
        return new DecodedScalar(field.Name, null, IsNumber: false);
    }

    // A constant given by valueRef shows the enum value's name wherever it is declared, as a field's valueRef does.
    private static DecodedScalar ConstantOf(string name, EncodedType type) => type.ValueRefValue != null
        ? new DecodedScalar(name, type.ValueRefValue.Name, IsNumber: false)
        : new DecodedScalar(name, type.ConstantValue, IsNumber: type.Primitive != PrimitiveType.Char && type.Length == 1);

    private long ReadInteger(ReadOnlySpan<byte> buffer, int baseOffset, CompositeMember member) =>
        member.Type is EncodedType { Presence: Presence.Constant, ConstantValue: { } constant }
            ? long.Parse(constant, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : ReadRaw(buffer, baseOffset + member.Offset, ((EncodedType)member.Type).Primitive, out _);

    /// <summary>An integer or char primitive as a long (uint64 above long.MaxValue comes back negative).</summary>
    private long ReadRaw(ReadOnlySpan<byte> buffer, int at, PrimitiveType type, out int size)
    {
        size = type.Size();
        Need(buffer, at, size, type.SchemaName());
        var s = buffer.Slice(at, size);
        return type switch
        {
            PrimitiveType.Char or PrimitiveType.UInt8 => s[0],
            PrimitiveType.Int8 => (sbyte)s[0],
            PrimitiveType.Int16 => _bigEndian ? BinaryPrimitives.ReadInt16BigEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s),
            PrimitiveType.UInt16 => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s),
            PrimitiveType.Int32 => _bigEndian ? BinaryPrimitives.ReadInt32BigEndian(s) : BinaryPrimitives.ReadInt32LittleEndian(s),
            PrimitiveType.UInt32 => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s),
            PrimitiveType.Int64 => _bigEndian ? BinaryPrimitives.ReadInt64BigEndian(s) : BinaryPrimitives.ReadInt64LittleEndian(s),
            PrimitiveType.UInt64 => (long)(_bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s)),
            _ => throw new SbeDecodeException($"{type.SchemaName()} is not an integer type", at),
        };
    }

    private static void Need(ReadOnlySpan<byte> buffer, int at, int length, string what)
    {
        if (at < 0 || length < 0 || at > buffer.Length - length)
            throw new SbeDecodeException($"{what} needs {length} bytes but the buffer ends after {Math.Max(0, buffer.Length - at)}", at);
    }

    private static DecodedScalar Number(string name, long value) => new(name, value.ToString(CultureInfo.InvariantCulture), IsNumber: true);

    /// <summary>Printable ASCII as is except the backslash, which is doubled; other bytes as \xNN. So every text
    /// reads back to one byte string: <c>\\x0A</c> is the four characters, <c>\x0A</c> a newline. Fixed char arrays
    /// stop at the first NUL (SBE pads them with NULs); var data does not.</summary>
    private static string Text(ReadOnlySpan<byte> bytes, bool stopAtNul = true)
    {
        int end = stopAtNul ? bytes.IndexOf((byte)0) : -1;
        if (end >= 0) bytes = bytes[..end];
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            if (b == (byte)'\\') text.Append(@"\\");
            else if (b is >= 0x20 and < 0x7F) text.Append((char)b);
            else text.Append($"\\x{b:X2}");
        }
        return text.ToString();
    }
}
