// A UDP peer's address as the kernel's sockaddr bytes: compared and used for sendto without allocating.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Exchange.Transport;

[StructLayout(LayoutKind.Sequential)]
public unsafe struct PeerAddress : IEquatable<PeerAddress>
{
    /// <summary>sizeof(sockaddr_in6), the larger of the two families.</summary>
    public const int Capacity = 28;
    private const ushort FamilyInet = 2, FamilyInet6 = 10;

    private fixed byte _bytes[Capacity];
    private int _length;

    public readonly int Length => _length;
    public readonly bool IsEmpty => _length == 0;

    internal byte* Pointer => (byte*)Unsafe.AsPointer(ref _bytes[0]);

    internal void SetLength(int length) => _length = length;

    public static PeerAddress From(IPEndPoint endpoint)
    {
        var address = new PeerAddress();
        var bytes = MemoryMarshal.CreateSpan(ref address._bytes[0], Capacity);
        if (endpoint.AddressFamily == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, FamilyInet);
            BinaryPrimitives.WriteUInt16BigEndian(bytes[2..], (ushort)endpoint.Port);
            endpoint.Address.TryWriteBytes(bytes[4..8], out _);
            address._length = 16;
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, FamilyInet6);
            BinaryPrimitives.WriteUInt16BigEndian(bytes[2..], (ushort)endpoint.Port);
            endpoint.Address.TryWriteBytes(bytes[8..24], out _);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes[24..], (uint)endpoint.Address.ScopeId);
            address._length = 28;
        }
        return address;
    }

    /// <summary>The address as an endpoint, for logs and operators (allocates).</summary>
    public readonly IPEndPoint? ToEndPoint()
    {
        if (_length == 0) return null;
        var bytes = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in _bytes[0]), Capacity);
        ushort family = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        int port = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        return family == FamilyInet
            ? new IPEndPoint(new IPAddress(bytes[4..8]), port)
            : new IPEndPoint(new IPAddress(bytes[8..24], BinaryPrimitives.ReadUInt32LittleEndian(bytes[24..])), port);
    }

    public readonly bool Equals(PeerAddress other) =>
        _length == other._length &&
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in _bytes[0]), _length)
            .SequenceEqual(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in other._bytes[0]), other._length));

    public override readonly bool Equals(object? obj) => obj is PeerAddress other && Equals(other);

    /// <summary>Whether both are the same host (family and address), whatever the ports.</summary>
    public readonly bool SameHost(in PeerAddress other)
    {
        if (_length != other._length || _length == 0) return false;
        var mine = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in _bytes[0]), _length);
        var theirs = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in other._bytes[0]), other._length);
        // sockaddr_in: family 0..1, port 2..3, address 4..7; sockaddr_in6: family, port, flowinfo 4..7, address 8..23, scope 24..27.
        return _length == 16
            ? mine[..2].SequenceEqual(theirs[..2]) && mine[4..8].SequenceEqual(theirs[4..8])
            : mine[..2].SequenceEqual(theirs[..2]) && mine[8..28].SequenceEqual(theirs[8..28]);
    }

    /// <summary>A hash of the host alone (family and address), for per-source limits.</summary>
    public readonly int HostHash()
    {
        if (_length == 0) return 0;
        var bytes = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in _bytes[0]), _length);
        var hash = new HashCode();
        hash.AddBytes(bytes[..2]);
        hash.AddBytes(_length == 16 ? bytes[4..8] : bytes[8..28]);
        return hash.ToHashCode();
    }

    public override readonly int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in _bytes[0]), _length));
        return hash.ToHashCode();
    }

    public override readonly string ToString() => ToEndPoint()?.ToString() ?? "(none)";
}
