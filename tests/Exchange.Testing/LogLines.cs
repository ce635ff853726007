// What a process logged, read back: its JSON lines (the format off a terminal) as the text a person would read.
using System.Text;
using System.Text.Json;

namespace Exchange.Testing;

public static class LogLines
{
    /// <summary>Each JSON log line as "session: msg" (the FIX session layer's lines) or "component: [warning: |error: ]msg";
    /// other lines as they are.</summary>
    public static string AsText(string output)
    {
        var text = new StringBuilder();
        foreach (string line in output.Split('\n'))
        {
            text.Append(Render(line)).Append('\n');
        }
        return text.ToString();
    }

    private static string Render(string line)
    {
        if (!line.StartsWith('{')) return line;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (!root.TryGetProperty("msg", out var msg)) return line;
            if (root.TryGetProperty("session", out var session) && session.ValueKind == JsonValueKind.String)
                return $"{session.GetString()}: {msg.GetString()}";
            string level = root.TryGetProperty("level", out var l) ? l.GetString() ?? "" : "";
            string prefix = level is "warning" or "error" ? level + ": " : "";
            return $"{(root.TryGetProperty("component", out var c) ? c.GetString() : "")}: {prefix}{msg.GetString()}";
        }
        catch (JsonException)
        {
            return line;
        }
    }
}
