// Whether a value is well-formed for its FIX type; a value that is not is rejected with reason 6.
namespace Exchange.Fix;

internal static class FixFieldFormat
{
    public static bool IsValid(FixFieldType type, ReadOnlySpan<byte> value) => type switch
    {
        FixFieldType.Int => FixValue.TryParseLong(value, out _),
        FixFieldType.SeqNum or FixFieldType.Length or FixFieldType.NumInGroup => FixValue.IsUnsigned(value),
        FixFieldType.DayOfMonth => FixValue.TryParseInt(value, out int day) && day is >= 1 and <= 31,
        FixFieldType.Price or FixFieldType.PriceOffset or FixFieldType.Qty or FixFieldType.Amt
            or FixFieldType.Float or FixFieldType.Percentage => FixValue.IsDecimal(value),
        FixFieldType.Char => value.Length == 1,
        FixFieldType.Boolean => FixValue.TryParseBool(value, out _),
        FixFieldType.UtcTimestamp => UtcTimestamp.IsValid(value),
        FixFieldType.UtcTimeOnly => UtcTimestamp.TryParseTimeOfDay(value, out _),
        FixFieldType.UtcDateOnly or FixFieldType.LocalMktDate => UtcTimestamp.TryParseDate(value, out _),
        FixFieldType.MonthYear => IsMonthYear(value),
        _ => true,
    };

    // YYYYMM, YYYYMMDD or YYYYMMwN (week N of the month).
    private static bool IsMonthYear(ReadOnlySpan<byte> value)
    {
        if (value.Length is not (6 or 8) || value[..6].ContainsAnyExceptInRange((byte)'0', (byte)'9')) return false;
        int month = (value[4] - '0') * 10 + (value[5] - '0');
        if (month is < 1 or > 12) return false;
        if (value.Length == 6) return true;
        return value[6] == (byte)'w' ? value[7] is >= (byte)'1' and <= (byte)'5' : UtcTimestamp.TryParseDate(value, out _);
    }
}
