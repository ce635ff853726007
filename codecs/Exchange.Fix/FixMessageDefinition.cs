// One message type of the dictionary: its MsgType, name and body fields.
namespace Exchange.Fix;

public sealed class FixMessageDefinition(string msgType, string name, FixFieldSet fields)
{
    private readonly byte[] _msgTypeBytes = [.. msgType.Select(c => (byte)c)];

    public string MsgType { get; } = msgType;
    public ReadOnlySpan<byte> MsgTypeBytes => _msgTypeBytes;
    public string Name { get; } = name;
    public FixFieldSet Fields { get; } = fields;
}
