// A record's payload as the exchange schema lays it out, field by field with enum names: what `exchange-sbe decode
// --schema codecs/exchange.xml` prints for it, by the same decoder over the same schema (embedded at build time).
using System.Text.Json;
using Exchange.Sbe.Schema;
using Exchange.Sbe.Tool;

namespace Exchange.Replay.Tool;

internal static class SbeView
{
    private static readonly SchemaDecoder Decoder = new(LoadSchema());

    private static MessageSchema LoadSchema()
    {
        using var stream = typeof(SbeView).Assembly.GetManifestResourceStream("exchange.xml")
            ?? throw new InvalidOperationException("exchange.xml is not embedded in this build");
        using var reader = new StreamReader(stream);
        return SchemaParser.Parse(reader.ReadToEnd(), _ => null);
    }

    /// <summary>The decoded message, or null with why not (a payload the schema cannot read, and where it went wrong).</summary>
    public static DecodedObject? Decode(ReadOnlySpan<byte> payload, out string? error)
    {
        try
        {
            error = null;
            return Decoder.Decode(payload, 0, out _);
        }
        catch (SbeDecodeException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>Indented lines under a record's line, as exchange-sbe's text (its "name: value" tree).</summary>
    public static void WriteText(TextWriter text, DecodedObject? message, string? error, string segment, long offset)
    {
        text.WriteLine($"  {segment} offset {offset}:");
        if (message != null) Render.Text(text, message, indent: 2);
        else text.WriteLine($"    not decodable: {error}");
    }

    /// <summary>The record's "segment", "messageOffset" and "sbe" (as exchange-sbe --json writes the message) or "sbeError".</summary>
    public static void WriteJson(Utf8JsonWriter json, DecodedObject? message, string? error, string segment, long offset)
    {
        json.WriteString("segment", segment);
        json.WriteNumber("messageOffset", offset);
        if (message == null)
        {
            json.WriteString("sbeError", error);
            return;
        }
        json.WriteStartObject("sbe");
        foreach (var member in message.Members) Render.Json(json, member);
        json.WriteEndObject();
    }
}
