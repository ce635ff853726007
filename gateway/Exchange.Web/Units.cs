// Decimal text ↔ the engine's integers. The JSON protocol carries prices, quantities and amounts as decimal strings
// in whole assets ("50000.25", "0.01"), so nothing is lost to floating point on either side; the engine's integer is
// the text × 10^decimals exactly, and text with more decimals than that is refused, never rounded.
using System.Globalization;

namespace Exchange.Web;

public static class Units
{
    public static string Format(long value, int decimals)
    {
        if (decimals == 0) return value.ToString(CultureInfo.InvariantCulture);
        bool negative = value < 0;
        ulong magnitude = negative ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        ulong scale = Pow10(decimals);
        string whole = (magnitude / scale).ToString(CultureInfo.InvariantCulture);
        string fraction = (magnitude % scale).ToString(CultureInfo.InvariantCulture).PadLeft(decimals, '0');
        return $"{(negative ? "-" : "")}{whole}.{fraction}";
    }

    /// <summary>Parses non-negative decimal text into units of 10^-decimals; null with the reason when it is not one.</summary>
    public static long? Parse(string text, int decimals, out string? problem)
    {
        problem = null;
        if (text.Length is 0 or > 40) { problem = "is not a decimal number"; return null; }
        int dot = text.IndexOf('.');
        string whole = dot < 0 ? text : text[..dot];
        string fraction = dot < 0 ? "" : text[(dot + 1)..];
        if (whole.Length == 0 && fraction.Length == 0) { problem = "is not a decimal number"; return null; }
        foreach (char c in whole) if (c is < '0' or > '9') { problem = "is not a non-negative decimal number"; return null; }
        foreach (char c in fraction) if (c is < '0' or > '9') { problem = "is not a non-negative decimal number"; return null; }
        fraction = fraction.TrimEnd('0');
        if (fraction.Length > decimals) { problem = $"has more than {decimals} decimal places"; return null; }
        try
        {
            long w = whole.Length == 0 ? 0 : long.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture);
            long f = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(decimals, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
            return checked(w * (long)Pow10(decimals) + f);
        }
        catch (Exception e) when (e is OverflowException)
        {
            problem = "is out of range";
            return null;
        }
    }

    private static ulong Pow10(int n)
    {
        ulong p = 1;
        for (int i = 0; i < n; i++) p *= 10;
        return p;
    }
}
