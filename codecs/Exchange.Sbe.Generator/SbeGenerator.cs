// The build-time entry point: every AdditionalFile ending in .xml with SbeSchema="true" becomes C# codecs.
// Other AdditionalFiles (e.g. common-types.xml) are only there to satisfy xi:include, matched by path next to
// the schema first, then by file name. A broken schema is an error diagnostic, never a compiler crash.
using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using Exchange.Sbe.Schema;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Exchange.Sbe.Generator
{
    [Generator(LanguageNames.CSharp)]
    public sealed class SbeGenerator : IIncrementalGenerator
    {
        private static readonly DiagnosticDescriptor InvalidSchema = new DiagnosticDescriptor(
            "SBE001", "Invalid SBE schema", "{0}", "Exchange.Sbe", DiagnosticSeverity.Error, isEnabledByDefault: true);

        private static readonly DiagnosticDescriptor UnreadableSchema = new DiagnosticDescriptor(
            "SBE002", "Unreadable SBE schema", "SBE schema '{0}' could not be read", "Exchange.Sbe", DiagnosticSeverity.Error, isEnabledByDefault: true);

        private static readonly DiagnosticDescriptor GeneratorFault = new DiagnosticDescriptor(
            "SBE003", "SBE generator fault", "Generating codecs from '{0}' failed: {1}", "Exchange.Sbe", DiagnosticSeverity.Error, isEnabledByDefault: true);

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var emitRuntime = context.AnalyzerConfigOptionsProvider.Select((options, _) =>
                !options.GlobalOptions.TryGetValue("build_property.SbeEmitRuntime", out var value)
                || !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase));
            context.RegisterSourceOutput(emitRuntime, (output, emit) =>
            {
                if (emit)
                {
                    output.AddSource(RuntimeSource.HintName, SourceText.From(RuntimeSource.Text, Encoding.UTF8));
                }
            });

            var files = context.AdditionalTextsProvider
                .Where(file => file.Path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
                .Combine(context.AnalyzerConfigOptionsProvider)
                .Select((pair, cancellation) =>
                {
                    var options = pair.Right.GetOptions(pair.Left);
                    options.TryGetValue("build_metadata.AdditionalFiles.SbeSchema", out var isSchema);
                    options.TryGetValue("build_metadata.AdditionalFiles.SbeNamespace", out var ns);
                    return new SchemaFile(
                        pair.Left.Path,
                        pair.Left.GetText(cancellation)?.ToString(),
                        string.Equals(isSchema, "true", StringComparison.OrdinalIgnoreCase),
                        string.IsNullOrWhiteSpace(ns) ? null : ns);
                })
                .Collect();

            context.RegisterSourceOutput(files, Generate);
        }

        private static void Generate(SourceProductionContext context, ImmutableArray<SchemaFile> files)
        {
            foreach (var file in files.Where(f => f.IsSchema))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (file.Text == null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(UnreadableSchema, Location.None, file.Path));
                    continue;
                }

                try
                {
                    var schema = SchemaParser.Parse(file.Text, href => Include(files, file.Path, href));
                    var ns = file.Namespace ?? string.Join(".", schema.Package.Split('.').Select(CSharp.Pascal));
                    var stem = $"{ns}.{Path.GetFileNameWithoutExtension(file.Path)}";
                    foreach (var source in CodecWriter.Write(schema, ns))
                    {
                        context.AddSource($"{stem}.{source.Key}.g.cs", SourceText.From(source.Value, Encoding.UTF8));
                    }
                }
                catch (SchemaException e)
                {
                    var line = Math.Max(e.Line - 1, 0);
                    var location = Location.Create(file.Path, default, new LinePositionSpan(new LinePosition(line, 0), new LinePosition(line, 0)));
                    context.ReportDiagnostic(Diagnostic.Create(InvalidSchema, location, $"{Path.GetFileName(file.Path)}: {e.Message}"));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A bug of ours, not the schema's: still a diagnostic naming the file rather than a generator crash.
                    context.ReportDiagnostic(Diagnostic.Create(GeneratorFault, Location.None, file.Path, e.ToString()));
                }
            }
        }

        private static string? Include(ImmutableArray<SchemaFile> files, string schemaPath, string href)
        {
            var directory = Path.GetDirectoryName(schemaPath) ?? "";
            var wanted = Path.GetFullPath(Path.Combine(directory, href));
            var match = files.FirstOrDefault(f => string.Equals(Path.GetFullPath(f.Path), wanted, StringComparison.Ordinal))
                ?? files.FirstOrDefault(f => string.Equals(Path.GetFileName(f.Path), Path.GetFileName(href), StringComparison.Ordinal));
            return match?.Text;
        }

        // Value equality keeps the pipeline cached while the files are unchanged.
        private sealed class SchemaFile : IEquatable<SchemaFile>
        {
            public SchemaFile(string path, string? text, bool isSchema, string? ns)
            {
                Path = path;
                Text = text;
                IsSchema = isSchema;
                Namespace = ns;
            }

            public string Path { get; }
            public string? Text { get; }
            public bool IsSchema { get; }
            public string? Namespace { get; }

            public bool Equals(SchemaFile? other) =>
                other != null && Path == other.Path && Text == other.Text && IsSchema == other.IsSchema && Namespace == other.Namespace;

            public override bool Equals(object? obj) => Equals(obj as SchemaFile);

            public override int GetHashCode() => (Path.GetHashCode() * 31) ^ (Text?.GetHashCode() ?? 0);
        }
    }
}
