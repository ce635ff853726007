// One field of a parsed message: its tag and where its value lies in the message bytes.
namespace Exchange.Fix;

public readonly struct FixField(int tag, int valueOffset, int valueLength)
{
    public int Tag { get; } = tag;
    public int ValueOffset { get; } = valueOffset;
    public int ValueLength { get; } = valueLength;
}
