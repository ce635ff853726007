// The worked examples of the READMEs, run as written: every ```console block of a README, in order, in one scratch
// directory where bin/ holds the built tools; each "$ " line runs through bash, and the lines after it, up to the
// next command, are exactly what it must print on stdout.
using Exchange.Testing;

namespace Exchange.Replay.Tests;

public sealed class ReadmeExampleTests : IDisposable
{
    private static readonly string[] ToolNames = ["exchange-perf", "exchange-replay"];

    private readonly TempDirectory _scratch = new("readme-example-");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void The_replay_README_example_prints_what_it_shows() => RunExamples("replay/README.md");

    private sealed record Step(string Command, List<string> Output);

    /// <summary>The commands of a README's console blocks, each with the lines shown after it.</summary>
    private static List<Step> Steps(string readme)
    {
        var steps = new List<Step>();
        bool inBlock = false;
        foreach (string line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Readmes", readme)))
        {
            if (!inBlock) { inBlock = line.Trim() == "```console"; continue; }
            if (line.Trim() == "```") { inBlock = false; continue; }
            if (line.StartsWith("$ ", StringComparison.Ordinal)) steps.Add(new Step(line[2..], []));
            else if (steps.Count > 0) steps[^1].Output.Add(line);
            else Assert.Fail($"{readme}: a console block starts with output, not a command: {line}");
        }
        return steps;
    }

    private void RunExamples(string readme)
    {
        var steps = Steps(readme);
        Assert.True(steps.Count > 0, $"{readme} has no console example");
        string bin = _scratch.Combine("bin");
        Directory.CreateDirectory(bin);
        foreach (string tool in ToolNames)
        {
            string wrapper = Path.Combine(bin, tool);
            File.WriteAllText(wrapper, $"#!/bin/sh\nexec '{ChildProcess.DotnetHost}' '{Path.Combine(AppContext.BaseDirectory, tool + ".dll")}' \"$@\"\n");
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        foreach (var step in steps)
        {
            var result = ChildProcess.Run(ChildProcess.Start("bash", ["-c", step.Command], workingDirectory: _scratch.Path));
            Assert.True(result.ExitCode == 0, $"{readme}: `{step.Command}` failed\n{result}");
            Assert.Equal(string.Join('\n', step.Output), result.Stdout);
        }
    }
}
