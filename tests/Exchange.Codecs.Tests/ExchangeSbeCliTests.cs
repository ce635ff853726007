// The built exchange-sbe tool, run as a process the way an operator runs it: `dotnet exchange-sbe.dll decode ...`.
// The project reference to Exchange.Sbe.Tool copies exchange-sbe.dll and its runtimeconfig next to this assembly.
using System.Text;
using System.Text.Json;
using Exchange.Testing;

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
        var result = ChildProcess.Run(ChildProcess.StartDll("exchange-sbe.dll", args));
        // ChildProcess hands over output by lines; the tool ends every line it writes.
        return new Result(result.ExitCode, result.Stdout.Length == 0 ? "" : result.Stdout + "\n", result.Stderr);
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

    [Theory]
    [InlineData("decode", "--schema", "{schema}", "{file}", "--colour")]
    [InlineData("decode", "--colour", "--schema", "{schema}")]
    [InlineData("--colour")]
    public void An_unknown_option_exits_two_with_one_line_naming_it(params string[] args)
    {
        var result = Run(args.Select(a => a.Replace("{schema}", Schema).Replace("{file}", BaselineFile)).ToArray());

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("exchange-sbe: Unrecognized command or argument '--colour' (try --help)", Assert.Single(result.StderrLines));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("x")]
    public void A_bad_offset_exits_two_with_one_line_naming_the_option(string offset)
    {
        var result = Run("decode", "--schema", Schema, BaselineFile, "--offset", offset);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"exchange-sbe: --offset must be an integer of at least 0, not '{offset}' (try --help)", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Version_prints_the_tools_version()
    {
        var result = Run("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+\S*\n$", result.Stdout);
    }

    [Fact]
    public void Decode_has_help_listing_its_options()
    {
        var result = Run("decode", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:\n  exchange-sbe decode <FILE> [options]", result.Stdout);
        foreach (string option in new[] { "--schema", "--offset", "--all", "--json" }) Assert.Contains($"  {option} ", result.Stdout);
    }

    [Fact]
    public void A_tiny_message_announcing_billions_of_empty_entries_is_refused_in_one_line()
    {
        string schema = TempFile("empties.xml", Encoding.UTF8.GetBytes(
            "<sbe:messageSchema xmlns:sbe=\"http://fixprotocol.io/2016/sbe\" package=\"empties\" id=\"9\"><types>"
            + "<composite name=\"messageHeader\"><type name=\"blockLength\" primitiveType=\"uint16\"/><type name=\"templateId\" primitiveType=\"uint16\"/>"
            + "<type name=\"schemaId\" primitiveType=\"uint16\"/><type name=\"version\" primitiveType=\"uint16\"/></composite>"
            + "<composite name=\"groupSize32\"><type name=\"blockLength\" primitiveType=\"uint16\"/>"
            + "<type name=\"numInGroup\" primitiveType=\"uint32\" maxValue=\"2147483647\"/></composite></types>"
            + "<sbe:message name=\"Ping\" id=\"1\"><group name=\"empties\" id=\"1\" dimensionType=\"groupSize32\"/></sbe:message></sbe:messageSchema>"));
        // Header (block length 0, template 1, schema 9, version 0), then the dimension: block length 0, 2^31 - 1 entries.
        string file = TempFile("empties.sbe", [0, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F]);

        var result = Run("decode", "--schema", schema, file);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal($"exchange-sbe: {file}: message 1: empties: 2147483647 entries are more than the 0 bytes left at byte 8", Assert.Single(result.StderrLines));
    }
}
