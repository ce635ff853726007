// The datagrams one recvmmsg reads: a buffer of the largest UDP payload, a sender's address and a length for each
// slot, and the kernel's message headers pointing at them, all in pinned memory set up once. A receive that returns
// fewer datagrams than it asked for has drained the socket, so the transport does not call again to hear "nothing":
// one system call per wake instead of two when a datagram comes alone, and one for several when they queue.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Exchange.Transport;

internal sealed unsafe class ReceiveBatch
{
    /// <summary>The largest UDP payload: no datagram a peer may send is cut short.</summary>
    public const int DatagramCapacity = 64 * 1024;

    // Uninitialised, so a slot's pages are touched only when datagrams that long land in it.
    private readonly byte[] _buffers;
    private readonly byte[] _headers;
    private readonly byte* _buffer;
    private readonly MessageHeader* _messages;
    private readonly PeerAddress* _addresses;

    public ReceiveBatch(int slots)
    {
        if (slots < 1) throw new ArgumentOutOfRangeException(nameof(slots), slots, "at least one datagram per receive");
        Slots = slots;
        _buffers = GC.AllocateUninitializedArray<byte>(slots * DatagramCapacity, pinned: true);
        _headers = GC.AllocateArray<byte>(slots * (sizeof(MessageHeader) + sizeof(IoVector) + sizeof(PeerAddress)), pinned: true);
        _buffer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffers));
        byte* headers = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_headers));
        _messages = (MessageHeader*)headers;
        var vectors = (IoVector*)(headers + slots * sizeof(MessageHeader));
        _addresses = (PeerAddress*)(headers + slots * (sizeof(MessageHeader) + sizeof(IoVector)));
        for (int i = 0; i < slots; i++)
        {
            vectors[i].Base = _buffer + (long)i * DatagramCapacity;
            vectors[i].Length = DatagramCapacity;
            _messages[i].Name = _addresses[i].Pointer;
            _messages[i].NameLength = PeerAddress.Capacity;
            _messages[i].Vectors = vectors + i;
            _messages[i].VectorCount = 1;
        }
    }

    /// <summary>Datagrams one receive may read.</summary>
    public int Slots { get; }

    internal MessageHeader* Messages => _messages;

    /// <summary>After a receive of <paramref name="count"/> datagrams: each sender's address length taken from the
    /// kernel, and the space for the next receive's addresses given back.</summary>
    internal void Received(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _addresses[i].SetLength(Math.Min(_messages[i].NameLength, PeerAddress.Capacity));
            _messages[i].NameLength = PeerAddress.Capacity;
        }
    }

    /// <summary>The <paramref name="slot"/>th datagram of the last receive.</summary>
    public ReadOnlySpan<byte> Datagram(int slot) => new(_buffer + (long)slot * DatagramCapacity, (int)Math.Min(_messages[slot].Received, DatagramCapacity));

    /// <summary>Who sent the <paramref name="slot"/>th datagram of the last receive.</summary>
    public ref readonly PeerAddress From(int slot) => ref _addresses[slot];
}
