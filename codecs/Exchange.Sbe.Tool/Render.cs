// Renders decoded messages for a person (indented name: value lines) or a program (JSON).
using System.Text.Json;

namespace Exchange.Sbe.Tool;

internal static class Render
{
    public static void Text(TextWriter output, DecodedNode node, int indent = 0)
    {
        string pad = new(' ', indent * 2);
        switch (node)
        {
            case DecodedScalar s:
                output.WriteLine($"{pad}{s.Name}: {s.Text ?? "null"}");
                break;
            case DecodedObject o:
                output.WriteLine($"{pad}{o.Name}:");
                foreach (var member in o.Members) Text(output, member, indent + 1);
                break;
            case DecodedList { Items.Count: 0 } l:
                output.WriteLine($"{pad}{l.Name}: []");
                break;
            case DecodedList l when l.Items.TrueForAll(i => i is DecodedScalar):
                output.WriteLine($"{pad}{l.Name}: [{string.Join(", ", l.Items.Select(i => ((DecodedScalar)i).Text ?? "null"))}]");
                break;
            case DecodedList l:
                output.WriteLine($"{pad}{l.Name}: {l.Items.Count} entries");
                foreach (var item in l.Items) Text(output, item, indent + 1);
                break;
        }
    }

    public static void Json(Utf8JsonWriter json, DecodedNode node, bool named = true)
    {
        if (named) json.WritePropertyName(node.Name);
        switch (node)
        {
            case DecodedScalar { Text: null }:
                json.WriteNullValue();
                break;
            case DecodedScalar { IsNumber: true } s:
                json.WriteRawValue(s.Text!);
                break;
            case DecodedScalar s:
                json.WriteStringValue(s.Text);
                break;
            case DecodedObject o:
                json.WriteStartObject();
                foreach (var member in o.Members) Json(json, member);
                json.WriteEndObject();
                break;
            case DecodedList l:
                json.WriteStartArray();
                foreach (var item in l.Items) Json(json, item, named: false);
                json.WriteEndArray();
                break;
        }
    }
}
