// Per-account permissions: what an account's orders may do, checked by the state machine itself so a replay and a
// standby refuse exactly the inputs the primary refused. Trade and Admin place, replace and cancel; CancelOnly cancels
// (one order or en masse) and nothing else; ReadOnly enters nothing. Who may send administration commands (Admin
// accounts, operators) is the engine process's to check before sequencing: those inputs carry no sender.
using System.Runtime.CompilerServices;

namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    /// <summary>Whether the account may place and replace orders.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool MayPlace(int accountSlot) => _accounts[accountSlot].Permission is AccountPermission.Trade or AccountPermission.Admin;

    /// <summary>Whether the account may cancel its orders.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool MayCancel(int accountSlot) => _accounts[accountSlot].Permission != AccountPermission.ReadOnly;

    public void Apply(long sequence, long timestamp, in SetAccountPermission c)
    {
        Sequence(sequence, timestamp);
        int slot = AccountSlot(c.Account);
        var reason = slot == None ? RejectReason.UnknownAccount
            : !AccountPermissions.IsValid(c.Permission) ? RejectReason.InvalidPermission
            : RejectReason.None;
        if (reason != RejectReason.None) { Reject(CommandKind.SetAccountPermission, c.Account, 0, -1, reason); return; }
        _accounts[slot].Permission = c.Permission;
        _output.OnPermissionChanged(new AccountPermissionChanged(c.Account, c.Permission));
    }

    /// <summary>An account's permission, if the account exists.</summary>
    public bool TryGetPermission(long account, out AccountPermission permission)
    {
        int slot = AccountSlot(account);
        permission = slot == None ? AccountPermission.Trade : _accounts[slot].Permission;
        return slot != None;
    }
}
