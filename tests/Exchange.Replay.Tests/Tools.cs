// Runs exchange-replay and exchange-perf as child processes (that die with the test), from the dlls the project
// references copy next to this assembly, and captures what they print.
using System.Text.Json;
using Exchange.Testing;

namespace Exchange.Replay.Tests;

public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

    public List<JsonElement> JsonLines =>
        Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

public static class Tools
{
    public static ToolResult Replay(params string[] args) => Run("exchange-replay.dll", args);

    public static ToolResult Perf(params string[] args) => Run("exchange-perf.dll", args);

    private static ToolResult Run(string dll, string[] args)
    {
        var result = ChildProcess.Run(ChildProcess.StartDll(dll, args));
        // ChildProcess hands over output by lines; the tools end every line they write.
        static string Lines(string text) => text.Length == 0 ? "" : text + "\n";
        return new ToolResult(result.ExitCode, Lines(result.Stdout), Lines(result.Stderr));
    }
}
