// The engine's side of the transport: what EngineService sends through. The process implements it over the UDP
// transport; tests implement it with a recorder.
namespace Exchange.Engine.Host;

/// <summary>Why a response path is opened.</summary>
public enum ResponsePath
{
    /// <summary>A client that logged on: the path lives as long as its session.</summary>
    Session,
    /// <summary>Only to carry a LogonReject to a client that has not authenticated: the links may refuse it (too many
    /// at once, too many from its address), and keep it small and short-lived, so a stranger's logon costs little.</summary>
    Reject,
    /// <summary>A standby's NotPrimary answer, naming the primary: as small and short-lived as a reject, under a budget
    /// of its own (a failover sends every client of a gateway asking at once).</summary>
    Redirect,
    /// <summary>Only to carry a LogonChallenge to a client that has not authenticated yet: as small and short-lived as a
    /// reject, under a budget of its own (many sessions of a gateway log on from one address at once).</summary>
    Challenge,
}

/// <summary>What the engine sends through; implemented over the UDP transport by the process, and by a recorder in tests.</summary>
public interface IEngineLinks
{
    /// <summary>Opens the response path of a connection to the channel its client gave in Logon. Returns false with a
    /// reason if the channel is not acceptable (malformed, a host other than the client's own, a term too long) or,
    /// for <see cref="ResponsePath.Reject"/>, if the budget for strangers is spent; then nothing was opened.</summary>
    bool OpenResponses(int connection, string responseChannel, ResponsePath purpose, out string? error);
    /// <summary>Sends one SBE message to a connection's response stream. False when it cannot be sent now (back-pressured or not connected).</summary>
    bool SendToConnection(int connection, ReadOnlySpan<byte> message);
    /// <summary>Sends one SBE message on the market-data stream(s).</summary>
    void SendMarketData(ReadOnlySpan<byte> message);
    /// <summary>Closes a connection's response path (after logout, heartbeat timeout, disconnect, or a reject sent).</summary>
    void CloseResponses(int connection);
    /// <summary>Whether the connection's client has messages received and not yet taken: after a stall of the engine
    /// thread its traffic waits there, and its silence is the engine's, not the client's.</summary>
    bool HasUnread(int connection);
}
