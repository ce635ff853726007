// The single-threaded, deterministic state machine of one shard: accounts, balances and books. Commands in,
// events out through TOutput; see README.md for the exact rules and the order of events.
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput> where TOutput : IEngineOutput
{
    private const int None = -1;
    /// <summary>Order slot for the taker of an order that can never rest (IOC, FOK, market).</summary>
    private const int TakerSlot = 0;
    private const int FeeAccountSlot = 0;

    private readonly EngineConfig _config;
    private readonly int _assets;
    private TOutput _output;

    private readonly OrderBook?[] _books;
    private readonly Order[] _orders;
    private int _freeOrder;
    private int _freeOrders;
    private readonly PriceLevel[] _levels;
    private int _freeLevel;
    private int _freeLevels;
    private readonly AccountState[] _accounts;
    private int _accountCount;
    private readonly long[] _available;
    private readonly long[] _held;
    private readonly KeyIndex _accountIndex;
    /// <summary>Open orders by account slot and client order id.</summary>
    private readonly KeyIndex _orderIndex;

    private long _nextOrderId = 1;
    private long _nextTradeId = 1;
    private long _lastSequence;
    private long _timestamp;

    public MatchingEngine(EngineConfig config, TOutput output)
    {
        config.Validate();
        _config = config;
        _assets = config.AssetCount;
        _output = output;
        _books = new OrderBook?[config.MaxSymbols];

        _orders = new Order[config.MaxOrders + 1];
        for (int i = 1; i <= config.MaxOrders; i++) _orders[i].Next = i < config.MaxOrders ? i + 1 : None;
        _freeOrder = config.MaxOrders > 0 ? 1 : None;
        _freeOrders = config.MaxOrders;

        _levels = new PriceLevel[config.MaxPriceLevels];
        for (int i = 0; i < config.MaxPriceLevels; i++) _levels[i].Tail = i + 1 < config.MaxPriceLevels ? i + 1 : None;
        _freeLevel = 0;
        _freeLevels = config.MaxPriceLevels;

        _accounts = new AccountState[config.MaxAccounts];
        _available = new long[config.MaxAccounts * _assets];
        _held = new long[config.MaxAccounts * _assets];
        _accountIndex = new KeyIndex(config.MaxAccounts);
        _orderIndex = new KeyIndex(config.MaxOrders);
        _finished = new FinishedSlot[config.RecentOrders];
        CreateAccount(config.FeeAccount);
    }

    public EngineConfig Config => _config;

    /// <summary>The sink events go to; a reference so a struct sink's state can be read and reset.</summary>
    public ref TOutput Output => ref _output;

    public long LastSequence => _lastSequence;

    /// <summary>Timestamp of the last command applied, as the sequencer stamped it.</summary>
    public long LastTimestamp => _timestamp;

    public int OpenOrderCount => _config.MaxOrders - _freeOrders;

    // ---- admin commands ----

    public void Apply(long sequence, long timestamp, in AddAccount c)
    {
        Sequence(sequence, timestamp);
        if (_accountIndex.Find(0, c.Account) != None) { Reject(CommandKind.AddAccount, c.Account, 0, -1, RejectReason.DuplicateAccount); return; }
        if (_accountCount == _config.MaxAccounts) { Reject(CommandKind.AddAccount, c.Account, 0, -1, RejectReason.AccountCapacityExhausted); return; }
        if (c.OrdersPerSecond is < 0 or > 1_000_000_000 || c.OrderBurst is < 0 or > 1_000_000)
        {
            Reject(CommandKind.AddAccount, c.Account, 0, -1, RejectReason.InvalidQuantity);
            return;
        }
        if (!AccountPermissions.IsValid(c.Permission)) { Reject(CommandKind.AddAccount, c.Account, 0, -1, RejectReason.InvalidPermission); return; }
        CreateAccount(c.Account);
        SetRateLimit(_accountCount - 1, c.OrdersPerSecond, c.OrderBurst);
        _accounts[_accountCount - 1].Permission = c.Permission;
        _output.OnAccountAdded(new AccountAdded(c.Account));
    }

    public void Apply(long sequence, long timestamp, in AddSymbol c)
    {
        Sequence(sequence, timestamp);
        var reason = c.Spec.Validate(_assets, _config.MaxSymbols);
        if (reason == RejectReason.None && (_books[c.Spec.Id] != null || NameTaken(c.Name))) reason = RejectReason.DuplicateSymbol;
        if (reason == RejectReason.None && c.SessionEnd != 0 && !SessionEnds.IsValid(c.SessionEnd)) reason = RejectReason.InvalidSymbolSpec;
        if (reason != RejectReason.None) { Reject(CommandKind.AddSymbol, 0, 0, c.Spec.Id, reason); return; }
        _books[c.Spec.Id] = new OrderBook(c.Spec, c.Name, _config.InitialLevelsPerSide) { SessionEnd = c.SessionEnd };
        _output.OnSymbolStatus(new SymbolStatusChanged(c.Spec.Id, SymbolStatus.Open));
    }

    /// <summary>Whether another symbol already has this name: the gateways find symbols by name, so names are unique.</summary>
    private bool NameTaken(SymbolName name)
    {
        if (name.IsEmpty) return false;
        foreach (var book in _books)
            if (book != null && book.Name == name) return true;
        return false;
    }

    public void Apply(long sequence, long timestamp, in HaltSymbol c)
    {
        Sequence(sequence, timestamp);
        SetStatus(CommandKind.HaltSymbol, c.Symbol, SymbolStatus.Halted);
    }

    public void Apply(long sequence, long timestamp, in ResumeSymbol c)
    {
        Sequence(sequence, timestamp);
        SetStatus(CommandKind.ResumeSymbol, c.Symbol, SymbolStatus.Open);
    }

    private void SetStatus(CommandKind kind, int symbol, SymbolStatus status)
    {
        var book = BookOf(symbol);
        if (book == null) { Reject(kind, 0, 0, symbol, RejectReason.UnknownSymbol); return; }
        if (book.Status == status) { Reject(kind, 0, 0, symbol, RejectReason.SymbolAlreadyInStatus); return; }
        book.Status = status;
        _output.OnSymbolStatus(new SymbolStatusChanged(symbol, status));
    }

    public void Apply(long sequence, long timestamp, in Deposit c)
    {
        Sequence(sequence, timestamp);
        int account = AccountSlot(c.Account);
        var reason = CheckTransfer(account, c.Asset, c.Amount);
        int i = reason == RejectReason.None ? Balance(account, c.Asset) : 0;
        if (reason == RejectReason.None && _available[i] + _held[i] > Limits.MaxAmount - c.Amount) reason = RejectReason.BalanceOverflow;
        if (reason != RejectReason.None) { Reject(CommandKind.Deposit, c.Account, 0, c.Asset, reason); return; }
        _available[i] += c.Amount;
        EmitBalance(account, c.Asset);
    }

    public void Apply(long sequence, long timestamp, in Withdraw c)
    {
        Sequence(sequence, timestamp);
        int account = AccountSlot(c.Account);
        var reason = CheckTransfer(account, c.Asset, c.Amount);
        int i = reason == RejectReason.None ? Balance(account, c.Asset) : 0;
        if (reason == RejectReason.None && _available[i] < c.Amount) reason = RejectReason.InsufficientFunds;
        if (reason != RejectReason.None) { Reject(CommandKind.Withdraw, c.Account, 0, c.Asset, reason); return; }
        _available[i] -= c.Amount;
        EmitBalance(account, c.Asset);
    }

    private RejectReason CheckTransfer(int account, int asset, long amount)
    {
        if (account == None) return RejectReason.UnknownAccount;
        if ((uint)asset >= (uint)_assets) return RejectReason.UnknownAsset;
        if (amount <= 0 || amount > Limits.MaxAmount) return RejectReason.InvalidAmount;
        return RejectReason.None;
    }

    // ---- shared plumbing ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    /// <summary>A leadership's first input: it takes its sequence and changes nothing else (no event, no state).</summary>
    public void Apply(long sequence, long timestamp, in LeaderTerm c) => Sequence(sequence, timestamp);

    private void Sequence(long sequence, long timestamp)
    {
        if (sequence <= _lastSequence) ThrowSequenceNotIncreasing(sequence, _lastSequence);
        _lastSequence = sequence;
        _timestamp = timestamp;
    }

    [DoesNotReturn]
    private static void ThrowSequenceNotIncreasing(long sequence, long last) =>
        throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"sequence must increase; last applied was {last}");

    private void CreateAccount(long id)
    {
        int slot = _accountCount++;
        _accounts[slot] = new AccountState { Id = id, FirstOrder = None, LastOrder = None };
        _accountIndex.Add(0, id, slot);
    }

    /// <summary>The slot of the account found last: most inputs in a row come from one account (a market maker's
    /// session), and the check is cheaper than a hash lookup. Slots are never reused, so it needs no invalidation.</summary>
    private int _lastAccountSlot;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int AccountSlot(long account)
    {
        int last = _lastAccountSlot;
        if ((uint)last < (uint)_accountCount && _accounts[last].Id == account) return last;
        int slot = _accountIndex.Find(0, account);
        if (slot != None) _lastAccountSlot = slot;
        return slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private OrderBook? BookOf(int symbol) => (uint)symbol < (uint)_books.Length ? _books[symbol] : null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Balance(int accountSlot, int asset) => accountSlot * _assets + asset;

    private void Reject(CommandKind command, long account, long clientOrderId, int symbol, RejectReason reason) =>
        _output.OnRejected(new CommandRejected(command, account, clientOrderId, symbol, reason));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EmitBalance(int accountSlot, int asset)
    {
        int i = Balance(accountSlot, asset);
        _output.OnBalance(new BalanceChanged(_accounts[accountSlot].Id, asset, _available[i], _held[i]));
    }

    private void EmitLevel(OrderBook book, Side side, ref PriceLevel level) =>
        _output.OnLevel(new LevelChanged(book.Spec.Id, side, level.Price, level.Quantity, level.Count));

    private void EmitBestBidOfferIfChanged(OrderBook book)
    {
        long bidPrice = 0, bidQuantity = 0, askPrice = 0, askQuantity = 0;
        if (book.Bids.Count > 0) { ref PriceLevel l = ref _levels[book.Bids.Best]; bidPrice = l.Price; bidQuantity = l.Quantity; }
        if (book.Asks.Count > 0) { ref PriceLevel l = ref _levels[book.Asks.Best]; askPrice = l.Price; askQuantity = l.Quantity; }
        if (bidPrice == book.LastBidPrice && bidQuantity == book.LastBidQuantity &&
            askPrice == book.LastAskPrice && askQuantity == book.LastAskQuantity) return;
        book.LastBidPrice = bidPrice;
        book.LastBidQuantity = bidQuantity;
        book.LastAskPrice = askPrice;
        book.LastAskQuantity = askQuantity;
        _output.OnBestBidOffer(new BestBidOffer(book.Spec.Id, bidPrice, bidQuantity, askPrice, askQuantity));
    }
}
