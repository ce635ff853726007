// One decoding of any command into the few fields every command's handling asks about.
namespace Exchange.Contract;

/// <summary>What a command names (its kind, whose account, which order, which symbol), decoded without keeping the
/// rest: what the engine's session layer checks before sequencing a command and what a reject of it carries, and a
/// decodability check for tools reading journals.</summary>
public struct CommandSummary : ICommandHandler
{
    public CommandKind Kind;
    public long Account;
    public long ClientOrderId;
    /// <summary>The symbol, or for deposits and withdrawals the asset; -1 when the command has neither.</summary>
    public int Symbol;

    public void On(in AddAccount c) { Kind = CommandKind.AddAccount; Account = c.Account; Symbol = -1; }
    public void On(in AddSymbol c) { Kind = CommandKind.AddSymbol; Symbol = c.Spec.Id; }
    public void On(in HaltSymbol c) { Kind = CommandKind.HaltSymbol; Symbol = c.Symbol; }
    public void On(in ResumeSymbol c) { Kind = CommandKind.ResumeSymbol; Symbol = c.Symbol; }
    public void On(in Deposit c) { Kind = CommandKind.Deposit; Account = c.Account; Symbol = c.Asset; }
    public void On(in Withdraw c) { Kind = CommandKind.Withdraw; Account = c.Account; Symbol = c.Asset; }
    public void On(in SetAccountPermission c) { Kind = CommandKind.SetAccountPermission; Account = c.Account; Symbol = -1; }
    public void On(in NewOrder c) { Kind = CommandKind.NewOrder; Account = c.Account; ClientOrderId = c.ClientOrderId; Symbol = c.Symbol; }
    public void On(in CancelOrder c) { Kind = CommandKind.CancelOrder; Account = c.Account; ClientOrderId = c.ClientOrderId; Symbol = -1; }
    public void On(in ReplaceOrder c) { Kind = CommandKind.ReplaceOrder; Account = c.Account; ClientOrderId = c.OrigClientOrderId; Symbol = -1; }
    public void On(in MassCancel c) { Kind = CommandKind.MassCancel; Account = c.Account; Symbol = c.Symbol; }
    /// <summary>Not a client's command (Kind stays 0): the engine journals it itself.</summary>
    public void On(in LeaderTerm c) { Symbol = -1; }
    /// <summary>Not a client's command either: the leading engine's sequencer injects it.</summary>
    public void On(in ExpireOrders c) { Symbol = -1; }
}
