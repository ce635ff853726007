// Shared by the vendor-style schema tests (Schemas/mdp3-style-*.xml, ilink3-style.xml, b3-style.xml): value
// models with structural equality, the runtime decoder's view of the same bytes, and byte surgery that turns a
// message into what an older or a newer encoder would have sent.
using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using Exchange.Sbe.Schema;
using Exchange.Sbe.Tool;

namespace Exchange.Codecs.Tests.VendorStyle;

/// <summary>A list with value equality, so that records holding group entries compare by content.</summary>
internal sealed class Seq<T> : IEquatable<Seq<T>>, IReadOnlyList<T>
{
    private readonly T[] _items;

    public Seq(IEnumerable<T> items) => _items = items.ToArray();

    public static readonly Seq<T> Empty = new([]);

    public int Count => _items.Length;
    public T this[int index] => _items[index];
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
    public bool Equals(Seq<T>? other) => other != null && _items.SequenceEqual(other._items);
    public override bool Equals(object? obj) => Equals(obj as Seq<T>);
    public override int GetHashCode() => _items.Length;
    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}

internal static class Seq
{
    public static Seq<T> Of<T>(params T[] items) => new(items);
}

internal static class CrossCheck
{
    public static MessageSchema Schema(string file)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Schemas");
        return SchemaParser.Parse(File.ReadAllText(Path.Combine(directory, file)), href => File.ReadAllText(Path.Combine(directory, href)));
    }

    /// <summary>What the schema-driven decoder reads from <paramref name="bytes"/>, as path → text with each path
    /// segment in PascalCase (the generated names), header excluded.</summary>
    public static Dictionary<string, string?> Runtime(string schemaFile, byte[] bytes, bool readsToTheEnd = true)
    {
        var decoded = new SchemaDecoder(Schema(schemaFile)).Decode(bytes, 0, out var end);
        if (readsToTheEnd)
        {
            Assert.Equal(bytes.Length, end);
        }

        return Decoded.Flatten(decoded)
            .Where(pair => !pair.Key.StartsWith("header.", StringComparison.Ordinal) && pair.Key != "message")
            .ToDictionary(pair => PascalPath(pair.Key), pair => pair.Value);
    }

    /// <summary>A value model as path → text, rendered the way the runtime decoder renders values.</summary>
    public static Dictionary<string, string?> Model(object model)
    {
        var values = new Dictionary<string, string?>();
        foreach (var property in Properties(model.GetType()))
        {
            Add(values, property.Name, property.GetValue(model));
        }

        return values;
    }

    /// <summary>The generated decoder (which produced <paramref name="decoded"/>) and the runtime decoder agree on
    /// every value by name. <paramref name="unknownToSchema"/> lists model paths the schema file does not have.</summary>
    public static void SameAsRuntime(string schemaFile, byte[] bytes, object decoded, bool readsToTheEnd = true, params string[] unknownToSchema)
    {
        var model = Model(decoded)
            .Where(pair => !unknownToSchema.Any(unknown => Covers(unknown, pair.Key)))
            .Select(pair => $"{pair.Key}={pair.Value ?? "<null>"}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var runtime = Runtime(schemaFile, bytes, readsToTheEnd)
            .Select(pair => $"{pair.Key}={pair.Value ?? "<null>"}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(model, runtime);
    }

    // "NoMDEntries.TradeableSize" covers "NoMDEntries[3].TradeableSize"; "NoSecurityAlerts" covers its count too.
    private static bool Covers(string unknown, string path)
    {
        var plain = new StringBuilder();
        var depth = 0;
        foreach (var c in path)
        {
            if (c == '[') depth++;
            else if (c == ']') depth--;
            else if (depth == 0) plain.Append(c);
        }

        var text = plain.ToString();
        return text == unknown || text.StartsWith(unknown + ".", StringComparison.Ordinal);
    }

    private static string PascalPath(string path) =>
        string.Join(".", path.Split('.').Select(segment => segment.Length == 0 ? segment : char.ToUpperInvariant(segment[0]) + segment[1..]));

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract" && p.GetIndexParameters().Length == 0);

    private static void Add(Dictionary<string, string?> values, string path, object? value)
    {
        switch (value)
        {
            case null:
                values.Add(path, null);
                break;
            case string text:
                values.Add(path, Escape(Encoding.UTF8.GetBytes(text)));
                break;
            case char c:
                values.Add(path, c.ToString());
                break;
            case Enum e when e.GetType().IsDefined(typeof(FlagsAttribute), false):
            {
                var raw = Convert.ToUInt64(e, CultureInfo.InvariantCulture);
                var chosen = Enum.GetValues(e.GetType()).Cast<Enum>()
                    .Select(choice => (Bits: Convert.ToUInt64(choice, CultureInfo.InvariantCulture), Name: choice.ToString()))
                    .Where(choice => choice.Bits != 0 && (raw & choice.Bits) == choice.Bits)
                    .OrderBy(choice => choice.Bits)
                    .ToList();
                values.Add($"{path}.Count", chosen.Count.ToString(CultureInfo.InvariantCulture));
                for (var i = 0; i < chosen.Count; i++) values.Add($"{path}[{i}]", chosen[i].Name);
                break;
            }
            case Enum e:
                values.Add(path, e.ToString() == "NULL_VALUE" ? null
                    : Enum.IsDefined(e.GetType(), e) ? e.ToString()
                    : $"UNKNOWN({Convert.ToInt64(e, CultureInfo.InvariantCulture)})");
                break;
            case IFormattable number:
                values.Add(path, number.ToString(null, CultureInfo.InvariantCulture));
                break;
            case IEnumerable items:
            {
                var list = items.Cast<object>().ToList();
                values.Add($"{path}.Count", list.Count.ToString(CultureInfo.InvariantCulture));
                for (var i = 0; i < list.Count; i++) Add(values, $"{path}[{i}]", list[i]);
                break;
            }
            default:
                foreach (var property in Properties(value.GetType()))
                {
                    Add(values, $"{path}.{property.Name}", property.GetValue(value));
                }

                break;
        }
    }

    // As the runtime decoder renders text: printable ASCII as is, every other byte as \xNN.
    private static string Escape(byte[] bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : $"\\x{b:X2}");
        }

        return text.ToString();
    }

    // ---- byte surgery on messages with a little-endian uint16 blockLength at 0 and version at 6 of the header ----

    /// <summary>What a newer encoder sends: <paramref name="extra"/> unknown bytes after the root block's fields,
    /// announced by blockLength, and the next version number.</summary>
    public static byte[] AsNewerVersion(byte[] bytes, int headerLength, int extra)
    {
        var blockLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
        var end = headerLength + blockLength;
        var widened = bytes[..end].Concat(Enumerable.Repeat((byte)0xEE, extra)).Concat(bytes[end..]).ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(widened, (ushort)(blockLength + extra));
        BinaryPrimitives.WriteUInt16LittleEndian(widened.AsSpan(6), (ushort)(version + 1));
        return widened;
    }

    /// <summary>What an older encoder sends: the root block cut to <paramref name="blockLength"/> and the header's
    /// version set to <paramref name="version"/>.</summary>
    public static byte[] AsOlderVersion(byte[] bytes, int headerLength, int blockLength, int version)
    {
        var oldBlockLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        Assert.True(blockLength <= oldBlockLength);
        var cut = bytes[..(headerLength + blockLength)].Concat(bytes[(headerLength + oldBlockLength)..]).ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(cut, (ushort)blockLength);
        BinaryPrimitives.WriteUInt16LittleEndian(cut.AsSpan(6), (ushort)version);
        return cut;
    }
}
