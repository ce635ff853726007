// What real exchange schemas and the reference implementation require beyond the public schemas themselves: any
// legal name, inline types scoped by where they are declared, one rule for group dimensions in the generated and the
// runtime decoder, work bounded by a message's bytes, and output that reads back to one byte string.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Exchange.Sbe.Schema;
using Exchange.Sbe.Tool;

namespace Exchange.Codecs.Tests;

public class SchemaConformanceTests
{
    private const string Types =
        "<composite name=\"messageHeader\"><type name=\"blockLength\" primitiveType=\"uint16\"/><type name=\"templateId\" primitiveType=\"uint16\"/>"
        + "<type name=\"schemaId\" primitiveType=\"uint16\"/><type name=\"version\" primitiveType=\"uint16\"/></composite>"
        + "<composite name=\"groupSizeEncoding\"><type name=\"blockLength\" primitiveType=\"uint16\"/><type name=\"numInGroup\" primitiveType=\"uint16\"/></composite>"
        + "<composite name=\"groupSize32\"><type name=\"blockLength\" primitiveType=\"uint16\"/><type name=\"numInGroup\" primitiveType=\"uint32\" maxValue=\"2147483647\"/></composite>"
        + "<composite name=\"varString\"><type name=\"length\" primitiveType=\"uint8\"/><type name=\"varData\" primitiveType=\"char\"/></composite>";

    private static string Schema(string types, string messages) =>
        "<sbe:messageSchema xmlns:sbe=\"http://fixprotocol.io/2016/sbe\" package=\"conformance\" id=\"9\" version=\"0\">"
        + $"<types>{Types}{types}</types>{messages}</sbe:messageSchema>";

    [Fact]
    public void Names_that_collide_with_generated_members_are_renamed_and_the_codecs_round_trip()
    {
        // B3 EntryPoint's NotApplied has a field "count"; the others land on members, helpers or derived names too.
        var schema = Schema(
            "<set name=\"flags\" encodingType=\"uint8\"><choice name=\"None\">0</choice><choice name=\"count\">1</choice></set>"
            + "<enum name=\"state\" encodingType=\"uint8\"><validValue name=\"NULL_VALUE\">1</validValue></enum>",
            "<sbe:message name=\"NotApplied\" id=\"1\"><field name=\"flags\" id=\"16\" type=\"flags\"/><field name=\"state\" id=\"17\" type=\"state\"/>"
            + "<field name=\"count\" id=\"1\" type=\"uint32\"/><field name=\"limit\" id=\"2\" type=\"uint32\"/><field name=\"next\" id=\"3\" type=\"uint8\"/>"
            + "<field name=\"math\" id=\"4\" type=\"int16\"/><field name=\"wrap\" id=\"5\" type=\"int8\"/><field name=\"_buffer\" id=\"6\" type=\"uint8\"/>"
            + "<field name=\"readText\" id=\"14\" type=\"uint8\"/>"
            + "<group name=\"entries\" id=\"7\"><field name=\"count\" id=\"8\" type=\"uint16\"/><field name=\"index\" id=\"9\" type=\"uint16\"/>"
            + "<field name=\"countId\" id=\"10\" type=\"uint8\"/><group name=\"entries\" id=\"11\"><field name=\"next\" id=\"12\" type=\"uint8\"/></group>"
            + "<data name=\"next\" id=\"13\" type=\"varString\"/></group>"
            + "<data name=\"text\" id=\"15\" type=\"varString\"/></sbe:message>");

        var types = PublicSchemaTests.RoundTrip("names.xml", schema);

        var decoder = types.Single(t => t.FullName == "Public.NotAppliedDecoder");
        Assert.NotNull(decoder.GetProperty("Count_"));
        Assert.NotNull(decoder.GetProperty("Limit_"));
        Assert.NotNull(decoder.GetMethod("ReadText_"));
        Assert.NotNull(decoder.GetNestedType("EntriesDecoder")!.GetProperty("Count_"));
        Assert.True(Enum.IsDefined(types.Single(t => t.FullName == "Public.Flags"), "None_"));
        Assert.True(Enum.IsDefined(types.Single(t => t.FullName == "Public.State"), "NULL_VALUE_"));
    }

    [Fact]
    public void Inline_composites_of_one_name_are_scoped_by_the_composite_that_declares_them()
    {
        var schema = Schema(
            "<composite name=\"bid\"><composite name=\"price\"><type name=\"mantissa\" primitiveType=\"int64\"/><type name=\"exponent\" primitiveType=\"int8\"/></composite>"
            + "<type name=\"size\" primitiveType=\"uint32\"/></composite>"
            + "<composite name=\"ask\"><composite name=\"price\"><type name=\"ticks\" primitiveType=\"int32\"/></composite>"
            + "<enum name=\"side\" encodingType=\"uint8\"><validValue name=\"sell\">2</validValue></enum></composite>"
            + "<composite name=\"cross\"><enum name=\"side\" encodingType=\"char\"><validValue name=\"buy\">B</validValue></enum></composite>",
            "<sbe:message name=\"Quote\" id=\"1\"><field name=\"bid\" id=\"1\" type=\"bid\"/><field name=\"ask\" id=\"2\" type=\"ask\"/>"
            + "<field name=\"cross\" id=\"3\" type=\"cross\"/></sbe:message>");

        var types = PublicSchemaTests.RoundTrip("inline.xml", schema).Select(t => t.FullName).ToList();

        Assert.Contains("Public.BidPriceDecoder", types);
        Assert.Contains("Public.AskPriceDecoder", types);
        Assert.Contains("Public.AskSide", types);
        Assert.Contains("Public.CrossSide", types);
    }

    private const string GroupSchema =
        "<sbe:message name=\"Quote\" id=\"1\"><field name=\"px\" id=\"1\" type=\"int64\"/>"
        + "<group name=\"legs\" id=\"2\"><field name=\"qty\" id=\"3\" type=\"int32\"/></group></sbe:message>"
        + "<sbe:message name=\"Ping\" id=\"2\"><group name=\"empties\" id=\"1\" dimensionType=\"groupSize32\"/></sbe:message>";

    // The generated decoder's verdict on a message: "accepted" or the SbeError it threw.
    private static readonly Lazy<Func<byte[], string>> Generated = new(() =>
    {
        var (compilation, diagnostics) = GeneratorRun.Run(("/schemas/groups.xml", Schema("", GroupSchema), "true", "Public"));
        Assert.Empty(diagnostics);
        var probe = GeneratorRun.Load(compilation, """
            namespace Probe
            {
                public static class Read
                {
                    public static string Message(byte[] bytes)
                    {
                        try
                        {
                            if (global::Public.QuoteDecoder.TryWrapWithHeader(bytes, 0, out var quote) == global::Exchange.Sbe.SbeError.None)
                            {
                                var legs = quote.ReadLegs();
                                while (legs.Next()) { }
                                return "accepted";
                            }

                            var ping = global::Public.PingDecoder.WrapWithHeader(bytes, 0);
                            var empties = ping.ReadEmpties();
                            while (empties.Next()) { }
                            return "accepted";
                        }
                        catch (global::Exchange.Sbe.SbeException e)
                        {
                            return e.Error.ToString();
                        }
                    }
                }
            }
            """);
        return probe.GetType("Probe.Read")!.GetMethod("Message")!.CreateDelegate<Func<byte[], string>>();
    });

    private static string Runtime(byte[] bytes)
    {
        var decoder = new SchemaDecoder(SchemaParser.Parse(Schema("", GroupSchema), _ => null));
        try
        {
            decoder.Decode(bytes, 0, out _);
            return "accepted";
        }
        catch (SbeDecodeException e)
        {
            return "rejected: " + e.Message;
        }
    }

    private static byte[] Message(int templateId, int blockLength, params byte[] rest)
    {
        var bytes = new byte[8 + blockLength + rest.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)blockLength);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), (ushort)templateId);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 9);
        rest.CopyTo(bytes, 8 + blockLength);
        return bytes;
    }

    [Theory]
    [InlineData(0, 0, false)]
    [InlineData(3, 0, false)]
    [InlineData(3, 1, false)]
    [InlineData(4, 0, true)]
    [InlineData(4, 1, true)]
    public void A_group_block_length_below_its_fields_is_refused_by_both_decoders_whatever_the_count(int blockLength, int count, bool valid)
    {
        var dimension = new byte[4 + count * blockLength];
        BinaryPrimitives.WriteUInt16LittleEndian(dimension, (ushort)blockLength);
        BinaryPrimitives.WriteUInt16LittleEndian(dimension.AsSpan(2), (ushort)count);
        var bytes = Message(1, 8, dimension);

        var generated = Generated.Value(bytes);
        var runtime = Runtime(bytes);

        Assert.Equal(valid ? "accepted" : "BlockTooShort", generated);
        if (valid)
        {
            Assert.Equal("accepted", runtime);
        }
        else
        {
            Assert.StartsWith("rejected: legs: block length", runtime);
        }
    }

    [Fact]
    public void Empty_entries_cannot_number_more_than_the_bytes_left_so_a_tiny_message_cannot_make_billions()
    {
        var dimension = new byte[6];
        BinaryPrimitives.WriteUInt32LittleEndian(dimension.AsSpan(2), int.MaxValue);
        var bytes = Message(2, 0, dimension);

        Assert.Equal("CountOutOfRange", Generated.Value(bytes));
        Assert.Equal("rejected: empties: 2147483647 entries are more than the 0 bytes left at byte 8", Runtime(bytes));
    }

    [Fact]
    public void Empty_entries_within_the_bytes_left_are_read()
    {
        var dimension = new byte[6 + 2];
        BinaryPrimitives.WriteUInt32LittleEndian(dimension.AsSpan(2), 2);
        var bytes = Message(2, 0, dimension);

        Assert.Equal("accepted", Generated.Value(bytes));
        var decoded = new SchemaDecoder(SchemaParser.Parse(Schema("", GroupSchema), _ => null)).Decode(bytes, 0, out var end);
        Assert.Equal(bytes.Length - 2, end);
        Assert.Equal("2", Decoded.Flatten(decoded)["empties.count"]);
    }

    private const string RenderSchema =
        "<type name=\"flag\" primitiveType=\"char\"/>"
        + "<enum name=\"TimeUnit\" encodingType=\"uint8\"><validValue name=\"NANOSECOND\">9</validValue></enum>"
        + "<composite name=\"timestamp\"><type name=\"time\" primitiveType=\"uint64\"/>"
        + "<type name=\"unit\" primitiveType=\"uint8\" presence=\"constant\" valueRef=\"TimeUnit.NANOSECOND\"/></composite>";

    private static DecodedObject Note(byte flag, string text)
    {
        var schema = SchemaParser.Parse(Schema(RenderSchema,
            "<sbe:message name=\"Note\" id=\"1\"><field name=\"flag\" id=\"1\" type=\"flag\"/><field name=\"stamp\" id=\"2\" type=\"timestamp\"/>"
            + "<field name=\"unit\" id=\"3\" type=\"TimeUnit\" presence=\"constant\" valueRef=\"TimeUnit.NANOSECOND\"/>"
            + "<data name=\"text\" id=\"4\" type=\"varString\"/></sbe:message>"), _ => null);
        var data = Encoding.ASCII.GetBytes(text);
        var bytes = Message(1, 9, [(byte)data.Length, .. data]);
        bytes[8] = flag;
        return new SchemaDecoder(schema).Decode(bytes, 0, out _);
    }

    [Fact]
    public void Var_data_escapes_backslashes_so_literal_escapes_and_control_bytes_print_apart()
    {
        var literal = Decoded.Flatten(Note((byte)'Y', "a\\x0A"))["text"];
        var newline = Decoded.Flatten(Note((byte)'Y', "a\n"))["text"];

        Assert.Equal("a\\\\x0A", literal);
        Assert.Equal("a\\x0A", newline);
    }

    [Fact]
    public void A_nul_char_is_padding_and_prints_empty_not_as_a_control_character()
    {
        Assert.Equal("", Decoded.Flatten(Note(0, ""))["flag"]);
        Assert.Equal("\\x01", Decoded.Flatten(Note(1, ""))["flag"]);
        Assert.Equal("Y", Decoded.Flatten(Note((byte)'Y', ""))["flag"]);
    }

    [Fact]
    public void A_value_ref_on_a_composite_member_prints_the_enum_name_as_one_on_a_field_does()
    {
        var values = Decoded.Flatten(Note((byte)'Y', ""));

        Assert.Equal("NANOSECOND", values["unit"]);
        Assert.Equal("NANOSECOND", values["stamp.unit"]);
    }

    [Fact]
    public void Text_and_json_show_the_same_values()
    {
        var note = Note(0, "\\\n\"");
        var text = new StringWriter();
        Render.Text(text, note);
        using var json = JsonDocument.Parse(Decoded.Json(note));

        foreach (var name in new[] { "flag", "text" })
        {
            var line = text.ToString().Split('\n').Single(l => l.TrimStart().StartsWith(name + ": ", StringComparison.Ordinal));
            Assert.Equal(line.TrimStart()[(name.Length + 2)..].TrimEnd('\r'), json.RootElement.GetProperty(name).GetString());
        }

        Assert.Equal("\\\\\\x0A\"", json.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public void A_message_member_named_header_leaves_the_decoded_keys_distinct()
    {
        var schema = SchemaParser.Parse(Schema("", "<sbe:message name=\"Framed\" id=\"1\"><field name=\"header\" id=\"1\" type=\"messageHeader\"/></sbe:message>"), _ => null);
        var bytes = Message(1, 8, []);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8 + 2), 77);

        var values = Decoded.Flatten(new SchemaDecoder(schema).Decode(bytes, 0, out _));

        Assert.Equal("1", values["sbe:header.templateId"]);
        Assert.Equal("Framed", values["sbe:message"]);
        Assert.Equal("77", values["header.templateId"]);
    }
}
