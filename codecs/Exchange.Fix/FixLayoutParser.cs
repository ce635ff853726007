// Turns the layout notation of Fix44Layouts into field sets, once, when the dictionary is first used.
namespace Exchange.Fix;

internal static class FixLayoutParser
{
    public static FixFieldSet Parse(string layout)
    {
        var tokens = new List<string>();
        Tokenize(layout, tokens);
        int i = 0;
        var set = ParseScope(tokens, ref i, closing: false);
        if (i != tokens.Count) throw Error(layout, $"unexpected '{tokens[i]}'");
        return set;
    }

    private static void Tokenize(string layout, List<string> tokens)
    {
        int i = 0;
        while (i < layout.Length)
        {
            char c = layout[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '(' or ')') { tokens.Add(c.ToString()); i++; continue; }
            if (c == '@')
            {
                int start = ++i;
                while (i < layout.Length && char.IsLetterOrDigit(layout[i])) i++;
                // A component is spliced in as its own tokens, so it may itself contain groups and components.
                Tokenize(Fix44Layouts.Component(layout[start..i]), tokens);
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                int start = i;
                while (i < layout.Length && (char.IsAsciiDigit(layout[i]) || layout[i] == '!')) i++;
                tokens.Add(layout[start..i]);
                continue;
            }
            throw Error(layout, $"unexpected character '{c}'");
        }
    }

    private static FixFieldSet ParseScope(List<string> tokens, ref int i, bool closing)
    {
        var tags = new List<int>();
        var required = new List<bool>();
        var groups = new List<FixGroupDefinition?>();
        while (i < tokens.Count && tokens[i] != ")")
        {
            string token = tokens[i++];
            bool isRequired = token.EndsWith('!');
            int tag = int.Parse(isRequired ? token[..^1] : token, System.Globalization.CultureInfo.InvariantCulture);
            if (tags.Contains(tag)) throw new InvalidOperationException($"FIX layout repeats tag {tag} in one scope");
            FixGroupDefinition? group = null;
            if (i < tokens.Count && tokens[i] == "(")
            {
                i++;
                group = new FixGroupDefinition(tag, ParseScope(tokens, ref i, closing: true));
                if (group.Fields.Count == 0) throw new InvalidOperationException($"FIX group {tag} has no fields");
            }
            tags.Add(tag);
            required.Add(isRequired);
            groups.Add(group);
        }
        if (closing)
        {
            if (i == tokens.Count) throw new InvalidOperationException("FIX layout group is not closed");
            i++;
        }
        return new FixFieldSet([.. tags], [.. required], [.. groups]);
    }

    private static InvalidOperationException Error(string layout, string problem) =>
        new($"FIX layout '{layout}': {problem}");
}
