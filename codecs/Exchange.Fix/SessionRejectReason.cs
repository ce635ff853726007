// SessionRejectReason (373) codes and the standard FIX 4.4 wording a Reject carries in Text (58).
namespace Exchange.Fix;

public enum SessionRejectReason
{
    InvalidTagNumber = 0,
    RequiredTagMissing = 1,
    TagNotDefinedForMessageType = 2,
    UndefinedTag = 3,
    TagSpecifiedWithoutValue = 4,
    ValueIsIncorrect = 5,
    IncorrectDataFormat = 6,
    DecryptionProblem = 7,
    SignatureProblem = 8,
    CompIdProblem = 9,
    SendingTimeAccuracyProblem = 10,
    InvalidMsgType = 11,
    XmlValidationError = 12,
    TagAppearsMoreThanOnce = 13,
    TagSpecifiedOutOfRequiredOrder = 14,
    RepeatingGroupFieldsOutOfOrder = 15,
    IncorrectNumInGroupCount = 16,
    NonDataValueIncludesFieldDelimiter = 17,
    Other = 99,
}

public static class SessionRejectReasons
{
    public static ReadOnlySpan<byte> Text(SessionRejectReason reason) => reason switch
    {
        SessionRejectReason.InvalidTagNumber => "Invalid tag number"u8,
        SessionRejectReason.RequiredTagMissing => "Required tag missing"u8,
        SessionRejectReason.TagNotDefinedForMessageType => "Tag not defined for this message type"u8,
        SessionRejectReason.UndefinedTag => "Undefined Tag"u8,
        SessionRejectReason.TagSpecifiedWithoutValue => "Tag specified without a value"u8,
        SessionRejectReason.ValueIsIncorrect => "Value is incorrect (out of range) for this tag"u8,
        SessionRejectReason.IncorrectDataFormat => "Incorrect data format for value"u8,
        SessionRejectReason.DecryptionProblem => "Decryption problem"u8,
        SessionRejectReason.SignatureProblem => "Signature problem"u8,
        SessionRejectReason.CompIdProblem => "CompID problem"u8,
        SessionRejectReason.SendingTimeAccuracyProblem => "SendingTime accuracy problem"u8,
        SessionRejectReason.InvalidMsgType => "Invalid MsgType"u8,
        SessionRejectReason.XmlValidationError => "XML Validation error"u8,
        SessionRejectReason.TagAppearsMoreThanOnce => "Tag appears more than once"u8,
        SessionRejectReason.TagSpecifiedOutOfRequiredOrder => "Tag specified out of required order"u8,
        SessionRejectReason.RepeatingGroupFieldsOutOfOrder => "Repeating group fields out of order"u8,
        SessionRejectReason.IncorrectNumInGroupCount => "Incorrect NumInGroup count for repeating group"u8,
        SessionRejectReason.NonDataValueIncludesFieldDelimiter => "Non \"data\" value includes field delimiter (SOH character)"u8,
        _ => "Other"u8,
    };
}
