// The FIX UTCTimestamp, YYYYMMDD-HH:MM:SS[.sss|.ssssss|.sssssssss], to and from nanoseconds since the Unix epoch.
namespace Exchange.Fix;

public static class UtcTimestamp
{
    /// <summary>The longest form, with nanoseconds.</summary>
    public const int MaxLength = 27;

    private const long NanosPerSecond = 1_000_000_000L;
    private const long NanosPerDay = 86_400L * NanosPerSecond;
    private const int SecondsLength = 17;

    // Unix nanoseconds in a long cover 1677-09-21 to 2262-04-11; whole years inside that range parse.
    private const int MinYear = 1678;
    private const int MaxYear = 2261;

    /// <summary>Now, in the Unix nanoseconds this class parses and formats (100 ns resolution): what SendingTime stamps.</summary>
    public static long Now() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>Parses to Unix nanoseconds. Fails on bad format, impossible dates and times, and years a long
    /// of nanoseconds cannot hold (1678 to 2261 parse). A leap second (SS=60) counts as the next minute's 00.</summary>
    public static bool TryParse(ReadOnlySpan<byte> value, out long unixNanos)
    {
        unixNanos = 0;
        if (!TryParseParts(value, out long days, out long nanosOfDay)) return false;
        long minDays = CivilCalendar.DaysFromCivil(MinYear, 1, 1);
        long maxDays = CivilCalendar.DaysFromCivil(MaxYear, 12, 31);
        if (days < minDays || days > maxDays) return false;
        unixNanos = days * NanosPerDay + nanosOfDay;
        return true;
    }

    /// <summary>Whether <paramref name="value"/> is a well-formed UTCTimestamp, whatever its year.</summary>
    public static bool IsValid(ReadOnlySpan<byte> value) => TryParseParts(value, out _, out _);

    /// <summary>Writes <paramref name="unixNanos"/> truncated to <paramref name="precision"/>.</summary>
    public static bool TryFormat(long unixNanos, TimestampPrecision precision, Span<byte> destination, out int written)
    {
        written = 0;
        int fractionDigits = (int)precision;
        if (fractionDigits is not (0 or 3 or 6 or 9)) return false;
        int length = SecondsLength + (fractionDigits == 0 ? 0 : fractionDigits + 1);
        if (destination.Length < length) return false;

        long days = Math.DivRem(unixNanos, NanosPerDay, out long nanosOfDay);
        if (nanosOfDay < 0)
        {
            days--;
            nanosOfDay += NanosPerDay;
        }
        CivilCalendar.CivilFromDays(days, out int year, out int month, out int day);
        long secondsOfDay = nanosOfDay / NanosPerSecond;
        WriteDigits(destination[..4], year);
        WriteDigits(destination.Slice(4, 2), month);
        WriteDigits(destination.Slice(6, 2), day);
        destination[8] = (byte)'-';
        WriteDigits(destination.Slice(9, 2), (int)(secondsOfDay / 3600));
        destination[11] = (byte)':';
        WriteDigits(destination.Slice(12, 2), (int)(secondsOfDay / 60 % 60));
        destination[14] = (byte)':';
        WriteDigits(destination.Slice(15, 2), (int)(secondsOfDay % 60));
        if (fractionDigits > 0)
        {
            destination[SecondsLength] = (byte)'.';
            long fraction = nanosOfDay % NanosPerSecond / FixValue.PowerOfTen(9 - fractionDigits);
            WriteDigits(destination.Slice(SecondsLength + 1, fractionDigits), fraction);
        }
        written = length;
        return true;
    }

    /// <summary>HH:MM:SS[.sss|.ssssss|.sssssssss]: UTCTimeOnly, and the time part of a UTCTimestamp.</summary>
    internal static bool TryParseTimeOfDay(ReadOnlySpan<byte> value, out long nanosOfDay)
    {
        nanosOfDay = 0;
        if (value.Length < 8 || value[2] != (byte)':' || value[5] != (byte)':') return false;
        if (!TryDigits(value[..2], out int hour) || !TryDigits(value.Slice(3, 2), out int minute)
            || !TryDigits(value.Slice(6, 2), out int second)) return false;
        if (hour > 23 || minute > 59 || second > 60) return false;

        long fraction = 0;
        var rest = value[8..];
        if (!rest.IsEmpty)
        {
            int digits = rest.Length - 1;
            if (rest[0] != (byte)'.' || digits is not (3 or 6 or 9) || !TryDigits(rest[1..], out int f)) return false;
            fraction = f * FixValue.PowerOfTen(9 - digits);
        }
        nanosOfDay = ((hour * 60L + minute) * 60 + second) * NanosPerSecond + fraction;
        return true;
    }

    /// <summary>YYYYMMDD: UTCDateOnly, LocalMktDate, and the date part of a UTCTimestamp.</summary>
    internal static bool TryParseDate(ReadOnlySpan<byte> value, out long days)
    {
        days = 0;
        if (value.Length != 8 || !TryDigits(value[..4], out int year) || !TryDigits(value.Slice(4, 2), out int month)
            || !TryDigits(value.Slice(6, 2), out int day) || !CivilCalendar.IsValidDate(year, month, day)) return false;
        days = CivilCalendar.DaysFromCivil(year, month, day);
        return true;
    }

    private static bool TryParseParts(ReadOnlySpan<byte> value, out long days, out long nanosOfDay)
    {
        nanosOfDay = 0;
        days = 0;
        return value.Length >= SecondsLength && value[8] == (byte)'-'
            && TryParseDate(value[..8], out days) && TryParseTimeOfDay(value[9..], out nanosOfDay);
    }

    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (byte b in digits)
        {
            int digit = b - '0';
            if ((uint)digit > 9) return false;
            value = value * 10 + digit;
        }
        return true;
    }

    private static void WriteDigits(Span<byte> destination, long value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
