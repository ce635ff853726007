// CRC32C: the published check value, a bitwise reference over every length around the 8- and 4-byte steps, and a
// record's CRC as the writer computes it (from the values it stores) against the CRC of the bytes it stored.
using System.Buffers.Binary;

namespace Exchange.Journal.Tests;

public sealed class Crc32CTests
{
    /// <summary>CRC32C one bit at a time (reflected polynomial 0x82F63B78): slow, and obviously the definition.</summary>
    private static uint Reference(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void The_check_value_of_123456789_is_e3069283()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0xE3069283u, Reference("123456789"u8));
    }

    [Fact]
    public void Every_length_up_to_100_matches_the_bitwise_definition_whole_and_in_two_parts()
    {
        var random = new Random(7);
        var data = new byte[100];
        random.NextBytes(data);
        for (int length = 0; length <= data.Length; length++)
        {
            var span = data.AsSpan(0, length);
            uint expected = Reference(span);
            Assert.Equal(expected, Crc32C.Compute(span));
            int split = length == 0 ? 0 : random.Next(length);
            Assert.Equal(expected, Crc32C.Append(Crc32C.Compute(span[..split]), span[split..]));
        }
    }

    [Fact]
    public void A_written_record_carries_the_CRC_of_its_length_word_and_its_bytes_after_the_CRC()
    {
        var random = new Random(11);
        var destination = new byte[JournalFormat.Aligned(JournalFormat.RecordHeaderLength + 300)];
        for (int i = 0; i < 2_000; i++)
        {
            var payload = new byte[random.Next(0, 301)];
            random.NextBytes(payload);
            random.NextBytes(destination);
            long sequence = random.NextInt64(), timestamp = random.NextInt64();
            ushort type = (ushort)random.Next(65536), version = (ushort)random.Next(65536);
            JournalFormat.WriteRecord(destination, sequence, timestamp, type, version, payload);

            int length = JournalFormat.RecordHeaderLength + payload.Length;
            Assert.Equal(length, BinaryPrimitives.ReadInt32LittleEndian(destination));
            var record = destination.AsSpan(0, length);
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(record[4..]);
            Assert.Equal(JournalFormat.RecordCrc(record), stored);
            byte[] covered = [.. record[..4], .. record[8..]];
            Assert.Equal(Reference(covered), stored);
        }
    }
}
