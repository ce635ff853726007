// CRC32C (Castagnoli) with the CPU's crc32 instruction, 8 bytes per step. The baseline x86-64 binary does not assume
// SSE4.2: the check for it is made once per call, not once per step as BitOperations.Crc32C makes it.
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace Exchange.Journal;

public static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFF, data);

    /// <summary>Continues a CRC from <see cref="Compute"/>: <c>Append(Compute(a), b) == Compute(a + b)</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    /// <summary>The register before the complement: <c>Compute(a + b) == ~Update(Update(0xFFFFFFFF, a), b)</c>; a value's
    /// bytes go in little-endian order (<see cref="BitOperations.Crc32C(uint, ulong)"/>).</summary>
    internal static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            while (data.Length >= 8)
            {
                state = (uint)Sse42.X64.Crc32(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            if (data.Length >= 4)
            {
                state = Sse42.Crc32(state, BinaryPrimitives.ReadUInt32LittleEndian(data));
                data = data[4..];
            }
            foreach (byte b in data) state = Sse42.Crc32(state, b);
            return state;
        }
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data) state = BitOperations.Crc32C(state, b);
        return state;
    }
}
