// The records a crash-writer child appends: every field a pure function of the sequence, so a test that
// killed the child can check each recovered record without having seen it written.
namespace Exchange.Journal.CrashWriter;

public static class CrashPayload
{
    public const int MinLength = 8;
    public const int MaxLength = 200;

    public static ulong Hash(long sequence)
    {
        // SplitMix64: a well-mixed 64-bit value per sequence.
        ulong z = (ulong)sequence + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static int Length(long sequence) => MinLength + (int)(Hash(sequence) % (MaxLength - MinLength + 1));

    public static long Timestamp(long sequence) => 1_700_000_000_000_000_000L + sequence * 1_000;

    public static ushort Type(long sequence) => (ushort)(Hash(sequence) >> 48);

    public static ushort Version(long sequence) => (ushort)(1 + sequence % 7);

    public static byte[] For(long sequence)
    {
        var payload = new byte[Length(sequence)];
        Fill(sequence, payload);
        return payload;
    }

    public static void Fill(long sequence, Span<byte> payload)
    {
        ulong state = Hash(sequence);
        for (int i = 0; i < payload.Length; i++)
        {
            if (i % 8 == 0) state = Hash((long)state);
            payload[i] = (byte)(state >> (i % 8 * 8));
        }
    }
}
