// What the session layer hands the application: logon, logout, and each application message once, in sequence.
using Exchange.Fix;

namespace Exchange.Fix.Session;

public interface IFixApplication
{
    /// <summary>The session is logged on: our Logon reply has gone out.</summary>
    void OnLogon(FixSession session);

    /// <summary>The session ended: a Logout exchange, or the connection was lost or closed.</summary>
    void OnLogout(FixSession session);

    /// <summary>A validated application message, in sequence, each MsgSeqNum once (PossDup duplicates already seen
    /// are not delivered). <paramref name="message"/> and its bytes are valid only during the call.</summary>
    void OnApplicationMessage(FixSession session, in FixMessage message);
}
