// How SBE things are spelled in C#: identifiers, primitive type names, literals of schema values, and the
// BinaryPrimitives call that reads or writes each primitive in the schema's byte order.
using System;
using System.Globalization;
using System.Text;
using Exchange.Sbe.Schema;

namespace Exchange.Sbe.Generator
{
    internal static class CSharp
    {
        // "serialNumber" → "SerialNumber", "baseline" → "Baseline"; anything that cannot be in an identifier
        // becomes '_'.
        public static string Pascal(string name)
        {
            var text = new StringBuilder(name.Length + 1);
            var upper = true;
            foreach (var c in name)
            {
                if (c == '.' || c == '-' || c == ' ')
                {
                    upper = true;
                    continue;
                }

                var valid = char.IsLetterOrDigit(c) || c == '_';
                text.Append(!valid ? '_' : upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }

            if (text.Length == 0 || char.IsDigit(text[0]))
            {
                text.Insert(0, '_');
            }

            return text.ToString();
        }

        public static string TypeName(PrimitiveType type) => type switch
        {
            PrimitiveType.Char or PrimitiveType.UInt8 => "byte",
            PrimitiveType.Int8 => "sbyte",
            PrimitiveType.Int16 => "short",
            PrimitiveType.UInt16 => "ushort",
            PrimitiveType.Int32 => "int",
            PrimitiveType.UInt32 => "uint",
            PrimitiveType.Int64 => "long",
            PrimitiveType.UInt64 => "ulong",
            PrimitiveType.Float => "float",
            _ => "double",
        };

        private static string BinaryName(PrimitiveType type) => type switch
        {
            PrimitiveType.Int16 => "Int16",
            PrimitiveType.UInt16 => "UInt16",
            PrimitiveType.Int32 => "Int32",
            PrimitiveType.UInt32 => "UInt32",
            PrimitiveType.Int64 => "Int64",
            PrimitiveType.UInt64 => "UInt64",
            PrimitiveType.Float => "Single",
            _ => "Double",
        };

        public static string Read(PrimitiveType type, ByteOrder order, string offset) => type switch
        {
            PrimitiveType.Char or PrimitiveType.UInt8 => $"_buffer[{offset}]",
            PrimitiveType.Int8 => $"(sbyte)_buffer[{offset}]",
            _ => $"BinaryPrimitives.Read{BinaryName(type)}{Endian(order)}(_buffer.Slice({offset}))",
        };

        public static string Write(PrimitiveType type, ByteOrder order, string offset, string value) => type switch
        {
            PrimitiveType.Char or PrimitiveType.UInt8 => $"_buffer[{offset}] = (byte)({value})",
            PrimitiveType.Int8 => $"_buffer[{offset}] = unchecked((byte)({value}))",
            _ => $"BinaryPrimitives.Write{BinaryName(type)}{Endian(order)}(_buffer.Slice({offset}), ({TypeName(type)})({value}))",
        };

        // Reads and writes inside a block that Wrap/TryWrap has already proved lies within the buffer: one bounds
        // check per message instead of two per field. Only for the root block of a message, whose fields all lie
        // inside the validated length (decoders also guard fields newer than the acting version). Floats keep
        // the checked path; they are rare on the hot path and have no ReverseEndianness.
        public static string ReadValidated(PrimitiveType type, ByteOrder order, string offset)
        {
            var at = $"Unsafe.Add(ref MemoryMarshal.GetReference(_buffer), {offset})";
            switch (type)
            {
                case PrimitiveType.Char:
                case PrimitiveType.UInt8:
                    return at;
                case PrimitiveType.Int8:
                    return $"(sbyte){at}";
                case PrimitiveType.Float:
                case PrimitiveType.Double:
                    return Read(type, order, offset);
                default:
                    var raw = $"Unsafe.ReadUnaligned<{TypeName(type)}>(ref {at})";
                    return order == ByteOrder.LittleEndian
                        ? $"(BitConverter.IsLittleEndian ? {raw} : BinaryPrimitives.ReverseEndianness({raw}))"
                        : $"(BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness({raw}) : {raw})";
            }
        }

        public static string WriteValidated(PrimitiveType type, ByteOrder order, string offset, string value)
        {
            var at = $"Unsafe.Add(ref MemoryMarshal.GetReference(_buffer), {offset})";
            switch (type)
            {
                case PrimitiveType.Char:
                case PrimitiveType.UInt8:
                    return $"{at} = (byte)({value})";
                case PrimitiveType.Int8:
                    return $"{at} = unchecked((byte)({value}))";
                case PrimitiveType.Float:
                case PrimitiveType.Double:
                    return Write(type, order, offset, value);
                default:
                    var typed = $"({TypeName(type)})({value})";
                    var wire = order == ByteOrder.LittleEndian
                        ? $"BitConverter.IsLittleEndian ? {typed} : BinaryPrimitives.ReverseEndianness({typed})"
                        : $"BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness({typed}) : {typed}";
                    return $"Unsafe.WriteUnaligned(ref {at}, {wire})";
            }
        }

        // A wire integer as a long without wrapping, so counts and lengths compare safely against limits.
        public static string ToLong(PrimitiveType type, string expression) => type == PrimitiveType.UInt64
            ? $"SbeWire.Clamp({expression})"
            : $"(long)({expression})";

        private static string Endian(ByteOrder order) => order == ByteOrder.BigEndian ? "BigEndian" : "LittleEndian";

        // A schema value (null/min/max or a constant) as a C# constant expression of the primitive's type.
        public static string Literal(PrimitiveType type, string text, string where)
        {
            var name = TypeName(type);
            if (type == PrimitiveType.Float || type == PrimitiveType.Double)
            {
                var suffix = type == PrimitiveType.Float ? "f" : "d";
                var trimmed = text.Trim();
                switch (trimmed)
                {
                    case "NaN": return $"{name}.NaN";
                    case "Infinity": case "+Infinity": return $"{name}.PositiveInfinity";
                    case "-Infinity": return $"{name}.NegativeInfinity";
                }

                if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    throw new SchemaException($"{where}: \"{text}\" is not a {type.SchemaName()} value");
                }

                return trimmed + suffix;
            }

            var digits = text.Trim();
            if (type == PrimitiveType.Char && digits.Length == 1 && !char.IsDigit(digits[0]))
            {
                return CharLiteral(digits[0]);
            }

            if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                && ulong.TryParse(digits.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            {
                digits = hex.ToString(CultureInfo.InvariantCulture);
            }

            if (!decimal.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || !Fits(type, value))
            {
                throw new SchemaException($"{where}: \"{text}\" is not a {type.SchemaName()} value");
            }

            return type switch
            {
                PrimitiveType.Int64 when value == long.MinValue => "long.MinValue",
                PrimitiveType.Int32 when value == int.MinValue => "int.MinValue",
                PrimitiveType.Int64 => digits + "L",
                PrimitiveType.UInt64 => digits + "UL",
                PrimitiveType.UInt32 => digits + "U",
                PrimitiveType.Int32 => digits,
                _ => $"({name})({digits})",
            };
        }

        private static bool Fits(PrimitiveType type, decimal value) => type switch
        {
            PrimitiveType.Char or PrimitiveType.UInt8 => value >= 0 && value <= byte.MaxValue,
            PrimitiveType.Int8 => value >= sbyte.MinValue && value <= sbyte.MaxValue,
            PrimitiveType.Int16 => value >= short.MinValue && value <= short.MaxValue,
            PrimitiveType.UInt16 => value >= 0 && value <= ushort.MaxValue,
            PrimitiveType.Int32 => value >= int.MinValue && value <= int.MaxValue,
            PrimitiveType.UInt32 => value >= 0 && value <= uint.MaxValue,
            PrimitiveType.Int64 => value >= long.MinValue && value <= long.MaxValue,
            _ => value >= 0 && value <= ulong.MaxValue,
        };

        public static string CharLiteral(char c) => c switch
        {
            '\'' => "(byte)'\\''",
            '\\' => "(byte)'\\\\'",
            _ when c < 0x20 || c > 0x7e => $"(byte){(int)c}",
            _ => $"(byte)'{c}'",
        };

        public static string StringLiteral(string text)
        {
            var quoted = new StringBuilder(text.Length + 2).Append('"');
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"': quoted.Append("\\\""); break;
                    case '\\': quoted.Append("\\\\"); break;
                    default:
                        if (c < 0x20 || c > 0x7e)
                        {
                            quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            quoted.Append(c);
                        }

                        break;
                }
            }

            return quoted.Append('"').ToString();
        }
    }
}
