// How many fractional digits an outgoing UTCTimestamp carries.
namespace Exchange.Fix;

public enum TimestampPrecision
{
    Seconds = 0,
    Milliseconds = 3,
    Microseconds = 6,
    Nanoseconds = 9,
}
