// Why a framed message could not be split into fields. A session treats these like a garbled message.
namespace Exchange.Fix;

public enum FixParseError
{
    None = 0,
    Empty,
    /// <summary>A tag that is not a number of 1 to 9 digits (optionally negative) without a leading zero, or that has
    /// no '='. Tag 0 and negative tags parse: they are the validator's to reject as invalid tag numbers.</summary>
    MalformedTag,
    /// <summary>The last value has no SOH after it.</summary>
    Unterminated,
    /// <summary>A DATA field's preceding length points past the message or not at an SOH.</summary>
    BadDataLength,
    /// <summary>The message has more fields than the caller's field table holds.</summary>
    TooManyFields,
}
