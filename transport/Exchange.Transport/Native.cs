// The few libc calls the transport makes directly. Socket.ReceiveFrom/SendTo report "no datagram" and "buffer
// full" by throwing; recvmmsg/sendto with MSG_DONTWAIT return EAGAIN instead, with no allocation.
using System.Runtime.InteropServices;

namespace Exchange.Transport;

internal static unsafe partial class Native
{
    public const int MsgDontWait = 0x40;
    public const int EAgain = 11;
    public const int EIntr = 4;

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recvfrom(int socket, byte* buffer, nint length, int flags, byte* address, int* addressLength);

    /// <summary>Reads up to <paramref name="length"/> datagrams in one call: how many, or -1 (errno).</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int recvmmsg(int socket, MessageHeader* messages, uint length, int flags, void* timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint sendto(int socket, byte* buffer, nint length, int flags, byte* address, int addressLength);
}

/// <summary>Linux's <c>struct iovec</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVector
{
    public byte* Base;
    public nint Length;
}

/// <summary>Linux's <c>struct mmsghdr</c>: a <c>struct msghdr</c> (56 bytes) and the length received, on 64-bit Linux.</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal unsafe struct MessageHeader
{
    [FieldOffset(0)] public byte* Name;
    [FieldOffset(8)] public int NameLength;
    [FieldOffset(16)] public IoVector* Vectors;
    [FieldOffset(24)] public nint VectorCount;
    [FieldOffset(32)] public void* Control;
    [FieldOffset(40)] public nint ControlLength;
    [FieldOffset(48)] public int Flags;
    [FieldOffset(56)] public uint Received;
}
