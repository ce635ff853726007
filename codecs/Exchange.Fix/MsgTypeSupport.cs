// What the dictionary knows about a MsgType: a session rejects the invalid ones and business-rejects the unsupported.
namespace Exchange.Fix;

public enum MsgTypeSupport
{
    /// <summary>Not a FIX 4.4 MsgType: Session Reject, reason 11 Invalid MsgType.</summary>
    Invalid = 0,
    /// <summary>A FIX 4.4 (or user-defined "U…") MsgType we do not handle: Business Message Reject, 380=3.</summary>
    Unsupported,
    Supported,
}
