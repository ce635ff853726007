extern alias generator;

// Writes C# that round-trips one random message per schema message through the generated codecs: the encoder writes
// random values, the generated decoder must read each one back, and the bytes are returned for the runtime decoder,
// which must read the same values by path (the values are also returned, as that decoder prints them). Any schema
// works, so public schemas are tested without hand-written code for each.
using System.Globalization;
using System.Text;
using generator::Exchange.Sbe.Schema;
using CSharp = generator::Exchange.Sbe.Generator.CSharp;
using Names = generator::Exchange.Sbe.Generator.Names;

namespace Exchange.Codecs.Tests;

internal sealed class RoundTripDriver
{

    private readonly MessageSchema _schema;
    private readonly Names _names;
    private readonly string _ns;
    private readonly Random _random;
    private readonly StringBuilder _encode = new();
    private readonly StringBuilder _decode = new();
    private Dictionary<string, string?> _expected = [];
    private int _locals;

    public RoundTripDriver(MessageSchema schema, string ns, int seed)
    {
        _schema = schema;
        _names = new Names(schema);
        _ns = ns;
        _random = new Random(seed);
    }

    /// <summary>The driver's source: class Driver.<paramref name="className"/> with one static method per message,
    /// named <see cref="Method"/>, returning the encoded message; and what the runtime decoder should print for each
    /// path of each message.</summary>
    public (string Source, Dictionary<string, Dictionary<string, string?>> Expected) Write(string className)
    {
        var source = new StringBuilder();
        var expected = new Dictionary<string, Dictionary<string, string?>>();
        source.AppendLine("using System;").AppendLine("namespace Driver {").AppendLine($"public static class {className} {{");
        source.AppendLine("static void Check(bool ok, string what) { if (!ok) throw new InvalidOperationException(\"the generated decoder read another value at \" + what); }");
        for (var i = 0; i < _schema.Messages.Count; i++)
        {
            var message = _schema.Messages[i];
            _encode.Clear();
            _decode.Clear();
            _expected = [];
            Part(message, "e", "d", "");
            var type = $"global::{_ns}.{CSharp.Pascal(message.Name)}";
            var header = $"global::{_ns}.{_names.Of(_schema.Header.Type)}Encoder";
            source.AppendLine($"public static byte[] {Method(i)}() {{");
            source.AppendLine("var buffer = new byte[1 << 16];");
            source.AppendLine($"var e = {type}Encoder.WrapAndApplyHeader(buffer, 0);");
            source.Append(_encode);
            source.AppendLine($"var length = {header}.EncodedLength + e.EncodedLength;");
            source.AppendLine($"var d = {type}Decoder.WrapWithHeader(buffer, 0);");
            source.Append(_decode);
            source.AppendLine("Check(d.Limit == length, \"the end of the message\");");
            source.AppendLine("return buffer.AsSpan(0, length).ToArray();");
            source.AppendLine("}");
            expected[message.Name] = _expected;
        }

        source.AppendLine("}").AppendLine("}");
        return (source.ToString(), expected);
    }

    public static string Method(int message) => "Message" + message;

    private void Part(MessagePart part, string e, string d, string path)
    {
        foreach (var field in part.Fields)
        {
            if (field.Presence != Presence.Constant)
            {
                Value(field.Type, $"{e}.{_names.Of(field)}", $"{d}.{_names.Of(field)}", e, d, _names.Of(field), path + field.Name);
            }
        }

        foreach (var group in part.Groups)
        {
            var n = _names.Of(group);
            var local = "g" + _locals++;
            var count = _random.Next(0, (int)Math.Min(3, group.Dimension.MaxCount) + 1);
            _encode.AppendLine($"{{ var {local}e = {e}.{n}Count({count});");
            _decode.AppendLine($"{{ var {local}d = {d}.Read{n}(); Check({local}d.Count == {count}, \"{path}{group.Name}.count\");");
            _expected[$"{path}{group.Name}.count"] = count.ToString(CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++)
            {
                _encode.AppendLine($"{local}e.Next();");
                _decode.AppendLine($"Check({local}d.Next(), \"{path}{group.Name}[{i}]\");");
                Part(group, local + "e", local + "d", $"{path}{group.Name}[{i}].");
            }

            _encode.AppendLine("}");
            _decode.AppendLine($"Check(!{local}d.Next(), \"{path}{group.Name} end\"); }}");
        }

        foreach (var data in part.Data)
        {
            var n = _names.Of(data);
            var element = (EncodedType)data.Data.Type;
            var text = element.CharacterEncoding != null || element.Primitive == PrimitiveType.Char;
            var bytes = new byte[_random.Next(0, (int)Math.Min(6, data.MaxLength) + 1)];
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = text ? (byte)_random.Next('a', 'z' + 1) : (byte)_random.Next(256);
            }

            var literal = $"new byte[] {{ {string.Join(", ", bytes)} }}";
            _encode.AppendLine($"{e}.Write{n}({literal});");
            _decode.AppendLine($"Check({d}.Read{n}().SequenceEqual({literal}), \"{path}{data.Name}\");");
            _expected[path + data.Name] = text ? Encoding.ASCII.GetString(bytes) : Convert.ToHexString(bytes);
        }
    }

    // One fixed-size value: written through the encoder accessor, checked through the decoder accessor. The owner
    // variables and the member's C# name are given for arrays, whose accessors are methods.
    private void Value(SbeType type, string encoder, string decoder, string e, string d, string name, string path)
    {
        switch (type)
        {
            case EncodedType { Presence: Presence.Constant }:
            case EncodedType { Length: 0 }:
            case EnumType { Presence: Presence.Constant }:
                return;
            case EncodedType { Primitive: PrimitiveType.Char, IsArray: true } chars:
            {
                var text = Letters(_random.Next(1, chars.Length + 1));
                _encode.AppendLine($"{encoder} = \"{text}\"u8;");
                _decode.AppendLine($"Check({decoder}.Slice(0, {text.Length}).SequenceEqual(\"{text}\"u8) && ({text.Length} == {chars.Length} || {decoder}[{text.Length}] == 0), \"{path}\");");
                _expected[path] = text;
                return;
            }
            case EncodedType { IsArray: true } array:
                for (var i = 0; i < array.Length; i++)
                {
                    var (literal, text) = Primitive(array);
                    _encode.AppendLine($"{e}.Set{name}({i}, {literal});");
                    _decode.AppendLine($"Check({d}.{name}({i}) == {literal}, \"{path}[{i}]\");");
                    _expected[$"{path}[{i}]"] = text;
                }

                return;
            case EncodedType scalar:
            {
                var (literal, text) = Primitive(scalar);
                _encode.AppendLine($"{encoder} = {literal};");
                _decode.AppendLine($"Check({decoder} == {literal}, \"{path}\");");
                _expected[path] = text;
                return;
            }
            case EnumType enumType:
            {
                var value = enumType.Values[_random.Next(enumType.Values.Count)];
                var literal = $"global::{_ns}.{_names.Of(enumType)}.{_names.Of(value)}";
                _encode.AppendLine($"{encoder} = {literal};");
                _decode.AppendLine($"Check({decoder} == {literal}, \"{path}\");");
                _expected[path] = value.Name;
                return;
            }
            case SetType set:
            {
                var chosen = set.Choices.Where(_ => _random.Next(2) == 0).ToList();
                var mask = chosen.Aggregate(0UL, (bits, choice) => bits | 1UL << choice.Bit);
                var literal = $"(global::{_ns}.{_names.Of(set)})({mask}UL)";
                _encode.AppendLine($"{encoder} = {literal};");
                _decode.AppendLine($"Check({decoder} == {literal}, \"{path}\");");
                var names = set.Choices.Where(c => (mask >> c.Bit & 1) != 0).ToList();
                _expected[path + ".count"] = names.Count.ToString(CultureInfo.InvariantCulture);
                for (var i = 0; i < names.Count; i++)
                {
                    _expected[$"{path}[{i}]"] = names[i].Name;
                }

                return;
            }
            case CompositeType composite:
            {
                var local = "c" + _locals++;
                _encode.AppendLine($"{{ var {local}e = {encoder};");
                _decode.AppendLine($"{{ var {local}d = {decoder};");
                foreach (var member in composite.Members)
                {
                    var n = _names.Of(member);
                    Value(member.Type, $"{local}e.{n}", $"{local}d.{n}", local + "e", local + "d", n, $"{path}.{member.Name}");
                }

                _encode.AppendLine("}");
                _decode.AppendLine("}");
                return;
            }
        }
    }

    private string Letters(int length)
    {
        var text = new char[length];
        for (var i = 0; i < length; i++)
        {
            text[i] = (char)_random.Next('A', 'Z' + 1);
        }

        return new string(text);
    }

    // A random value within the type's minValue..maxValue, as a C# literal of its type and as the runtime decoder
    // prints it. Floats are halves, which print the same in any notation.
    private (string Literal, string Text) Primitive(EncodedType type)
    {
        var name = CSharp.TypeName(type.Primitive);
        switch (type.Primitive)
        {
            case PrimitiveType.Char:
            {
                var c = (char)_random.Next('A', 'Z' + 1);
                return ($"(byte)'{c}'", c.ToString());
            }
            case PrimitiveType.Float:
            case PrimitiveType.Double:
            {
                var value = _random.Next(-2000, 2000) / 2.0;
                var text = value.ToString("R", CultureInfo.InvariantCulture);
                return ($"({name})({text})", text);
            }
        }

        var min = Limit(type.MinValue, type.Primitive.DefaultMinValue());
        var max = Limit(type.MaxValue, type.Primitive.DefaultMaxValue());
        var pick = _random.Next(4) switch
        {
            0 => min,
            1 => max,
            _ => decimal.Floor(min + (max - min) * (decimal)_random.NextDouble()),
        };

        // A schema may put the null value inside minValue..maxValue (CME's PRICENULL uses INT64_MAX): a value that
        // means null is not a value to round-trip.
        if (decimal.TryParse(type.NullValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var nullValue) && pick == nullValue)
        {
            pick = pick == min ? max : min;
        }
        var digits = pick.ToString(CultureInfo.InvariantCulture);
        return ($"unchecked(({name})({digits}{(pick < 0 ? "L" : "UL")}))", digits);
    }

    private static decimal Limit(string text, string fallback) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : decimal.Parse(fallback, CultureInfo.InvariantCulture);
}
