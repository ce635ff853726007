// The C# name of everything a schema declares. Schema names are identifiers, but in PascalCase one can still land on
// a member every codec has (a group entry's field "count" on Count), on a type the generated code uses (Math), or on
// a name derived from another field. Such a name gets '_' appended until every name derived from it is free, so any
// legal schema generates code that compiles, and names that collide with nothing stay as they are.
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Exchange.Sbe.Schema;

namespace Exchange.Sbe.Generator
{
    internal sealed class Names
    {
        // What generated code refers to by simple name, so no member of a codec may shadow it.
        private static readonly string[] UsedTypes =
        {
            "Math", "Unsafe", "MemoryMarshal", "BinaryPrimitives", "BitConverter", "SbeException", "SbeError", "SbeText",
            "SbeWire", "StringBuilder", "CultureInfo", "ArgumentOutOfRangeException", "Span", "ReadOnlySpan", "MethodImpl",
            "MethodImplOptions", "UnscopedRef", "Exception", "GetHashCode", "Equals", "GetType", "ToString",
        };

        private static readonly string[] PartMembers =
        {
            "TemplateId", "SchemaId", "SchemaVersion", "BlockLength", "Offset", "ActingBlockLength", "ActingVersion",
            "Limit", "EncodedLength", "MinimumBlockLength", "TryWrap", "Wrap", "TryWrapWithHeader", "WrapWithHeader",
            "WrapAndApplyHeader", "ThrowHeader", "AppendTo", "Count", "Index", "Next", "DimensionLength", "MaxCount",
            "_buffer", "_offset", "_limit", "_actingVersion", "_actingBlockLength", "_blockLength", "_count", "_index",
            "_entryOffset",
        };

        private static readonly string[] CompositeMembers =
        {
            "EncodedLength", "Wrap", "AppendTo", "_buffer", "_offset", "_actingVersion",
        };

        // The members one schema item adds to its flyweights, decoder and encoder together; {0} is its name.
        private static readonly string[] FieldPatterns =
        {
            "{0}", "{0}Id", "{0}InActingVersion", "{0}NullValue", "{0}MinValue", "{0}MaxValue", "{0}Length", "{0}Bytes",
            "{0}AsString", "Set{0}",
        };

        private static readonly string[] GroupPatterns = { "{0}Id", "{0}InActingVersion", "Read{0}", "{0}Decoder", "{0}Count", "{0}Encoder" };

        private static readonly string[] DataPatterns = { "{0}Id", "{0}MaxLength", "{0}CharacterEncoding", "{0}InActingVersion", "Read{0}", "Write{0}" };

        private readonly Dictionary<object, string> _names = new Dictionary<object, string>(ByReference.Instance);

        public Names(MessageSchema schema)
        {
            NameTypes(schema.Types);
            foreach (var type in schema.Types)
            {
                switch (type)
                {
                    case EnumType e:
                        var values = new HashSet<string> { "NULL_VALUE" };
                        foreach (var value in e.Values)
                        {
                            _names[value] = Claim(values, value.Name, "{0}");
                        }

                        break;
                    case SetType s:
                        var choices = new HashSet<string> { "None" };
                        foreach (var choice in s.Choices)
                        {
                            _names[choice] = Claim(choices, choice.Name, "{0}");
                        }

                        break;
                    case CompositeType c:
                        var taken = new HashSet<string>(UsedTypes.Concat(CompositeMembers)) { Of(c) + "Decoder", Of(c) + "Encoder" };
                        foreach (var member in c.Members)
                        {
                            _names[member] = Claim(taken, member.Name, FieldPatterns);
                        }

                        break;
                }
            }

            foreach (var message in schema.Messages)
            {
                NamePart(message, CSharp.Pascal(message.Name));
            }
        }

        // The C# name of an enum, a set or a composite (its flyweights add Decoder and Encoder).
        public string Of(SbeType type) => _names.TryGetValue(type, out var name) ? name : CSharp.Pascal(type.Name);

        // The C# name of a field, group, var data, composite member, enum value or set choice.
        public string Of(Field field) => _names[field];

        public string Of(Group group) => _names[group];

        public string Of(VarData data) => _names[data];

        public string Of(CompositeMember member) => _names[member];

        public string Of(EnumValue value) => _names[value];

        public string Of(SetChoice choice) => _names[choice];

        // Types declared at the top level keep their name. An inline one does too unless another type has the same
        // name; then it is scoped by the composite it is declared in (outer.inner becomes OuterInner).
        private void NameTypes(List<SbeType> types)
        {
            var named = types.Where(t => t is not EncodedType).ToList();
            var counts = named.GroupBy(t => CSharp.Pascal(t.Name)).ToDictionary(g => g.Key, g => g.Count());
            var taken = new HashSet<string>();
            foreach (var type in named.Where(t => t.Outer == null))
            {
                _names[type] = CSharp.Pascal(type.Name);
                taken.Add(_names[type]);
            }

            foreach (var type in named.Where(t => t.Outer != null))
            {
                NameInline(type, counts, taken);
            }
        }

        private string NameInline(SbeType type, Dictionary<string, int> counts, HashSet<string> taken)
        {
            if (_names.TryGetValue(type, out var known))
            {
                return known;
            }

            var name = CSharp.Pascal(type.Name);
            if (counts[name] > 1)
            {
                name = NameInline(type.Outer!, counts, taken) + name;
            }

            while (!taken.Add(name))
            {
                name += "_";
            }

            _names[type] = name;
            return name;
        }

        private string NameInline(CompositeType outer, Dictionary<string, int> counts, HashSet<string> taken) =>
            outer.Outer == null ? Of(outer) : NameInline((SbeType)outer, counts, taken);

        // A message or group entry: one decoder and one encoder struct, each with its own nested group structs.
        private void NamePart(MessagePart part, string name)
        {
            var taken = new HashSet<string>(UsedTypes.Concat(PartMembers)) { name + "Decoder", name + "Encoder" };
            foreach (var field in part.Fields)
            {
                _names[field] = Claim(taken, field.Name, FieldPatterns);
            }

            foreach (var group in part.Groups)
            {
                _names[group] = Claim(taken, group.Name, GroupPatterns);
            }

            foreach (var data in part.Data)
            {
                _names[data] = Claim(taken, data.Name, DataPatterns);
            }

            foreach (var group in part.Groups)
            {
                NamePart(group, _names[group]);
            }
        }

        private static string Claim(HashSet<string> taken, string schemaName, params string[] patterns)
        {
            var name = CSharp.Pascal(schemaName);
            while (patterns.Any(pattern => taken.Contains(string.Format(pattern, name))))
            {
                name += "_";
            }

            foreach (var pattern in patterns)
            {
                taken.Add(string.Format(pattern, name));
            }

            return name;
        }

        private sealed class ByReference : IEqualityComparer<object>
        {
            public static readonly ByReference Instance = new ByReference();

            public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
