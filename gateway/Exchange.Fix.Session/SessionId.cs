// Which session a message belongs to, from our point of view: SenderCompID is us, TargetCompID the counterparty.
namespace Exchange.Fix.Session;

public readonly record struct SessionId(string BeginString, string SenderCompID, string TargetCompID)
{
    public override string ToString() => $"{BeginString}:{SenderCompID}->{TargetCompID}";
}
