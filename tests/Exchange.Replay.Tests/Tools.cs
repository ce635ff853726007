// Runs exchange-replay and exchange-perf as child processes, from the dlls the project references copy next to
// this assembly, and captures what they print.
using System.Diagnostics;
using System.Text.Json;

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

    private static string DotnetHost
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
            string? self = Environment.ProcessPath;
            return self != null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        }
    }

    private static ToolResult Run(string dll, string[] args)
    {
        string path = Path.Combine(AppContext.BaseDirectory, dll);
        Assert.True(File.Exists(path), $"{path} is missing: the project reference should copy it here");
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(path);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{dll} {string.Join(' ', args)} did not finish within 60 s");
        }
        return new ToolResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
