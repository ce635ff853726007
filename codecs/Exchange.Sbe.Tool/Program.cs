// exchange-sbe: SBE tools for operators. `decode` reads messages of any schema at run time.
// Every failure is one line on stderr and exit code 2: a usage error, or a schema or file it cannot use.
using System.CommandLine;
using System.Text.Json;
using Exchange.Hosting;
using Exchange.Sbe.Schema;
using Exchange.Sbe.Tool;

var schemaOption = Cli.Required<string>("--schema", "SBE 1.0 message schema (xi:include resolved next to it)");
schemaOption.HelpName = "SCHEMA.xml";
var fileArgument = new Argument<string>("FILE") { Description = "the bytes to decode" };
var offsetOption = Cli.Integer("--offset", "where the message starts in FILE", 0, 0, int.MaxValue);
var allOption = new Option<bool>("--all") { Description = "decode messages back to back until the end of FILE" };
var jsonOption = new Option<bool>("--json") { Description = "one JSON object per message instead of text" };
var decode = new Command("decode", "Decodes the SBE message at --offset in FILE (or, with --all, every message from there on) as the schema describes it.")
{
    fileArgument, schemaOption, offsetOption, allOption, jsonOption,
};
decode.SetAction(r => Decode(r.GetValue(schemaOption)!, r.GetValue(fileArgument)!, r.GetValue(offsetOption), r.GetValue(allOption), r.GetValue(jsonOption)));

var root = new RootCommand("SBE tools for operators: `exchange-sbe decode` reads messages of any schema at run time.") { decode };
root.SetAction(_ =>
{
    Console.Error.WriteLine("exchange-sbe: give a command: decode (try --help)");
    return Cli.UsageError;
});
return Cli.Run(root, args);

static int Decode(string schemaPath, string file, int offset, bool all, bool json)
{
    MessageSchema schema;
    byte[] bytes;
    try
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(schemaPath))!;
        schema = SchemaParser.Parse(File.ReadAllText(schemaPath), href =>
        {
            string path = Path.Combine(directory, href);
            return File.Exists(path) ? File.ReadAllText(path) : null;
        });
        bytes = File.ReadAllBytes(file);
    }
    catch (SchemaException e) { return Fail($"{schemaPath}{(e.Line > 0 ? $":{e.Line}" : "")}: {e.Message}"); }
    catch (IOException e) { return Fail(e.Message); }
    catch (UnauthorizedAccessException e) { return Fail(e.Message); }
    if (offset > bytes.Length) return Fail($"--offset {offset} is past the end of {file} ({bytes.Length} bytes)");

    var decoder = new SchemaDecoder(schema);
    using var stdout = Console.OpenStandardOutput();
    int position = offset, count = 0;
    do
    {
        DecodedObject message;
        int start = position;
        try { message = decoder.Decode(bytes, position, out int end); position = end; }
        catch (SbeDecodeException e) { return Fail($"{file}: message {count + 1}: {e.Message}"); }
        count++;
        if (json)
        {
            using var writer = new Utf8JsonWriter(stdout);
            writer.WriteStartObject();
            writer.WriteNumber("offset", start);
            foreach (var member in message.Members) Render.Json(writer, member);
            writer.WriteEndObject();
            writer.Flush();
            stdout.WriteByte((byte)'\n');
        }
        else
        {
            Render.Text(Console.Out, message);
        }
    }
    while (all && position < bytes.Length);
    return 0;
}

static int Fail(string reason)
{
    Console.Error.WriteLine($"exchange-sbe: {reason}");
    return Cli.UsageError;
}
