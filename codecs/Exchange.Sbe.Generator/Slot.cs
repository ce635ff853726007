// One fixed-offset value in a block — a message or group field, or a composite member — seen the same way by
// the emitters, so every accessor is written by one piece of code.
using System.Collections.Generic;
using System.Linq;
using Exchange.Sbe.Schema;

namespace Exchange.Sbe.Generator
{
    internal sealed class Slot
    {
        private Slot(string schemaName, string name, SbeType type, Presence presence, int offset, int sinceVersion, string owner)
        {
            SchemaName = schemaName;
            Name = name;
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

        public static IEnumerable<Slot> Of(MessagePart part, string owner, Names names)
        {
            foreach (var field in part.Fields)
            {
                var type = field.Type as EncodedType;
                yield return new Slot(field.Name, names.Of(field), field.Type, field.Presence, field.Offset, field.SinceVersion, owner)
                {
                    Id = field.Id,
                    ValueRefEnum = field.ValueRefEnum ?? type?.ValueRefEnum,
                    ValueRefValue = field.ValueRefValue ?? type?.ValueRefValue,
                };
            }
        }

        public static IEnumerable<Slot> Of(CompositeType composite, Names names)
        {
            foreach (var member in composite.Members)
            {
                var type = member.Type as EncodedType;
                yield return new Slot(member.Name, names.Of(member), member.Type, member.Type.Presence, member.Offset, member.SinceVersion, composite.Name)
                {
                    ValueRefEnum = type?.ValueRefEnum,
                    ValueRefValue = type?.ValueRefValue,
                };
            }
        }
    }
}
