extern alias generator;

// The generator as the compiler runs it, in process: a compilation of nothing but the generated sources, with the
// AdditionalFiles metadata MSBuild would pass. Compile loads the result, so tests can call generated code for
// schemas that are not built into this assembly.
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SbeGenerator = generator::Exchange.Sbe.Generator.SbeGenerator;

namespace Exchange.Codecs.Tests;

internal static class GeneratorRun
{
    public static (Compilation, ImmutableArray<Diagnostic>) Run(params (string Path, string Text, string? IsSchema, string? Namespace)[] files) =>
        Run(emitRuntime: true, referenceThisAssembly: false, files);

    public static (Compilation, ImmutableArray<Diagnostic>) Run(
        bool emitRuntime, bool referenceThisAssembly, params (string Path, string Text, string? IsSchema, string? Namespace)[] files)
    {
        var self = typeof(GeneratorRun).Assembly.Location;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => referenceThisAssembly || Path.GetFileName(path) != Path.GetFileName(self))
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "Consumer",
            [],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var texts = files.Select(f => (AdditionalText)new InMemoryFile(f.Path, f.Text)).ToImmutableArray();
        var driver = CSharpGeneratorDriver.Create(
            [new SbeGenerator().AsSourceGenerator()],
            texts,
            new CSharpParseOptions(LanguageVersion.Latest),
            new Metadata(files.ToDictionary(f => f.Path, f => (f.IsSchema, f.Namespace)), emitRuntime));
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (output, diagnostics);
    }

    private sealed class InMemoryFile(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    // What MSBuild's CompilerVisibleItemMetadata hands the generator for each AdditionalFiles item.
    private sealed class Metadata(Dictionary<string, (string? IsSchema, string? Namespace)> files, bool emitRuntime) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions =>
            new Options(emitRuntime ? [] : new Dictionary<string, string> { ["build_property.SbeEmitRuntime"] = "false" });

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options([]);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
        {
            var options = new Dictionary<string, string>();
            var (isSchema, ns) = files[textFile.Path];
            if (isSchema != null)
            {
                options["build_metadata.AdditionalFiles.SbeSchema"] = isSchema;
            }

            if (ns != null)
            {
                options["build_metadata.AdditionalFiles.SbeNamespace"] = ns;
            }

            return new Options(options);
        }
    }

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }

    /// <summary>Adds <paramref name="sources"/> to a generated compilation, compiles it and loads it on its own.</summary>
    public static Assembly Load(Compilation compilation, params string[] sources)
    {
        var options = (CSharpParseOptions)compilation.SyntaxTrees.First().Options;
        compilation = compilation.AddSyntaxTrees(sources.Select(source => CSharpSyntaxTree.ParseText(source, options)));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(result.Success && problems.Count == 0, string.Join("\n", problems));
        image.Position = 0;
        return new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true).LoadFromStream(image);
    }
}
