// Reads an SBE 1.0 messageSchema document into the model. xi:include elements are resolved through a callback
// (a source generator cannot open files itself), types may be used before they are defined, and every error
// names the element it is about.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml;
using System.Xml.Linq;

namespace Exchange.Sbe.Schema
{
    public static class SchemaParser
    {
        // resolveInclude maps an xi:include href to the included document's text, or null when unknown.
        public static MessageSchema Parse(string xml, Func<string, string?> resolveInclude) =>
            new SchemaReader(resolveInclude).Read(xml);
    }

    internal sealed class SchemaReader
    {
        private const int MaxIncludeDepth = 8;

        private readonly Func<string, string?> _resolveInclude;
        private readonly Dictionary<string, XElement> _declared = new Dictionary<string, XElement>();
        private readonly Dictionary<string, SbeType> _resolved = new Dictionary<string, SbeType>();
        private readonly HashSet<string> _resolving = new HashSet<string>();
        private readonly List<SbeType> _types = new List<SbeType>();
        private int _schemaVersion;

        internal SchemaReader(Func<string, string?> resolveInclude)
        {
            _resolveInclude = resolveInclude;
        }

        internal MessageSchema Read(string xml)
        {
            var root = Load(xml, "the schema").Root!;
            if (root.Name.LocalName != "messageSchema")
            {
                throw new SchemaException($"the root element is <{root.Name.LocalName}>; an SBE schema's root is <sbe:messageSchema>");
            }

            var package = Required(root, "package");
            var id = RequiredInt(root, "id");
            _schemaVersion = OptionalInt(root, "version") ?? 0;
            var byteOrder = Attr(root, "byteOrder") switch
            {
                null or "littleEndian" => ByteOrder.LittleEndian,
                "bigEndian" => ByteOrder.BigEndian,
                var other => throw Error(root, $"byteOrder \"{other}\" is neither littleEndian nor bigEndian"),
            };

            var typesElements = new List<XElement>();
            var messageElements = new List<XElement>();
            Collect(root, typesElements, messageElements, 0);
            foreach (var types in typesElements)
            {
                foreach (var element in types.Elements())
                {
                    Declare(element);
                }
            }

            foreach (var name in _declared.Keys.ToList())
            {
                Resolve(name, _declared[name]);
            }

            var headerName = Attr(root, "headerType") ?? "messageHeader";
            var schema = new MessageSchema(package, id, _schemaVersion, byteOrder, ReadHeader(root, headerName))
            {
                SemanticVersion = Attr(root, "semanticVersion"),
                Description = Attr(root, "description"),
            };
            schema.Types.AddRange(_types);

            var templateIds = new HashSet<int>();
            foreach (var element in messageElements)
            {
                var message = Described(new Message(Name(element), RequiredInt(element, "id")), element);
                message.SemanticType = Attr(element, "semanticType");
                if (!templateIds.Add(message.Id))
                {
                    throw Error(element, $"template id {message.Id} is used by another message");
                }

                ReadPart(element, message);
                schema.Messages.Add(message);
            }

            return schema;
        }

        private static XDocument Load(string xml, string what)
        {
            try
            {
                return XDocument.Parse(xml, LoadOptions.SetLineInfo);
            }
            catch (XmlException e)
            {
                throw new SchemaException($"{what} is not well-formed XML: {e.Message}", e.LineNumber, e);
            }
        }

        // Gathers <types> and <message> elements, replacing each xi:include by the included document's content.
        private void Collect(XElement parent, List<XElement> types, List<XElement> messages, int depth)
        {
            foreach (var element in parent.Elements())
            {
                switch (element.Name.LocalName)
                {
                    case "include":
                        var href = Required(element, "href");
                        if (depth >= MaxIncludeDepth)
                        {
                            throw Error(element, $"xi:include of \"{href}\" nests more than {MaxIncludeDepth} deep");
                        }

                        var text = _resolveInclude(href) ?? throw Error(element, $"xi:include href=\"{href}\" cannot be found (add it as an AdditionalFile next to the schema)");
                        var included = Load(text, $"\"{href}\"").Root!;
                        if (included.Name.LocalName == "types")
                        {
                            types.Add(included);
                        }
                        else
                        {
                            Collect(included, types, messages, depth + 1);
                        }

                        break;
                    case "types":
                        types.Add(element);
                        var nested = element.Elements().Where(e => e.Name.LocalName == "include").ToList();
                        foreach (var include in nested)
                        {
                            var wrapper = new XElement("wrapper", include);
                            Collect(wrapper, types, messages, depth + 1);
                            include.Remove();
                        }

                        break;
                    case "message":
                        messages.Add(element);
                        break;
                }
            }
        }

        private void Declare(XElement element)
        {
            var kind = element.Name.LocalName;
            if (kind != "type" && kind != "composite" && kind != "enum" && kind != "set")
            {
                throw Error(element, "is not a type: <types> holds <type>, <composite>, <enum> and <set>");
            }

            var name = Name(element);
            if (_declared.ContainsKey(name))
            {
                throw Error(element, $"type \"{name}\" is declared twice");
            }

            if (Primitives.TryParse(name, out _))
            {
                throw Error(element, $"\"{name}\" is a primitive type name and cannot be redeclared");
            }

            _declared.Add(name, element);
        }

        // A type by name: a primitive, or a declared type parsed on first use.
        private SbeType Resolve(string name, XElement user)
        {
            if (Primitives.TryParse(name, out var primitive))
            {
                return new EncodedType(name, primitive);
            }

            if (_resolved.TryGetValue(name, out var known))
            {
                return known;
            }

            if (!_declared.TryGetValue(name, out var element))
            {
                throw Error(user, $"refers to type \"{name}\", which is not declared");
            }

            if (!_resolving.Add(name))
            {
                throw Error(element, $"type \"{name}\" contains itself");
            }

            var type = ReadType(element);
            _resolving.Remove(name);
            _resolved[name] = type;
            return type;
        }

        private SbeType ReadType(XElement element)
        {
            SbeType type = element.Name.LocalName switch
            {
                "type" => ReadEncoded(element),
                "composite" => ReadComposite(element),
                "enum" => ReadEnum(element),
                "set" => ReadSet(element),
                _ => throw Error(element, "is not a type"),
            };
            Described(type, element);
            type.SemanticType = Attr(element, "semanticType");
            if (type is not EncodedType)
            {
                type.Presence = ReadPresence(element) ?? Presence.Required;
            }

            _types.Add(type);
            return type;
        }

        private EncodedType ReadEncoded(XElement element)
        {
            var name = Name(element);
            var primitiveName = Required(element, "primitiveType");
            if (!Primitives.TryParse(primitiveName, out var primitive))
            {
                throw Error(element, $"primitiveType \"{primitiveName}\" is not an SBE primitive");
            }

            var type = new EncodedType(name, primitive)
            {
                Presence = ReadPresence(element) ?? Presence.Required,
                CharacterEncoding = Attr(element, "characterEncoding"),
            };
            var length = OptionalInt(element, "length");
            if (length < 0)
            {
                throw Error(element, "length must not be negative");
            }

            type.NullValue = Attr(element, "nullValue") ?? type.NullValue;
            type.MinValue = Attr(element, "minValue") ?? type.MinValue;
            type.MaxValue = Attr(element, "maxValue") ?? type.MaxValue;
            if (type.Presence == Presence.Constant)
            {
                type.ValueRef = Attr(element, "valueRef");
                var text = primitive == PrimitiveType.Char ? element.Value : element.Value.Trim();
                if (type.ValueRef != null)
                {
                    var (valueRefEnum, value) = ResolveValueRef(type.ValueRef, element);
                    type.ValueRefEnum = valueRefEnum;
                    type.ValueRefValue = value;
                    text = value.Literal;
                }

                if (text.Length == 0)
                {
                    throw Error(element, "is constant but has no value");
                }

                type.ConstantValue = text;
                type.Length = length ?? (primitive == PrimitiveType.Char ? text.Length : 1);
            }
            else
            {
                type.Length = length ?? 1;
            }

            return type;
        }

        private CompositeType ReadComposite(XElement element)
        {
            var composite = new CompositeType(Name(element));
            var end = 0;
            foreach (var child in element.Elements())
            {
                string memberName;
                SbeType memberType;
                if (child.Name.LocalName == "ref")
                {
                    memberName = Name(child);
                    memberType = Resolve(Required(child, "type"), child);
                }
                else
                {
                    memberName = Name(child);
                    memberType = ReadType(child);
                    // Declared inside this composite: generators scope it by the composite when its name is not unique.
                    memberType.Outer = composite;
                    if (memberType is not EncodedType && !_resolved.ContainsKey(memberName) && !_declared.ContainsKey(memberName))
                    {
                        _resolved[memberName] = memberType;
                    }
                }

                var offset = OptionalInt(child, "offset") ?? end;
                if (offset < end)
                {
                    throw Error(child, $"offset {offset} overlaps the previous member, which ends at {end}");
                }

                if (composite.Member(memberName) != null)
                {
                    throw Error(child, $"member \"{memberName}\" appears twice in composite \"{composite.Name}\"");
                }

                var since = Math.Max(Version(child), memberType.SinceVersion);
                end = offset + memberType.EncodedLength;
                composite.Add(new CompositeMember(memberName, memberType, offset, since), end);
            }

            if (composite.Members.Count == 0)
            {
                throw Error(element, "is an empty composite");
            }

            return composite;
        }

        private EnumType ReadEnum(XElement element)
        {
            var encoding = Required(element, "encodingType");
            var nullValue = Attr(element, "nullValue");
            var (primitive, named) = ReadEncoding(element, encoding);
            nullValue ??= named?.NullValue;
            if (primitive != PrimitiveType.Char && !primitive.IsInteger())
            {
                throw Error(element, $"encodingType \"{encoding}\" must be char or an integer type");
            }

            var type = new EnumType(Name(element), primitive, nullValue ?? primitive.DefaultNullValue());
            foreach (var child in element.Elements().Where(e => e.Name.LocalName == "validValue"))
            {
                var name = Name(child);
                var literal = child.Value.Trim();
                long numeric;
                if (primitive == PrimitiveType.Char)
                {
                    if (literal.Length != 1 || literal[0] > 0x7f)
                    {
                        throw Error(child, $"value \"{literal}\" of a char enum must be one ASCII character");
                    }

                    numeric = literal[0];
                }
                else if (!long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out numeric))
                {
                    throw Error(child, $"value \"{literal}\" is not an integer");
                }

                if (primitive != PrimitiveType.Char)
                {
                    CheckEnumValue(child, type, named, numeric);
                }

                if (type.Value(name) != null)
                {
                    throw Error(child, $"value name \"{name}\" appears twice in enum \"{type.Name}\"");
                }

                type.Values.Add(Described(new EnumValue(name, literal, numeric), child));
            }

            return type;
        }

        private SetType ReadSet(XElement element)
        {
            var encoding = Required(element, "encodingType");
            var (primitive, _) = ReadEncoding(element, encoding);
            if (primitive is not (PrimitiveType.UInt8 or PrimitiveType.UInt16 or PrimitiveType.UInt32 or PrimitiveType.UInt64))
            {
                throw Error(element, $"encodingType \"{encoding}\" of a set must be uint8, uint16, uint32 or uint64");
            }

            var type = new SetType(Name(element), primitive);
            foreach (var child in element.Elements().Where(e => e.Name.LocalName == "choice"))
            {
                var text = child.Value.Trim();
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bit) || bit >= primitive.Size() * 8)
                {
                    throw Error(child, $"bit \"{text}\" is not a bit position of a {primitive.SchemaName()}");
                }

                type.Choices.Add(Described(new SetChoice(Name(child), bit), child));
            }

            return type;
        }

        // An enum's or set's encodingType: a primitive, or a single-value <type> (returned too, as an enum takes its
        // nullValue from it).
        private (PrimitiveType, EncodedType?) ReadEncoding(XElement element, string encoding)
        {
            if (Primitives.TryParse(encoding, out var primitive))
            {
                return (primitive, null);
            }

            if (Resolve(encoding, element) is not EncodedType { IsArray: false } named)
            {
                throw Error(element, $"encodingType \"{encoding}\" is neither a primitive nor a single-value <type>");
            }

            return (named.Primitive, named);
        }

        private MessageHeader ReadHeader(XElement root, string name)
        {
            if (!_resolved.TryGetValue(name, out var type) || type is not CompositeType composite)
            {
                throw Error(root, $"headerType \"{name}\" is not a declared composite");
            }

            // A header may fix its schema id or version as a constant, which then takes no space on the wire.
            return new MessageHeader(
                composite,
                IntegerMember(composite, "blockLength", root),
                IntegerMember(composite, "templateId", root),
                IntegerMember(composite, "schemaId", root, constantAllowed: true),
                IntegerMember(composite, "version", root, constantAllowed: true));
        }

        private static CompositeMember IntegerMember(CompositeType composite, string name, XElement user, bool constantAllowed = false)
        {
            var member = composite.Member(name);
            if (member?.Type is not EncodedType { IsArray: false } encoded || !encoded.Primitive.IsInteger()
                || (encoded.Presence == Presence.Constant && (!constantAllowed || !long.TryParse(encoded.ConstantValue, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))))
            {
                throw Error(user, $"needs composite \"{composite.Name}\" to have an integer member \"{name}\"");
            }

            return member;
        }

        // A count or length must fit a C# int on both sides: a 32- or 64-bit one needs a maxValue that says so, as the
        // reference implementation requires.
        private static long CountLimit(CompositeMember member, XElement user)
        {
            var encoded = (EncodedType)member.Type;
            var max = ParseLimit(encoded.MaxValue, user);
            if (max > int.MaxValue)
            {
                throw Error(user, $"\"{member.Name}\" is a {encoded.Primitive.SchemaName()} whose maxValue {encoded.MaxValue} is above 2147483647; give it a maxValue that fits an int32");
            }

            return max;
        }

        // An integer enum's values must lie within its encoding's minValue..maxValue and must not be its null value.
        private static void CheckEnumValue(XElement element, EnumType type, EncodedType? encoding, long value)
        {
            var min = decimal.Parse(encoding?.MinValue ?? type.Encoding.DefaultMinValue(), NumberStyles.Float, CultureInfo.InvariantCulture);
            var max = decimal.Parse(encoding?.MaxValue ?? type.Encoding.DefaultMaxValue(), NumberStyles.Float, CultureInfo.InvariantCulture);
            var isNull = decimal.TryParse(type.NullValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var nullValue) && nullValue == value;
            if (value < min || value > max || isNull)
            {
                throw Error(element, $"value {value} of enum \"{type.Name}\" is outside {min}..{max} or is its null value {type.NullValue}");
            }
        }

        // Fields, then groups, then data, as the spec orders them; offsets are laid out as they come.
        private void ReadPart(XElement element, MessagePart part)
        {
            var stage = 0;
            var end = 0;
            // Fields, groups and data share one namespace: decoders show them side by side, by name.
            var names = new HashSet<string>();
            foreach (var child in element.Elements())
            {
                if (child.Name.LocalName is "field" or "group" or "data" && !names.Add(Name(child)))
                {
                    throw Error(child, $"name \"{Name(child)}\" appears twice in \"{part.Name}\"");
                }

                switch (child.Name.LocalName)
                {
                    case "field":
                        if (stage > 0)
                        {
                            throw Error(child, "comes after a group or data; fields must come first");
                        }

                        var field = ReadField(child, end);
                        part.Fields.Add(field);
                        end = Math.Max(end, field.Offset + field.EncodedLength);
                        break;
                    case "group":
                        if (stage > 1)
                        {
                            throw Error(child, "comes after data; groups must come before data");
                        }

                        stage = 1;
                        part.Groups.Add(ReadGroup(child));
                        break;
                    case "data":
                        stage = 2;
                        part.Data.Add(ReadData(child));
                        break;
                }
            }

            var blockLength = OptionalInt(element, "blockLength");
            if (blockLength < end)
            {
                throw Error(element, $"blockLength {blockLength} is shorter than its fields, which end at {end}");
            }

            part.BlockLength = blockLength ?? end;
        }

        private Field ReadField(XElement element, int end)
        {
            var type = Resolve(Required(element, "type"), element);
            var field = new Field(Name(element), RequiredInt(element, "id"), type)
            {
                SemanticType = Attr(element, "semanticType"),
                Presence = ReadPresence(element) ?? type.Presence,
            };
            Described(field, element);
            field.SinceVersion = Math.Max(field.SinceVersion, type.SinceVersion);
            if (field.Presence == Presence.Constant)
            {
                var valueRef = Attr(element, "valueRef");
                if (valueRef != null)
                {
                    (field.ValueRefEnum, field.ValueRefValue) = ResolveValueRef(valueRef, element);
                }
                else if (type is not EncodedType { ConstantValue: not null })
                {
                    throw Error(element, "is constant but has neither valueRef nor a constant type");
                }
            }

            var offset = OptionalInt(element, "offset") ?? end;
            if (offset < end)
            {
                throw Error(element, $"offset {offset} overlaps the previous field, which ends at {end}");
            }

            field.Offset = offset;
            return field;
        }

        private Group ReadGroup(XElement element)
        {
            var dimensionName = Attr(element, "dimensionType") ?? "groupSizeEncoding";
            if (Resolve(dimensionName, element) is not CompositeType dimensionType)
            {
                throw Error(element, $"dimensionType \"{dimensionName}\" is not a composite");
            }

            var numInGroup = IntegerMember(dimensionType, "numInGroup", element);
            var maxCount = CountLimit(numInGroup, element);
            var dimension = new GroupDimension(dimensionType, IntegerMember(dimensionType, "blockLength", element), numInGroup, maxCount);
            var group = Described(new Group(Name(element), RequiredInt(element, "id"), dimension), element);
            ReadPart(element, group);
            return group;
        }

        private VarData ReadData(XElement element)
        {
            var typeName = Required(element, "type");
            if (Resolve(typeName, element) is not CompositeType composite)
            {
                throw Error(element, $"type \"{typeName}\" of var data is not a composite");
            }

            var length = IntegerMember(composite, "length", element);
            // varData's own length attribute is commonly left out (so 1): the member only marks where the bytes begin.
            var data = composite.Member("varData");
            if (data?.Type is not EncodedType { Presence: not Presence.Constant } dataType
                || dataType.Primitive is not (PrimitiveType.UInt8 or PrimitiveType.Char or PrimitiveType.Int8))
            {
                throw Error(element, $"needs composite \"{typeName}\" to have a member \"varData\" of uint8 or char");
            }

            if (data.Offset != length.Offset + length.Type.EncodedLength)
            {
                throw Error(element, $"composite \"{typeName}\" must put varData right after length");
            }

            var maxLength = Math.Min(CountLimit(length, element), int.MaxValue - 8);
            return Described(new VarData(Name(element), RequiredInt(element, "id"), composite, length, data, maxLength), element);
        }

        private (EnumType, EnumValue) ResolveValueRef(string valueRef, XElement element)
        {
            var dot = valueRef.IndexOf('.');
            if (dot <= 0 || dot == valueRef.Length - 1)
            {
                throw Error(element, $"valueRef \"{valueRef}\" is not of the form Enum.Value");
            }

            var enumName = valueRef.Substring(0, dot);
            var valueName = valueRef.Substring(dot + 1);
            if (Resolve(enumName, element) is not EnumType enumType)
            {
                throw Error(element, $"valueRef \"{valueRef}\" does not name an enum");
            }

            var value = enumType.Value(valueName) ?? throw Error(element, $"valueRef \"{valueRef}\": enum \"{enumName}\" has no value \"{valueName}\"");
            return (enumType, value);
        }

        private static long ParseLimit(string text, XElement element)
        {
            if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
            {
                throw Error(element, $"maxValue \"{text}\" is not a non-negative integer");
            }

            return value > long.MaxValue ? long.MaxValue : (long)value;
        }

        // The attributes any element may carry; read once the element's own required attributes are.
        private T Described<T>(T item, XElement element) where T : SchemaElement
        {
            item.Description = Attr(element, "description");
            item.SinceVersion = Version(element);
            item.Deprecated = OptionalInt(element, "deprecated");
            return item;
        }

        private int Version(XElement element)
        {
            var since = OptionalInt(element, "sinceVersion") ?? 0;
            if (since < 0 || since > _schemaVersion)
            {
                throw Error(element, $"sinceVersion {since} is outside the schema's versions 0..{_schemaVersion}");
            }

            return since;
        }

        private static Presence? ReadPresence(XElement element) => Attr(element, "presence") switch
        {
            null => null,
            "required" => Presence.Required,
            "optional" => Presence.Optional,
            "constant" => Presence.Constant,
            var other => throw Error(element, $"presence \"{other}\" is not required, optional or constant"),
        };

        private static string? Attr(XElement element, string name) => element.Attribute(name)?.Value;

        // An element's name becomes an identifier in generated code, so it must be one: a letter or '_', then letters,
        // digits and '_'.
        private static string Name(XElement element)
        {
            var name = Required(element, "name");
            var valid = char.IsLetter(name[0]) || name[0] == '_';
            for (var i = 1; i < name.Length && valid; i++)
            {
                valid = name[i] < 0x80 && (char.IsLetterOrDigit(name[i]) || name[i] == '_');
            }

            if (!valid || name[0] >= 0x80)
            {
                throw Error(element, $"name \"{name}\" is not an identifier (a letter or '_', then letters, digits or '_')");
            }

            return name;
        }

        private static string Required(XElement element, string name) =>
            Attr(element, name) is { Length: > 0 } value ? value : throw Error(element, $"lacks the required attribute \"{name}\"");

        private static int RequiredInt(XElement element, string name) =>
            OptionalInt(element, name) ?? throw Error(element, $"lacks the required attribute \"{name}\"");

        private static int? OptionalInt(XElement element, string name)
        {
            var text = Attr(element, name);
            if (text == null)
            {
                return null;
            }

            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                throw Error(element, $"attribute {name}=\"{text}\" is not an integer");
            }

            return value;
        }

        private static SchemaException Error(XElement element, string problem)
        {
            var name = element.Attribute("name")?.Value;
            var where = name == null ? $"<{element.Name.LocalName}>" : $"<{element.Name.LocalName} name=\"{name}\">";
            var line = ((IXmlLineInfo)element).HasLineInfo() ? $" (line {((IXmlLineInfo)element).LineNumber})" : "";
            return new SchemaException($"{where}{line} {problem}", ((IXmlLineInfo)element).LineNumber);
        }
    }
}
