// Writes the schema's named types: enums and sets as C# enums, composites as a decoder/encoder flyweight pair.
using System.Globalization;
using System.Linq;
using Exchange.Sbe.Schema;

namespace Exchange.Sbe.Generator
{
    internal sealed class TypeEmitter
    {
        private readonly MessageSchema _schema;
        private readonly SlotEmitter _slots;

        public TypeEmitter(MessageSchema schema, SlotEmitter slots)
        {
            _schema = schema;
            _slots = slots;
        }

        public void Emit(CodeWriter w, SbeType type)
        {
            switch (type)
            {
                case EnumType e:
                    Enum(w, e);
                    break;
                case SetType s:
                    Set(w, s);
                    break;
                case CompositeType c:
                    CompositeDecoder(w, c);
                    CompositeEncoder(w, c);
                    break;
            }
        }

        private Names Names => _slots.Names;

        private void Enum(CodeWriter w, EnumType e)
        {
            w.Line();
            w.Open($"public enum {Names.Of(e)} : {CSharp.TypeName(e.Encoding)}");
            foreach (var value in e.Values)
            {
                var literal = e.Encoding == PrimitiveType.Char
                    ? CSharp.CharLiteral(value.Literal[0])
                    : CSharp.Literal(e.Encoding, value.Literal, $"{e.Name}.{value.Name}");
                w.Line($"{Names.Of(value)} = {literal},");
            }

            w.Line($"NULL_VALUE = {CSharp.Literal(e.Encoding, e.NullValue, e.Name + " nullValue")},");
            w.Close();
        }

        private void Set(CodeWriter w, SetType s)
        {
            var suffix = s.Encoding switch
            {
                PrimitiveType.UInt64 => "UL",
                PrimitiveType.UInt32 => "U",
                _ => "",
            };
            w.Line();
            w.Line("[Flags]");
            w.Open($"public enum {Names.Of(s)} : {CSharp.TypeName(s.Encoding)}");
            w.Line("None = 0,");
            foreach (var choice in s.Choices)
            {
                w.Line($"{Names.Of(choice)} = 0x{(1UL << choice.Bit).ToString("X", CultureInfo.InvariantCulture)}{suffix},");
            }

            w.Close();
        }

        private void CompositeDecoder(CodeWriter w, CompositeType c)
        {
            var slots = Slot.Of(c, Names).ToList();
            OpenComposite(w, c, "Decoder", "ReadOnlySpan<byte>", versioned: true);
            foreach (var slot in slots)
            {
                _slots.Decoder(w, slot, "_offset", guardAlways: true);
            }

            SlotEmitter.OpenAppendTo(w, slots);
            w.Close();
            w.Line();
            w.Open("public override string ToString()");
            w.Line("var builder = new StringBuilder();");
            w.Line("AppendTo(builder);");
            w.Line("return builder.ToString();");
            w.Close();
            w.Close();
        }

        private void CompositeEncoder(CodeWriter w, CompositeType c)
        {
            OpenComposite(w, c, "Encoder", "Span<byte>", versioned: false);
            foreach (var slot in Slot.Of(c, Names))
            {
                _slots.Encoder(w, slot, "_offset");
            }

            w.Close();
        }

        // What a composite's decoder and encoder begin with: the length, the buffer and offset, the constructor and
        // a bounds-checked Wrap. Only a decoder carries an acting version, so members added later read as null.
        private void OpenComposite(CodeWriter w, CompositeType c, string suffix, string span, bool versioned)
        {
            var name = Names.Of(c) + suffix;
            w.Line();
            w.Open($"public readonly ref struct {name}");
            w.Line($"public const int EncodedLength = {c.EncodedLength};");
            w.Line();
            w.Line($"private readonly {span} _buffer;");
            w.Line("private readonly int _offset;");
            if (versioned)
            {
                w.Line("private readonly int _actingVersion;");
            }

            w.Line();
            w.Open($"internal {name}({span} buffer, int offset{(versioned ? ", int actingVersion" : "")})");
            w.Line("_buffer = buffer;");
            w.Line("_offset = offset;");
            if (versioned)
            {
                w.Line("_actingVersion = actingVersion;");
            }

            w.Close();
            w.Line();
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Open($"public static {name} Wrap({span} buffer, int offset{(versioned ? $", int actingVersion = {_schema.Version}" : "")})");
            w.Guard("offset < 0 || offset > buffer.Length - EncodedLength",
                $"SbeException.Truncated({CSharp.StringLiteral(c.Name)}, (long)offset + EncodedLength, buffer.Length);");
            w.Line($"return new {name}(buffer, offset{(versioned ? ", actingVersion" : "")});");
            w.Close();
        }
    }
}
