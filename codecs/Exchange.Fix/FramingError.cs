// Why FixFraming.TryFrame did not return a message.
namespace Exchange.Fix;

public enum FramingError
{
    None = 0,
    /// <summary>The bytes so far are a valid beginning: read more and try again. Nothing is to be skipped.</summary>
    Incomplete,
    /// <summary>Garbled: the buffer does not start with 8=FIX…&lt;SOH&gt;.</summary>
    BadBeginString,
    /// <summary>Garbled: 9=BodyLength is missing, malformed, zero, or does not end where "10=" begins.</summary>
    BadBodyLength,
    /// <summary>Garbled: the CheckSum field is malformed or does not match the bytes.</summary>
    BadCheckSum,
    /// <summary>Garbled: BodyLength announces a message longer than the configured maximum.</summary>
    MessageTooLong,
    /// <summary>Garbled: BodyLength and CheckSum are right, but the third field is not a MsgType (35) with a value.</summary>
    BadMsgType,
}
