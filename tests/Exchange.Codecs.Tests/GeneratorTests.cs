extern alias generator;

// The generator as the compiler runs it: which AdditionalFiles it picks up, the namespace it writes into, and
// schema mistakes surfacing as error diagnostics instead of a generator crash.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SbeGenerator = generator::Exchange.Sbe.Generator.SbeGenerator;

namespace Exchange.Codecs.Tests;

public class GeneratorTests
{
    private const string Tiny =
        "<sbe:messageSchema xmlns:sbe=\"http://fixprotocol.io/2016/sbe\" package=\"tiny.orders\" id=\"5\" version=\"0\">"
        + "<types><composite name=\"messageHeader\"><type name=\"blockLength\" primitiveType=\"uint16\"/>"
        + "<type name=\"templateId\" primitiveType=\"uint16\"/><type name=\"schemaId\" primitiveType=\"uint16\"/>"
        + "<type name=\"version\" primitiveType=\"uint16\"/></composite></types>"
        + "<sbe:message name=\"Ping\" id=\"1\"><field name=\"sequence\" id=\"1\" type=\"uint64\"/></sbe:message>"
        + "</sbe:messageSchema>";

    [Fact]
    public void Schema_package_becomes_a_pascal_case_namespace_and_the_code_compiles_cleanly()
    {
        var (compilation, diagnostics) = Run(("/schemas/tiny.xml", Tiny, "true", null));
        Assert.Empty(diagnostics);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.NotNull(compilation.GetTypeByMetadataName("Tiny.Orders.PingDecoder"));
        Assert.NotNull(compilation.GetTypeByMetadataName("Exchange.Sbe.SbeException"));
    }

    [Fact]
    public void SbeNamespace_metadata_overrides_the_package()
    {
        var (compilation, _) = Run(("/schemas/tiny.xml", Tiny, "true", "Wire.Ping"));
        Assert.NotNull(compilation.GetTypeByMetadataName("Wire.Ping.PingEncoder"));
    }

    [Fact]
    public void Xml_files_not_marked_as_schemas_are_ignored()
    {
        var (compilation, diagnostics) = Run(("/schemas/tiny.xml", Tiny, null, null), ("/other/config.xml", "<config/>", null, null));
        Assert.Empty(diagnostics);
        Assert.Null(compilation.GetTypeByMetadataName("Tiny.Orders.PingDecoder"));
    }

    [Fact]
    public void A_broken_schema_is_an_error_diagnostic_naming_the_element_and_line()
    {
        var broken = Tiny.Replace("type=\"uint64\"", "type=\"uint65\"");
        var (_, diagnostics) = Run(("/schemas/tiny.xml", broken, "true", null));
        var error = Assert.Single(diagnostics);
        Assert.Equal("SBE001", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("<field name=\"sequence\">", error.GetMessage());
        Assert.Contains("uint65", error.GetMessage());
        Assert.Equal("/schemas/tiny.xml", error.Location.GetLineSpan().Path);
    }

    [Fact]
    public void Includes_resolve_next_to_the_schema_first_then_by_file_name()
    {
        var schema = Tiny.Replace("<types><composite name=\"messageHeader\">", "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"header.xml\"/><types><composite name=\"unused\">");
        const string header = "<types><composite name=\"messageHeader\"><type name=\"blockLength\" primitiveType=\"uint16\"/>"
            + "<type name=\"templateId\" primitiveType=\"uint16\"/><type name=\"schemaId\" primitiveType=\"uint16\"/>"
            + "<type name=\"version\" primitiveType=\"uint8\"/></composite></types>";
        var (compilation, diagnostics) = Run(
            ("/schemas/tiny.xml", schema, "true", null),
            ("/elsewhere/header.xml", header.Replace("uint8", "uint32"), null, null),
            ("/schemas/header.xml", header, null, null));
        Assert.Empty(diagnostics);
        var version = compilation.GetTypeByMetadataName("Tiny.Orders.PingDecoder")!.GetMembers("SchemaVersion").OfType<IFieldSymbol>().Single();
        Assert.Equal(SpecialType.System_Byte, version.Type.SpecialType);
    }

    [Fact]
    public void SbeEmitRuntime_false_leaves_the_shared_types_to_a_referenced_assembly()
    {
        // This test assembly holds Exchange.Sbe's types (its own generated runtime), standing in for a codecs library.
        var (compilation, diagnostics) = Run(
            emitRuntime: false,
            referenceThisAssembly: true,
            files: ("/schemas/tiny.xml", Tiny, "true", null));
        Assert.Empty(diagnostics);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.DoesNotContain(compilation.SyntaxTrees, tree => tree.FilePath.EndsWith("Exchange.Sbe.Runtime.g.cs"));
    }

    private static (Compilation, ImmutableArray<Diagnostic>) Run(params (string Path, string Text, string? IsSchema, string? Namespace)[] files) =>
        GeneratorRun.Run(files);

    private static (Compilation, ImmutableArray<Diagnostic>) Run(
        bool emitRuntime, bool referenceThisAssembly, params (string Path, string Text, string? IsSchema, string? Namespace)[] files) =>
        GeneratorRun.Run(emitRuntime, referenceThisAssembly, files);
}
