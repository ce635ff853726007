// Proleptic Gregorian dates to and from days since 1970-01-01 (Howard Hinnant's algorithms), without DateTime.
namespace Exchange.Fix;

internal static class CivilCalendar
{
    public static bool IsValidDate(int year, int month, int day) =>
        year is >= 0 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DaysInMonth(year, month);

    public static int DaysInMonth(int year, int month) => month switch
    {
        2 => year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    public static long DaysFromCivil(int year, int month, int day)
    {
        int y = month <= 2 ? year - 1 : year;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146097L + dayOfEra - 719468;
    }

    public static void CivilFromDays(long days, out int year, out int month, out int day)
    {
        days += 719468;
        long era = (days >= 0 ? days : days - 146096) / 146097;
        int dayOfEra = (int)(days - era * 146097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int mp = (5 * dayOfYear + 2) / 153;
        day = dayOfYear - (153 * mp + 2) / 5 + 1;
        month = mp < 10 ? mp + 3 : mp - 9;
        year = (int)(yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
    }
}
