// CheckSum (10): the sum of every byte before "10=", modulo 256.
using System.Numerics;
using System.Runtime.InteropServices;

namespace Exchange.Fix;

public static class FixChecksum
{
    public static int Compute(ReadOnlySpan<byte> bytes)
    {
        // Byte lanes that wrap on overflow keep each lane's sum modulo 256, and the sum of the lanes modulo
        // 256 is the checksum, so the vector loop never needs widening.
        var acc = Vector<byte>.Zero;
        var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(bytes);
        foreach (var v in vectors) acc += v;
        byte sum = Vector.Sum(acc);
        foreach (byte b in bytes[(vectors.Length * Vector<byte>.Count)..]) sum += b;
        return sum;
    }
}
