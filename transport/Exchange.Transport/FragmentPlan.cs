// The frames a message is cut into for a given mtu, enumerated without allocating (foreach over a ref struct).
namespace Exchange.Transport;

/// <summary>One frame of a fragmented message: which payload bytes it carries and its BEGIN/END flags.</summary>
public readonly record struct Fragment(int PayloadOffset, int PayloadLength, byte Flags)
{
    public int FrameLength => DataFrame.HeaderLength + PayloadLength;
    public int AlignedFrameLength => Framing.Align(FrameLength);
}

public ref struct FragmentPlan
{
    private readonly int _messageLength;
    private readonly int _maxPayload;
    private readonly int _count;
    private int _index;

    public FragmentPlan(int messageLength, int mtu)
    {
        _messageLength = messageLength;
        _maxPayload = Framing.MaxPayloadLength(mtu);
        _count = Framing.FragmentCount(messageLength, mtu);
        _index = -1;
    }

    public readonly int Count => _count;

    public readonly Fragment Current
    {
        get
        {
            int offset = _index * _maxPayload;
            return new Fragment(offset, Math.Min(_maxPayload, _messageLength - offset), Framing.FragmentFlags(_index, _count));
        }
    }

    public bool MoveNext() => ++_index < _count;

    public readonly FragmentPlan GetEnumerator() => this;
}
