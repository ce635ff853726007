// What a replay of a journal directory runs under: the engine capacities its commands were applied under, and the
// symbols' names when some file knows them. An operator's config file (--config) is either the shard config
// exchange-engine was started with or a file in engine.json's form; the two are told apart by their contents.
using System.Text.Json;
using Exchange.Engine;
using Exchange.Engine.Recovery;

namespace Exchange.Replay;

public sealed record ReplayConfig(EngineConfig Engine, SymbolNames? Names)
{
    /// <summary>
    /// Without <paramref name="configFile"/>: DIR/engine.json, and the names it carries (if any).
    /// A shard config (a JSON object with an "engine" object or a "symbols" array): its symbols' names; the capacities
    /// still come from DIR/engine.json, which the engine wrote from that same config's "engine" section when it
    /// started (and which it refuses to continue a journal against if they differ).
    /// Any other file is read as engine.json's form and replayed under instead of DIR/engine.json (which may be damaged);
    /// it names no symbols.
    /// </summary>
    public static ReplayConfig Load(string journalDirectory, string? configFile)
    {
        if (configFile != null)
        {
            if (!File.Exists(configFile)) throw new FileNotFoundException($"{configFile}: no such config file", configFile);
            using var document = SymbolNames.Parse(configFile);
            var root = document.RootElement;
            bool shardConfig = root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("engine", out var engine) && engine.ValueKind == JsonValueKind.Object
                    || root.TryGetProperty("symbols", out var symbols) && symbols.ValueKind == JsonValueKind.Array);
            if (shardConfig)
                return new ReplayConfig(EngineConfigFile.Read(journalDirectory), SymbolNames.From(root, configFile) ?? NamesIn(journalDirectory));
            return new ReplayConfig(EngineConfigFile.ReadFile(configFile), null);
        }
        return new ReplayConfig(EngineConfigFile.Read(journalDirectory), NamesIn(journalDirectory));
    }

    private static SymbolNames? NamesIn(string journalDirectory)
    {
        string path = EngineConfigFile.PathIn(journalDirectory);
        return File.Exists(path) ? SymbolNames.Read(path) : null;
    }
}
