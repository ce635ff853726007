// The SBE 1.0 primitive types and the per-type facts every encoder and decoder needs: size on the wire and the
// spec's null, min and max values. Values are kept as invariant-culture text so each consumer (the code
// generator emits C# literals, a runtime decoder parses them) can use its own number representation.
namespace Exchange.Sbe.Schema
{
    public enum PrimitiveType
    {
        Char,
        Int8,
        UInt8,
        Int16,
        UInt16,
        Int32,
        UInt32,
        Int64,
        UInt64,
        Float,
        Double,
    }

    public static class Primitives
    {
        public static bool TryParse(string name, out PrimitiveType type)
        {
            switch (name)
            {
                case "char": type = PrimitiveType.Char; return true;
                case "int8": type = PrimitiveType.Int8; return true;
                case "uint8": type = PrimitiveType.UInt8; return true;
                case "int16": type = PrimitiveType.Int16; return true;
                case "uint16": type = PrimitiveType.UInt16; return true;
                case "int32": type = PrimitiveType.Int32; return true;
                case "uint32": type = PrimitiveType.UInt32; return true;
                case "int64": type = PrimitiveType.Int64; return true;
                case "uint64": type = PrimitiveType.UInt64; return true;
                case "float": type = PrimitiveType.Float; return true;
                case "double": type = PrimitiveType.Double; return true;
                default: type = PrimitiveType.Char; return false;
            }
        }

        public static string SchemaName(this PrimitiveType type) => type switch
        {
            PrimitiveType.Char => "char",
            PrimitiveType.Int8 => "int8",
            PrimitiveType.UInt8 => "uint8",
            PrimitiveType.Int16 => "int16",
            PrimitiveType.UInt16 => "uint16",
            PrimitiveType.Int32 => "int32",
            PrimitiveType.UInt32 => "uint32",
            PrimitiveType.Int64 => "int64",
            PrimitiveType.UInt64 => "uint64",
            PrimitiveType.Float => "float",
            _ => "double",
        };

        public static int Size(this PrimitiveType type) => type switch
        {
            PrimitiveType.Char or PrimitiveType.Int8 or PrimitiveType.UInt8 => 1,
            PrimitiveType.Int16 or PrimitiveType.UInt16 => 2,
            PrimitiveType.Int32 or PrimitiveType.UInt32 or PrimitiveType.Float => 4,
            _ => 8,
        };

        public static bool IsInteger(this PrimitiveType type) =>
            type != PrimitiveType.Float && type != PrimitiveType.Double && type != PrimitiveType.Char;

        public static bool IsSigned(this PrimitiveType type) =>
            type is PrimitiveType.Int8 or PrimitiveType.Int16 or PrimitiveType.Int32 or PrimitiveType.Int64
                or PrimitiveType.Float or PrimitiveType.Double;

        // SBE 1.0, section "Range attributes for integer fields" and the null value table: signed integers
        // reserve their most negative value, unsigned their largest, floats NaN, char 0.
        public static string DefaultNullValue(this PrimitiveType type) => type switch
        {
            PrimitiveType.Char => "0",
            PrimitiveType.Int8 => "-128",
            PrimitiveType.UInt8 => "255",
            PrimitiveType.Int16 => "-32768",
            PrimitiveType.UInt16 => "65535",
            PrimitiveType.Int32 => "-2147483648",
            PrimitiveType.UInt32 => "4294967295",
            PrimitiveType.Int64 => "-9223372036854775808",
            PrimitiveType.UInt64 => "18446744073709551615",
            _ => "NaN",
        };

        public static string DefaultMinValue(this PrimitiveType type) => type switch
        {
            PrimitiveType.Char => "32",
            PrimitiveType.Int8 => "-127",
            PrimitiveType.UInt8 => "0",
            PrimitiveType.Int16 => "-32767",
            PrimitiveType.UInt16 => "0",
            PrimitiveType.Int32 => "-2147483647",
            PrimitiveType.UInt32 => "0",
            PrimitiveType.Int64 => "-9223372036854775807",
            PrimitiveType.UInt64 => "0",
            PrimitiveType.Float => "-3.4028235E+38",
            _ => "-1.7976931348623157E+308",
        };

        public static string DefaultMaxValue(this PrimitiveType type) => type switch
        {
            PrimitiveType.Char => "126",
            PrimitiveType.Int8 => "127",
            PrimitiveType.UInt8 => "254",
            PrimitiveType.Int16 => "32767",
            PrimitiveType.UInt16 => "65534",
            PrimitiveType.Int32 => "2147483647",
            PrimitiveType.UInt32 => "4294967294",
            PrimitiveType.Int64 => "9223372036854775807",
            PrimitiveType.UInt64 => "18446744073709551614",
            PrimitiveType.Float => "3.4028235E+38",
            _ => "1.7976931348623157E+308",
        };
    }
}
