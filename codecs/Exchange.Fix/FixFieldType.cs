// The FIX 4.4 data types, which decide what a well-formed value looks like.
namespace Exchange.Fix;

public enum FixFieldType : byte
{
    /// <summary>Not a FIX 4.4 tag.</summary>
    Undefined = 0,
    String,
    Char,
    Int,
    SeqNum,
    Length,
    NumInGroup,
    DayOfMonth,
    Price,
    PriceOffset,
    Qty,
    Amt,
    Float,
    Percentage,
    Boolean,
    MultipleValueString,
    Currency,
    Exchange,
    Country,
    UtcTimestamp,
    UtcTimeOnly,
    UtcDateOnly,
    LocalMktDate,
    MonthYear,
    Data,
}
