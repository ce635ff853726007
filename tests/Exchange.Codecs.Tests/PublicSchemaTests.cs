extern alias generator;

// Public SBE schemas, copied into PublicSchemas/ with their licences and sources: the reference implementation's test
// schemas, CME MDP 3.0 and B3 EntryPoint. Those the reference implementation accepts must generate codecs that compile
// and round-trip random messages through the generated encoder and decoder and the runtime decoder; those it rejects
// must be rejected by the generator and the runtime decoder alike.
using Exchange.Sbe.Schema;
using Exchange.Sbe.Tool;
using GeneratorSchema = generator::Exchange.Sbe.Schema;

namespace Exchange.Codecs.Tests;

public class PublicSchemaTests
{
    private const string Namespace = "Public";
    private const int Seeds = 3;

    private static readonly string SchemaDirectory = Path.Combine(AppContext.BaseDirectory, "PublicSchemas");

    public static TheoryData<string> Accepted =>
    [
        "sbe/basic-schema-constant-header-field.xml",
        "sbe/basic-variable-length-schema.xml",
        "sbe/block-length-schema.xml",
        "sbe/code-generation-schema.xml",
        "sbe/composite-elements-schema.xml",
        "sbe/embedded-length-and-count-schema.xml",
        "sbe/extension-schema.xml",
        "sbe/field-order-check-schema.xml",
        "sbe/group-with-data-schema.xml",
        "sbe/issue567-valid.xml",
        "cme/FixBinary.xml",
        "b3/binary_entrypoint.xml",
    ];

    public static TheoryData<string> Rejected =>
    [
        "sbe/error-handler-enum-violates-min-max-value-range.xml",
        "sbe/error-handler-invalid-name.xml",
        "sbe/issue567-invalid.xml",
    ];

    [Theory]
    [MemberData(nameof(Accepted))]
    public void An_accepted_schema_generates_codecs_that_round_trip_random_messages_the_runtime_decoder_reads_alike(string file) =>
        RoundTrip(file, File.ReadAllText(Path.Combine(SchemaDirectory, file)));

    [Theory]
    [MemberData(nameof(Rejected))]
    public void A_schema_the_reference_implementation_rejects_is_rejected_by_the_generator_and_the_runtime_decoder(string file)
    {
        var text = File.ReadAllText(Path.Combine(SchemaDirectory, file));
        var (_, diagnostics) = GeneratorRun.Run(("/schemas/" + Path.GetFileName(file), text, "true", Namespace));
        Assert.Equal("SBE001", Assert.Single(diagnostics).Id);
        Assert.Throws<SchemaException>(() => SchemaParser.Parse(text, _ => null));
    }

    /// <summary>Generates and compiles <paramref name="text"/>'s codecs, then checks <see cref="Seeds"/> random messages
    /// of every kind. Returns the compiled assembly's types for further checks.</summary>
    internal static Type[] RoundTrip(string file, string text)
    {
        var (compilation, diagnostics) = GeneratorRun.Run(("/schemas/" + Path.GetFileName(file), text, "true", Namespace));
        Assert.Empty(diagnostics);
        var schema = GeneratorSchema.SchemaParser.Parse(text, _ => null);
        var drivers = Enumerable.Range(0, Seeds).Select(seed => new RoundTripDriver(schema, Namespace, seed).Write("RoundTrip" + seed)).ToList();
        var assembly = GeneratorRun.Load(compilation, drivers.Select(d => d.Source).ToArray());
        var runtime = new SchemaDecoder(SchemaParser.Parse(text, _ => null));
        for (var seed = 0; seed < Seeds; seed++)
        {
            var driver = assembly.GetType("Driver.RoundTrip" + seed)!;
            for (var i = 0; i < schema.Messages.Count; i++)
            {
                var name = schema.Messages[i].Name;
                var bytes = (byte[])driver.GetMethod(RoundTripDriver.Method(i))!.Invoke(null, null)!;
                var decoded = runtime.Decode(bytes, 0, out var end);
                Assert.Equal(bytes.Length, end);
                var values = Decoded.Flatten(decoded);
                foreach (var (path, value) in drivers[seed].Expected[name])
                {
                    Assert.True(values.TryGetValue(path, out var actual) && actual == value,
                        $"{file} {name} (seed {seed}): the runtime decoder reads {path} as {actual ?? "nothing"}, not {value}");
                }
            }
        }

        return assembly.GetTypes();
    }
}
