// The real processes a gateway test runs, as children that die with the test: an engine (in memory, or on a journal
// it can be restarted on) and a gateway reading a settings file; and the settings brokers' operators would write.
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

internal static class Processes
{
    /// <summary>An engine on <paramref name="port"/> (0: any free port), journaling to <paramref name="journal"/>
    /// (null: in memory), on the shard config <paramref name="config"/> (null: the built-in one); returns once it listens,
    /// with the port it bound.</summary>
    public static ChildProcess StartEngine(out int port, int requestedPort = 0, string? journal = null, string? config = null)
    {
        var args = new List<string> { "--listen", $"aeron:udp?endpoint=127.0.0.1:{requestedPort}", "--idle", "backoff" };
        if (config != null) args.AddRange(["--config", config]);
        if (journal == null) args.Add("--in-memory");
        else args.AddRange(["--journal", journal]);
        var engine = ChildProcess.StartDll("exchange-engine.dll", args);
        try
        {
            port = PortOf(engine.WaitForLine("listening "));
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>A gateway routing every symbol to the engine on <paramref name="enginePort"/>; returns once it listens,
    /// with the FIX port it bound.</summary>
    public static ChildProcess StartGateway(string settingsPath, int enginePort, out int port, params string[] extraArgs) =>
        StartGateway(settingsPath, enginePort, out port, null, extraArgs);

    /// <summary>The same, with <paramref name="environment"/> set for the gateway.</summary>
    public static ChildProcess StartGateway(string settingsPath, int enginePort, out int port, IDictionary<string, string>? environment, params string[] extraArgs)
    {
        var gateway = ChildProcess.StartDll("exchange-gateway.dll",
            ["--settings", settingsPath, "--engine", $"aeron:udp?endpoint=127.0.0.1:{enginePort}", "--idle", "backoff", .. extraArgs], environment);
        try
        {
            port = PortOf(gateway.WaitForLine("listening "));
            return gateway;
        }
        catch
        {
            gateway.Dispose();
            throw;
        }
    }

    /// <summary>Runs the gateway with <paramref name="args"/> to its end.</summary>
    public static ProcessResult RunGateway(params string[] args) => ChildProcess.Run(ChildProcess.StartDll("exchange-gateway.dll", args));

    public static int PortOf(string line) =>
        int.Parse(line.Split(' ').First(p => p.StartsWith("port=", StringComparison.Ordinal))[5..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Each test session's Username and Password (553, 554): its CompID in lower case, and a password.</summary>
    public static (string Username, string Password) Credentials(string compId) => (compId.ToLowerInvariant(), $"{compId.ToLowerInvariant()}-test-password");

    // Hashed with the fewest rounds the settings accept, so the many logons of the tests stay cheap.
    private static readonly Dictionary<string, string> Hashes = new[] { "BROKER1", "BROKER2", "DROP" }.ToDictionary(
        id => id, id => Exchange.Fix.Session.PasswordHash.Create(System.Text.Encoding.UTF8.GetBytes(Credentials(id).Password),
            Exchange.Fix.Session.PasswordHash.MinIterations).ToString());

    private static string CredentialLines(string compId) => $"Username={Credentials(compId).Username}\nPasswordHash={Hashes[compId]}";

    /// <summary>The brokers' sessions: order entry for accounts 2001 (BROKER1) and 2002 (BROKER2), and a drop copy of
    /// both (DROP), each with credentials (<see cref="Credentials"/>), with <paramref name="defaults"/> added to [DEFAULT].</summary>
    public static string BrokerSessions(string storePath, string defaults = "") => $"""
        # Brokers' sessions, as their operators write them for QuickFIX.
        [DEFAULT]
        ConnectionType=acceptor
        BeginString=FIX.4.4
        SenderCompID=EXCH
        SocketAcceptPort=0
        FileStorePath={storePath}
        {defaults}

        [SESSION]
        TargetCompID=BROKER1
        {CredentialLines("BROKER1")}
        ApiKey=broker-2001-key
        Account=2001

        [SESSION]
        TargetCompID=BROKER2
        {CredentialLines("BROKER2")}
        ApiKey=broker-2002-key
        Account=2002
        CancelOnDisconnect=Y

        [SESSION]
        TargetCompID=DROP
        {CredentialLines("DROP")}
        SessionType=drop-copy
        DropCopyAccounts=2001,2002
        """;
}
