// CRC32C (Castagnoli) with the CPU's crc32 instruction via BitOperations, 8 bytes per step.
using System.Buffers.Binary;
using System.Numerics;

namespace Exchange.Journal;

public static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFF, data);

    /// <summary>Continues a CRC from <see cref="Compute"/>: <c>Append(Compute(a), b) == Compute(a + b)</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    private static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data) state = BitOperations.Crc32C(state, b);
        return state;
    }
}
