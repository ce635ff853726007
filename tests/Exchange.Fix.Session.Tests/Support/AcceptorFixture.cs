// A real FixAcceptor on 127.0.0.1 (an ephemeral port) with one session EXCH->BROKER, a store in a fresh temporary
// directory, a manual clock and a recording application; the test's thread runs its duty cycle.
namespace Exchange.Fix.Session.Tests;

internal sealed class AcceptorFixture : IDisposable
{
    private readonly string _extraSettings;
    private readonly FixAcceptorOptions? _options;

    public AcceptorFixture(string extraSettings = "", FixAcceptorOptions? options = null)
    {
        _extraSettings = extraSettings;
        _options = options;
        StorePath = Path.Combine(Path.GetTempPath(), "fix-session-tests", Guid.NewGuid().ToString("N"));
        Acceptor = Create();
    }

    public ManualClock Clock { get; } = new();
    public TestApplication App { get; private set; } = new();
    public string StorePath { get; }
    public FixAcceptor Acceptor { get; private set; }
    public FixSession Session => Acceptor.Sessions[0];

    public string SettingsText =>
        $"""
        [DEFAULT]
        ConnectionType=acceptor
        BeginString=FIX.4.4
        SocketAcceptHost=127.0.0.1
        SocketAcceptPort=0
        FileStorePath={StorePath}

        [SESSION]
        SenderCompID=EXCH
        TargetCompID=BROKER
        {(_extraSettings.Contains("PasswordHash=", StringComparison.Ordinal) ? "" : "AllowNoPassword=Y")}
        {_extraSettings.Replace("$LOG", LogPath, StringComparison.Ordinal)}
        """;

    /// <summary>Settings lines giving the session Username <paramref name="username"/> and a PasswordHash of
    /// <paramref name="password"/> (with the fewest rounds allowed, to keep tests quick).</summary>
    public static string Credentials(string username, string password) =>
        $"Username={username}\nPasswordHash={PasswordHash.Create(System.Text.Encoding.UTF8.GetBytes(password), PasswordHash.MinIterations)}";

    /// <summary>A directory for the session's logs, inside the store's; "$LOG" in the extra settings stands for it.</summary>
    public string LogPath => Path.Combine(StorePath, "log");

    public int Pump(int times = 1)
    {
        int work = 0;
        for (int i = 0; i < times; i++) work += Acceptor.DoWork(Clock.Now);
        return work;
    }

    public FixTestClient Connect(string? from = null, int? receiveBufferBytes = null) => new(this, Acceptor.Port, from, receiveBufferBytes);

    /// <summary>Connects and logs on (MsgSeqNum 1 unless told), returning the client after our Logon reply.</summary>
    public FixTestClient LogOn(int heartBtInt = 30, string extra = "", bool reset = false, int? seqNum = null,
        int? receiveBufferBytes = null)
    {
        var client = Connect(receiveBufferBytes: receiveBufferBytes);
        if (seqNum is { } seq) client.NextSeqNum = seq;
        client.LogOn(heartBtInt, extra, reset);
        return client;
    }

    /// <summary>Stops the acceptor and starts a new one on the same store (a gateway restart).</summary>
    public void Restart()
    {
        Acceptor.Dispose();
        App = new TestApplication();
        Acceptor = Create();
    }

    /// <summary>What the acceptor wrote to its screen log (stderr in production).</summary>
    public string ScreenLog => System.Text.Encoding.ASCII.GetString(_screen.ToArray());

    private readonly MemoryStream _screen = new();

    private FixAcceptor Create()
    {
        var options = _options ?? new FixAcceptorOptions();
        return new(SessionSettings.Parse(SettingsText, "test.cfg", ApplicationKeys), App, () => Clock.Now,
            options with { ScreenLog = options.ScreenLog ?? _screen });
    }

    /// <summary>Keys of the settings that the tests' application reads.</summary>
    public static readonly string[] ApplicationKeys = ["Account", "SessionType", "CancelOnDisconnect"];

    public void Dispose()
    {
        Acceptor.Dispose();
        try
        {
            Directory.Delete(StorePath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
