// Per-account permissions (engine README "Permissions"): Trade and Admin accounts place, replace and cancel; a CancelOnly
// account cancels (one order or en masse) and nothing else; a ReadOnly one enters nothing. A refused command is rejected
// NotPermitted and changes nothing. The permission comes from AddAccount and changes by SetAccountPermission, an input
// like any other; it is state (snapshots, state hash), so a replay and a standby refuse exactly the same inputs.
using Exchange.Contract;
using Exchange.Engine;

using static Exchange.Engine.Tests.EngineFixture;

namespace Exchange.Engine.Tests;

public sealed class PermissionTests
{
    private const long Dave = 4;

    private static EngineFixture WithDave(AccountPermission permission)
    {
        var f = new EngineFixture();
        f.Run(new AddAccount(Dave, Permission: permission));
        f.Deposit(Dave, QuoteAsset, InitialQuote);
        f.Deposit(Dave, BaseAsset, InitialBase);
        f.Deposit(Dave, Base2Asset, InitialBase);
        return f;
    }

    private static void AssertRefused(EngineFixture f, CommandRejected expected, Func<List<object>> command)
    {
        long hash = f.Hash;
        Assert.Equal([expected], command());
        Assert.Equal(hash, f.Hash);
    }

    [Theory]
    [InlineData(AccountPermission.Trade)]
    [InlineData(AccountPermission.Admin)]
    public void Trade_and_admin_accounts_place_replace_and_cancel(AccountPermission permission)
    {
        var f = WithDave(permission);
        Assert.Contains(f.Buy(Dave, 1, 9_500, 10), e => e is OrderAccepted);
        Assert.Contains(f.Replace(Dave, 1, 2, 9_400, 10), e => e is OrderReplaced);
        Assert.Contains(f.Cancel(Dave, 2), e => e is OrderCancelled);
        Assert.True(f.Engine.TryGetPermission(Dave, out var p));
        Assert.Equal(permission, p);
    }

    [Fact]
    public void A_cancel_only_account_places_and_replaces_nothing_but_cancels_what_rests()
    {
        var f = WithDave(AccountPermission.Trade);
        f.Buy(Dave, 1, 9_500, 10);
        f.Buy(Dave, 2, 9_400, 10);
        Assert.Contains(f.Sell(Dave, 3, 1_200, 5, symbol: Sym2), e => e is OrderAccepted);
        Assert.Equal([new AccountPermissionChanged(Dave, AccountPermission.CancelOnly)], f.Permit(Dave, AccountPermission.CancelOnly));

        AssertRefused(f, new CommandRejected(CommandKind.NewOrder, Dave, 4, Sym, RejectReason.NotPermitted), () => f.Buy(Dave, 4, 9_500, 10));
        // Not even an order that would only reduce its position: a cancel-only account adds nothing to the book.
        AssertRefused(f, new CommandRejected(CommandKind.NewOrder, Dave, 5, Sym, RejectReason.NotPermitted), () => f.MarketSell(Dave, 5, 10));
        AssertRefused(f, new CommandRejected(CommandKind.ReplaceOrder, Dave, 1, -1, RejectReason.NotPermitted), () => f.Replace(Dave, 1, 6, 9_450, 5));

        // Its orders stay, and it can take them out: one, then the rest en masse (holds released).
        Assert.Contains(f.Cancel(Dave, 1), e => e is OrderCancelled c && c.ClientOrderId == 1);
        Assert.Contains(f.MassCancel(Dave), e => e is MassCancelled m && m.Count == 2);
        Assert.Equal(0, f.BalanceOf(Dave, QuoteAsset).Held);
        Assert.Equal(0, f.BalanceOf(Dave, Base2Asset).Held);

        // Back to Trade, it trades again.
        f.Permit(Dave, AccountPermission.Trade);
        Assert.Contains(f.Buy(Dave, 7, 9_500, 10), e => e is OrderAccepted);
    }

    [Fact]
    public void A_read_only_account_enters_nothing_not_even_a_cancel()
    {
        var f = WithDave(AccountPermission.Trade);
        f.Buy(Dave, 1, 9_500, 10);
        f.Permit(Dave, AccountPermission.ReadOnly);
        AssertRefused(f, new CommandRejected(CommandKind.NewOrder, Dave, 2, Sym, RejectReason.NotPermitted), () => f.Buy(Dave, 2, 9_500, 10));
        AssertRefused(f, new CommandRejected(CommandKind.ReplaceOrder, Dave, 1, -1, RejectReason.NotPermitted), () => f.Replace(Dave, 1, 3, 9_450, 5));
        AssertRefused(f, new CommandRejected(CommandKind.CancelOrder, Dave, 1, -1, RejectReason.NotPermitted), () => f.Cancel(Dave, 1));
        AssertRefused(f, new CommandRejected(CommandKind.MassCancel, Dave, 0, -1, RejectReason.NotPermitted), () => f.MassCancel(Dave));
        // Its resting order still trades: the permission governs what it enters, not what others do.
        Assert.Contains(f.Sell(Alice, 1, 9_500, 10), e => e is Fill fill && fill.Account == Dave);
    }

    [Fact]
    public void The_account_added_with_a_permission_has_it_from_its_first_order()
    {
        var f = WithDave(AccountPermission.CancelOnly);
        AssertRefused(f, new CommandRejected(CommandKind.NewOrder, Dave, 1, Sym, RejectReason.NotPermitted), () => f.Buy(Dave, 1, 9_500, 10));
        // Cancelling what it does not have is the usual UnknownOrder: the permission let the cancel through.
        Assert.Equal([new CommandRejected(CommandKind.CancelOrder, Dave, 1, -1, RejectReason.UnknownOrder)], f.Cancel(Dave, 1));
    }

    [Fact]
    public void Permissions_outside_the_four_and_unknown_accounts_are_rejected()
    {
        var f = new EngineFixture();
        long hash = f.Hash;
        Assert.Equal([new CommandRejected(CommandKind.AddAccount, Dave, 0, -1, RejectReason.InvalidPermission)],
            f.Run(new AddAccount(Dave, Permission: (AccountPermission)4)));
        Assert.Equal([new CommandRejected(CommandKind.SetAccountPermission, Alice, 0, -1, RejectReason.InvalidPermission)],
            f.Permit(Alice, (AccountPermission)200));
        Assert.Equal([new CommandRejected(CommandKind.SetAccountPermission, 77, 0, -1, RejectReason.UnknownAccount)],
            f.Permit(77, AccountPermission.ReadOnly));
        Assert.Equal(hash, f.Hash);
        Assert.False(f.Engine.TryGetPermission(Dave, out _));
    }

    [Fact]
    public void The_permission_is_state_a_snapshot_keeps_and_the_hash_covers()
    {
        var f = WithDave(AccountPermission.Trade);
        f.Buy(Dave, 1, 9_500, 10);
        long trading = f.Hash;
        f.Permit(Dave, AccountPermission.CancelOnly);
        Assert.NotEqual(trading, f.Hash);
        f.Permit(Dave, AccountPermission.Trade);
        Assert.Equal(trading, f.Hash); // Trade is folded as nothing, so states without permissions hash as before
        f.Permit(Bob, AccountPermission.ReadOnly);

        var stream = new MemoryStream();
        f.Engine.Capture().WriteTo(stream);
        stream.Position = 0;
        var restored = new EngineFixture(null, setup: false);
        restored.Engine.Restore(EngineSnapshot.ReadFrom(stream));
        Assert.Equal(f.Engine.StateHash(), restored.Engine.StateHash());
        Assert.True(restored.Engine.TryGetPermission(Bob, out var bob));
        Assert.Equal(AccountPermission.ReadOnly, bob);
        restored.Sequence = f.Sequence;
        Assert.Equal(RejectReason.NotPermitted, restored.Cancel(Bob, 1).OfType<CommandRejected>().Single().Reason);
        Assert.Contains(restored.Cancel(Dave, 1), e => e is OrderCancelled);
    }

    [Fact]
    public void A_snapshot_with_a_permission_outside_the_four_is_refused()
    {
        var f = new EngineFixture();
        var s = f.Engine.Capture();
        var bad = new EngineSnapshot
        {
            Sequence = s.Sequence, Timestamp = s.Timestamp, NextOrderId = s.NextOrderId, NextTradeId = s.NextTradeId, AssetCount = s.AssetCount,
            Symbols = s.Symbols, Accounts = s.Accounts, Available = s.Available, Held = s.Held, Orders = s.Orders,
            LastClientOrderIds = s.LastClientOrderIds, LastClientOrderSequences = s.LastClientOrderSequences, RecentOrders = s.RecentOrders,
            Permissions = [.. s.Accounts.Select(_ => (AccountPermission)9)],
        };
        var stream = new MemoryStream();
        bad.WriteTo(stream);
        stream.Position = 0;
        Assert.Throws<InvalidDataException>(() => EngineSnapshot.ReadFrom(stream));
        Assert.Throws<InvalidDataException>(() => new EngineFixture(null, setup: false).Engine.Restore(bad));
    }
}
