// The few libc calls the transport makes directly. Socket.ReceiveFrom/SendTo report "no datagram" and "buffer
// full" by throwing; recvfrom/sendto with MSG_DONTWAIT return EAGAIN instead, with no allocation.
using System.Runtime.InteropServices;

namespace Exchange.Transport;

internal static unsafe partial class Native
{
    public const int MsgDontWait = 0x40;
    public const int EAgain = 11;
    public const int EIntr = 4;

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recvfrom(int socket, byte* buffer, nint length, int flags, byte* address, int* addressLength);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint sendto(int socket, byte* buffer, nint length, int flags, byte* address, int addressLength);
}
