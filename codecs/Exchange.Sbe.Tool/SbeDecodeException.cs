// A message that cannot be decoded as the schema describes it; says what and where.
namespace Exchange.Sbe.Tool;

internal sealed class SbeDecodeException(string message, int offset) : Exception($"{message} at byte {offset}")
{
    public int Offset { get; } = offset;
}
