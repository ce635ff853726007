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
            w.Open("if (error != SbeError.None)");
            w.Line($"SbeException.Header(error, {where}, SchemaId, TemplateId, actingBlockLength, actingVersion, offset, buffer.Length);");
            w.Close();
            w.Line();
            w.Line("return decoder;");
            w.Close();
            w.Line();
            w.Line("// Checks the header's schema and template ids, then wraps the body with the header's block length and version.");
            w.Open($"public static SbeError TryWrapWithHeader(ReadOnlySpan<byte> buffer, int offset, out {name} decoder)");
            w.Line("decoder = default;");
            w.Line($"if (offset < 0 || offset > buffer.Length - {_header}Decoder.EncodedLength) return SbeError.Truncated;");
            w.Line($"var header = new {_header}Decoder(buffer, offset, SchemaVersion);");
            w.Line("if (header.SchemaId != SchemaId) return SbeError.WrongSchema;");
            w.Line("if (header.TemplateId != TemplateId) return SbeError.WrongTemplate;");
            w.Line($"return TryWrap(buffer, offset + {_header}Decoder.EncodedLength, {ToInt(header.BlockLength, "header.BlockLength")}, {ToInt(header.Version, "header.Version")}, out decoder);");
            w.Close();
            w.Line();
            w.Open($"public static {name} WrapWithHeader(ReadOnlySpan<byte> buffer, int offset = 0)");
            w.Line("var error = TryWrapWithHeader(buffer, offset, out var decoder);");
            w.Open("if (error != SbeError.None)");
            w.Line("ThrowHeader(error, buffer, offset);");
            w.Close();
            w.Line();
            w.Line("return decoder;");
            w.Close();
            w.Line();
            w.Line("[MethodImpl(MethodImplOptions.NoInlining)]");
            w.Open("private static void ThrowHeader(SbeError error, ReadOnlySpan<byte> buffer, int offset)");
            w.Open($"if (offset < 0 || offset > buffer.Length - {_header}Decoder.EncodedLength)");
            w.Line($"SbeException.Truncated({CSharp.StringLiteral(m.Name + " header")}, (long)offset + {_header}Decoder.EncodedLength, buffer.Length);");
            w.Close();
            w.Line();
            w.Line($"var header = new {_header}Decoder(buffer, offset, SchemaVersion);");
            w.Line($"SbeException.Header(error, {where}, {CSharp.ToLong(Primitive(header.SchemaId), "header.SchemaId")}, {CSharp.ToLong(Primitive(header.TemplateId), "header.TemplateId")}, "
                + $"{CSharp.ToLong(Primitive(header.BlockLength), "header.BlockLength")}, {CSharp.ToLong(Primitive(header.Version), "header.Version")}, offset + {_header}Decoder.EncodedLength, buffer.Length);");
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
            var slots = Slot.Of(part, path).ToList();
            foreach (var slot in slots)
            {
                // Only a message's root block is validated as a whole when wrapped; group entries are read before
                // their first Next() by misuse, so they keep per-field checks.
                _slots.Decoder(w, slot, baseOffset, guardAlways: false, validatedBlock: baseOffset == "_offset");
            }

            foreach (var group in part.Groups)
            {
                Slot.CheckName(group.Name, path, "Id", "InActingVersion");
                var n = CSharp.Pascal(group.Name);
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
                Slot.CheckName(data.Name, path, "Id", "MaxLength", "CharacterEncoding", "InActingVersion");
                DataDecoder(w, data, path + "." + data.Name);
            }

            w.Line();
            w.Open("internal void AppendTo(StringBuilder builder)");
            var first = true;
            foreach (var slot in slots.Where(SlotEmitter.HasAccessor))
            {
                SlotEmitter.Append(w, slot, first);
                first = false;
            }

            var index = 0;
            foreach (var group in part.Groups)
            {
                var n = CSharp.Pascal(group.Name);
                var local = $"group{index++}";
                w.Line($"builder.Append(\"{(first ? "" : ", ")}{group.Name}=[\");");
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
                var n = CSharp.Pascal(data.Name);
                w.Line($"builder.Append(\"{(first ? "" : ", ")}{data.Name}=\");");
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
            w.Line($"public static int MinimumBlockLength(int actingVersion) => {expression};");
        }

        private void GroupDecoder(CodeWriter w, Group g, string path)
        {
            var name = CSharp.Pascal(g.Name) + "Decoder";
            var where = CSharp.StringLiteral(path);
            var dimension = g.Dimension;
            w.Line();
            w.Open($"public ref struct {name}");
            w.Line($"public const int BlockLength = {g.BlockLength};");
            w.Line($"public const int DimensionLength = {dimension.Type.EncodedLength};");
            w.Line($"public const int MaxCount = {dimension.MaxCount};");
            w.Line();
            w.Line("private readonly ReadOnlySpan<byte> _buffer;");
            w.Line("private readonly ref int _limit;");
            w.Line("private readonly int _actingVersion;");
            w.Line("private readonly int _blockLength;");
            w.Line("private readonly int _count;");
            w.Line("private int _index;");
            w.Line("private int _entryOffset;");
            w.Line();
            w.Open($"internal {name}(ReadOnlySpan<byte> buffer, ref int limit, int actingVersion)");
            w.Line("_buffer = buffer;");
            w.Line("_limit = ref limit;");
            w.Line("_actingVersion = actingVersion;");
            if (g.SinceVersion > 0)
            {
                w.Open($"if (actingVersion < {g.SinceVersion})");
                w.Line("return;");
                w.Close();
                w.Line();
            }

            w.Line("var at = limit;");
            w.Open("if (at > buffer.Length - DimensionLength)");
            w.Line($"SbeException.Truncated({where}, (long)at + DimensionLength, buffer.Length);");
            w.Close();
            w.Line();
            w.Line($"var blockLength = {CSharp.ToLong(dimension.BlockLengthPrimitive, CSharp.Read(dimension.BlockLengthPrimitive, Order, Plus("at", dimension.BlockLength.Offset)))};");
            w.Line($"var count = {CSharp.ToLong(dimension.NumInGroupPrimitive, CSharp.Read(dimension.NumInGroupPrimitive, Order, Plus("at", dimension.NumInGroup.Offset)))};");
            w.Open("if (count < 0 || count > MaxCount)");
            w.Line($"SbeException.CountOutOfRange({where}, count, \"outside 0..\" + MaxCount);");
            w.Close();
            w.Line();
            w.Line("var needed = MinimumBlockLength(actingVersion);");
            w.Open("if (blockLength < needed)");
            w.Line($"SbeException.BlockTooShort({where}, blockLength, actingVersion, needed);");
            w.Close();
            w.Line();
            w.Open("if (blockLength * count > buffer.Length - (at + DimensionLength))");
            w.Line($"SbeException.Truncated({where}, at + DimensionLength + blockLength * count, buffer.Length);");
            w.Close();
            w.Line();
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
            w.Line();
            w.Open("public bool Next()");
            w.Open("if (_index >= _count)");
            w.Line("return false;");
            w.Close();
            w.Line();
            w.Line("var at = _limit;");
            w.Open("if (at > _buffer.Length - _blockLength)");
            w.Line($"SbeException.Truncated({CSharp.StringLiteral(path + " entry")}, (long)at + _blockLength, _buffer.Length);");
            w.Close();
            w.Line();
            w.Line("_entryOffset = at;");
            w.Line("_limit = at + _blockLength;");
            w.Line("_index++;");
            w.Line("return true;");
            w.Close();
            PartDecoder(w, g, path, "_entryOffset");
            w.Close();
        }

        private void DataDecoder(CodeWriter w, VarData d, string path)
        {
            var n = CSharp.Pascal(d.Name);
            var where = CSharp.StringLiteral(path);
            var prefix = d.Data.Offset;
            w.Line();
            w.Line($"public const int {n}Id = {d.Id};");
            w.Line($"public const int {n}MaxLength = {d.MaxLength};");
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
                w.Open($"if (_actingVersion < {d.SinceVersion})");
                w.Line("return default;");
                w.Close();
                w.Line();
            }

            w.Line("var at = _limit;");
            w.Open($"if (at > _buffer.Length - {prefix})");
            w.Line($"SbeException.Truncated({where}, (long)at + {prefix}, _buffer.Length);");
            w.Close();
            w.Line();
            w.Line($"var length = {CSharp.ToLong(d.LengthPrimitive, CSharp.Read(d.LengthPrimitive, Order, Plus("at", d.Length.Offset)))};");
            w.Open($"if (length < 0 || length > {n}MaxLength)");
            w.Line($"SbeException.LengthOutOfRange({where}, length, \"outside 0..\" + {n}MaxLength);");
            w.Close();
            w.Line();
            w.Open($"if (length > _buffer.Length - (at + {prefix}))");
            w.Line($"SbeException.Truncated({where}, at + {prefix} + length, _buffer.Length);");
            w.Close();
            w.Line();
            w.Line($"_limit = at + {prefix} + (int)length;");
            w.Line($"return _buffer.Slice(at + {prefix}, (int)length);");
            w.Close();
        }

        private static string Plus(string at, int offset) => offset == 0 ? at : $"{at} + {offset}";

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
            w.Open($"public static {name} Wrap(Span<byte> buffer, int offset)");
            w.Open("if (offset < 0 || offset > buffer.Length - BlockLength)");
            w.Line($"SbeException.Truncated({CSharp.StringLiteral(m.Name)}, (long)offset + BlockLength, buffer.Length);");
            w.Close();
            w.Line();
            w.Line("buffer.Slice(offset, BlockLength).Clear();");
            w.Line($"return new {name}(buffer, offset);");
            w.Close();
            w.Line();
            w.Open($"public static {name} WrapAndApplyHeader(Span<byte> buffer, int offset)");
            w.Open($"if (offset < 0 || offset > buffer.Length - {_header}Encoder.EncodedLength)");
            w.Line($"SbeException.Truncated({CSharp.StringLiteral(m.Name + " header")}, (long)offset + {_header}Encoder.EncodedLength, buffer.Length);");
            w.Close();
            w.Line();
            w.Line($"buffer.Slice(offset, {_header}Encoder.EncodedLength).Clear();");
            w.Line($"var header = new {_header}Encoder(buffer, offset);");
            w.Line($"header.{CSharp.Pascal(header.BlockLength.Name)} = ({Type(header.BlockLength)})BlockLength;");
            w.Line($"header.{CSharp.Pascal(header.TemplateId.Name)} = TemplateId;");
            w.Line($"header.{CSharp.Pascal(header.SchemaId.Name)} = SchemaId;");
            w.Line($"header.{CSharp.Pascal(header.Version.Name)} = SchemaVersion;");
            w.Line($"return Wrap(buffer, offset + {_header}Encoder.EncodedLength);");
            w.Close();
            PartEncoder(w, m, m.Name, "_offset");
            w.Close();
        }

        private void PartEncoder(CodeWriter w, MessagePart part, string path, string baseOffset)
        {
            foreach (var slot in Slot.Of(part, path))
            {
                _slots.Encoder(w, slot, baseOffset, validatedBlock: baseOffset == "_offset");
            }

            foreach (var group in part.Groups)
            {
                var n = CSharp.Pascal(group.Name);
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
            var name = CSharp.Pascal(g.Name) + "Encoder";
            var where = CSharp.StringLiteral(path);
            var dimension = g.Dimension;
            w.Line();
            w.Open($"public ref struct {name}");
            w.Line($"public const int BlockLength = {g.BlockLength};");
            w.Line($"public const int DimensionLength = {dimension.Type.EncodedLength};");
            w.Line($"public const int MaxCount = {dimension.MaxCount};");
            w.Line();
            w.Line("private readonly Span<byte> _buffer;");
            w.Line("private readonly ref int _limit;");
            w.Line("private readonly int _count;");
            w.Line("private int _index;");
            w.Line("private int _entryOffset;");
            w.Line();
            w.Open($"internal {name}(Span<byte> buffer, ref int limit, int count)");
            w.Line("_buffer = buffer;");
            w.Line("_limit = ref limit;");
            w.Open("if (count < 0 || count > MaxCount)");
            w.Line($"SbeException.CountOutOfRange({where}, count, \"outside 0..\" + MaxCount);");
            w.Close();
            w.Line();
            w.Line("var at = limit;");
            w.Open("if (at > buffer.Length - DimensionLength)");
            w.Line($"SbeException.Truncated({where}, (long)at + DimensionLength, buffer.Length);");
            w.Close();
            w.Line();
            w.Line("buffer.Slice(at, DimensionLength).Clear();");
            w.Line(CSharp.Write(dimension.BlockLengthPrimitive, Order, Plus("at", dimension.BlockLength.Offset), "BlockLength") + ";");
            w.Line(CSharp.Write(dimension.NumInGroupPrimitive, Order, Plus("at", dimension.NumInGroup.Offset), "count") + ";");
            w.Line("_count = count;");
            w.Line("limit = at + DimensionLength;");
            w.Close();
            w.Line();
            w.Line("public int Count => _count;");
            w.Line();
            w.Open("public void Next()");
            w.Open("if (_index >= _count)");
            w.Line($"SbeException.ValueOutOfRange({where}, \"more entries than the \" + _count + \" announced\");");
            w.Close();
            w.Line();
            w.Line("var at = _limit;");
            w.Open("if (at > _buffer.Length - BlockLength)");
            w.Line($"SbeException.Truncated({CSharp.StringLiteral(path + " entry")}, (long)at + BlockLength, _buffer.Length);");
            w.Close();
            w.Line();
            w.Line("_buffer.Slice(at, BlockLength).Clear();");
            w.Line("_entryOffset = at;");
            w.Line("_limit = at + BlockLength;");
            w.Line("_index++;");
            w.Close();
            PartEncoder(w, g, path, "_entryOffset");
            w.Close();
        }

        private void DataEncoder(CodeWriter w, VarData d, string path)
        {
            var n = CSharp.Pascal(d.Name);
            var where = CSharp.StringLiteral(path);
            var prefix = d.Data.Offset;
            w.Line();
            w.Line($"public const int {n}Id = {d.Id};");
            w.Line($"public const int {n}MaxLength = {d.MaxLength};");
            w.Open($"public void Write{n}(ReadOnlySpan<byte> value)");
            w.Open($"if (value.Length > {n}MaxLength)");
            w.Line($"SbeException.LengthOutOfRange({where}, value.Length, \"outside 0..\" + {n}MaxLength);");
            w.Close();
            w.Line();
            w.Line("var at = _limit;");
            w.Open($"if (at > _buffer.Length - {prefix} - value.Length)");
            w.Line($"SbeException.Truncated({where}, (long)at + {prefix} + value.Length, _buffer.Length);");
            w.Close();
            w.Line();
            w.Line($"_buffer.Slice(at, {prefix}).Clear();");
            w.Line(CSharp.Write(d.LengthPrimitive, Order, Plus("at", d.Length.Offset), "value.Length") + ";");
            w.Line($"value.CopyTo(_buffer.Slice(at + {prefix}));");
            w.Line($"_limit = at + {prefix} + value.Length;");
            w.Close();
        }
    }
}
