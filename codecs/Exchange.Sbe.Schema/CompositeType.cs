// <composite>: an ordered record of types at fixed offsets (headers, group dimensions, var data encodings
// and user records such as a price with mantissa and exponent).
using System.Collections.Generic;

namespace Exchange.Sbe.Schema
{
    public sealed class CompositeType(string name) : SbeType(name)
    {
        private readonly List<CompositeMember> _members = new List<CompositeMember>();
        private int _encodedLength;

        public IReadOnlyList<CompositeMember> Members => _members;

        public override int EncodedLength => _encodedLength;

        public CompositeMember? Member(string name)
        {
            foreach (var member in _members)
            {
                if (member.Name == name)
                {
                    return member;
                }
            }

            return null;
        }

        internal void Add(CompositeMember member, int endOffset)
        {
            _members.Add(member);
            if (endOffset > _encodedLength)
            {
                _encodedLength = endOffset;
            }
        }
    }

    // A member is either an inline type (its name is the type's name) or a <ref> that names another type.
    public sealed record CompositeMember(string Name, SbeType Type, int Offset, int SinceVersion);
}
