// The built exchange-sbe tool, run as a process the way an operator runs it: `dotnet exchange-sbe.dll decode ...`.
// The project reference to Exchange.Sbe.Tool copies exchange-sbe.dll and its runtimeconfig next to this assembly.
using System.Diagnostics;
using System.Text.Json;

namespace Exchange.Codecs.Tests;

public sealed class ExchangeSbeCliTests : IDisposable
{
    private static readonly string VectorDirectory = Path.Combine(AppContext.BaseDirectory, "Vectors");
    private static readonly string Schema = Path.Combine(VectorDirectory, "example-schema.xml");
    private static readonly string BaselineFile = Path.Combine(VectorDirectory, "car_example_baseline_data.sbe");

    private readonly string _temp = Directory.CreateTempSubdirectory("exchange-sbe-cli-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static Result Run(params string[] args)
    {
        string tool = Path.Combine(AppContext.BaseDirectory, "exchange-sbe.dll");
        Assert.True(File.Exists(tool), $"{tool} was not built next to the tests");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(tool);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "exchange-sbe did not finish within a minute");
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private string TempFile(string name, byte[] contents)
    {
        string path = Path.Combine(_temp, name);
        File.WriteAllBytes(path, contents);
        return path;
    }

    [Fact]
    public void Decoding_the_baseline_as_json_exits_zero_with_its_values()
    {
        var result = Run("decode", "--schema", Schema, BaselineFile, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(0, root.GetProperty("offset").GetInt32());
        Assert.Equal("Car", root.GetProperty("message").GetString());
        Assert.Equal(2013, root.GetProperty("modelYear").GetInt32());
        Assert.Equal(200, root.GetProperty("engine").GetProperty("booster").GetProperty("horsePower").GetInt32());
        Assert.Equal("Combined Cycle", root.GetProperty("fuelFigures")[1].GetProperty("usageDescription").GetString());
        Assert.Equal("abcdef", root.GetProperty("activationCode").GetString());
    }

    [Fact]
    public void Decoding_the_baseline_as_text_prints_names_and_values()
    {
        var result = Run("decode", "--schema", Schema, BaselineFile);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("  serialNumber: 1234", result.Stdout);
        Assert.Contains("  model: Civic VTi", result.Stdout);
    }

    [Fact]
    public void All_decodes_back_to_back_messages_one_json_line_each()
    {
        string twice = TempFile("twice.sbe", [.. Vectors.Baseline, .. Vectors.Baseline]);

        var result = Run("decode", "--schema", Schema, twice, "--all", "--json");

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([0, 207], lines.Select(l => { using var j = JsonDocument.Parse(l); return j.RootElement.GetProperty("offset").GetInt32(); }));
    }

    [Fact]
    public void A_missing_file_exits_two_with_one_line_on_stderr()
    {
        var result = Run("decode", "--schema", Schema, Path.Combine(_temp, "no-such-file.sbe"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        string line = Assert.Single(result.StderrLines);
        Assert.StartsWith("exchange-sbe: ", line);
        Assert.Contains("no-such-file.sbe", line);
    }

    [Fact]
    public void A_malformed_schema_exits_two_with_one_line_naming_it()
    {
        string schema = TempFile("broken.xml", "<sbe:messageSchema xmlns:sbe=\"http://fixprotocol.io/2016/sbe\" id=\"1\">\n<types>"u8.ToArray());

        var result = Run("decode", "--schema", schema, BaselineFile);

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"exchange-sbe: {schema}", line);
    }

    [Fact]
    public void A_truncated_file_exits_two_with_one_line_saying_where()
    {
        string truncated = TempFile("truncated.sbe", Vectors.Baseline[..100]);

        var result = Run("decode", "--schema", Schema, truncated, "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        string line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"exchange-sbe: {truncated}: message 1: ", line);
    }

    [Fact]
    public void A_float_that_is_not_a_number_still_gives_valid_json()
    {
        byte[] car = Vectors.Baseline;
        car.AsSpan(8 + 45 + 4 + 2, 4).Fill(0xFF); // fuelFigures[0].mpg: a NaN
        string file = TempFile("nan.sbe", car);

        var result = Run("decode", "--schema", Schema, file, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("NaN", json.RootElement.GetProperty("fuelFigures")[0].GetProperty("mpg").GetString());
    }
}
