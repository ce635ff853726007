// exchange-sbe's runtime, schema-driven decoder (codecs/Exchange.Sbe.Tool/SchemaDecoder.cs) on the reference
// Car vectors: every value by name, versioning, and malformed input that only ever ends in SbeDecodeException.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Exchange.Sbe.Schema;
using Exchange.Sbe.Tool;

namespace Exchange.Codecs.Tests;

/// <summary>Loads schemas for the runtime decoder and flattens what it decodes into path → text.</summary>
internal static class Decoded
{
    private static readonly string SbeData = Path.Combine(AppContext.BaseDirectory, "Vectors");

    public static MessageSchema Schema(string file) => SchemaParser.Parse(
        File.ReadAllText(Path.Combine(SbeData, file)),
        href => File.ReadAllText(Path.Combine(SbeData, href)));

    public static SchemaDecoder Decoder(string file) => new(Schema(file));

    /// <summary>Every scalar under <paramref name="node"/> by its path: <c>engine.booster.horsePower</c>,
    /// <c>fuelFigures[1].mpg</c>, <c>extras[0]</c> (a set lists its chosen choices).</summary>
    public static Dictionary<string, string?> Flatten(DecodedObject message)
    {
        var values = new Dictionary<string, string?>();
        foreach (var member in message.Members) Add(values, member.Name, member);
        return values;
    }

    private static void Add(Dictionary<string, string?> values, string path, DecodedNode node)
    {
        switch (node)
        {
            case DecodedScalar s:
                values.Add(path, s.Text);
                break;
            case DecodedObject o:
                foreach (var member in o.Members) Add(values, $"{path}.{member.Name}", member);
                break;
            case DecodedList l:
                values.Add($"{path}.count", l.Items.Count.ToString(CultureInfo.InvariantCulture));
                for (int i = 0; i < l.Items.Count; i++) Add(values, $"{path}[{i}]", l.Items[i]);
                break;
        }
    }

    /// <summary>The message as exchange-sbe --json writes it.</summary>
    public static string Json(DecodedObject message)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var member in message.Members) Render.Json(writer, member);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

public sealed class SchemaDecoderTests
{
    private static readonly SchemaDecoder Baseline = Decoded.Decoder("example-schema.xml");
    private static readonly SchemaDecoder Extension = Decoded.Decoder("example-extension-schema.xml");

    private static Dictionary<string, string?> BaselineCar() => Decoded.Flatten(Baseline.Decode(Vectors.Baseline, 0, out _));

    private static void AssertValues(Dictionary<string, string?> actual, params (string Path, string? Text)[] expected)
    {
        foreach (var (path, text) in expected)
        {
            Assert.True(actual.ContainsKey(path), $"no value at {path}");
            Assert.Equal(text, actual[path]);
        }
    }

    private static float Float(string? text) => float.Parse(text!, CultureInfo.InvariantCulture);

    // ---- the baseline vector, value by value ---------------------------------------------------------

    [Fact]
    public void Baseline_header_is_decoded_by_name()
        => AssertValues(BaselineCar(),
            ("header.blockLength", "45"), ("header.templateId", "1"), ("header.schemaId", "1"), ("header.version", "0"), ("message", "Car"));

    [Fact]
    public void Baseline_fixed_fields_are_decoded()
        => AssertValues(BaselineCar(),
            ("serialNumber", "1234"), ("modelYear", "2013"), ("vehicleCode", "abcdef"),
            ("someNumbers.count", "4"), ("someNumbers[0]", "1"), ("someNumbers[1]", "2"), ("someNumbers[2]", "3"), ("someNumbers[3]", "4"));

    [Fact]
    public void Baseline_enums_are_decoded_by_name()
        => AssertValues(BaselineCar(), ("available", "T"), ("code", "A"), ("engine.boosterEnabled", "T"), ("engine.booster.BoostType", "NITROUS"));

    [Fact]
    public void Baseline_set_lists_its_chosen_choices_by_name()
        => AssertValues(BaselineCar(), ("extras.count", "2"), ("extras[0]", "sportsPack"), ("extras[1]", "cruiseControl"));

    [Fact]
    public void Baseline_constants_come_from_the_schema()
        => AssertValues(BaselineCar(), ("discountedModel", "C"), ("engine.maxRpm", "9000"), ("engine.fuel", "Petrol"));

    [Fact]
    public void Baseline_composite_members_are_decoded_by_name()
        => AssertValues(BaselineCar(),
            ("engine.capacity", "2000"), ("engine.numCylinders", "4"), ("engine.manufacturerCode", "123"), ("engine.efficiency", "35"),
            ("engine.booster.horsePower", "200"));

    [Fact]
    public void Baseline_group_entries_carry_their_fields_and_var_data()
    {
        var car = BaselineCar();

        AssertValues(car, ("fuelFigures.count", "3"),
            ("fuelFigures[0].speed", "30"), ("fuelFigures[0].usageDescription", "Urban Cycle"),
            ("fuelFigures[1].speed", "55"), ("fuelFigures[1].usageDescription", "Combined Cycle"),
            ("fuelFigures[2].speed", "75"), ("fuelFigures[2].usageDescription", "Highway Cycle"));
        Assert.Equal([35.9f, 49.0f, 40.0f], Enumerable.Range(0, 3).Select(i => Float(car[$"fuelFigures[{i}].mpg"])));
    }

    [Fact]
    public void Baseline_nested_groups_are_decoded_inside_their_parent_entries()
    {
        var car = BaselineCar();

        AssertValues(car, ("performanceFigures.count", "2"),
            ("performanceFigures[0].octaneRating", "95"), ("performanceFigures[0].acceleration.count", "3"),
            ("performanceFigures[1].octaneRating", "99"), ("performanceFigures[1].acceleration.count", "3"));
        var accelerations =
            from p in Enumerable.Range(0, 2)
            from a in Enumerable.Range(0, 3)
            select (int.Parse(car[$"performanceFigures[{p}].acceleration[{a}].mph"]!, CultureInfo.InvariantCulture),
                Float(car[$"performanceFigures[{p}].acceleration[{a}].seconds"]));
        Assert.Equal([(30, 4.0f), (60, 7.5f), (100, 12.2f), (30, 3.8f), (60, 7.1f), (100, 11.8f)], accelerations);
    }

    [Fact]
    public void Baseline_var_data_is_decoded_as_text()
        => AssertValues(BaselineCar(), ("manufacturer", "Honda"), ("model", "Civic VTi"), ("activationCode", "abcdef"));

    [Fact]
    public void Decoding_the_baseline_consumes_exactly_its_207_bytes()
    {
        Baseline.Decode(Vectors.Baseline, 0, out int end);

        Assert.Equal(207, end);
    }

    [Fact]
    public void A_message_is_decoded_from_the_offset_it_starts_at()
    {
        var buffer = new byte[13 + Vectors.Baseline.Length];
        Vectors.Baseline.CopyTo(buffer, 13);

        var car = Decoded.Flatten(Baseline.Decode(buffer, 13, out int end));

        Assert.Equal(13 + 207, end);
        AssertValues(car, ("serialNumber", "1234"), ("activationCode", "abcdef"));
    }

    // ---- versioning ----------------------------------------------------------------------------------

    [Fact]
    public void Version_one_fields_are_null_in_a_version_zero_message()
    {
        var car = Decoded.Flatten(Extension.Decode(Vectors.Extension, 0, out _));

        AssertValues(car, ("header.version", "0"), ("uuid", null), ("cupHolderCount", null));
    }

    [Fact]
    public void A_version_one_decoder_still_reads_every_version_zero_value()
    {
        var car = Decoded.Flatten(Extension.Decode(Vectors.Extension, 0, out int end));

        Assert.Equal(207, end);
        AssertValues(car, ("serialNumber", "1234"), ("engine.booster.BoostType", "NITROUS"), ("fuelFigures[2].usageDescription", "Highway Cycle"),
            ("performanceFigures[1].acceleration[2].mph", "100"), ("activationCode", "abcdef"));
    }

    // ---- malformed input -----------------------------------------------------------------------------

    [Fact]
    public void Truncation_at_every_length_raises_a_decode_exception()
    {
        byte[] car = Vectors.Baseline;
        for (int length = 0; length < car.Length; length++)
        {
            byte[] truncated = car[..length];
            var e = Record.Exception(() => Baseline.Decode(truncated, 0, out _));
            Assert.True(e is SbeDecodeException, $"length {length}: {e?.GetType().Name ?? "no exception"}");
        }
    }

    [Fact]
    public void A_message_of_another_schema_is_refused_naming_both_ids()
    {
        byte[] car = Vectors.Baseline;
        BinaryPrimitives.WriteUInt16LittleEndian(car.AsSpan(4), 99);

        var e = Assert.Throws<SbeDecodeException>(() => Baseline.Decode(car, 0, out _));
        Assert.Contains("schema id 99, expected 1", e.Message);
    }

    [Fact]
    public void An_unknown_template_id_is_refused()
    {
        byte[] car = Vectors.Baseline;
        BinaryPrimitives.WriteUInt16LittleEndian(car.AsSpan(2), 42);

        var e = Assert.Throws<SbeDecodeException>(() => Baseline.Decode(car, 0, out _));
        Assert.Contains("template id 42", e.Message);
    }

    [Fact]
    public void A_block_shorter_than_the_version_needs_is_refused()
    {
        byte[] car = Vectors.Baseline;
        BinaryPrimitives.WriteUInt16LittleEndian(car, 44);

        var e = Assert.Throws<SbeDecodeException>(() => Baseline.Decode(car, 0, out _));
        Assert.Contains("block length 44", e.Message);
    }

    private const int FuelFiguresCountAt = 8 + 45 + 2;

    [Fact]
    public void A_group_count_above_the_schema_maximum_is_refused()
    {
        byte[] car = Vectors.Baseline;
        BinaryPrimitives.WriteUInt16LittleEndian(car.AsSpan(FuelFiguresCountAt), ushort.MaxValue);

        var e = Assert.Throws<SbeDecodeException>(() => Baseline.Decode(car, 0, out _));
        Assert.Contains("fuelFigures: 65535 entries exceeds", e.Message);
    }

    [Fact]
    public void A_group_count_the_buffer_cannot_hold_is_refused()
    {
        byte[] car = Vectors.Baseline;
        BinaryPrimitives.WriteUInt16LittleEndian(car.AsSpan(FuelFiguresCountAt), 60_000);

        var e = Assert.Throws<SbeDecodeException>(() => Baseline.Decode(car, 0, out _));
        Assert.Contains("run past the end", e.Message);
        Assert.Equal(8 + 45, e.Offset);
    }

    private static int ManufacturerLengthAt => Vectors.Baseline.AsSpan().IndexOf("Honda"u8) - 4;

    [Fact]
    public void A_var_data_length_above_the_schema_maximum_is_refused()
    {
        byte[] car = Vectors.Baseline;
        BinaryPrimitives.WriteUInt32LittleEndian(car.AsSpan(ManufacturerLengthAt), uint.MaxValue);

        var e = Assert.Throws<SbeDecodeException>(() => Baseline.Decode(car, 0, out _));
        Assert.Contains("manufacturer: length 4294967295 exceeds", e.Message);
    }

    [Fact]
    public void A_var_data_length_past_the_end_of_the_buffer_is_refused()
    {
        byte[] car = Vectors.Baseline;
        BinaryPrimitives.WriteUInt32LittleEndian(car.AsSpan(ManufacturerLengthAt), 1_000_000);

        var e = Assert.Throws<SbeDecodeException>(() => Baseline.Decode(car, 0, out _));
        Assert.Contains("manufacturer bytes needs 1000000 bytes", e.Message);
    }

    [Fact]
    public void An_offset_past_the_end_is_refused()
        => Assert.Throws<SbeDecodeException>(() => Baseline.Decode(Vectors.Baseline, 300, out _));

    /// <summary>The same mix as FuzzTests: noise, noise behind a valid header, and the vector with bytes changed or cut.</summary>
    private static int NextFuzz(Random random, byte[] reference, byte[] buffer)
    {
        int length;
        if (random.Next(4) == 0)
        {
            length = random.Next(0, buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length >= 8 && random.Next(2) == 0) reference.AsSpan(0, 8).CopyTo(buffer);
            return length;
        }

        length = random.Next(4) == 0 ? random.Next(0, buffer.Length + 1) : reference.Length;
        buffer.AsSpan().Clear();
        reference.AsSpan(0, Math.Min(length, reference.Length)).CopyTo(buffer);
        for (int flips = random.Next(1, 5); flips > 0; flips--)
        {
            int at = random.Next(0, Math.Max(length, 1));
            buffer[at] = random.Next(3) switch
            {
                0 => (byte)random.Next(256),
                1 => (byte)(buffer[at] ^ (1 << random.Next(8))),
                _ => 0xFF,
            };
        }
        return length;
    }

    [Fact]
    public void Random_and_mutated_buffers_only_ever_raise_a_decode_exception()
    {
        var random = new Random(20261122);
        byte[] reference = Vectors.Baseline;
        var buffer = new byte[reference.Length + 64];
        int decoded = 0;
        for (int i = 0; i < 100_000; i++)
        {
            int length = NextFuzz(random, reference, buffer);
            try
            {
                Baseline.Decode(buffer.AsSpan(0, length), 0, out int end);
                Assert.InRange(end, 8, length);
                decoded++;
            }
            catch (SbeDecodeException e)
            {
                Assert.InRange(e.Offset, 0, buffer.Length);
            }
        }

        Assert.InRange(decoded, 1_000, 99_000);
    }

    // ---- rendering -----------------------------------------------------------------------------------

    [Fact]
    public void Json_of_the_baseline_is_valid_and_carries_its_values()
    {
        using var json = JsonDocument.Parse(Decoded.Json(Baseline.Decode(Vectors.Baseline, 0, out _)));
        var root = json.RootElement;

        Assert.Equal(1234UL, root.GetProperty("serialNumber").GetUInt64());
        Assert.Equal("NITROUS", root.GetProperty("engine").GetProperty("booster").GetProperty("BoostType").GetString());
        Assert.Equal(["sportsPack", "cruiseControl"], root.GetProperty("extras").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(35.9f, root.GetProperty("fuelFigures")[0].GetProperty("mpg").GetSingle());
        Assert.Equal(11.8f, root.GetProperty("performanceFigures")[1].GetProperty("acceleration")[2].GetProperty("seconds").GetSingle());
        Assert.Equal("Civic VTi", root.GetProperty("model").GetString());
    }

    [Fact]
    public void Json_of_a_version_one_field_absent_from_the_message_is_null()
    {
        using var json = JsonDocument.Parse(Decoded.Json(Extension.Decode(Vectors.Extension, 0, out _)));

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("cupHolderCount").ValueKind);
    }

    [Theory]
    [InlineData(0x7FC00000u, "NaN")]
    [InlineData(0x7F800000u, "Infinity")]
    [InlineData(0xFF800000u, "-Infinity")]
    public void Json_of_a_float_that_is_not_a_finite_number_is_a_string(uint bits, string expected)
    {
        byte[] car = Vectors.Baseline;
        BinaryPrimitives.WriteUInt32LittleEndian(car.AsSpan(8 + 45 + 4 + 2), bits); // fuelFigures[0].mpg

        using var json = JsonDocument.Parse(Decoded.Json(Baseline.Decode(car, 0, out _)));

        Assert.Equal(expected, json.RootElement.GetProperty("fuelFigures")[0].GetProperty("mpg").GetString());
    }

    [Fact]
    public void Json_of_every_decodable_fuzzed_buffer_is_valid()
    {
        var random = new Random(20261123);
        byte[] reference = Vectors.Baseline;
        var buffer = new byte[reference.Length + 64];
        int rendered = 0;
        for (int i = 0; i < 30_000; i++)
        {
            int length = NextFuzz(random, reference, buffer);
            DecodedObject message;
            try { message = Baseline.Decode(buffer.AsSpan(0, length), 0, out _); }
            catch (SbeDecodeException) { continue; }

            string text = Decoded.Json(message);
            using var json = JsonDocument.Parse(text);
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
            rendered++;
        }

        Assert.True(rendered > 1_000, $"only {rendered} rendered");
    }

    [Fact]
    public void Text_rendering_writes_one_name_and_value_per_line()
    {
        var text = new StringWriter();
        Render.Text(text, Baseline.Decode(Vectors.Baseline, 0, out _));
        string[] lines = text.ToString().Split(Environment.NewLine);

        Assert.Equal("Car:", lines[0]);
        Assert.Contains("  serialNumber: 1234", lines);
        Assert.Contains("  extras: [sportsPack, cruiseControl]", lines);
        Assert.Contains("  fuelFigures: 3 entries", lines);
        Assert.Contains("  manufacturer: Honda", lines);
    }
}
