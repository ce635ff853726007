// Capacities and fixed accounts of one engine. Everything the engine will ever hold is allocated from these
// at construction, so steady-state matching never allocates.
namespace Exchange.Engine;

public sealed record EngineConfig
{
    /// <summary>Assets are numbered 0 .. AssetCount-1.</summary>
    public int AssetCount { get; init; } = 16;
    /// <summary>Symbols are numbered 0 .. MaxSymbols-1.</summary>
    public int MaxSymbols { get; init; } = 64;
    public int MaxAccounts { get; init; } = 1 << 16;
    /// <summary>Resting orders across all books.</summary>
    public int MaxOrders { get; init; } = 1 << 20;
    /// <summary>Price levels across all books.</summary>
    public int MaxPriceLevels { get; init; } = 1 << 18;
    /// <summary>Price levels each book side has room for before it grows (growth allocates once).</summary>
    public int InitialLevelsPerSide { get; init; } = 1024;
    public int MaxOpenOrdersPerAccount { get; init; } = 1 << 20;
    /// <summary>The account that receives every fee. It exists from the start.</summary>
    public long FeeAccount { get; init; } = 0;
    /// <summary>Finished orders (filled, cancelled, rejected) the engine remembers, newest first, for order-status
    /// queries: a ring shared by every account, part of the state (snapshots, state hash).</summary>
    public int RecentOrders { get; init; } = 4096;
    /// <summary>Every account's order-entry rate limit unless its AddAccount gives its own: new orders and replaces per
    /// second of sequencer time (0: none), and how many may come at once (at least 1).</summary>
    public int AccountOrdersPerSecond { get; init; }
    public int AccountOrderBurst { get; init; } = 1;

    public void Validate()
    {
        if (AssetCount is < 2 or > 1 << 16) throw new ArgumentException($"AssetCount {AssetCount} outside 2..65536");
        if (MaxSymbols is < 1 or > 1 << 20) throw new ArgumentException($"MaxSymbols {MaxSymbols} outside 1..2^20");
        if (MaxAccounts is < 1 or > 1 << 26) throw new ArgumentException($"MaxAccounts {MaxAccounts} outside 1..2^26");
        if (MaxOrders is < 1 or > 1 << 28) throw new ArgumentException($"MaxOrders {MaxOrders} outside 1..2^28");
        if (MaxPriceLevels is < 1 or > 1 << 26) throw new ArgumentException($"MaxPriceLevels {MaxPriceLevels} outside 1..2^26");
        if (InitialLevelsPerSide < 1) throw new ArgumentException("InitialLevelsPerSide must be positive");
        if (RecentOrders is < 1 or > 1 << 20) throw new ArgumentException($"RecentOrders {RecentOrders} outside 1..2^20");
        if (MaxOpenOrdersPerAccount < 1) throw new ArgumentException("MaxOpenOrdersPerAccount must be positive");
        if (AccountOrdersPerSecond is < 0 or > 1_000_000_000) throw new ArgumentException($"AccountOrdersPerSecond {AccountOrdersPerSecond} outside 0..10^9");
        if (AccountOrderBurst is < 1 or > 1_000_000) throw new ArgumentException($"AccountOrderBurst {AccountOrderBurst} outside 1..10^6");
        if ((long)MaxAccounts * AssetCount > 1 << 28) throw new ArgumentException("MaxAccounts × AssetCount exceeds 2^28 balances");
    }
}
