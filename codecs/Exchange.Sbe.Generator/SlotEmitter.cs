// Writes the accessors of one fixed-offset value (field or composite member): typed read with the null value
// for versions that predate it, typed write, and its part of ToString. Messages, groups and composites all go
// through here, so a type's encoding is spelled in exactly one place.
using System.Collections.Generic;
using System.Linq;
using Exchange.Sbe.Schema;

namespace Exchange.Sbe.Generator
{
    internal sealed class SlotEmitter
    {
        private readonly string _namespace;
        private readonly ByteOrder _order;
        private readonly Names _names;

        public SlotEmitter(string @namespace, ByteOrder order, Names names)
        {
            _namespace = @namespace;
            _order = order;
            _names = names;
        }

        public Names Names => _names;

        /// <summary>On every fixed-offset accessor: a few instructions each, which the AOT compiler otherwise left as calls
        /// in the engine's decoding and encoding (a dozen calls per order).</summary>
        public const string Inline = "[MethodImpl(MethodImplOptions.AggressiveInlining)] ";

        public ByteOrder Order => _order;

        public string Qualified(SbeType type) => $"global::{_namespace}.{_names.Of(type)}";

        private string Read(PrimitiveType type, string at, bool validated) =>
            validated ? CSharp.ReadValidated(type, _order, at) : CSharp.Read(type, _order, at);

        private string Write(PrimitiveType type, string at, string value, bool validated) =>
            validated ? CSharp.WriteValidated(type, _order, at, value) : CSharp.Write(type, _order, at, value);

        public static bool HasAccessor(Slot slot) => slot.Type is not EncodedType { Length: 0 };

        // guardAlways: composites check the version on every member, so a composite that is absent at the
        // acting version (created with version -1) reads as all nulls without touching the buffer.
        public void Decoder(CodeWriter w, Slot s, string baseOffset, bool guardAlways, bool validatedBlock = false)
        {
            if (!HasAccessor(s))
            {
                return;
            }

            var at = s.Offset == 0 ? baseOffset : $"{baseOffset} + {s.Offset}";
            var guard = guardAlways || s.SinceVersion > 0 ? $"_actingVersion < {s.SinceVersion}" : null;
            string Or(string nullValue) => guard == null ? "" : $"{guard} ? {nullValue} : ";
            var n = s.Name;

            w.Line();
            if (s.Id is int id)
            {
                w.Line($"public const int {n}Id = {id};");
            }

            if (s.SinceVersion > 0)
            {
                w.Line($"public bool {n}InActingVersion => _actingVersion >= {s.SinceVersion};");
            }

            if (s.Presence == Presence.Constant)
            {
                DecoderConstant(w, s);
                return;
            }

            switch (s.Type)
            {
                case EncodedType { IsArray: false } e:
                    Limits(w, s, e);
                    w.Line($"public {CSharp.TypeName(e.Primitive)} {n} {{ {Inline}get => {Or($"{n}NullValue")}{Read(e.Primitive, at, validatedBlock)}; }}");
                    break;
                case EncodedType { Primitive: PrimitiveType.Char } e:
                    w.Line($"public const int {n}Length = {e.Length};");
                    w.Line($"public ReadOnlySpan<byte> {n} {{ {Inline}get => {Or("default")}_buffer.Slice({at}, {e.Length}); }}");
                    w.Line($"public string {n}AsString() => SbeText.Decode({n}, {Encoding(e)}, stopAtNul: true);");
                    break;
                case EncodedType e:
                    Limits(w, s, e);
                    w.Line($"public const int {n}Length = {e.Length};");
                    w.Line($"public ReadOnlySpan<byte> {n}Bytes => {Or("default")}_buffer.Slice({at}, {e.Length * e.Primitive.Size()});");
                    w.Open($"public {CSharp.TypeName(e.Primitive)} {n}(int index)");
                    w.Line($"if ((uint)index >= {e.Length}) throw new ArgumentOutOfRangeException(nameof(index));");
                    if (guard != null)
                    {
                        w.Line($"if ({guard}) return {n}NullValue;");
                    }

                    w.Line($"return {CSharp.Read(e.Primitive, _order, $"{at} + index * {e.Primitive.Size()}")};");
                    w.Close();
                    break;
                case EnumType en:
                    w.Line($"public {Qualified(en)} {n} {{ {Inline}get => {Or($"{Qualified(en)}.NULL_VALUE")}({Qualified(en)})({Read(en.Encoding, at, validatedBlock)}); }}");
                    break;
                case SetType set:
                    w.Line($"public {Qualified(set)} {n} {{ {Inline}get => {Or("default")}({Qualified(set)})({Read(set.Encoding, at, validatedBlock)}); }}");
                    break;
                case CompositeType c:
                    w.Line($"public {Qualified(c)}Decoder {n} {{ {Inline}get => {Or($"new {Qualified(c)}Decoder(default, 0, -1)")}new {Qualified(c)}Decoder(_buffer, {at}, _actingVersion); }}");
                    break;
            }
        }

        private void DecoderConstant(CodeWriter w, Slot s)
        {
            var n = s.Name;
            // A constant given by valueRef is the enum value it names, wherever the valueRef is written.
            if (s.ValueRefEnum != null && s.ValueRefValue != null)
            {
                w.Line($"public {Qualified(s.ValueRefEnum)} {n} => {Qualified(s.ValueRefEnum)}.{_names.Of(s.ValueRefValue)};");
                return;
            }

            if (s.Type is EncodedType { ConstantValue: string text } encoded)
            {
                if (IsConstantText(encoded))
                {
                    w.Line($"public ReadOnlySpan<byte> {n} => {CSharp.StringLiteral(text)}u8;");
                    w.Line($"public string {n}AsString() => {CSharp.StringLiteral(text)};");
                }
                else if (encoded.Primitive == PrimitiveType.Char)
                {
                    w.Line($"public byte {n} => {CSharp.CharLiteral(text[0])};");
                }
                else
                {
                    w.Line($"public {CSharp.TypeName(encoded.Primitive)} {n} => {CSharp.Literal(encoded.Primitive, text, s.Where)};");
                }
            }
        }

        private static bool IsConstantText(EncodedType e) =>
            e.Primitive == PrimitiveType.Char && e.ValueRef == null && (e.Length > 1 || e.ConstantValue!.Length > 1);

        private static string Encoding(EncodedType e) => e.CharacterEncoding == null ? "null" : CSharp.StringLiteral(e.CharacterEncoding);

        private static void Limits(CodeWriter w, Slot s, EncodedType e)
        {
            var type = CSharp.TypeName(e.Primitive);
            w.Line($"public const {type} {s.Name}NullValue = {CSharp.Literal(e.Primitive, e.NullValue, s.Where + " nullValue")};");
            w.Line($"public const {type} {s.Name}MinValue = {CSharp.Literal(e.Primitive, e.MinValue, s.Where + " minValue")};");
            w.Line($"public const {type} {s.Name}MaxValue = {CSharp.Literal(e.Primitive, e.MaxValue, s.Where + " maxValue")};");
        }

        public void Encoder(CodeWriter w, Slot s, string baseOffset, bool validatedBlock = false)
        {
            if (!HasAccessor(s) || s.Presence == Presence.Constant)
            {
                return;
            }

            var at = s.Offset == 0 ? baseOffset : $"{baseOffset} + {s.Offset}";
            var n = s.Name;
            w.Line();
            if (s.Id is int id)
            {
                w.Line($"public const int {n}Id = {id};");
            }

            switch (s.Type)
            {
                case EncodedType { IsArray: false } e:
                    Limits(w, s, e);
                    w.Line($"public {CSharp.TypeName(e.Primitive)} {n} {{ {Inline}set => {Write(e.Primitive, at, "value", validatedBlock)}; }}");
                    break;
                case EncodedType { Primitive: PrimitiveType.Char } e:
                    w.Line($"public const int {n}Length = {e.Length};");
                    w.Line($"public ReadOnlySpan<byte> {n} {{ set => SbeWire.CopyPadded(value, _buffer.Slice({at}, {e.Length}), {CSharp.StringLiteral(s.Where)}); }}");
                    break;
                case EncodedType e:
                    Limits(w, s, e);
                    w.Line($"public const int {n}Length = {e.Length};");
                    // An indexed value cannot be a C# property, so arrays get a method per element.
                    w.Open($"public void Set{n}(int index, {CSharp.TypeName(e.Primitive)} value)");
                    w.Line($"if ((uint)index >= {e.Length}) throw new ArgumentOutOfRangeException(nameof(index));");
                    w.Line($"{CSharp.Write(e.Primitive, _order, $"{at} + index * {e.Primitive.Size()}", "value")};");
                    w.Close();
                    break;
                case EnumType en:
                    w.Line($"public {Qualified(en)} {n} {{ {Inline}set => {Write(en.Encoding, at, "value", validatedBlock)}; }}");
                    break;
                case SetType set:
                    w.Line($"public {Qualified(set)} {n} {{ {Inline}set => {Write(set.Encoding, at, "value", validatedBlock)}; }}");
                    break;
                case CompositeType c:
                    w.Line($"public {Qualified(c)}Encoder {n} {{ {Inline}get => new {Qualified(c)}Encoder(_buffer, {at}); }}");
                    break;
            }
        }

        // One "name=value" item of a decoder's ToString.
        public static void Append(CodeWriter w, Slot s, bool first)
        {
            var n = s.Name;
            Label(w, s.SchemaName + "=", first);
            if (s.Presence == Presence.Constant)
            {
                if (s.ValueRefValue != null)
                {
                    w.Line($"builder.Append({n}.ToString());");
                }
                else if (s.Type is EncodedType { ConstantValue: string text } e && IsConstantText(e))
                {
                    w.Line($"builder.Append({CSharp.StringLiteral(text)});");
                }
                else if (s.Type is EncodedType { Primitive: PrimitiveType.Char } && s.ValueRefValue == null)
                {
                    w.Line($"builder.Append((char){n});");
                }
                else
                {
                    w.Line($"builder.Append({n}.ToString(CultureInfo.InvariantCulture));");
                }

                return;
            }

            switch (s.Type)
            {
                case EncodedType { IsArray: false, Primitive: PrimitiveType.Char }:
                    w.Line($"builder.Append((char){n});");
                    break;
                case EncodedType { IsArray: false }:
                    w.Line($"builder.Append({n}.ToString(CultureInfo.InvariantCulture));");
                    break;
                case EncodedType { Primitive: PrimitiveType.Char }:
                    w.Line($"builder.Append({n}AsString());");
                    break;
                case EncodedType:
                    w.Line("builder.Append('[');");
                    w.Open($"for (var i = 0; i < {n}Length; i++)");
                    w.Line("if (i > 0) builder.Append(',');");
                    w.Line($"builder.Append({n}(i).ToString(CultureInfo.InvariantCulture));");
                    w.Close();
                    w.Line("builder.Append(']');");
                    break;
                case EnumType:
                case SetType:
                    w.Line($"builder.Append({n}.ToString());");
                    break;
                case CompositeType:
                    w.Line("builder.Append('(');");
                    w.Line($"{n}.AppendTo(builder);");
                    w.Line("builder.Append(')');");
                    break;
            }
        }

        // What starts each item of a decoder's ToString: the separator unless it is the first, then the name.
        public static void Label(CodeWriter w, string label, bool first) =>
            w.Line($"builder.Append(\"{(first ? "" : ", ")}{label}\");");

        // Opens a decoder's AppendTo with an item per slot. Returns whether no item was written, so what the
        // caller adds next knows whether it needs a separator.
        public static bool OpenAppendTo(CodeWriter w, IEnumerable<Slot> slots)
        {
            w.Line();
            w.Open("internal void AppendTo(StringBuilder builder)");
            var first = true;
            foreach (var slot in slots.Where(HasAccessor))
            {
                Append(w, slot, first);
                first = false;
            }

            return first;
        }
    }
}
