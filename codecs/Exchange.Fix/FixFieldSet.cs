// The fields allowed in one scope (header, trailer, a message body, or one repeating-group entry), in definition order.
namespace Exchange.Fix;

public sealed class FixFieldSet
{
    private readonly int[] _tags;
    private readonly bool[] _required;
    private readonly FixGroupDefinition?[] _groups;
    private readonly int[] _requiredPositions;
    // Position + 1 by tag number, 0 where the tag is not in the scope: one array read per lookup on the hot path.
    private readonly byte[] _positionByTag;

    internal FixFieldSet(int[] tags, bool[] required, FixGroupDefinition?[] groups)
    {
        _tags = tags;
        _required = required;
        _groups = groups;
        _requiredPositions = [.. Enumerable.Range(0, tags.Length).Where(p => required[p])];
        if (tags.Length >= byte.MaxValue) throw new InvalidOperationException($"a FIX scope of {tags.Length} fields is too large");
        _positionByTag = new byte[tags.Length == 0 ? 0 : tags.Max() + 1];
        for (int i = 0; i < tags.Length; i++) _positionByTag[tags[i]] = (byte)(i + 1);
    }

    public int Count => _tags.Length;

    public int Tag(int position) => _tags[position];

    public bool IsRequired(int position) => _required[position];

    /// <summary>Positions of the required fields, in definition order.</summary>
    public ReadOnlySpan<int> RequiredPositions => _requiredPositions;

    /// <summary>The group a NumInGroup field at <paramref name="position"/> counts, or null for a plain field.</summary>
    public FixGroupDefinition? Group(int position) => _groups[position];

    /// <summary>The definition-order position of <paramref name="tag"/>, or -1 when it is not in this scope.</summary>
    public int PositionOf(int tag) => (uint)tag < (uint)_positionByTag.Length ? _positionByTag[tag] - 1 : -1;

    public bool Contains(int tag) => PositionOf(tag) >= 0;
}
