// What a session does with an application message over its MaxMessagesPerSecond.
namespace Exchange.Fix.Session;

public enum RateLimitAction
{
    /// <summary>Business Message Reject (35=j) with 380=0 (Other) and 58 "Message rate limit exceeded"; the message
    /// counts as received and the session stays up.</summary>
    Reject = 0,
    /// <summary>Logout with 58 "Message rate limit exceeded", then disconnect once the peer answers or times out.</summary>
    Logout,
}
