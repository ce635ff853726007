// The engine's whole state at one sequence, as plain arrays: captured on the engine thread (a copy, quick),
// then written or checked anywhere else. Restoring it gives an engine with the same state hash and the same
// future behaviour.
using System.Buffers.Binary;

namespace Exchange.Engine;

public readonly record struct SnapshotOrder(
    long OrderId, long Account, long ClientOrderId, int Symbol, Side Side, long Price, long Quantity, long Filled, long Held,
    SelfTradePrevention SelfTrade, bool PostOnly, long Display = 0, long Shown = 0);

/// <summary>A symbol: its rules, status, the top of book last published and its last trade price (0 before its first
/// trade, and in snapshots written before stops existed).</summary>
public readonly record struct SnapshotSymbol(SymbolSpec Spec, SymbolName Name, SymbolStatus Status, long BidPrice, long BidQuantity, long AskPrice, long AskQuantity,
    long LastPrice = 0, long SessionEnd = 0);

/// <summary>When an open order (resting or a pending stop) expires: a Day or GoodTillDate order's expiry.</summary>
/// <summary>An open order's expiry and its time in force (Day or GoodTillDate).</summary>
public readonly record struct SnapshotExpiry(long OrderId, long ExpireAt, TimeInForce TimeInForce = TimeInForce.GoodTillDate);

/// <summary>A pending stop or stop-limit order. <paramref name="Price"/> is a stop-limit's limit (0 for a stop);
/// <paramref name="TimeInForce"/> what it does once triggered.</summary>
public readonly record struct SnapshotStop(
    long OrderId, long Account, long ClientOrderId, int Symbol, Side Side, OrderType Type, TimeInForce TimeInForce, long StopPrice, long Price,
    long Quantity, long Held, SelfTradePrevention SelfTrade);

public sealed class EngineSnapshot
{
    private const ulong Magic = 0x35_50414E53_474E45; // "ENGSNAP5": with icebergs' display quantities and slices, accounts' rate limits and permissions, symbols' session ends and order expiries
    private const ulong MagicWithoutIcebergs = 0x34_50414E53_474E45; // "ENGSNAP4": with last trade prices and pending stops, still read
    private const ulong MagicWithoutStops = 0x33_50414E53_474E45; // "ENGSNAP3": with what the engine remembers for queries, still read
    private const ulong MagicWithoutHistory = 0x32_50414E53_474E45; // "ENGSNAP2": symbols carry their names, still read
    private const ulong MagicWithoutNames = 0x31_50414E53_474E45; // "ENGSNAP1", still read

    public required long Sequence { get; init; }
    public required long Timestamp { get; init; }
    public required long NextOrderId { get; init; }
    public required long NextTradeId { get; init; }
    public required int AssetCount { get; init; }
    public required SnapshotSymbol[] Symbols { get; init; }
    public required long[] Accounts { get; init; }
    /// <summary>Per account (in creation order) then per asset.</summary>
    public required long[] Available { get; init; }
    public required long[] Held { get; init; }
    /// <summary>Every resting order, per symbol and side in book priority order.</summary>
    public required SnapshotOrder[] Orders { get; init; }
    /// <summary>Per account (in creation order): the client order id of its last sequenced NewOrder or ReplaceOrder,
    /// and that input's sequence (empty in snapshots written before they were kept: all 0).</summary>
    public long[] LastClientOrderIds { get; init; } = [];
    public long[] LastClientOrderSequences { get; init; } = [];
    /// <summary>The ring of recently finished orders, oldest first.</summary>
    public FinishedOrder[] RecentOrders { get; init; } = [];
    /// <summary>Every pending stop, per symbol and side (buys, then sells) in trigger order (empty in snapshots written
    /// before stops existed).</summary>
    public SnapshotStop[] Stops { get; init; } = [];
    /// <summary>Per account (in creation order): its rate limit's interval, tolerance and due time, three longs each
    /// (empty in snapshots written before limits existed: no account has one).</summary>
    public long[] RateLimits { get; init; } = [];
    /// <summary>Every open order's expiry, by (expiry, order id) (empty in snapshots written before expiries existed).</summary>
    public SnapshotExpiry[] Expiries { get; init; } = [];
    /// <summary>Per account (in creation order): its permission (empty in snapshots written before permissions existed:
    /// every account trades).</summary>
    public AccountPermission[] Permissions { get; init; } = [];

    public void WriteTo(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Sequence); w.Write(Timestamp); w.Write(NextOrderId); w.Write(NextTradeId); w.Write(AssetCount);
        w.Write(Symbols.Length);
        Span<byte> name = stackalloc byte[SymbolName.MaxLength];
        foreach (var s in Symbols)
        {
            var p = s.Spec;
            w.Write(p.Id); w.Write(p.BaseAsset); w.Write(p.QuoteAsset); w.Write(p.TickSize); w.Write(p.LotSize); w.Write(p.MinQuantity);
            w.Write(p.MaxQuantity); w.Write(p.ReferencePrice); w.Write(p.BandBps); w.Write(p.MakerFeeBps); w.Write(p.TakerFeeBps); w.Write(p.MaxNotional);
            s.Name.CopyTo(name);
            w.Write(name);
            w.Write((byte)s.Status); w.Write(s.BidPrice); w.Write(s.BidQuantity); w.Write(s.AskPrice); w.Write(s.AskQuantity);
        }
        w.Write(Accounts.Length);
        foreach (long a in Accounts) w.Write(a);
        foreach (long v in Available) w.Write(v);
        foreach (long v in Held) w.Write(v);
        w.Write(Orders.Length);
        // Orders dominate a snapshot; write them through one buffer rather than field by field.
        var buffer = new byte[OrderSize * 4096];
        for (int start = 0; start < Orders.Length; start += 4096)
        {
            int n = Math.Min(4096, Orders.Length - start);
            for (int i = 0; i < n; i++) WriteOrder(buffer.AsSpan(i * OrderSize), in Orders[start + i]);
            w.Write(buffer, 0, n * OrderSize);
        }
        w.Write(LastClientOrderIds.Length);
        foreach (long v in LastClientOrderIds) w.Write(v);
        foreach (long v in LastClientOrderSequences) w.Write(v);
        w.Write(RecentOrders.Length);
        foreach (var f in RecentOrders)
        {
            w.Write(f.Account); w.Write(f.ClientOrderId); w.Write(f.OrderId); w.Write(f.Symbol); w.Write((byte)f.Side); w.Write(f.Price);
            w.Write(f.Quantity); w.Write(f.Filled); w.Write(f.Sequence); w.Write((byte)f.State); w.Write((ushort)f.RejectReason); w.Write((byte)f.CancelReason);
        }
        foreach (var s in Symbols) w.Write(s.LastPrice);
        w.Write(Stops.Length);
        foreach (var s in Stops)
        {
            w.Write(s.OrderId); w.Write(s.Account); w.Write(s.ClientOrderId); w.Write(s.Symbol); w.Write((byte)s.Side); w.Write((byte)s.Type);
            w.Write((byte)s.TimeInForce); w.Write(s.StopPrice); w.Write(s.Price); w.Write(s.Quantity); w.Write(s.Held); w.Write((byte)s.SelfTrade);
        }
        // Icebergs: the position of each in Orders, its display quantity and its slice.
        int icebergs = 0;
        foreach (var o in Orders) if (o.Display != 0) icebergs++;
        w.Write(icebergs);
        for (int i = 0; i < Orders.Length; i++)
            if (Orders[i].Display != 0) { w.Write(i); w.Write(Orders[i].Display); w.Write(Orders[i].Shown); }
        w.Write(RateLimits.Length);
        foreach (long v in RateLimits) w.Write(v);
        foreach (var s in Symbols) w.Write(s.SessionEnd);
        w.Write(Expiries.Length);
        foreach (var e in Expiries) { w.Write(e.OrderId); w.Write(e.ExpireAt); w.Write((byte)e.TimeInForce); }
        w.Write(Permissions.Length);
        foreach (var p in Permissions) w.Write((byte)p);
    }

    private const int OrderSize = 8 * 7 + 4 + 3;

    private static void WriteOrder(Span<byte> b, in SnapshotOrder o)
    {
        BinaryPrimitives.WriteInt64LittleEndian(b, o.OrderId);
        BinaryPrimitives.WriteInt64LittleEndian(b[8..], o.Account);
        BinaryPrimitives.WriteInt64LittleEndian(b[16..], o.ClientOrderId);
        BinaryPrimitives.WriteInt64LittleEndian(b[24..], o.Price);
        BinaryPrimitives.WriteInt64LittleEndian(b[32..], o.Quantity);
        BinaryPrimitives.WriteInt64LittleEndian(b[40..], o.Filled);
        BinaryPrimitives.WriteInt64LittleEndian(b[48..], o.Held);
        BinaryPrimitives.WriteInt32LittleEndian(b[56..], o.Symbol);
        b[60] = (byte)o.Side;
        b[61] = (byte)o.SelfTrade;
        b[62] = o.PostOnly ? (byte)1 : (byte)0;
    }

    private static SnapshotOrder ReadOrder(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadInt64LittleEndian(b), BinaryPrimitives.ReadInt64LittleEndian(b[8..]), BinaryPrimitives.ReadInt64LittleEndian(b[16..]),
        BinaryPrimitives.ReadInt32LittleEndian(b[56..]), (Side)b[60], BinaryPrimitives.ReadInt64LittleEndian(b[24..]),
        BinaryPrimitives.ReadInt64LittleEndian(b[32..]), BinaryPrimitives.ReadInt64LittleEndian(b[40..]), BinaryPrimitives.ReadInt64LittleEndian(b[48..]),
        (SelfTradePrevention)b[61], b[62] != 0);

    /// <summary>Reads what <see cref="WriteTo"/> wrote; anything malformed is an <see cref="InvalidDataException"/>.</summary>
    public static EngineSnapshot ReadFrom(Stream stream)
    {
        try
        {
            using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            ulong magic = r.ReadUInt64();
            if (magic != Magic && magic != MagicWithoutIcebergs && magic != MagicWithoutStops && magic != MagicWithoutHistory && magic != MagicWithoutNames) throw new InvalidDataException("not an engine snapshot (wrong magic)");
            long sequence = r.ReadInt64(), timestamp = r.ReadInt64(), nextOrderId = r.ReadInt64(), nextTradeId = r.ReadInt64();
            int assets = r.ReadInt32();
            if (assets is < 1 or > 1 << 16) throw new InvalidDataException($"asset count {assets}");
            var symbols = new SnapshotSymbol[Count(r, 1 << 20)];
            for (int i = 0; i < symbols.Length; i++)
            {
                var spec = new SymbolSpec(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(),
                    r.ReadInt64(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt64());
                var name = magic != MagicWithoutNames ? SymbolName.FromBytes(r.ReadBytes(SymbolName.MaxLength)) : default;
                symbols[i] = new SnapshotSymbol(spec, name, (SymbolStatus)r.ReadByte(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
            }
            var accounts = new long[Count(r, 1 << 26)];
            for (int i = 0; i < accounts.Length; i++) accounts[i] = r.ReadInt64();
            if ((long)accounts.Length * assets > 1 << 28) throw new InvalidDataException("too many balances");
            var available = new long[accounts.Length * assets];
            var held = new long[accounts.Length * assets];
            for (int i = 0; i < available.Length; i++) available[i] = r.ReadInt64();
            for (int i = 0; i < held.Length; i++) held[i] = r.ReadInt64();
            var orders = new SnapshotOrder[Count(r, 1 << 28)];
            var buffer = new byte[OrderSize];
            for (int i = 0; i < orders.Length; i++)
            {
                r.BaseStream.ReadExactly(buffer);
                orders[i] = ReadOrder(buffer);
            }
            long[] lastIds = [], lastSequences = [];
            FinishedOrder[] recent = [];
            if (magic == Magic || magic == MagicWithoutIcebergs || magic == MagicWithoutStops)
            {
                int n = Count(r, accounts.Length);
                if (n != accounts.Length) throw new InvalidDataException($"{n} last client order ids for {accounts.Length} accounts");
                lastIds = new long[n];
                lastSequences = new long[n];
                for (int i = 0; i < n; i++) lastIds[i] = r.ReadInt64();
                for (int i = 0; i < n; i++) lastSequences[i] = r.ReadInt64();
                recent = new FinishedOrder[Count(r, 1 << 20)];
                for (int i = 0; i < recent.Length; i++)
                    recent[i] = new FinishedOrder(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt32(), (Side)r.ReadByte(), r.ReadInt64(),
                        r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), (OrderState)r.ReadByte(), (RejectReason)r.ReadUInt16(), (CancelReason)r.ReadByte());
            }
            SnapshotStop[] stops = [];
            if (magic == Magic || magic == MagicWithoutIcebergs)
            {
                for (int i = 0; i < symbols.Length; i++) symbols[i] = symbols[i] with { LastPrice = r.ReadInt64() };
                stops = new SnapshotStop[Count(r, 1 << 28)];
                for (int i = 0; i < stops.Length; i++)
                    stops[i] = new SnapshotStop(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt32(), (Side)r.ReadByte(), (OrderType)r.ReadByte(),
                        (TimeInForce)r.ReadByte(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), (SelfTradePrevention)r.ReadByte());
            }
            if (magic == Magic)
            {
                int icebergs = Count(r, orders.Length);
                for (int i = 0, last = -1; i < icebergs; i++)
                {
                    int at = r.ReadInt32();
                    if (at <= last || at >= orders.Length) throw new InvalidDataException($"iceberg at order position {at}");
                    orders[at] = orders[at] with { Display = r.ReadInt64(), Shown = r.ReadInt64() };
                    last = at;
                }
            }
            long[] rateLimits = [];
            if (magic == Magic)
            {
                int n = Count(r, 3 * accounts.Length);
                if (n != 0 && n != 3 * accounts.Length) throw new InvalidDataException($"{n} rate limit values for {accounts.Length} accounts");
                rateLimits = new long[n];
                for (int i = 0; i < n; i++) rateLimits[i] = r.ReadInt64();
            }
            SnapshotExpiry[] expiries = [];
            if (magic == Magic)
            {
                for (int i = 0; i < symbols.Length; i++) symbols[i] = symbols[i] with { SessionEnd = r.ReadInt64() };
                expiries = new SnapshotExpiry[Count(r, 1 << 28)];
                for (int i = 0; i < expiries.Length; i++) expiries[i] = new SnapshotExpiry(r.ReadInt64(), r.ReadInt64(), (TimeInForce)r.ReadByte());
            }
            AccountPermission[] permissions = [];
            if (magic == Magic)
            {
                int n = Count(r, accounts.Length);
                if (n != 0 && n != accounts.Length) throw new InvalidDataException($"{n} permissions for {accounts.Length} accounts");
                permissions = new AccountPermission[n];
                for (int i = 0; i < n; i++)
                {
                    permissions[i] = (AccountPermission)r.ReadByte();
                    if (!AccountPermissions.IsValid(permissions[i])) throw new InvalidDataException($"account {accounts[i]} has permission {(byte)permissions[i]}");
                }
            }
            return new EngineSnapshot
            {
                Sequence = sequence, Timestamp = timestamp, NextOrderId = nextOrderId, NextTradeId = nextTradeId, AssetCount = assets,
                Symbols = symbols, Accounts = accounts, Available = available, Held = held, Orders = orders,
                LastClientOrderIds = lastIds, LastClientOrderSequences = lastSequences, RecentOrders = recent, Stops = stops, RateLimits = rateLimits,
                Expiries = expiries, Permissions = permissions,
            };
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("engine snapshot is truncated");
        }
    }

    private static int Count(BinaryReader r, int max)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > max) throw new InvalidDataException($"count {n} outside 0..{max}");
        return n;
    }
}
