// Two transports (as two processes would have) on loopback, driven from the test thread, with a recording
// subscriber that checks what arrives: messages carry a sequence number and a length derived from it.
using System.Buffers.Binary;

namespace Exchange.Transport.Tests.Streams;

internal sealed class Recorder : ISubscriptionHandler
{
    public long Received;
    public long NextExpected;
    public long OutOfOrder;
    public long Corrupt;
    public int Available, Unavailable;
    public readonly List<Image> Images = [];
    public readonly List<ImageCloseReason> Closed = [];

    public void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
    {
        if (message.Length < 8) { Corrupt++; return; }
        long sequence = BinaryPrimitives.ReadInt64LittleEndian(message);
        if (!Payloads.Check(sequence, message)) Corrupt++;
        if (sequence != NextExpected) OutOfOrder++;
        NextExpected = sequence + 1;
        Received++;
    }

    public void OnImageAvailable(Image image) { Available++; Images.Add(image); }

    public void OnImageUnavailable(Image image) { Unavailable++; Closed.Add(image.CloseReason); }
}

internal static class Payloads
{
    /// <summary>Writes message <paramref name="sequence"/>: the sequence, then bytes derived from it.</summary>
    public static void Fill(Span<byte> message, long sequence)
    {
        BinaryPrimitives.WriteInt64LittleEndian(message, sequence);
        for (int i = 8; i < message.Length; i++) message[i] = (byte)(sequence * 31 + i);
    }

    public static bool Check(long sequence, ReadOnlySpan<byte> message)
    {
        for (int i = 8; i < message.Length; i++)
            if (message[i] != (byte)(sequence * 31 + i)) return false;
        return true;
    }
}

internal sealed class StreamHarness : IDisposable
{
    public readonly Transport Sender;
    public readonly Transport Receiver;

    public StreamHarness(TransportOptions? senderOptions = null, TransportOptions? receiverOptions = null)
    {
        Sender = new Transport(senderOptions);
        Receiver = new Transport(receiverOptions);
    }

    public int DoWork() => Sender.DoWork() + Receiver.DoWork();

    /// <summary>Runs both duty cycles until <paramref name="done"/> or the deadline; false on timeout.</summary>
    public bool RunUntil(Func<bool> done, TimeSpan timeout, Action? each = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline) return false;
            each?.Invoke();
            if (DoWork() == 0) Thread.Yield();
        }
        return true;
    }

    public void Dispose()
    {
        Sender.Dispose();
        Receiver.Dispose();
    }
}
