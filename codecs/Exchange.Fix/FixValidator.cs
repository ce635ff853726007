// Checks a parsed message against the FIX 4.4 dictionary and reports the first problem as a session reject reason.
using static Exchange.Fix.SessionRejectReason;

namespace Exchange.Fix;

public static class FixValidator
{
    private enum Section { Header, Body, Trailer }

    private static readonly int[] LeadingTags = [FixTag.BeginString, FixTag.BodyLength, FixTag.MsgType];

    /// <summary>
    /// Returns the first problem in wire order: 8, 9, 35 must lead and 10 must end the message; MsgType must be a
    /// FIX 4.4 one; then each field in turn must be a valid tag, have a value, sit in its section (header, body,
    /// trailer), appear once in its scope, be defined for the message, be well-formed and take an allowed value,
    /// and a repeating group must have as many entries as its count, each starting with its first field. Missing
    /// required fields are reported after that, header first. A message of a FIX 4.4 type we do not support is
    /// checked field by field for what needs no layout and then reported as
    /// <see cref="FixValidationOutcome.UnsupportedMessageType"/>. BeginString, CompIDs, SendingTime accuracy and
    /// sequence numbers are the session's to judge.
    /// </summary>
    public static FixValidationResult Validate(in FixMessage message)
    {
        var fields = message.Fields;
        for (int i = 0; i < LeadingTags.Length; i++)
        {
            int expected = LeadingTags[i];
            if (i >= fields.Length || fields[i].Tag != expected)
                return FixValidationResult.Reject(message.Contains(expected) ? TagSpecifiedOutOfRequiredOrder : RequiredTagMissing, expected);
            if (fields[i].ValueLength == 0) return FixValidationResult.Reject(TagSpecifiedWithoutValue, expected);
        }
        int last = fields.Length - 1;
        if (fields[last].Tag != FixTag.CheckSum)
            return FixValidationResult.Reject(message.Contains(FixTag.CheckSum) ? TagSpecifiedOutOfRequiredOrder : RequiredTagMissing, FixTag.CheckSum);

        var msgType = message.Value(2);
        var definition = Fix44.Message(msgType);
        if (definition is null && !Fix44.IsMsgType(msgType)) return FixValidationResult.Reject(InvalidMsgType, FixTag.MsgType);

        var header = Fix44.Header;
        var trailer = Fix44.Trailer;
        var body = definition?.Fields;
        Span<bool> headerSeen = stackalloc bool[header.Count];
        Span<bool> trailerSeen = stackalloc bool[trailer.Count];
        Span<bool> bodySeen = stackalloc bool[body?.Count ?? 0];
        foreach (int tag in LeadingTags) headerSeen[header.PositionOf(tag)] = true;
        trailerSeen[trailer.PositionOf(FixTag.CheckSum)] = true;

        var section = Section.Header;
        for (int i = LeadingTags.Length; i < last; i++)
        {
            var field = fields[i];
            int tag = field.Tag;
            if (!Fix44.IsValidTag(tag)) return FixValidationResult.Reject(InvalidTagNumber, tag);
            if (field.ValueLength == 0) return FixValidationResult.Reject(TagSpecifiedWithoutValue, tag);
            if (tag == FixTag.CheckSum) return FixValidationResult.Reject(TagSpecifiedOutOfRequiredOrder, tag);

            FixValidationResult problem;
            int position;
            if ((position = header.PositionOf(tag)) >= 0)
            {
                if (section != Section.Header) return FixValidationResult.Reject(TagSpecifiedOutOfRequiredOrder, tag);
                problem = CheckField(message, header, headerSeen, position, ref i);
            }
            else if ((position = trailer.PositionOf(tag)) >= 0)
            {
                section = Section.Trailer;
                problem = CheckField(message, trailer, trailerSeen, position, ref i);
            }
            else
            {
                if (section == Section.Trailer) return FixValidationResult.Reject(TagSpecifiedOutOfRequiredOrder, tag);
                section = Section.Body;
                if (body is null) problem = CheckValue(tag, message.Value(i));
                else if ((position = body.PositionOf(tag)) < 0) return FixValidationResult.Reject(TagNotDefinedForMessageType, tag);
                else problem = CheckField(message, body, bodySeen, position, ref i);
            }
            if (!problem.IsValid) return problem;
        }

        var missing = CheckRequired(header, headerSeen);
        if (!missing.IsValid) return missing;
        if (body is null) return FixValidationResult.UnsupportedMessageType;
        return CheckRequired(body, bodySeen);
    }

    // The field at index i belongs to the scope at the given position; a NumInGroup field also consumes its
    // group's entries, leaving i on the last of them.
    private static FixValidationResult CheckField(in FixMessage message, FixFieldSet scope, Span<bool> seen, int position, ref int i)
    {
        int tag = scope.Tag(position);
        if (seen[position]) return FixValidationResult.Reject(TagAppearsMoreThanOnce, tag);
        seen[position] = true;
        var problem = CheckValue(tag, message.Value(i));
        if (!problem.IsValid) return problem;
        var group = scope.Group(position);
        return group is null ? FixValidationResult.Valid : CheckGroup(message, group, ref i);
    }

    private static FixValidationResult CheckGroup(in FixMessage message, FixGroupDefinition group, ref int i)
    {
        var fields = message.Fields;
        var scope = group.Fields;
        bool countFits = FixValue.TryParseInt(message.Value(i), out int count);
        Span<bool> seen = stackalloc bool[scope.Count];
        int entries = 0;
        int j = i + 1;
        // The group ends at the first field that is not one of its own (the CheckSum at the end included).
        for (; j < fields.Length - 1; j++)
        {
            var field = fields[j];
            int position = scope.PositionOf(field.Tag);
            if (position < 0) break;
            if (position == 0)
            {
                if (entries > 0)
                {
                    var missing = CheckRequired(scope, seen);
                    if (!missing.IsValid) return missing;
                }
                entries++;
                seen.Clear();
            }
            else if (entries == 0)
            {
                return FixValidationResult.Reject(IncorrectNumInGroupCount, group.CountTag);
            }
            if (field.ValueLength == 0) return FixValidationResult.Reject(TagSpecifiedWithoutValue, field.Tag);
            var problem = CheckField(message, scope, seen, position, ref j);
            if (!problem.IsValid) return problem;
        }
        if (entries > 0)
        {
            var missing = CheckRequired(scope, seen);
            if (!missing.IsValid) return missing;
        }
        if (!countFits || entries != count) return FixValidationResult.Reject(IncorrectNumInGroupCount, group.CountTag);
        i = j - 1;
        return FixValidationResult.Valid;
    }

    private static FixValidationResult CheckValue(int tag, ReadOnlySpan<byte> value)
    {
        var type = Fix44.FieldType(tag);
        if (!FixFieldFormat.IsValid(type, value)) return FixValidationResult.Reject(IncorrectDataFormat, tag);
        if (!Fix44Enums.IsAllowed(tag, type, value)) return FixValidationResult.Reject(ValueIsIncorrect, tag);
        return FixValidationResult.Valid;
    }

    private static FixValidationResult CheckRequired(FixFieldSet scope, ReadOnlySpan<bool> seen)
    {
        foreach (int p in scope.RequiredPositions)
            if (!seen[p]) return FixValidationResult.Reject(RequiredTagMissing, scope.Tag(p));
        return FixValidationResult.Valid;
    }
}
