// FIX bytes for tests from text with '|' for SOH; BodyLength and CheckSum computed here, independently of the codec.
using System.Text;

namespace Exchange.Fix.Session.Tests;

internal static class Wire
{
    public const char Soh = '\u0001';

    /// <summary>"8=BeginString|9=BodyLength|" + body + "10=CheckSum|".</summary>
    public static byte[] Build(string body, string beginString = "FIX.4.4")
    {
        string soh = body.Replace('|', Soh);
        string withoutChecksum = $"8={beginString}{Soh}9={Encoding.ASCII.GetByteCount(soh)}{Soh}{soh}";
        int sum = 0;
        foreach (byte b in Encoding.ASCII.GetBytes(withoutChecksum)) sum += b;
        return Encoding.ASCII.GetBytes($"{withoutChecksum}10={sum % 256:D3}{Soh}");
    }

    public static byte[] Raw(string text) => Encoding.ASCII.GetBytes(text.Replace('|', Soh));

    public static string Show(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes).Replace(Soh, '|');
}

/// <summary>A message as text, with its fields in order.</summary>
internal sealed class ReceivedMessage
{
    public ReceivedMessage(string text)
    {
        Text = text;
        foreach (var part in text.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.IndexOf('=');
            Fields.Add((int.Parse(part[..equals]), part[(equals + 1)..]));
        }
    }

    public string Text { get; }

    public List<(int Tag, string Value)> Fields { get; } = [];

    public IEnumerable<int> Tags => Fields.Select(f => f.Tag);

    public string? this[int tag] => Fields.FirstOrDefault(f => f.Tag == tag).Value;

    public string Type => this[35]!;

    public int SeqNum => int.Parse(this[34]!);

    public bool Has(int tag) => Fields.Any(f => f.Tag == tag);

    public override string ToString() => Text;
}
