// The engine process's one config record: capacities, assets, symbols and demo accounts with their API keys.
// Built-in defaults, replaced by a JSON file (--config) and then by command-line overrides.
using System.Text.Json;
using System.Text.Json.Serialization;
using Exchange.Contract;

namespace Exchange.Engine.Host;

/// <summary>An asset: its id in the engine, its name (up to 8 printable characters) and how many decimal places its
/// integer unit has (USD in cents: 2; BTC in satoshis: 8). Names and decimals are reference data for the gateways
/// and people; the engine counts integers only.</summary>
public sealed record AssetConfig(int Id, string Name, int Decimals = 0)
{
    public const int MaxNameLength = 8;
}

/// <summary>A symbol of the opening state. <paramref name="SessionEnd"/>: when its Day orders expire, a UTC time of day
/// "HH:MM" or "HH:MM:SS" ("24:00" is midnight); null: none, Day orders are rejected.</summary>
public sealed record SymbolConfig(string Name, SymbolSpec Spec, string? SessionEnd = null)
{
    /// <summary><see cref="SessionEnd"/> as the engine takes it: nanoseconds after UTC midnight (0: none).</summary>
    /// <exception cref="ConfigException">It is not a time of day in 00:00:01 .. 24:00.</exception>
    public long SessionEndNanos()
    {
        if (SessionEnd == null) return 0;
        string[] parts = SessionEnd.Split(':');
        long seconds = 0;
        bool ok = parts.Length is 2 or 3;
        for (int i = 0; ok && i < parts.Length; i++)
        {
            int v = 0;
            ok = parts[i].Length == 2 && int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out v)
                && v < (i == 0 ? 25 : 60);
            if (ok) seconds += v * (i == 0 ? 3600L : i == 1 ? 60L : 1L);
        }
        long nanos = seconds * 1_000_000_000;
        if (!ok || !SessionEnds.IsValid(nanos))
            throw new ConfigException($"symbol {Name}: sessionEnd '{SessionEnd}' is not a UTC time of day HH:MM or HH:MM:SS in 00:00:01 .. 24:00");
        return nanos;
    }
}

/// <summary>An operator who may administer the engine (exchange-admin): add accounts and symbols, halt and resume
/// symbols, deposit and withdraw. <paramref name="ApiKey"/> is what the operator's Logon presents (with account 0).</summary>
public sealed record OperatorConfig(string Name, string ApiKey);

/// <summary>An account of the opening state. <paramref name="ApiKey"/> is what a client presents in Logon to trade
/// as this account; without one the account cannot log on. <paramref name="OrdersPerSecond"/> and
/// <paramref name="OrderBurst"/> are its order-entry rate limit in the engine (0: the engine's default,
/// <c>engine.accountOrdersPerSecond</c>). <paramref name="Permission"/> is what its sessions may do (<c>trade</c>, the
/// default; <c>cancelOnly</c>, <c>readOnly</c>, <c>admin</c>), enforced by the engine.</summary>
public sealed record AccountConfig(long Id, Dictionary<string, long> Balances, string? ApiKey = null, int OrdersPerSecond = 0, int OrderBurst = 0,
    AccountPermission Permission = AccountPermission.Trade);

public sealed record ShardConfig
{
    public int ShardId { get; set; } = 1;

    /// <summary>Where clients send commands (stream 10): an Aeron channel URI this process binds.</summary>
    public string Listen { get; set; } = "aeron:udp?endpoint=127.0.0.1:40123|term-length=1m";
    /// <summary>Optionally, the operator endpoint's HOST:PORT (GET /health, /ready, /metrics over HTTP; port 0: any free
    /// one, printed at start). Off unless given; bind it to loopback unless operators reach it from elsewhere.</summary>
    public string? OperatorListen { get; set; }
    /// <summary>Optionally, one more destination for the shard's market data (stream 12), e.g. a distributor.</summary>
    public string? MarketDataChannel { get; set; }
    /// <summary>The journal directory; null means <c>data/shard-{ShardId}</c>. With <see cref="InMemory"/> there is none.</summary>
    public string? JournalDirectory { get; set; }
    /// <summary>Run without a journal: state lives and dies with the process (demos only).</summary>
    public bool InMemory { get; set; }
    public Exchange.Journal.Durability Durability { get; set; } = Exchange.Journal.Durability.Batch;
    /// <summary>The engine thread's idle strategy: busy-spin (a dedicated core), yield, or backoff (shared machines).</summary>
    public string Idle { get; set; } = "backoff";

    /// <summary>Primary with standbys, standby of a primary, or neither (see <see cref="ReplicationConfig"/>).</summary>
    public ReplicationConfig Replication { get; set; } = new();

    /// <summary>Snapshots while running and journal retention (see <see cref="SnapshotConfig"/>); off by default.</summary>
    public SnapshotConfig Snapshots { get; set; } = new();

    /// <summary>Leadership elected in etcd among members (see <see cref="ClusterConfig"/>); off by default.</summary>
    public ClusterConfig Cluster { get; set; } = new();

    /// <summary>What clients that have not logged on may cost the engine (see <see cref="ConnectionLimits"/>).</summary>
    public ConnectionLimits Limits { get; set; } = new();

    public string EffectiveJournalDirectory => JournalDirectory ?? Path.Combine("data", $"shard-{ShardId}");
    public EngineConfig Engine { get; set; } = new() { AssetCount = 4, MaxSymbols = 16, MaxAccounts = 1024, MaxOrders = 1 << 20, MaxPriceLevels = 1 << 16, FeeAccount = 0 };
    public List<AssetConfig> Assets { get; set; } = [new(0, "USD", Decimals: 2), new(1, "BTC", Decimals: 8), new(2, "ETH", Decimals: 6)];

    /// <summary>Demo markets, whose Day orders end at UTC midnight. USD in cents; BTC in satoshis with a 0.01 BTC lot; ETH in 10^-6 ETH with a
    /// 0.01 ETH lot; prices in cents per lot, so a 1-cent tick is $1 per BTC and $1 per ETH.</summary>
    public List<SymbolConfig> Symbols { get; set; } =
    [
        new("BTC-USD", new SymbolSpec(Id: 1, BaseAsset: 1, QuoteAsset: 0, TickSize: 1, LotSize: 1_000_000, MinQuantity: 1_000_000,
            MaxQuantity: 100_00000000, ReferencePrice: 60_000, BandBps: 2_000, MakerFeeBps: 2, TakerFeeBps: 5, MaxNotional: 100_000_000_00), SessionEnd: "24:00"),
        new("ETH-USD", new SymbolSpec(Id: 2, BaseAsset: 2, QuoteAsset: 0, TickSize: 1, LotSize: 10_000, MinQuantity: 10_000,
            MaxQuantity: 1_000_000000, ReferencePrice: 3_000, BandBps: 2_000, MakerFeeBps: 2, TakerFeeBps: 5, MaxNotional: 100_000_000_00), SessionEnd: "24:00"),
    ];

    /// <summary>Demo accounts, one per kind of user so every door can be tried at once: two market makers (binary
    /// clients, exchange-mm), two brokers (the FIX gateway's sessions BROKER1 and BROKER2) and a web user.</summary>
    public List<AccountConfig> Accounts { get; set; } =
    [
        new(1001, DemoBalances(), ApiKey: "mm-1001-key"),
        new(1002, DemoBalances(), ApiKey: "mm-1002-key"),
        new(2001, DemoBalances(), ApiKey: "broker-2001-key"),
        new(2002, DemoBalances(), ApiKey: "broker-2002-key"),
        new(3001, DemoBalances(), ApiKey: "web-3001-key"),
    ];

    /// <summary>Demo operators: "ops", for exchange-admin.</summary>
    public List<OperatorConfig> Operators { get; set; } = [new("ops", "ops-admin-key")];

    private static Dictionary<string, long> DemoBalances() => new() { ["USD"] = 10_000_000_00, ["BTC"] = 100_00000000, ["ETH"] = 1_000_000000 };

    public static ShardConfig Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ConfigException($"cannot read {path}: {e.Message}"); }
        try
        {
            return JsonSerializer.Deserialize(text, ShardConfigJson.Default.ShardConfig)
                ?? throw new ConfigException($"{path}: empty config");
        }
        catch (JsonException e) { throw new ConfigException($"{path}: {e.Message}"); }
    }

    /// <summary>The config as JSON; <paramref name="withSecrets"/> false leaves the accounts' and operators' API keys out
    /// (an account without one cannot log on, and an operator without one is refused at load), so what --print-config
    /// shows gives no key away.</summary>
    public string ToJson(bool withSecrets = true) => JsonSerializer.Serialize(withSecrets ? this : this with
    {
        Accounts = [.. Accounts.Select(a => a with { ApiKey = null })],
        Operators = [.. Operators.Select(o => o with { ApiKey = "" })],
    }, ShardConfigJson.Default.ShardConfig);

    public int AssetId(string name) =>
        Assets.Find(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))?.Id
        ?? throw new ConfigException($"unknown asset '{name}'");

    public SymbolConfig? Symbol(string name) =>
        Symbols.Find(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The opening state as ordinary commands, SBE-encoded, in the order they are sequenced: every symbol,
    /// then each account followed by its deposits. An unknown asset name is a <see cref="ConfigException"/>.</summary>
    public List<byte[]> OpeningCommands()
    {
        var commands = new List<byte[]>();
        var buffer = new byte[256];
        ValidateAssets();
        foreach (var symbol in Symbols)
        {
            if (!SymbolName.TryParse(symbol.Name, out var name, out string? error)) throw new ConfigException($"symbol {symbol.Spec.Id}: {error}");
            commands.Add(buffer[..CommandCodec.Encode(new AddSymbol(symbol.Spec, name, symbol.SessionEndNanos()), buffer)]);
        }
        foreach (var account in Accounts)
        {
            if (account.OrdersPerSecond < 0 || account.OrderBurst < 0) throw new ConfigException($"account {account.Id}: ordersPerSecond and orderBurst must not be negative");
            if (!AccountPermissions.IsValid(account.Permission)) throw new ConfigException($"account {account.Id}: permission must be trade, cancelOnly, readOnly or admin");
            commands.Add(buffer[..CommandCodec.Encode(new AddAccount(account.Id, account.OrdersPerSecond, account.OrderBurst, account.Permission), buffer)]);
            foreach (var (asset, amount) in account.Balances)
            {
                int assetId;
                try { assetId = AssetId(asset); }
                catch (ConfigException e) { throw new ConfigException($"account {account.Id}: {e.Message}"); }
                commands.Add(buffer[..CommandCodec.Encode(new Deposit(account.Id, assetId, amount), buffer)]);
            }
        }
        return commands;
    }

    private void ValidateAssets()
    {
        var ids = new HashSet<int>();
        foreach (var asset in Assets)
        {
            if (!ids.Add(asset.Id)) throw new ConfigException($"asset id {asset.Id} is used twice");
            if (string.IsNullOrEmpty(asset.Name) || asset.Name.Length > AssetConfig.MaxNameLength || asset.Name.Any(c => c is <= ' ' or > '~'))
                throw new ConfigException($"asset {asset.Id}: name '{asset.Name}' must be 1 to {AssetConfig.MaxNameLength} printable ASCII characters");
            if (asset.Decimals is < 0 or > 18) throw new ConfigException($"asset {asset.Name}: decimals {asset.Decimals} outside 0..18");
        }
    }

    /// <summary>Operator API key → operator name, for Logon. Keys must be unique, non-empty and no account's.</summary>
    public Dictionary<string, string> OperatorKeys()
    {
        var accounts = ApiKeys();
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var op in Operators)
        {
            if (string.IsNullOrWhiteSpace(op.Name)) throw new ConfigException("an operator has no name");
            if (string.IsNullOrEmpty(op.ApiKey)) throw new ConfigException($"operator {op.Name}: empty apiKey");
            if (accounts.ContainsKey(op.ApiKey)) throw new ConfigException($"operator {op.Name}: apiKey is also an account's");
            if (!keys.TryAdd(op.ApiKey, op.Name)) throw new ConfigException($"operator {op.Name}: apiKey is also used by operator {keys[op.ApiKey]}");
        }
        return keys;
    }

    /// <summary>API key → account, for Logon. Keys must be unique and non-empty.</summary>
    public Dictionary<string, long> ApiKeys()
    {
        var keys = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var account in Accounts)
        {
            if (account.ApiKey == null) continue;
            if (account.ApiKey.Length == 0) throw new ConfigException($"account {account.Id}: empty apiKey");
            if (!keys.TryAdd(account.ApiKey, account.Id)) throw new ConfigException($"account {account.Id}: apiKey is also used by account {keys[account.ApiKey]}");
        }
        return keys;
    }
}

/// <summary>
/// What a client that has not logged on may cost the engine. A new connection (a client's stream) waits in a small
/// pool of its own until its Logon succeeds: the pool and each source address's share of it are bounded, the oldest
/// waiting connection makes room for a new one, and one that does not log on in time is dropped. A failed Logon is
/// answered only within a budget, on a small short-lived path, and only to the address the client sends from.
/// </summary>
public sealed record ConnectionLimits
{
    /// <summary>Longest term a client's stream to the engine, or the response stream it asks for, may have.</summary>
    public int MaxTermLength { get; set; } = 1 << 20;
    /// <summary>Connections that have not logged on, in all; a new one evicts the oldest. With <see cref="MaxTermLength"/>
    /// this bounds what strangers' streams may hold: three terms each, and as many again kept for reuse.</summary>
    public int MaxPendingConnections { get; set; } = 16;
    /// <summary>Connections that have not logged on, per source address; a new one evicts that address's oldest. A
    /// host's clients log on together after a failover while the cluster's own links are set up again: at 4, a new
    /// leader evicted the connection of a client it had just redirected, which then took seconds to come back. A
    /// gateway's sessions are lanes of one connection; raise it to the number of processes of one host that connect
    /// to the engine, and a few more.</summary>
    public int MaxPendingConnectionsPerSource { get; set; } = 8;
    /// <summary>A connection that has not logged on within this is dropped.</summary>
    public int LogonTimeoutMs { get; set; } = 5_000;
    /// <summary>New connections one source address may open per second.</summary>
    public int NewConnectionsPerSourcePerSecond { get; set; } = 20;
    /// <summary>New connections from all addresses together per second (forged addresses get around the per-source rate).</summary>
    public int NewConnectionsPerSecond { get; set; } = 200;
    /// <summary>Failed logons one source address gets an answer to per second; beyond, they are refused silently (counted).</summary>
    public int FailedLogonsPerSourcePerSecond { get; set; } = 5;
    /// <summary>Logons a standby redirects to its primary (NotPrimary) per second for one source address: clients and
    /// gateways looking for the new leader during a failover, many sessions from one address; beyond, unanswered.</summary>
    public int RedirectsPerSourcePerSecond { get; set; } = 100;
    /// <summary>LogonRejects on their way at once; beyond, refused logons go unanswered (counted).</summary>
    public int MaxRejectPaths { get; set; } = 16;
    /// <summary>Order-entry commands (new, cancel, replace, mass cancel) one session may send per second, checked before
    /// they are sequenced (0: no limit); beyond, each is rejected RateLimited and never journaled. A flood guard for the
    /// engine; an account's own limit on new orders and replaces is the engine's (accounts[].ordersPerSecond).</summary>
    public int SessionCommandsPerSecond { get; set; }
    /// <summary>How many of those may come at once.</summary>
    public int SessionCommandBurst { get; set; } = 1000;
    /// <summary>Takes the clear-key Logon (message 1) of clients before schema version 4, as well as the
    /// challenge-response logon: for a migration window only. Their API keys travel in clear and their messages are
    /// not sealed (anyone on the path can read the key and act as the account); the start-up log warns. Off by default.</summary>
    public bool AcceptClearKeyLogon { get; set; }
    /// <summary>LogonChallenges one source address gets per second (a gateway logs many sessions on from one address);
    /// beyond, its LogonRequests go unanswered (counted).</summary>
    public int ChallengesPerSourcePerSecond { get; set; } = 100;
    /// <summary>LogonChallenges on their way at once; beyond, LogonRequests go unanswered.</summary>
    public int MaxChallengePaths { get; set; } = 64;
    /// <summary>Sessions one connection may carry as lanes (a gateway's sessions on its one connection to the engine,
    /// StreamIds.LaneCommands); a message opening one more is dropped (counted).</summary>
    public int MaxLanesPerConnection { get; set; } = 256;
    /// <summary>Addresses a client may name for its responses besides the one it sends from (IP literals), for
    /// clients on machines whose sending and receiving addresses differ.</summary>
    public List<string> AllowedResponseHosts { get; set; } = [];

    public void Validate()
    {
        if (!Exchange.Transport.TermPosition.IsValidTermLength(MaxTermLength)) throw new ConfigException($"limits.maxTermLength {MaxTermLength} is not a power of two in 64k..1g");
        if (MaxPendingConnections < 1 || MaxPendingConnectionsPerSource < 1 || LogonTimeoutMs < 1 || NewConnectionsPerSourcePerSecond < 1 || NewConnectionsPerSecond < 1
            || FailedLogonsPerSourcePerSecond < 1 || RedirectsPerSourcePerSecond < 1 || MaxRejectPaths < 1
            || ChallengesPerSourcePerSecond < 1 || MaxChallengePaths < 1 || MaxLanesPerConnection < 1)
            throw new ConfigException("limits: every count, rate and timeout must be at least 1");
        if (SessionCommandsPerSecond is < 0 or > 1_000_000_000 || SessionCommandBurst is < 1 or > 1_000_000)
            throw new ConfigException("limits.sessionCommandsPerSecond must be 0..10^9 and limits.sessionCommandBurst 1..10^6");
        foreach (string host in AllowedResponseHosts)
            if (!System.Net.IPAddress.TryParse(host, out _)) throw new ConfigException($"limits.allowedResponseHosts: '{host}' is not an IP address");
    }
}

public sealed class ConfigException(string message) : Exception(message);

/// <summary>Snapshots the running engine writes, and what becomes of the journal before them. A snapshot is due after
/// <see cref="EveryInputs"/> inputs or <see cref="EverySeconds"/> of sequencer time since the last, whichever comes
/// first (0: that bound off; both 0: snapshots only at shutdown). <see cref="JournalRetention"/> <c>delete</c> or
/// <c>archive</c> removes the segments wholly before the newest snapshot once no standby reading the journal needs them
/// (a standby that needs them later is sent the snapshot instead).</summary>
public sealed record SnapshotConfig
{
    public long EveryInputs { get; set; }
    public double EverySeconds { get; set; }
    public int Keep { get; set; } = 2;
    public string JournalRetention { get; set; } = "keep";

    [JsonIgnore]
    public JournalRetentionMode RetentionMode => JournalRetention switch
    {
        "delete" => JournalRetentionMode.Delete,
        "archive" => JournalRetentionMode.Archive,
        _ => JournalRetentionMode.Keep,
    };

    public void Validate()
    {
        if (EveryInputs < 0 || EverySeconds < 0 || double.IsNaN(EverySeconds)) throw new ConfigException("snapshots: everyInputs and everySeconds must not be negative");
        if (Keep < 1) throw new ConfigException("snapshots: keep is at least 1");
        if (JournalRetention is not ("keep" or "delete" or "archive")) throw new ConfigException($"snapshots: journalRetention '{JournalRetention}' is not keep, delete or archive");
        if (JournalRetention != "keep" && EveryInputs == 0 && EverySeconds == 0)
            throw new ConfigException("snapshots: journal retention needs snapshots while running (everyInputs or everySeconds)");
    }
}

// Properties have setters, not init: the source-generated reader sets every init-only property it was built with,
// so a key a file leaves out would lose its default (an engine config without "idle" ran with an empty strategy).
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ShardConfig))]
internal sealed partial class ShardConfigJson : JsonSerializerContext;
