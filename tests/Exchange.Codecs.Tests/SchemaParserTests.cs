// The schema model on its own: layout computed as the spec lays it out, and every schema mistake reported as a
// SchemaException that names the element.
extern alias generator;
using generator::Exchange.Sbe.Schema;

namespace Exchange.Codecs.Tests;

public class SchemaParserTests
{
    private static readonly string SbeData = Path.Combine(AppContext.BaseDirectory, "Vectors");

    private static MessageSchema Car() => SchemaParser.Parse(
        File.ReadAllText(Path.Combine(SbeData, "example-schema.xml")),
        href => File.ReadAllText(Path.Combine(SbeData, href)));

    [Fact]
    public void Car_layout_matches_the_reference_offsets()
    {
        var car = Car().Messages.Single();
        Assert.Equal(45, car.BlockLength);
        Assert.Equal(
            [("serialNumber", 0), ("modelYear", 8), ("available", 10), ("code", 11), ("someNumbers", 12), ("vehicleCode", 28),
             ("extras", 34), ("discountedModel", 35), ("engine", 35)],
            car.Fields.Select(f => (f.Name, f.Offset)));
        Assert.Equal(0, car.Fields.Single(f => f.Name == "discountedModel").EncodedLength);
        Assert.Equal(10, car.Fields.Single(f => f.Name == "engine").EncodedLength);
        Assert.Equal(6, car.Groups[0].BlockLength);
        Assert.Equal(1, car.Groups[1].BlockLength);
        Assert.Equal(6, car.Groups[1].Groups[0].BlockLength);
        Assert.Equal(["manufacturer", "model", "activationCode"], car.Data.Select(d => d.Name));
        Assert.Equal(1073741824, car.Data[0].MaxLength);
    }

    [Fact]
    public void Header_type_defaults_to_messageHeader()
    {
        var header = Car().Header;
        Assert.Equal("messageHeader", header.Type.Name);
        Assert.Equal(8, header.Type.EncodedLength);
        Assert.Equal(2, header.TemplateId.Offset);
    }

    [Fact]
    public void Missing_include_names_the_href()
    {
        var error = Assert.Throws<SchemaException>(() => SchemaParser.Parse(
            File.ReadAllText(Path.Combine(SbeData, "example-schema.xml")), _ => null));
        Assert.Contains("common-types.xml", error.Message);
    }

    [Theory]
    [InlineData("<field name=\"a\" id=\"1\" type=\"nope\"/>", "<field name=\"a\">", "\"nope\", which is not declared")]
    [InlineData("<field name=\"a\" id=\"1\" type=\"uint32\" offset=\"2\"/><field name=\"b\" id=\"2\" type=\"uint8\" offset=\"3\"/>", "<field name=\"b\">", "overlaps")]
    [InlineData("<group name=\"g\" id=\"1\"><field name=\"x\" id=\"2\" type=\"uint8\"/></group><field name=\"a\" id=\"3\" type=\"uint8\"/>", "<field name=\"a\">", "fields must come first")]
    [InlineData("<field name=\"a\" id=\"1\" type=\"uint8\" sinceVersion=\"3\"/>", "<field name=\"a\">", "sinceVersion 3")]
    [InlineData("<field name=\"a\" id=\"1\" type=\"Flag\" presence=\"constant\" valueRef=\"Flag.Maybe\"/>", "<field name=\"a\">", "no value \"Maybe\"")]
    [InlineData("<field name=\"a\" id=\"1\" type=\"uint8\" presence=\"sometimes\"/>", "<field name=\"a\">", "presence \"sometimes\"")]
    [InlineData("<data name=\"d\" id=\"1\" type=\"uint32\"/>", "<data name=\"d\">", "not a composite")]
    [InlineData("<field name=\"a\" id=\"x1\" type=\"uint8\"/>", "<field name=\"a\">", "id=\"x1\" is not an integer")]
    public void Mistakes_in_a_message_are_reported_on_their_element(string body, string element, string problem)
    {
        var error = Assert.Throws<SchemaException>(() => Parse(Schema($"<sbe:message name=\"M\" id=\"1\">{body}</sbe:message>")));
        Assert.Contains(element, error.Message);
        Assert.Contains(problem, error.Message);
        Assert.True(error.Line > 0);
    }

    [Fact]
    public void Block_length_attribute_shorter_than_the_fields_is_an_error()
    {
        var error = Assert.Throws<SchemaException>(() => Parse(Schema(
            "<sbe:message name=\"M\" id=\"1\" blockLength=\"2\"><field name=\"a\" id=\"1\" type=\"uint32\"/></sbe:message>")));
        Assert.Contains("blockLength 2", error.Message);
    }

    [Fact]
    public void Header_without_a_template_id_is_an_error()
    {
        var error = Assert.Throws<SchemaException>(() => Parse(Schema("", header: "<type name=\"blockLength\" primitiveType=\"uint16\"/>")));
        Assert.Contains("templateId", error.Message);
    }

    [Fact]
    public void Malformed_xml_is_an_error_with_its_line()
    {
        var error = Assert.Throws<SchemaException>(() => Parse("<sbe:messageSchema>\n<types>"));
        Assert.Contains("not well-formed", error.Message);
    }

    [Fact]
    public void Offset_and_block_length_attributes_place_fields_and_pad_the_block()
    {
        var message = Parse(Schema(
            "<sbe:message name=\"M\" id=\"1\" blockLength=\"32\"><field name=\"a\" id=\"1\" type=\"uint8\"/>"
            + "<field name=\"b\" id=\"2\" type=\"uint64\" offset=\"8\"/><field name=\"c\" id=\"3\" type=\"int16\"/></sbe:message>")).Messages[0];
        Assert.Equal([0, 8, 16], message.Fields.Select(f => f.Offset));
        Assert.Equal(32, message.BlockLength);
        Assert.Equal(18, message.MinimumBlockLength(0));
    }

    private static MessageSchema Parse(string xml) => SchemaParser.Parse(xml, _ => null);

    private static string Schema(string messages, string? header = null) =>
        "<?xml version=\"1.0\"?>\n<sbe:messageSchema xmlns:sbe=\"http://fixprotocol.io/2016/sbe\" package=\"t\" id=\"9\" version=\"1\">\n"
        + "<types>\n<composite name=\"messageHeader\">"
        + (header ?? "<type name=\"blockLength\" primitiveType=\"uint16\"/><type name=\"templateId\" primitiveType=\"uint16\"/>"
            + "<type name=\"schemaId\" primitiveType=\"uint16\"/><type name=\"version\" primitiveType=\"uint16\"/>")
        + "</composite>\n<composite name=\"groupSizeEncoding\"><type name=\"blockLength\" primitiveType=\"uint16\"/><type name=\"numInGroup\" primitiveType=\"uint16\"/></composite>\n"
        + "<enum name=\"Flag\" encodingType=\"uint8\"><validValue name=\"Yes\">1</validValue></enum>\n</types>\n"
        + messages + "\n</sbe:messageSchema>";
}
