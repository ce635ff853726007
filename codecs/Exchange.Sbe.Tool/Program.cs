// exchange-sbe: SBE tools for operators. `decode` reads messages of any schema at run time.
using System.Text.Json;
using Exchange.Sbe.Schema;
using Exchange.Sbe.Tool;

const string Usage = """
    usage: exchange-sbe decode --schema SCHEMA.xml FILE [--offset N] [--all] [--json]

      --schema FILE   SBE 1.0 message schema (xi:include resolved next to it)
      --offset N      where the message starts in FILE (default 0)
      --all           decode messages back to back until the end of FILE
      --json          one JSON object per message instead of text
    """;

string? schemaPath = null, file = null;
int offset = 0;
bool json = false, all = false;
if (args.Length == 0 || args[0] is "--help" or "-h" || args.Contains("--help")) { Console.WriteLine(Usage); return args.Length == 0 ? 2 : 0; }
if (args[0] != "decode") return Fail($"unknown command '{args[0]}' (try --help)");
for (int i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--schema" when i + 1 < args.Length: schemaPath = args[++i]; break;
        case "--offset" when i + 1 < args.Length:
            if (!int.TryParse(args[++i], out offset) || offset < 0) return Fail($"--offset must be a non-negative integer, not '{args[i]}'");
            break;
        case "--json": json = true; break;
        case "--all": all = true; break;
        default:
            if (args[i].StartsWith("--", StringComparison.Ordinal) || file != null) return Fail($"unexpected argument '{args[i]}' (try --help)");
            file = args[i];
            break;
    }
}
if (schemaPath == null || file == null) return Fail("decode needs --schema SCHEMA.xml and a FILE");

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

static int Fail(string reason)
{
    Console.Error.WriteLine($"exchange-sbe: {reason}");
    return 2;
}
