// One fixed-offset value in a block — a message or group field, or a composite member — seen the same way by
// the emitters, so every accessor is written by one piece of code.
using System.Collections.Generic;
using System.Linq;
using Exchange.Sbe.Schema;

namespace Exchange.Sbe.Generator
{
    internal sealed class Slot
    {
        private Slot(string schemaName, SbeType type, Presence presence, int offset, int sinceVersion, string owner)
        {
            SchemaName = schemaName;
            Name = CSharp.Pascal(schemaName);
            Type = type;
            Presence = presence;
            Offset = offset;
            SinceVersion = sinceVersion;
            Where = owner + "." + schemaName;
        }

        public string SchemaName { get; }
        public string Name { get; }
        public SbeType Type { get; }
        public Presence Presence { get; }
        public int Offset { get; }
        public int SinceVersion { get; }

        // "Car.vehicleCode": how errors and diagnostics name this value.
        public string Where { get; }
        public int? Id { get; private set; }
        public EnumType? ValueRefEnum { get; private set; }
        public EnumValue? ValueRefValue { get; private set; }

        // Members every generated flyweight already has; a schema name that maps onto one would not compile.
        private static readonly HashSet<string> Reserved = new HashSet<string>
        {
            "TemplateId", "SchemaId", "SchemaVersion", "BlockLength", "Offset", "ActingBlockLength", "ActingVersion",
            "Limit", "EncodedLength", "MinimumBlockLength", "TryWrap", "Wrap", "TryWrapWithHeader", "WrapWithHeader",
            "WrapAndApplyHeader", "ThrowHeader", "ToString", "AppendTo", "Count", "Index", "Next", "DimensionLength",
            "MaxCount", "GetHashCode", "Equals", "GetType",
        };

        private static readonly HashSet<string> ReservedInComposites = new HashSet<string>
        {
            "EncodedLength", "Wrap", "ToString", "AppendTo", "GetHashCode", "Equals", "GetType",
        };

        // Checks that a schema name (and the names derived from it) leave the generated members alone.
        public static void CheckName(string schemaName, string owner, params string[] derived) =>
            CheckName(Reserved, schemaName, owner, derived);

        private static void CheckName(HashSet<string> reserved, string schemaName, string owner, params string[] derived)
        {
            var name = CSharp.Pascal(schemaName);
            foreach (var candidate in new[] { name }.Concat(derived.Select(suffix => name + suffix)))
            {
                if (reserved.Contains(candidate))
                {
                    throw new SchemaException($"\"{schemaName}\" in \"{owner}\" would generate a member named {candidate}, which every codec already has; rename it");
                }
            }
        }

        public static IEnumerable<Slot> Of(MessagePart part, string owner)
        {
            foreach (var field in part.Fields)
            {
                CheckName(field.Name, owner, "Id", "NullValue", "MinValue", "MaxValue", "Length", "InActingVersion");
                yield return new Slot(field.Name, field.Type, field.Presence, field.Offset, field.SinceVersion, owner)
                {
                    Id = field.Id,
                    ValueRefEnum = field.ValueRefEnum,
                    ValueRefValue = field.ValueRefValue,
                };
            }
        }

        public static IEnumerable<Slot> Of(CompositeType composite)
        {
            foreach (var member in composite.Members)
            {
                CheckName(ReservedInComposites, member.Name, composite.Name, "NullValue", "MinValue", "MaxValue", "Length");
                yield return new Slot(member.Name, member.Type, member.Type.Presence, member.Offset, member.SinceVersion, composite.Name);
            }
        }
    }
}
