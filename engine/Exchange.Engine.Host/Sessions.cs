// The sessions of one engine: one per connection (a client's stream), at most one per account and one per operator,
// in an array indexed by connection so the order path finds a session without hashing. Data and lookups only; the
// session protocol is SessionLayer's, the sending Outbound's.
namespace Exchange.Engine.Host;

internal enum SessionState : byte
{
    Free,
    Active,
    /// <summary>Logged out (or refused) with the connection still there: its last messages drain, then the path closes.</summary>
    Closing,
}

internal struct Session
{
    public SessionState State;
    public ulong Id;
    /// <summary>The account a trading session acts for; 0 for an operator's session.</summary>
    public long Account;
    /// <summary>The operator's name for an administrative session; null for a trading one.</summary>
    public string? Operator;
    public uint HeartbeatIntervalMs;
    public long HeartbeatNanos;
    public bool CancelOnDisconnect;
    /// <summary>DoWork-clock times; <see cref="SessionTable.Unstamped"/> until the first DoWork after logon.</summary>
    public long LastInbound;
    public long LastOutbound;
    /// <summary>Since when sends to this connection fail; <see cref="SessionTable.NotBlocked"/> while they succeed.</summary>
    public long BlockedSince;
    /// <summary>The release pass in which a send failed: later messages of the pass wait behind it.</summary>
    public int BlockedPass;
    /// <summary>Messages for this session in the outbound queue.</summary>
    public int Pending;
    /// <summary>The session's command rate limit: the DoWork-clock time from which its next order-entry command
    /// conforms (a generic cell rate; 0 until its first).</summary>
    public long RateDue;
    /// <summary>The session key from the challenge-response handshake: every inbound message must carry a trailer
    /// sealed under it (see SessionAuth). Null for a session logged on with the clear-key Logon (only where allowed).</summary>
    public SessionMac? Mac;
    /// <summary>The highest trailer sequence taken from the client: a message must carry a higher one.</summary>
    public ulong InboundSequence;

    public readonly bool IsOperator => Operator != null;
}

internal sealed class SessionTable(int connections)
{
    public const long Unstamped = long.MinValue + 1;
    public const long NotBlocked = long.MinValue;

    private readonly Session[] _sessions = new Session[connections];
    private readonly Dictionary<long, int> _byAccount = [];
    private readonly Dictionary<string, int> _byOperator = new(StringComparer.Ordinal);
    private ulong _nextId = 1;
    private long _now;
    private bool _haveNow;

    public int Capacity => _sessions.Length;
    /// <summary>One more than the highest connection that ever had a session: how far the duty cycle looks.</summary>
    public int HighWater { get; private set; }
    /// <summary>Trading sessions logged on.</summary>
    public int TradingCount => _byAccount.Count;
    /// <summary>Operator sessions logged on.</summary>
    public int OperatorCount => _byOperator.Count;

    public ref Session this[int connection] => ref _sessions[connection];

    public bool Exists(int connection) => (uint)connection < (uint)_sessions.Length;

    public bool IsActive(int connection) => Exists(connection) && _sessions[connection].State == SessionState.Active;

    /// <summary>The trading session of <paramref name="account"/>, if it has one.</summary>
    public bool TryGetByAccount(long account, out int connection) => _byAccount.TryGetValue(account, out connection);

    public bool HasOperator(string name) => _byOperator.ContainsKey(name);

    /// <summary>The DoWork clock, once it has run (times taken before then are settled at the first DoWork).</summary>
    public long Stamp() => _haveNow ? _now : Unstamped;

    public void SetNow(long now)
    {
        _now = now;
        _haveNow = true;
    }

    /// <summary>Starts a session on <paramref name="connection"/>: trading for an account, or an operator's.</summary>
    public ref Session Activate(int connection, long account, string? operatorName, uint heartbeatIntervalMs, bool cancelOnDisconnect)
    {
        ref Session s = ref _sessions[connection];
        s = new Session
        {
            State = SessionState.Active, Id = _nextId++, Account = account, Operator = operatorName, HeartbeatIntervalMs = heartbeatIntervalMs,
            HeartbeatNanos = heartbeatIntervalMs * 1_000_000L, CancelOnDisconnect = cancelOnDisconnect,
            LastInbound = Stamp(), LastOutbound = Stamp(), BlockedSince = NotBlocked,
        };
        if (operatorName != null) _byOperator.Add(operatorName, connection);
        else _byAccount.Add(account, connection);
        HighWater = Math.Max(HighWater, connection + 1);
        return ref s;
    }

    /// <summary>A pseudo-session (id 0) that only lets a refusal drain before the path closes.</summary>
    public void Closing(int connection)
    {
        _sessions[connection].Mac?.Dispose();
        _sessions[connection] = new Session
        {
            State = SessionState.Closing, Id = 0, LastInbound = Stamp(), LastOutbound = Stamp(), BlockedSince = NotBlocked,
        };
        HighWater = Math.Max(HighWater, connection + 1);
    }

    /// <summary>Takes an active session out of the account/operator index; it stays until its messages drain.</summary>
    public void Unindex(int connection)
    {
        ref Session s = ref _sessions[connection];
        if (s.State != SessionState.Active) return;
        if (s.Operator != null) _byOperator.Remove(s.Operator);
        else _byAccount.Remove(s.Account);
    }

    /// <summary>Forgets the session on <paramref name="connection"/>.</summary>
    public void Free(int connection)
    {
        Unindex(connection);
        _sessions[connection].Mac?.Dispose();
        _sessions[connection] = default;
    }
}
