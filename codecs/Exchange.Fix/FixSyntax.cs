// The bytes that give tag=value its structure.
namespace Exchange.Fix;

internal static class FixSyntax
{
    public const byte Soh = 0x01;
    public const byte EqualsSign = (byte)'=';

    /// <summary>Every message starts with this: 8=FIX.4.4, 8=FIX.4.2, 8=FIXT.1.1 all do.</summary>
    public static ReadOnlySpan<byte> MessageStart => "8=FIX"u8;

    /// <summary>"10=NNN" plus its SOH.</summary>
    public const int CheckSumFieldLength = 7;
}
