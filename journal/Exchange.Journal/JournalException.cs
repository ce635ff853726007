// A journal that cannot be trusted as it is: says which file, where, and at which sequence.
namespace Exchange.Journal;

public class JournalException(string message) : Exception(message);

public sealed class JournalCorruptException(string file, long offset, long sequence, string reason)
    : JournalException($"{file}: corrupt at offset {offset} (sequence {sequence}): {reason}")
{
    public string File { get; } = file;
    public long Offset { get; } = offset;
    public long Sequence { get; } = sequence;
    public string Reason { get; } = reason;
}
