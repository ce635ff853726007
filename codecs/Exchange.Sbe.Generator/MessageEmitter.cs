// Writes a message's decoder and encoder flyweights. Both keep a limit: the position where the next group
// dimension or var data begins. Groups share it through a ref field, so reading (or writing) in schema
// order — block, groups with their entries, then var data — walks the buffer once without copying.
using System.Collections.Generic;
using System.Linq;
using Exchange.Sbe.Schema;

namespace Exchange.Sbe.Generator
{
    internal sealed class MessageEmitter
    {
        private readonly MessageSchema _schema;
        private readonly SlotEmitter _slots;
        private readonly string _header;

        public MessageEmitter(MessageSchema schema, SlotEmitter slots)
        {
            _schema = schema;
            _slots = slots;
            _header = _slots.Qualified(schema.Header.Type);
        }

        private ByteOrder Order => _schema.ByteOrder;

        private Names Names => _slots.Names;

        public void Emit(CodeWriter w, Message message)
        {
            Decoder(w, message);
            Encoder(w, message);
        }

        private void Identity(CodeWriter w, Message m)
        {
            var header = _schema.Header;
            w.Line($"public const {Type(header.TemplateId)} TemplateId = {CSharp.Literal(Primitive(header.TemplateId), m.Id.ToString(), m.Name)};");
            w.Line($"public const {Type(header.SchemaId)} SchemaId = {CSharp.Literal(Primitive(header.SchemaId), _schema.Id.ToString(), m.Name)};");
            w.Line($"public const {Type(header.Version)} SchemaVersion = {CSharp.Literal(Primitive(header.Version), _schema.Version.ToString(), m.Name)};");
            w.Line($"public const int BlockLength = {m.BlockLength};");
        }

        private static PrimitiveType Primitive(CompositeMember member) => ((EncodedType)member.Type).Primitive;

        private static bool IsConstant(CompositeMember member) => member.Type.Presence == Presence.Constant;

        private string HeaderLong(CompositeMember member) => CSharp.ToLong(Primitive(member), "header." + Names.Of(member));

        private static string Type(CompositeMember member) => CSharp.TypeName(Primitive(member));

        private static string ToInt(CompositeMember member, string expression)
        {
            var primitive = Primitive(member);
            return primitive.Size() <= 2 || primitive == PrimitiveType.Int32
                ? $"(int){expression}"
                : $"(int)Math.Clamp({CSharp.ToLong(primitive, expression)}, -1L, int.MaxValue)";
        }

        private void Decoder(CodeWriter w, Message m)
        {
            var name = CSharp.Pascal(m.Name) + "Decoder";
            var where = CSharp.StringLiteral(m.Name);
            var header = _schema.Header;
            w.Line();
            w.Open($"public ref struct {name}");
            Identity(w, m);
            w.Line();
            w.Line("private readonly ReadOnlySpan<byte> _buffer;");
            w.Line("private readonly int _offset;");
            w.Line("private readonly int _actingBlockLength;");
            w.Line("private readonly int _actingVersion;");
            w.Line("private int _limit;");
            w.Line();
            w.Open($"private {name}(ReadOnlySpan<byte> buffer, int offset, int actingBlockLength, int actingVersion)");
            w.Line("_buffer = buffer;");
            w.Line("_offset = offset;");
            w.Line("_actingBlockLength = actingBlockLength;");
            w.Line("_actingVersion = actingVersion;");
            w.Line("_limit = offset + actingBlockLength;");
            w.Close();
            w.Line();
            w.Line("public int Offset => _offset;");
            w.Line("public int ActingBlockLength => _actingBlockLength;");
            w.Line("public int ActingVersion => _actingVersion;");
            w.Line("// Where the next group or var data starts; after everything is read, the end of the message.");
            w.Line("public int Limit => _limit;");
            w.Line("public int EncodedLength => _limit - _offset;");
            MinimumBlockLength(w, m);

            w.Line();
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Open($"public static SbeError TryWrap(ReadOnlySpan<byte> buffer, int offset, int actingBlockLength, int actingVersion, out {name} decoder)");
            w.Line("decoder = default;");
            w.Line("if (offset < 0 || actingBlockLength < 0 || offset > buffer.Length - actingBlockLength) return SbeError.Truncated;");
            w.Line("if (actingBlockLength < MinimumBlockLength(actingVersion)) return SbeError.BlockTooShort;");
            w.Line($"decoder = new {name}(buffer, offset, actingBlockLength, actingVersion);");
            w.Line("return SbeError.None;");
            w.Close();
            w.Line();
            w.Open($"public static {name} Wrap(ReadOnlySpan<byte> buffer, int offset, int actingBlockLength, int actingVersion)");
            w.Line("var error = TryWrap(buffer, offset, actingBlockLength, actingVersion, out var decoder);");
            w.Guard("error != SbeError.None",
                $"SbeException.Header(error, {where}, SchemaId, TemplateId, actingBlockLength, actingVersion, offset, buffer.Length);");
            w.Line("return decoder;");
            w.Close();
            w.Line();
            w.Line("// Checks the header's schema and template ids, then wraps the body with the header's block length and version.");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Open($"public static SbeError TryWrapWithHeader(ReadOnlySpan<byte> buffer, int offset, out {name} decoder)");
            w.Line("decoder = default;");
            w.Line($"if (offset < 0 || offset > buffer.Length - {_header}Decoder.EncodedLength) return SbeError.Truncated;");
            w.Line($"var header = new {_header}Decoder(buffer, offset, SchemaVersion);");
            if (!IsConstant(header.SchemaId))
            {
                // A header that fixes the schema id as a constant carries none to check.
                w.Line($"if (header.{Names.Of(header.SchemaId)} != SchemaId) return SbeError.WrongSchema;");
            }

            w.Line($"if (header.{Names.Of(header.TemplateId)} != TemplateId) return SbeError.WrongTemplate;");
            w.Line($"return TryWrap(buffer, offset + {_header}Decoder.EncodedLength, {ToInt(header.BlockLength, "header." + Names.Of(header.BlockLength))}, {ToInt(header.Version, "header." + Names.Of(header.Version))}, out decoder);");
            w.Close();
            w.Line();
            w.Open($"public static {name} WrapWithHeader(ReadOnlySpan<byte> buffer, int offset = 0)");
            w.Line("var error = TryWrapWithHeader(buffer, offset, out var decoder);");
            w.Guard("error != SbeError.None", "ThrowHeader(error, buffer, offset);");
            w.Line("return decoder;");
            w.Close();
            w.Line();
            w.Line("[MethodImpl(MethodImplOptions.NoInlining)]");
            w.Open("private static void ThrowHeader(SbeError error, ReadOnlySpan<byte> buffer, int offset)");
            w.Guard($"offset < 0 || offset > buffer.Length - {_header}Decoder.EncodedLength",
                $"SbeException.Truncated({CSharp.StringLiteral(m.Name + " header")}, (long)offset + {_header}Decoder.EncodedLength, buffer.Length);");
            w.Line($"var header = new {_header}Decoder(buffer, offset, SchemaVersion);");
            w.Line($"SbeException.Header(error, {where}, {HeaderLong(header.SchemaId)}, {HeaderLong(header.TemplateId)}, "
                + $"{HeaderLong(header.BlockLength)}, {HeaderLong(header.Version)}, offset + {_header}Decoder.EncodedLength, buffer.Length);");
            w.Close();

            PartDecoder(w, m, m.Name, "_offset");

            w.Line();
            w.Open("public override string ToString()");
            w.Line("// A copy, so printing does not move this decoder's limit.");
            w.Line($"var copy = new {name}(_buffer, _offset, _actingBlockLength, _actingVersion);");
            w.Line($"var builder = new StringBuilder({CSharp.StringLiteral(m.Name + "(")});");
            w.Open("try");
            w.Line("copy.AppendTo(builder);");
            w.Close();
            w.Open("catch (SbeException e)");
            w.Line("builder.Append(\" <\").Append(e.Message).Append('>');");
            w.Close();
            w.Line();
            w.Line("return builder.Append(')').ToString();");
            w.Close();
            w.Close();
        }

        // The members messages and group entries share: fields, group readers, var data readers, AppendTo.
        private void PartDecoder(CodeWriter w, MessagePart part, string path, string baseOffset)
        {
            var slots = Slot.Of(part, path, Names).ToList();
            foreach (var slot in slots)
            {
                // Only a message's root block is validated as a whole when wrapped; group entries are read before
                // their first Next() by misuse, so they keep per-field checks.
                _slots.Decoder(w, slot, baseOffset, guardAlways: false, validatedBlock: baseOffset == "_offset");
            }

            foreach (var group in part.Groups)
            {
                var n = Names.Of(group);
                w.Line();
                w.Line($"public const int {n}Id = {group.Id};");
                if (group.SinceVersion > 0)
                {
                    w.Line($"public bool {n}InActingVersion => _actingVersion >= {group.SinceVersion};");
                }

                w.Line("[UnscopedRef]");
                w.Line($"public {n}Decoder Read{n}() => new {n}Decoder(_buffer, ref _limit, _actingVersion);");
                GroupDecoder(w, group, path + "." + group.Name);
            }

            foreach (var data in part.Data)
            {
                DataDecoder(w, data, path + "." + data.Name);
            }

            var first = SlotEmitter.OpenAppendTo(w, slots);

            var index = 0;
            foreach (var group in part.Groups)
            {
                var n = Names.Of(group);
                var local = $"group{index++}";
                SlotEmitter.Label(w, group.Name + "=[", first);
                first = false;
                w.Line($"var {local} = Read{n}();");
                w.Open($"while ({local}.Next())");
                w.Line($"if ({local}.Index > 1) builder.Append(\", \");");
                w.Line("builder.Append('(');");
                w.Line($"{local}.AppendTo(builder);");
                w.Line("builder.Append(')');");
                w.Close();
                w.Line("builder.Append(']');");
            }

            foreach (var data in part.Data)
            {
                var n = Names.Of(data);
                SlotEmitter.Label(w, data.Name + "=", first);
                first = false;
                w.Line(data.CharacterEncoding != null
                    ? $"builder.Append(SbeText.Decode(Read{n}(), {CSharp.StringLiteral(data.CharacterEncoding)}, stopAtNul: false));"
                    : $"builder.Append(SbeText.Hex(Read{n}()));");
            }

            w.Close();
        }

        private void MinimumBlockLength(CodeWriter w, MessagePart part)
        {
            var versions = part.Fields.Where(f => f.EncodedLength > 0).Select(f => f.SinceVersion).Where(v => v > 0).Distinct().OrderByDescending(v => v);
            var expression = string.Concat(versions.Select(v => $"actingVersion >= {v} ? {part.MinimumBlockLength(v)} : ")) + part.MinimumBlockLength(0);
            w.Line();
            w.Line("// The shortest block an encoder of that version can have sent: every field it knows must fit.");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Line($"public static int MinimumBlockLength(int actingVersion) => {expression};");
        }

        private void GroupDecoder(CodeWriter w, Group g, string path)
        {
            var name = Names.Of(g) + "Decoder";
            var where = CSharp.StringLiteral(path);
            var dimension = g.Dimension;
            OpenGroup(w, g, name, "ReadOnlySpan<byte>", "int actingVersion", "private readonly int _actingVersion;", "private readonly int _blockLength;");
            w.Line("_actingVersion = actingVersion;");
            if (g.SinceVersion > 0)
            {
                w.Guard($"actingVersion < {g.SinceVersion}", "return;");
            }

            DimensionAt(w, where);
            w.Line($"var blockLength = {ReadAt(dimension.BlockLengthPrimitive, dimension.BlockLength.Offset)};");
            w.Line($"var count = {ReadAt(dimension.NumInGroupPrimitive, dimension.NumInGroup.Offset)};");
            CountInRange(w, where);
            w.Line("var needed = MinimumBlockLength(actingVersion);");
            w.Guard("blockLength < needed", $"SbeException.BlockTooShort({where}, blockLength, actingVersion, needed);");
            w.Guard("blockLength * count > buffer.Length - (at + DimensionLength)",
                $"SbeException.Truncated({where}, at + DimensionLength + blockLength * count, buffer.Length);");
            // Entries with an empty block still cost a decoder work each: bound their number by the bytes left, as if
            // each took one, so a message's work stays in proportion to its size. Real entries always take a byte (a
            // field, a nested dimension or a length prefix).
            w.Guard("count > buffer.Length - (at + DimensionLength)",
                $"SbeException.CountOutOfRange({where}, count, \"more entries than the \" + (buffer.Length - (at + DimensionLength)) + \" bytes left\");");
            w.Line("_blockLength = (int)blockLength;");
            w.Line("_count = (int)count;");
            w.Line("limit = at + DimensionLength;");
            w.Close();
            w.Line();
            w.Line("public int Count => _count;");
            w.Line("// How many entries Next() has moved to so far.");
            w.Line("public int Index => _index;");
            w.Line("public int ActingBlockLength => _blockLength;");
            MinimumBlockLength(w, g);
            Next(w, path, decoder: true, "return false;");
            PartDecoder(w, g, path, "_entryOffset");
            w.Close();
        }

        private void DataDecoder(CodeWriter w, VarData d, string path)
        {
            var n = DataConstants(w, d, Names);
            var where = CSharp.StringLiteral(path);
            var prefix = d.Data.Offset;
            if (d.CharacterEncoding != null)
            {
                w.Line($"public const string {n}CharacterEncoding = {CSharp.StringLiteral(d.CharacterEncoding)};");
            }

            if (d.SinceVersion > 0)
            {
                w.Line($"public bool {n}InActingVersion => _actingVersion >= {d.SinceVersion};");
            }

            w.Open($"public ReadOnlySpan<byte> Read{n}()");
            if (d.SinceVersion > 0)
            {
                w.Guard($"_actingVersion < {d.SinceVersion}", "return default;");
            }

            w.Line("var at = _limit;");
            w.Guard($"at > _buffer.Length - {prefix}", $"SbeException.Truncated({where}, (long)at + {prefix}, _buffer.Length);");
            w.Line($"var length = {ReadAt(d.LengthPrimitive, d.Length.Offset)};");
            w.Guard($"length < 0 || length > {n}MaxLength", $"SbeException.LengthOutOfRange({where}, length, \"outside 0..\" + {n}MaxLength);");
            w.Guard($"length > _buffer.Length - (at + {prefix})", $"SbeException.Truncated({where}, at + {prefix} + length, _buffer.Length);");
            w.Line($"_limit = at + {prefix} + (int)length;");
            w.Line($"return _buffer.Slice(at + {prefix}, (int)length);");
            w.Close();
        }

        // The constants a var data's reader and writer both have; returns the C# name they are built on.
        private static string DataConstants(CodeWriter w, VarData d, Names names)
        {
            var n = names.Of(d);
            w.Line();
            w.Line($"public const int {n}Id = {d.Id};");
            w.Line($"public const int {n}MaxLength = {d.MaxLength};");
            return n;
        }

        private static string Plus(string at, int offset) => offset == 0 ? at : $"{at} + {offset}";

        // A length or count prefix at a member's offset from "at", as a long.
        private string ReadAt(PrimitiveType primitive, int offset) => CSharp.ToLong(primitive, CSharp.Read(primitive, Order, Plus("at", offset)));

        private string WriteAt(PrimitiveType primitive, int offset, string value) => CSharp.Write(primitive, Order, Plus("at", offset), value) + ";";

        // What a group's decoder and encoder begin with: the constants, the buffer and the limit shared with the
        // message, the cursor over entries, and the constructor as far as it is the same.
        private static void OpenGroup(CodeWriter w, Group g, string name, string span, string lastParameter, params string[] ownFields)
        {
            w.Line();
            w.Open($"public ref struct {name}");
            w.Line($"public const int BlockLength = {g.BlockLength};");
            w.Line($"public const int DimensionLength = {g.Dimension.Type.EncodedLength};");
            w.Line($"public const int MaxCount = {g.Dimension.MaxCount};");
            w.Line();
            w.Line($"private readonly {span} _buffer;");
            w.Line("private readonly ref int _limit;");
            foreach (var field in ownFields)
            {
                w.Line(field);
            }

            w.Line("private readonly int _count;");
            w.Line("private int _index;");
            w.Line("private int _entryOffset;");
            w.Line();
            w.Open($"internal {name}({span} buffer, ref int limit, {lastParameter})");
            w.Line("_buffer = buffer;");
            w.Line("_limit = ref limit;");
        }

        // The group's dimension starts at the limit and must fit in the buffer.
        private static void DimensionAt(CodeWriter w, string where)
        {
            w.Line("var at = limit;");
            w.Guard("at > buffer.Length - DimensionLength", $"SbeException.Truncated({where}, (long)at + DimensionLength, buffer.Length);");
        }

        private static void CountInRange(CodeWriter w, string where) =>
            w.Guard("count < 0 || count > MaxCount", $"SbeException.CountOutOfRange({where}, count, \"outside 0..\" + MaxCount);");

        // Next(): moves to the next entry, whose block starts at the limit and must fit. A decoder steps by the
        // block length the sender announced and reports the end; an encoder steps by its own, zeroes the block and
        // refuses entries beyond the count it wrote.
        private static void Next(CodeWriter w, string path, bool decoder, string pastEnd)
        {
            var blockLength = decoder ? "_blockLength" : "BlockLength";
            w.Line();
            w.Open(decoder ? "public bool Next()" : "public void Next()");
            w.Guard("_index >= _count", pastEnd);
            w.Line("var at = _limit;");
            w.Guard($"at > _buffer.Length - {blockLength}",
                $"SbeException.Truncated({CSharp.StringLiteral(path + " entry")}, (long)at + {blockLength}, _buffer.Length);");
            if (!decoder)
            {
                w.Line($"_buffer.Slice(at, {blockLength}).Clear();");
            }

            w.Line("_entryOffset = at;");
            w.Line($"_limit = at + {blockLength};");
            w.Line("_index++;");
            if (decoder)
            {
                w.Line("return true;");
            }

            w.Close();
        }

        private void Encoder(CodeWriter w, Message m)
        {
            var name = CSharp.Pascal(m.Name) + "Encoder";
            var header = _schema.Header;
            w.Line();
            w.Open($"public ref struct {name}");
            Identity(w, m);
            w.Line();
            w.Line("private readonly Span<byte> _buffer;");
            w.Line("private readonly int _offset;");
            w.Line("private int _limit;");
            w.Line();
            w.Open($"private {name}(Span<byte> buffer, int offset)");
            w.Line("_buffer = buffer;");
            w.Line("_offset = offset;");
            w.Line("_limit = offset + BlockLength;");
            w.Close();
            w.Line();
            w.Line("public int Offset => _offset;");
            w.Line("public int Limit => _limit;");
            w.Line("public int EncodedLength => _limit - _offset;");
            w.Line();
            w.Line("// The block is zeroed so padding and fields left unset are deterministic on a reused buffer.");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Open($"public static {name} Wrap(Span<byte> buffer, int offset)");
            w.Guard("offset < 0 || offset > buffer.Length - BlockLength",
                $"SbeException.Truncated({CSharp.StringLiteral(m.Name)}, (long)offset + BlockLength, buffer.Length);");
            w.Line("buffer.Slice(offset, BlockLength).Clear();");
            w.Line($"return new {name}(buffer, offset);");
            w.Close();
            w.Line();
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Open($"public static {name} WrapAndApplyHeader(Span<byte> buffer, int offset)");
            w.Guard($"offset < 0 || offset > buffer.Length - {_header}Encoder.EncodedLength",
                $"SbeException.Truncated({CSharp.StringLiteral(m.Name + " header")}, (long)offset + {_header}Encoder.EncodedLength, buffer.Length);");
            w.Line($"buffer.Slice(offset, {_header}Encoder.EncodedLength).Clear();");
            w.Line($"var header = new {_header}Encoder(buffer, offset);");
            w.Line($"header.{Names.Of(header.BlockLength)} = ({Type(header.BlockLength)})BlockLength;");
            w.Line($"header.{Names.Of(header.TemplateId)} = TemplateId;");
            if (!IsConstant(header.SchemaId))
            {
                w.Line($"header.{Names.Of(header.SchemaId)} = SchemaId;");
            }

            if (!IsConstant(header.Version))
            {
                w.Line($"header.{Names.Of(header.Version)} = SchemaVersion;");
            }

            w.Line($"return Wrap(buffer, offset + {_header}Encoder.EncodedLength);");
            w.Close();
            PartEncoder(w, m, m.Name, "_offset");
            w.Close();
        }

        private void PartEncoder(CodeWriter w, MessagePart part, string path, string baseOffset)
        {
            foreach (var slot in Slot.Of(part, path, Names))
            {
                _slots.Encoder(w, slot, baseOffset, validatedBlock: baseOffset == "_offset");
            }

            foreach (var group in part.Groups)
            {
                var n = Names.Of(group);
                w.Line();
                w.Line($"public const int {n}Id = {group.Id};");
                w.Line("// Writes the group's dimension; then call Next() on the result once per entry, exactly count times.");
                w.Line("[UnscopedRef]");
                w.Line($"public {n}Encoder {n}Count(int count) => new {n}Encoder(_buffer, ref _limit, count);");
                GroupEncoder(w, group, path + "." + group.Name);
            }

            foreach (var data in part.Data)
            {
                DataEncoder(w, data, path + "." + data.Name);
            }
        }

        private void GroupEncoder(CodeWriter w, Group g, string path)
        {
            var name = Names.Of(g) + "Encoder";
            var where = CSharp.StringLiteral(path);
            var dimension = g.Dimension;
            OpenGroup(w, g, name, "Span<byte>", "int count");
            CountInRange(w, where);
            DimensionAt(w, where);
            w.Line("buffer.Slice(at, DimensionLength).Clear();");
            w.Line(WriteAt(dimension.BlockLengthPrimitive, dimension.BlockLength.Offset, "BlockLength"));
            w.Line(WriteAt(dimension.NumInGroupPrimitive, dimension.NumInGroup.Offset, "count"));
            w.Line("_count = count;");
            w.Line("limit = at + DimensionLength;");
            w.Close();
            w.Line();
            w.Line("public int Count => _count;");
            Next(w, path, decoder: false, $"SbeException.ValueOutOfRange({where}, \"more entries than the \" + _count + \" announced\");");
            PartEncoder(w, g, path, "_entryOffset");
            w.Close();
        }

        private void DataEncoder(CodeWriter w, VarData d, string path)
        {
            var n = DataConstants(w, d, Names);
            var where = CSharp.StringLiteral(path);
            var prefix = d.Data.Offset;
            w.Open($"public void Write{n}(ReadOnlySpan<byte> value)");
            w.Guard($"value.Length > {n}MaxLength", $"SbeException.LengthOutOfRange({where}, value.Length, \"outside 0..\" + {n}MaxLength);");
            w.Line("var at = _limit;");
            w.Guard($"at > _buffer.Length - {prefix} - value.Length",
                $"SbeException.Truncated({where}, (long)at + {prefix} + value.Length, _buffer.Length);");
            w.Line($"_buffer.Slice(at, {prefix}).Clear();");
            w.Line(WriteAt(d.LengthPrimitive, d.Length.Offset, "value.Length"));
            w.Line($"value.CopyTo(_buffer.Slice(at + {prefix}));");
            w.Line($"_limit = at + {prefix} + value.Length;");
            w.Close();
        }
    }
}
