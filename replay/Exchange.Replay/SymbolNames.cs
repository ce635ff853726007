// Symbols by name, for operators. The journal and the engine know symbols by id only; their names are in the shard
// config exchange-engine was started with ("symbols": [{ "name": "BTC-USD", "spec": { "id": 1, ... } }]). Only those
// two fields are read, so the replay tool needs nothing of the engine host.
using System.Globalization;
using System.Text.Json;

namespace Exchange.Replay;

public sealed class SymbolNames
{
    /// <summary>How the engine reads its config: comments and trailing commas are allowed there, so they are here.</summary>
    public static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly List<(string Name, int Id)> _symbols;

    private SymbolNames(string source, List<(string Name, int Id)> symbols)
    {
        Source = source;
        _symbols = symbols;
    }

    /// <summary>The file the names come from.</summary>
    public string Source { get; }

    /// <summary>The names in a config document's top-level "symbols" array, or null if it has none.</summary>
    public static SymbolNames? From(JsonElement config, string source)
    {
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty("symbols", out var array)) return null;
        if (array.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{source}: \"symbols\" is not an array");
        var symbols = new List<(string, int)>();
        int index = 0;
        foreach (var symbol in array.EnumerateArray())
        {
            string where = $"{source}: symbols[{index++}]";
            if (symbol.ValueKind != JsonValueKind.Object || !symbol.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{where} has no \"name\"");
            if (!symbol.TryGetProperty("spec", out var spec) || spec.ValueKind != JsonValueKind.Object
                || !spec.TryGetProperty("id", out var id) || !id.TryGetInt32(out int value))
                throw new InvalidDataException($"{where} ({name.GetString()}) has no \"spec\": {{ \"id\": N }}");
            symbols.Add((name.GetString()!, value));
        }
        return new SymbolNames(source, symbols);
    }

    /// <summary>The names a config file carries, or null if it carries none.</summary>
    public static SymbolNames? Read(string path)
    {
        using var document = Parse(path);
        return From(document.RootElement, path);
    }

    /// <summary>A config file as JSON, read as leniently as the engine reads it; a file that is not JSON is an <see cref="InvalidDataException"/>.</summary>
    public static JsonDocument Parse(string path)
    {
        try { return JsonDocument.Parse(File.ReadAllBytes(path), JsonOptions); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: {e.Message}"); }
    }

    /// <summary>The id of a symbol named <paramref name="name"/> (in any case, as the engine's config matches names).</summary>
    public int? IdOf(string name)
    {
        foreach (var (n, id) in _symbols)
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) return id;
        return null;
    }

    public string? NameOf(int id)
    {
        foreach (var (name, i) in _symbols)
            if (i == id) return name;
        return null;
    }

    /// <summary>"BTC-USD=1, ETH-USD=2".</summary>
    public override string ToString() =>
        _symbols.Count == 0 ? "no symbols" : string.Join(", ", _symbols.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name}={s.Id}")));
}
