// Order flow to replay through one book: parsed ahead of time so the timed loop does nothing but apply it.
using System.Globalization;
using Exchange.Hosting;

namespace Exchange.Perf;

internal enum FlowKind : byte { Add, Cancel, Reduce, Take, Iceberg, StopLimit }

/// <summary>One operation. Add rests a GTC limit; Cancel removes an order (perhaps already filled);
/// Reduce takes <see cref="Quantity"/> off a resting order; Take is an IOC order at that price; Iceberg is an Add showing
/// <see cref="Extra"/> at a time; StopLimit is a GTC stop-limit order at limit <see cref="Price"/> whose stop price is
/// <see cref="Extra"/>.</summary>
internal readonly record struct FlowOp(FlowKind Kind, long Id, bool Buy, long Price, long Quantity, long Extra = 0);

internal static class OrderFlow
{
    /// <summary>Reads <c>A &lt;id&gt; &lt;B|S&gt; &lt;price&gt; &lt;qty&gt;</c> and <c>C &lt;id&gt;</c> lines, and icebergs
    /// <c>I &lt;id&gt; &lt;B|S&gt; &lt;price&gt; &lt;qty&gt; &lt;display&gt;</c> and stop-limit orders
    /// <c>T &lt;id&gt; &lt;B|S&gt; &lt;stop price&gt; &lt;limit&gt; &lt;qty&gt;</c>.</summary>
    public static FlowOp[] ReadOrderFile(string path)
    {
        var ops = new List<FlowOp>();
        int lineNumber = 0;
        Span<Range> parts = stackalloc Range[7];
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
            else if (n == 6 && text[parts[0]] is "I" or "T")
            {
                var side = text[parts[2]];
                if (side is not ("B" or "S")) throw Bad(path, lineNumber, "side must be B or S");
                long id = ParseLong(text[parts[1]], path, lineNumber);
                long a = ParseLong(text[parts[3]], path, lineNumber), b = ParseLong(text[parts[4]], path, lineNumber), c = ParseLong(text[parts[5]], path, lineNumber);
                ops.Add(text[parts[0]] is "I"
                    ? new FlowOp(FlowKind.Iceberg, id, side is "B", a, b, c)
                    : new FlowOp(FlowKind.StopLimit, id, side is "B", b, c, a));
            }
            else
                throw Bad(path, lineNumber, "expected 'A <id> <B|S> <price> <qty>', 'C <id>', 'I <id> <B|S> <price> <qty> <display>' or 'T <id> <B|S> <stop> <limit> <qty>'");
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
    /// (some already filled) and a tenth of adds priced through the opposite side, around a wandering mid. A share of the
    /// adds (percent) may be stop-limit orders (<paramref name="stopsPercent"/>: a buy's stop 1 to 30 ticks above the mid,
    /// a sell's below, its limit up to 3 ticks past the stop) and icebergs (<paramref name="icebergsPercent"/>: 5 to 50
    /// hundreds showing 1 to 4 hundreds, priced like other adds). With both at 0 (the default) the flow is the plain one,
    /// the same for a seed as before these options existed.</summary>
    public static IEnumerable<string> Generate(int count, int seed, int stopsPercent = 0, int icebergsPercent = 0)
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
            if (stopsPercent > 0 && random.Next(100) < stopsPercent)
            {
                long stop = buy ? mid + random.Next(1, 31) * tick : mid - random.Next(1, 31) * tick;
                long limit = buy ? stop + random.Next(0, 4) * tick : stop - random.Next(0, 4) * tick;
                live.Add(nextId);
                yield return string.Create(CultureInfo.InvariantCulture, $"T {nextId++} {(buy ? 'B' : 'S')} {stop} {limit} {random.Next(1, 20) * 100}");
                continue;
            }
            bool iceberg = icebergsPercent > 0 && random.Next(100) < icebergsPercent;
            bool crossing = random.Next(100) < 20; // a fifth of adds = a tenth of all operations
            long distance = crossing ? -random.Next(1, 4) : random.Next(1, 30);
            long price = buy ? mid - distance * tick : mid + distance * tick;
            long qty = random.Next(1, 20) * 100;
            live.Add(nextId);
            if (iceberg)
            {
                qty = random.Next(5, 51) * 100;
                yield return string.Create(CultureInfo.InvariantCulture, $"I {nextId++} {(buy ? 'B' : 'S')} {price} {qty} {random.Next(1, 5) * 100}");
                continue;
            }
            yield return string.Create(CultureInfo.InvariantCulture, $"A {nextId++} {(buy ? 'B' : 'S')} {price} {qty}");
        }
    }

    private static long ParseLong(ReadOnlySpan<char> text, string path, int line) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw Bad(path, line, $"'{text}' is not an integer");

    private static UsageException Bad(string path, int line, string why) => new($"{path}:{line}: {why}");
}
