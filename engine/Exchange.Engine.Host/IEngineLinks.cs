// The engine's side of the transport: what EngineService sends through. The process implements it over the UDP
// transport; tests implement it with a recorder.
namespace Exchange.Engine.Host;

/// What the engine sends through; implemented over the UDP transport by the process, and by a recorder in tests.
public interface IEngineLinks
{
    /// Opens the response path of a newly logged-on connection to the client's channel (an Aeron URI the client gave in Logon).
    /// Returns false with a reason if the channel is unusable (then the logon is rejected).
    bool OpenResponses(int connection, string responseChannel, out string? error);
    /// Sends one SBE message to a connection's response stream. False when it cannot be sent now (back-pressured or not connected).
    bool SendToConnection(int connection, ReadOnlySpan<byte> message);
    /// Sends one SBE message on the market-data stream(s).
    void SendMarketData(ReadOnlySpan<byte> message);
    /// Closes a connection's response path (after logout, heartbeat timeout or disconnect).
    void CloseResponses(int connection);
}
