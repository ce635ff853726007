// A symbol's name as the engine keeps it: up to 16 printable ASCII characters held inline (no string, so the engine's
// state and snapshots stay plain values), NUL-padded on the wire as SBE's SymbolName.
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Exchange.Contract;

public readonly record struct SymbolName
{
    public const int MaxLength = 16;

    private readonly ulong _low;
    private readonly ulong _high;

    private SymbolName(ulong low, ulong high) { _low = low; _high = high; }

    public bool IsEmpty => _low == 0 && _high == 0;

    /// <summary>The 16 bytes as two little-endian words, for hashing state.</summary>
    public (ulong Low, ulong High) Words => (_low, _high);

    /// <summary>Reads a wire name (NUL-padded bytes, at most 16 used); bytes after the first NUL are ignored.</summary>
    public static SymbolName FromBytes(ReadOnlySpan<byte> bytes)
    {
        Span<byte> padded = stackalloc byte[MaxLength];
        padded.Clear();
        int n = Math.Min(bytes.Length, MaxLength);
        int nul = bytes[..n].IndexOf((byte)0);
        bytes[..(nul < 0 ? n : nul)].CopyTo(padded);
        return new SymbolName(BinaryPrimitives.ReadUInt64LittleEndian(padded), BinaryPrimitives.ReadUInt64LittleEndian(padded[8..]));
    }

    /// <summary>A name people can type: 1 to 16 characters, printable ASCII without spaces.</summary>
    public static bool TryParse(string? text, out SymbolName name, [NotNullWhen(false)] out string? error)
    {
        name = default;
        if (string.IsNullOrEmpty(text)) { error = "a symbol name is empty"; return false; }
        if (text.Length > MaxLength) { error = $"symbol name '{text}' is longer than {MaxLength} characters"; return false; }
        Span<byte> bytes = stackalloc byte[MaxLength];
        bytes.Clear();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is <= ' ' or > '~') { error = $"symbol name '{text}' has a character that is not printable ASCII without spaces"; return false; }
            bytes[i] = (byte)c;
        }
        name = FromBytes(bytes);
        error = null;
        return true;
    }

    /// <summary>The name as NUL-padded wire bytes (16 of them).</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _low);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _high);
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[MaxLength];
        CopyTo(bytes);
        int nul = bytes.IndexOf((byte)0);
        return System.Text.Encoding.ASCII.GetString(nul < 0 ? bytes : bytes[..nul]);
    }
}
