// Which session a message belongs to, from our point of view: SenderCompID is us, TargetCompID the counterparty.
namespace Exchange.Fix.Session;

public readonly record struct SessionId(string BeginString, string SenderCompID, string TargetCompID)
{
    public override string ToString() => $"{BeginString}:{SenderCompID}->{TargetCompID}";

    /// <summary>"BeginString-SenderCompID-TargetCompID" with anything but letters, digits, '.', '-' and '_' as '_': how
    /// the session's files (store, logs) are named, as QuickFIX names them.</summary>
    public string FilePrefix
    {
        get
        {
            var name = new System.Text.StringBuilder();
            foreach (char c in $"{BeginString}-{SenderCompID}-{TargetCompID}")
                name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
            return name.ToString();
        }
    }
}
