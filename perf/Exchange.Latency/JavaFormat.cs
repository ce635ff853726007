// Java's Formatter conversions %W.Pf and %Wd, so our .hgrm files are the characters HdrHistogram would print.
// Java rounds the shortest decimal form of a double half-up (0.125 -> "0.13", 1.005 -> "1.01"), whereas .NET
// rounds the exact binary value ("1.00"); the two disagree often enough on means and ratios to matter in a diff.
using System.Globalization;
using System.Text;

namespace Exchange.Latency;

internal static class JavaFormat
{
    /// <summary>Appends <paramref name="value"/> as Java's <c>%{width}.{precision}f</c> (Locale.US).</summary>
    public static void AppendFixed(StringBuilder output, double value, int width, int precision)
    {
        int start = output.Length;
        if (double.IsNaN(value)) output.Append("NaN");
        else if (double.IsInfinity(value)) output.Append(value > 0 ? "Infinity" : "-Infinity");
        else AppendFinite(output, value, precision);
        PadLeft(output, start, width);
    }

    /// <summary>Appends <paramref name="value"/> as Java's <c>%{width}d</c>.</summary>
    public static void AppendInteger(StringBuilder output, long value, int width)
    {
        int start = output.Length;
        output.Append(value.ToString(CultureInfo.InvariantCulture));
        PadLeft(output, start, width);
    }

    private static void AppendFinite(StringBuilder output, double value, int precision)
    {
        // "R" is the shortest string that round-trips, the same digits Java's Double.toString starts from.
        string shortest = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = shortest[0] == '-';
        int mantissaStart = negative ? 1 : 0;
        int exponentAt = shortest.IndexOf('E', StringComparison.Ordinal);
        int mantissaEnd = exponentAt < 0 ? shortest.Length : exponentAt;
        int exponent = exponentAt < 0 ? 0 : int.Parse(shortest.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

        // The number is 0.d1d2d3... * 10^pointPosition, with no leading zeros in the digits.
        var digits = new List<byte>(24);
        int pointPosition = 0;
        bool seenPoint = false;
        for (int i = mantissaStart; i < mantissaEnd; i++)
        {
            char c = shortest[i];
            if (c == '.') { seenPoint = true; continue; }
            if (digits.Count == 0 && c == '0')
            {
                if (seenPoint) pointPosition--;
                continue;
            }
            digits.Add((byte)(c - '0'));
            if (!seenPoint) pointPosition++;
        }
        pointPosition += exponent;

        // Round half-up at the last kept digit; a carry out of the first digit adds one in front.
        int kept = pointPosition + precision;
        if (kept < digits.Count)
        {
            bool roundUp = kept >= 0 && digits[kept] >= 5;
            digits.RemoveRange(Math.Max(kept, 0), digits.Count - Math.Max(kept, 0));
            if (roundUp)
            {
                int i = digits.Count - 1;
                while (i >= 0 && digits[i] == 9) digits[i--] = 0;
                if (i >= 0) digits[i]++;
                else
                {
                    digits.Insert(0, 1);
                    pointPosition++;
                }
            }
        }

        if (negative) output.Append('-');
        if (pointPosition <= 0) output.Append('0');
        for (int i = 0; i < pointPosition; i++) output.Append(i < digits.Count ? (char)('0' + digits[i]) : '0');
        if (precision == 0) return;
        output.Append('.');
        for (int i = pointPosition; i < pointPosition + precision; i++)
            output.Append(i >= 0 && i < digits.Count ? (char)('0' + digits[i]) : '0');
    }

    private static void PadLeft(StringBuilder output, int start, int width)
    {
        int written = output.Length - start;
        if (written < width) output.Insert(start, " ", width - written);
    }
}
