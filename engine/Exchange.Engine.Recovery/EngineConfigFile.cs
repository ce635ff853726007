// A journal directory describes itself: engine.json holds the engine config its inputs were applied under,
// so any tool can rebuild the same state from the directory alone.
using System.Text.Json;
using System.Text.Json.Serialization;
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Recovery;

public static class EngineConfigFile
{
    public const string FileName = "engine.json";

    public static string PathIn(string journalDirectory) => Path.Combine(journalDirectory, FileName);

    public static void Write(string journalDirectory, EngineConfig config)
    {
        Exchange.Journal.PrivateFiles.CreateDirectory(journalDirectory);
        Exchange.Journal.PrivateFiles.WriteAllBytes(PathIn(journalDirectory), JsonSerializer.SerializeToUtf8Bytes(config, EngineConfigJson.Default.EngineConfig));
    }

    public static EngineConfig Read(string journalDirectory) => ReadFile(PathIn(journalDirectory));

    /// <summary>Reads a config file by path (an operator's override of the journal's own engine.json).</summary>
    public static EngineConfig ReadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: the journal does not say which engine config it was written under");
        try
        {
            var config = JsonSerializer.Deserialize(File.ReadAllText(path), EngineConfigJson.Default.EngineConfig)
                ?? throw new InvalidDataException($"{path}: empty");
            config.Validate();
            return config;
        }
        catch (JsonException e) { throw new InvalidDataException($"{path}: {e.Message}"); }
        catch (ArgumentException e) { throw new InvalidDataException($"{path}: {e.Message}"); }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EngineConfig))]
internal sealed partial class EngineConfigJson : JsonSerializerContext;
