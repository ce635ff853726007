// The session layer's one error type: bad settings and unreadable message stores, named by file and line or offset.
namespace Exchange.Fix.Session;

public sealed class FixSessionException(string message) : Exception(message);
