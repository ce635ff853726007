// Builds FIX messages for tests from text with '|' for SOH, computing BodyLength and CheckSum independently of the codec.
using System.Text;

namespace Exchange.Fix.Tests;

internal static class TestMessages
{
    public const char Soh = '\u0001';

    public const string LogonBody =
        "35=A|34=1|49=BROKER|52=20261121-10:00:00.000|56=EXCH|98=0|108=30|141=Y|553=user|554=secret|";

    /// <summary>Checked by hand against the FIX rules: BodyLength 91 counts "35=A|" through "554=secret|", and
    /// 246 is the byte sum of everything before "10=" modulo 256.</summary>
    public const string LogonWire =
        "8=FIX.4.4|9=91|35=A|34=1|49=BROKER|52=20261121-10:00:00.000|56=EXCH|98=0|108=30|141=Y|553=user|554=secret|10=246|";

    public const string Header = "34=2|49=BROKER|52=20261121-10:00:00.123|56=EXCH|";

    public const string NewOrderSingleBody =
        "35=D|" + Header + "11=ORD-1|453=2|448=TRADER1|447=D|452=11|802=1|523=DESK-A|803=25|448=FIRM1|447=D|452=1|" +
        "1=ACC1|21=1|55=ABC|54=1|60=20261121-10:00:00.120|38=100|40=2|44=123.45|59=0|";

    /// <summary>"8=BeginString|9=BodyLength|" + body + "10=CheckSum|", with '|' standing for SOH.</summary>
    public static byte[] Build(string body, string beginString = "FIX.4.4")
    {
        string soh = body.Replace('|', Soh);
        string withoutChecksum = $"8={beginString}{Soh}9={Encoding.ASCII.GetByteCount(soh)}{Soh}{soh}";
        int sum = 0;
        foreach (byte b in Encoding.ASCII.GetBytes(withoutChecksum)) sum += b;
        return Encoding.ASCII.GetBytes($"{withoutChecksum}10={sum % 256:D3}{Soh}");
    }

    /// <summary>Bytes exactly as written, '|' standing for SOH; no length or checksum is computed.</summary>
    public static byte[] Raw(string text) => Encoding.ASCII.GetBytes(text.Replace('|', Soh));

    public static string Show(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes).Replace(Soh, '|');

    public static long UnixNanos(int year, int month, int day, int hour, int minute, int second, long fractionNanos = 0) =>
        (new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000L) + fractionNanos;

    /// <summary>Frames, parses and validates one whole message built by <see cref="Build"/>.</summary>
    public static FixValidationResult Validate(string body)
    {
        var bytes = Build(body);
        Assert.True(FixFraming.TryFrame(bytes, out int length, out var framing), framing.ToString());
        Assert.Equal(bytes.Length, length);
        Assert.True(FixMessage.TryParse(bytes, new FixField[FixMessage.DefaultFieldCapacity], out var message, out var error), error.ToString());
        return FixValidator.Validate(message);
    }
}
