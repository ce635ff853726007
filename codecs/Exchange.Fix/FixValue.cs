// Scalar FIX values (int, decimal, char, Y/N) read straight from their bytes: no strings, no culture, no floating point.
namespace Exchange.Fix;

public static class FixValue
{
    /// <summary>The largest scale a fixed-point value may have: 10^18 still fits in a long.</summary>
    public const int MaxScale = 18;

    // An array, not a ReadOnlySpan over constant data: unoptimised (Debug) code allocates when creating such a
    // span of a type wider than a byte, and tests measure allocation in Debug builds.
    private static readonly long[] PowersOfTen =
    [
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L,
    ];

    internal static long PowerOfTen(int exponent) => PowersOfTen[exponent];

    /// <summary>FIX int: an optional '-' then digits (leading zeros allowed).</summary>
    public static bool TryParseInt(ReadOnlySpan<byte> value, out int result)
    {
        result = 0;
        if (!TryParseLong(value, out long wide) || wide is < int.MinValue or > int.MaxValue) return false;
        result = (int)wide;
        return true;
    }

    public static bool TryParseLong(ReadOnlySpan<byte> value, out long result)
    {
        result = 0;
        bool negative = value.Length > 0 && value[0] == (byte)'-';
        var digits = negative ? value[1..] : value;
        if (digits.IsEmpty) return false;
        // Accumulate negatively so long.MinValue parses without overflowing.
        long acc = 0;
        foreach (byte b in digits)
        {
            int digit = b - '0';
            if ((uint)digit > 9 || acc < (long.MinValue + digit) / 10) return false;
            acc = acc * 10 - digit;
        }
        if (!negative && acc == long.MinValue) return false;
        result = negative ? acc : -acc;
        return true;
    }

    /// <summary>
    /// A FIX float (PRICE, QTY, AMT, …: optional '-', digits, optional '.' and digits) as a fixed-point integer
    /// with <paramref name="scale"/> decimals: "123.45" at scale 4 is 1234500. Fails on bad format, on
    /// overflow, and on more decimals than the scale unless the extra ones are zeros (the value is then exact).
    /// </summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> value, int scale, out long result)
    {
        result = 0;
        if ((uint)scale > MaxScale) return false;
        bool negative = value.Length > 0 && value[0] == (byte)'-';
        int i = negative ? 1 : 0;
        long acc = 0;
        int digits = 0;
        int decimals = -1;
        for (; i < value.Length; i++)
        {
            byte b = value[i];
            if (b == (byte)'.')
            {
                if (decimals >= 0) return false;
                decimals = 0;
                continue;
            }
            int digit = b - '0';
            if ((uint)digit > 9) return false;
            digits++;
            if (decimals >= 0)
            {
                if (decimals == scale)
                {
                    if (digit != 0) return false;
                    continue;
                }
                decimals++;
            }
            if (acc < (long.MinValue + digit) / 10) return false;
            acc = acc * 10 - digit;
        }
        if (digits == 0) return false;
        int missing = scale - Math.Max(decimals, 0);
        long factor = PowersOfTen[missing];
        if (acc < long.MinValue / factor) return false;
        acc *= factor;
        if (!negative && acc == long.MinValue) return false;
        result = negative ? acc : -acc;
        return true;
    }

    /// <summary>Whether <paramref name="value"/> is a FIX float of any precision or magnitude.</summary>
    public static bool IsDecimal(ReadOnlySpan<byte> value)
    {
        int i = value.Length > 0 && value[0] == (byte)'-' ? 1 : 0;
        bool point = false;
        bool digit = false;
        for (; i < value.Length; i++)
        {
            byte b = value[i];
            if (b == (byte)'.' && !point) point = true;
            else if ((uint)(b - '0') <= 9) digit = true;
            else return false;
        }
        return digit;
    }

    /// <summary>Whether <paramref name="value"/> is digits only (SEQNUM, LENGTH, NUMINGROUP) and fits in a long.</summary>
    public static bool IsUnsigned(ReadOnlySpan<byte> value) =>
        !value.IsEmpty && value[0] != (byte)'-' && TryParseLong(value, out _);

    public static bool TryParseChar(ReadOnlySpan<byte> value, out char result)
    {
        result = value.Length == 1 ? (char)value[0] : default;
        return value.Length == 1;
    }

    public static bool TryParseBool(ReadOnlySpan<byte> value, out bool result)
    {
        result = value.Length == 1 && value[0] == (byte)'Y';
        return value.Length == 1 && value[0] is (byte)'Y' or (byte)'N';
    }
}
