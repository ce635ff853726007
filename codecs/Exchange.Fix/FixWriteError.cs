// Why a FixBodyWriter or FixWriter could not write a field or a message; the first error sticks and later appends
// are ignored.
namespace Exchange.Fix;

public enum FixWriteError
{
    None = 0,
    BufferTooSmall,
    /// <summary>An empty value, a value containing SOH, a non-ASCII char, a tag below 1, a scale outside
    /// 0–18, or a timestamp outside the representable years.</summary>
    InvalidValue,
    /// <summary>A field was appended after <see cref="FixWriter.TryFinish"/>.</summary>
    AlreadyFinished,
}
