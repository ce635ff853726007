// Order flow to replay through one book: parsed ahead of time so the timed loop does nothing but apply it.
using System.Globalization;
using Exchange.Hosting;

namespace Exchange.Perf;

internal enum FlowKind : byte { Add, Cancel, Reduce, Take }

/// <summary>One operation. Add rests a GTC limit; Cancel removes an order (perhaps already filled);
/// Reduce takes <see cref="Quantity"/> off a resting order; Take is an IOC order at that price.</summary>
internal readonly record struct FlowOp(FlowKind Kind, long Id, bool Buy, long Price, long Quantity);

internal static class OrderFlow
{
    /// <summary>Reads <c>A &lt;id&gt; &lt;B|S&gt; &lt;price&gt; &lt;qty&gt;</c> and <c>C &lt;id&gt;</c> lines.</summary>
    public static FlowOp[] ReadOrderFile(string path)
    {
        var ops = new List<FlowOp>();
        int lineNumber = 0;
        Span<Range> parts = stackalloc Range[6];
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text[0] == '#') continue;
            int n = text.Split(parts, ' ', StringSplitOptions.RemoveEmptyEntries);
            if (n == 5 && text[parts[0]] is "A")
            {
                var side = text[parts[2]];
                if (side is not ("B" or "S")) throw Bad(path, lineNumber, "side must be B or S");
                ops.Add(new FlowOp(FlowKind.Add, ParseLong(text[parts[1]], path, lineNumber), side is "B",
                    ParseLong(text[parts[3]], path, lineNumber), ParseLong(text[parts[4]], path, lineNumber)));
            }
            else if (n == 2 && text[parts[0]] is "C")
                ops.Add(new FlowOp(FlowKind.Cancel, ParseLong(text[parts[1]], path, lineNumber), false, 0, 0));
            else
                throw Bad(path, lineNumber, "expected 'A <id> <B|S> <price> <qty>' or 'C <id>'");
        }
        return ops.ToArray();
    }

    /// <summary>Maps a LOBSTER message file: 1 → add, 2 → reduce, 3 → cancel, 4 → an IOC order on the side
    /// opposite the executed resting order; 5–7 are skipped (hidden executions, crosses, halts).</summary>
    public static FlowOp[] ReadLobster(string path, out int skipped)
    {
        var ops = new List<FlowOp>();
        skipped = 0;
        int lineNumber = 0;
        long takeId = 1L << 40;
        Span<Range> parts = stackalloc Range[7];
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            var text = line.AsSpan().Trim();
            if (text.IsEmpty) continue;
            if (text.Split(parts, ',') != 6) throw Bad(path, lineNumber, "expected 6 comma-separated fields");
            long type = ParseLong(text[parts[1]], path, lineNumber);
            long id = ParseLong(text[parts[2]], path, lineNumber);
            long size = ParseLong(text[parts[3]], path, lineNumber);
            long price = ParseLong(text[parts[4]], path, lineNumber);
            long direction = ParseLong(text[parts[5]], path, lineNumber);
            if (direction is not (1 or -1)) throw Bad(path, lineNumber, "direction must be 1 or -1");
            bool buy = direction == 1;
            switch (type)
            {
                case 1: ops.Add(new FlowOp(FlowKind.Add, id, buy, price, size)); break;
                case 2: ops.Add(new FlowOp(FlowKind.Reduce, id, buy, price, size)); break;
                case 3: ops.Add(new FlowOp(FlowKind.Cancel, id, buy, price, size)); break;
                case 4: ops.Add(new FlowOp(FlowKind.Take, takeId++, !buy, price, size)); break;
                case 5 or 6 or 7: skipped++; break;
                default: throw Bad(path, lineNumber, $"unknown event type {type}");
            }
        }
        return ops.ToArray();
    }

    /// <summary>A synthetic flow: <paramref name="count"/> operations, about half cancels of earlier orders
    /// (some already filled) and a tenth of adds priced through the opposite side, around a wandering mid.</summary>
    public static IEnumerable<string> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var live = new List<long>();
        long mid = 1_000_000, nextId = 1;
        const long tick = 100;
        for (int i = 0; i < count; i++)
        {
            if (random.Next(1000) == 0) mid += random.Next(2) == 0 ? tick : -tick;
            if (live.Count > 0 && random.Next(100) < 50)
            {
                int pick = random.Next(live.Count);
                long id = live[pick];
                live[pick] = live[^1];
                live.RemoveAt(live.Count - 1);
                yield return $"C {id}";
                continue;
            }
            bool buy = random.Next(2) == 0;
            bool crossing = random.Next(100) < 20; // a fifth of adds = a tenth of all operations
            long distance = crossing ? -random.Next(1, 4) : random.Next(1, 30);
            long price = buy ? mid - distance * tick : mid + distance * tick;
            long qty = random.Next(1, 20) * 100;
            live.Add(nextId);
            yield return string.Create(CultureInfo.InvariantCulture, $"A {nextId++} {(buy ? 'B' : 'S')} {price} {qty}");
        }
    }

    private static long ParseLong(ReadOnlySpan<char> text, string path, int line) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw Bad(path, line, $"'{text}' is not an integer");

    private static UsageException Bad(string path, int line, string why) => new($"{path}:{line}: {why}");
}
