// The FIX 4.4 dictionary: which tags exist and their types, fixed enumerations, MsgTypes, and the layouts we support.
namespace Exchange.Fix;

public static class Fix44
{
    public static ReadOnlySpan<byte> BeginString => "FIX.4.4"u8;

    /// <summary>Tags 5000 to 9999 are for user-defined fields agreed between counterparties.</summary>
    public const int FirstUserDefinedTag = 5000;
    public const int LastUserDefinedTag = 9999;

    public static FixFieldSet Header { get; } = FixLayoutParser.Parse(Fix44Layouts.Header);
    public static FixFieldSet Trailer { get; } = FixLayoutParser.Parse(Fix44Layouts.Trailer);

    private static readonly FixMessageDefinition[] SupportedMessages = BuildMessages();

    // Every supported MsgType is one byte, so lookup is one array read; two-byte ones fall back to a scan.
    private static readonly FixMessageDefinition?[] ByOneByteMsgType = IndexByOneByteMsgType();

    public static ReadOnlySpan<FixMessageDefinition> Messages => SupportedMessages;

    /// <summary>Whether <paramref name="tag"/> is a FIX 4.4 tag or a user-defined one (5000–9999). Anything else
    /// is rejected with reason 0, Invalid tag number.</summary>
    public static bool IsValidTag(int tag) => FieldType(tag) != FixFieldType.Undefined || IsUserDefinedTag(tag);

    public static bool IsUserDefinedTag(int tag) => tag is >= FirstUserDefinedTag and <= LastUserDefinedTag;

    /// <summary>The type of a FIX 4.4 tag; <see cref="FixFieldType.Undefined"/> for user-defined and unknown tags.</summary>
    public static FixFieldType FieldType(int tag) => Fix44FieldTypes.Of(tag);

    /// <summary>The values FIX 4.4 allows for <paramref name="tag"/>, space-separated; empty when unrestricted.</summary>
    public static ReadOnlySpan<byte> EnumValues(int tag) => Fix44Enums.Values(tag);

    public static bool IsAllowedValue(int tag, ReadOnlySpan<byte> value) => Fix44Enums.IsAllowed(tag, FieldType(tag), value);

    /// <summary>For a DATA field, the LENGTH field that must precede it (RawData 96 → RawDataLength 95); 0 otherwise.</summary>
    public static int DataLengthTag(int tag) =>
        FieldType(tag) != FixFieldType.Data ? 0
        // Every other DATA field directly follows its length's tag number (RawDataLength 95, RawData 96).
        : tag == FixTag.Signature ? FixTag.SignatureLength
        : tag - 1;

    public static FixMessageDefinition? Message(ReadOnlySpan<byte> msgType)
    {
        if (msgType.Length == 1) return msgType[0] < ByOneByteMsgType.Length ? ByOneByteMsgType[msgType[0]] : null;
        foreach (var definition in SupportedMessages)
            if (definition.MsgTypeBytes.SequenceEqual(msgType)) return definition;
        return null;
    }

    public static MsgTypeSupport Classify(ReadOnlySpan<byte> msgType) =>
        Message(msgType) is not null ? MsgTypeSupport.Supported
        : IsMsgType(msgType) ? MsgTypeSupport.Unsupported
        : MsgTypeSupport.Invalid;

    /// <summary>Whether <paramref name="msgType"/> is one of the MsgType values FIX 4.4 defines, or a user-defined
    /// one (the specification reserves values starting with 'U').</summary>
    public static bool IsMsgType(ReadOnlySpan<byte> msgType)
    {
        if (msgType.IsEmpty) return false;
        byte first = msgType[0];
        if (first == (byte)'U') return true;
        if (msgType.Length == 1)
            return first is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'z'
                || (first is >= (byte)'A' and <= (byte)'Z' && first is not ((byte)'I' or (byte)'O'));
        if (msgType.Length == 2)
        {
            byte second = msgType[1];
            return (first == (byte)'A' && second is >= (byte)'A' and <= (byte)'Z')
                || (first == (byte)'B' && second is >= (byte)'A' and <= (byte)'H');
        }
        return false;
    }

    private static FixMessageDefinition?[] IndexByOneByteMsgType()
    {
        var index = new FixMessageDefinition?[128];
        foreach (var definition in SupportedMessages)
            if (definition.MsgTypeBytes.Length == 1) index[definition.MsgTypeBytes[0]] = definition;
        return index;
    }

    private static FixMessageDefinition[] BuildMessages()
    {
        var messages = Fix44Layouts.Messages;
        var built = new FixMessageDefinition[messages.Length];
        for (int i = 0; i < messages.Length; i++)
            built[i] = new FixMessageDefinition(messages[i].MsgType, messages[i].Name, FixLayoutParser.Parse(messages[i].Layout));
        return built;
    }
}
