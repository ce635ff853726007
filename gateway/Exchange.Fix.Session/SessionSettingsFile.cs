// Reads the QuickFIX-style settings file: [DEFAULT] and [SESSION] sections of Key=Value lines, # comments.
// Every error names the file and line, so an operator can fix the file without reading code.
namespace Exchange.Fix.Session;

internal static class SessionSettingsFile
{
    public static IReadOnlyList<SessionSettings> Load(string path, IReadOnlyCollection<string> applicationKeys)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FixSessionException($"{path}: cannot read settings: {e.Message}");
        }
        return Parse(text, path, applicationKeys);
    }

    public static IReadOnlyList<SessionSettings> Parse(string text, string fileName, IReadOnlyCollection<string> applicationKeys)
    {
        Section? defaults = null;
        var sessions = new List<Section>();
        Section? current = null;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line[0] == '[')
            {
                string name = line.TrimEnd().EndsWith(']') ? line[1..^1].Trim() : throw Error(lineNumber, $"bad section header \"{line}\"");
                if (name.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase))
                {
                    if (defaults != null) throw Error(lineNumber, $"second [DEFAULT] (the first is at line {defaults.Line})");
                    current = defaults = new Section(lineNumber);
                }
                else if (name.Equals("SESSION", StringComparison.OrdinalIgnoreCase))
                {
                    current = new Section(lineNumber);
                    sessions.Add(current);
                }
                else
                {
                    throw Error(lineNumber, $"unknown section [{name}] (expected [DEFAULT] or [SESSION])");
                }
                continue;
            }
            int equals = line.IndexOf('=');
            if (equals <= 0) throw Error(lineNumber, $"expected Key=Value, got \"{line}\"");
            if (current == null) throw Error(lineNumber, "Key=Value before any [DEFAULT] or [SESSION] section");
            string key = line[..equals].Trim();
            string value = line[(equals + 1)..].Trim();
            if (current.Values.ContainsKey(key)) throw Error(lineNumber, $"{key} appears twice in this section (first at line {current.Lines[key]})");
            current.Values[key] = value;
            current.Lines[key] = lineNumber;
        }
        if (sessions.Count == 0) throw new FixSessionException($"{fileName}: no [SESSION] section");

        var result = new List<SessionSettings>(sessions.Count);
        var seen = new Dictionary<SessionId, int>();
        foreach (var session in sessions)
        {
            var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var lineOf = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            if (defaults != null)
            {
                foreach (var (key, value) in defaults.Values) merged[key] = value;
                foreach (var (key, line) in defaults.Lines) lineOf[key] = line;
            }
            foreach (var (key, value) in session.Values) merged[key] = value;
            foreach (var (key, line) in session.Lines) lineOf[key] = line;
            var settings = SessionSettings.Create(merged, key => $"{fileName}:{(lineOf.TryGetValue(key, out int l) ? l : session.Line)}", applicationKeys);
            if (seen.TryGetValue(settings.Id, out int firstLine))
                throw Error(session.Line, $"duplicate session {settings.Id} (first at line {firstLine})");
            seen.Add(settings.Id, session.Line);
            result.Add(settings);
        }
        return result;

        FixSessionException Error(int line, string message) => new($"{fileName}:{line}: {message}");
    }

    private sealed class Section(int line)
    {
        public int Line { get; } = line;
        public Dictionary<string, string> Values { get; } = new(StringComparer.OrdinalIgnoreCase);
        public Dictionary<string, int> Lines { get; } = new(StringComparer.OrdinalIgnoreCase);
    }
}
