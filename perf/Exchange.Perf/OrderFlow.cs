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

    /// <summary>The shape of a synthetic flow. <see cref="CancelPercent"/>: percent of the operations that cancel an
    /// earlier order (some already filled). <see cref="CrossingPercent"/>: percent of the operations that are adds priced
    /// 1 to 3 ticks through the mid, i.e. into the opposite side (counted among the plain adds: stop-limit orders take
    /// their share first). <see cref="SpreadTicks"/>: the other adds rest 1 to that many ticks from the mid, so the book
    /// spans about twice that. The defaults are the flow this generator has always written.</summary>
    public sealed record FlowShape(int CancelPercent = 50, int CrossingPercent = 10, int SpreadTicks = 29)
    {
        // The mid starts 10,000 ticks above zero and wanders a tick per thousand operations or so: orders stay at positive prices.
        public const int MaxSpreadTicks = 5_000;

        // A cancel picks an order added earlier, so cancels can be at most as many as adds.
        public const int MaxCancelPercent = 50;

        /// <summary>Null when the shape can be generated, else why not (one line for the command line).</summary>
        public string? Problem() =>
            CancelPercent is < 0 or > MaxCancelPercent
                ? $"--cancel-share must be 0..{MaxCancelPercent} (percent of the operations; each cancel needs an earlier add), not {CancelPercent}"
            : CrossingPercent < 0 || CrossingPercent > 100 - CancelPercent
                ? $"--crossing-share must be 0..{100 - CancelPercent} (percent of the operations; with --cancel-share {CancelPercent} the adds are {100 - CancelPercent}), not {CrossingPercent}"
            : SpreadTicks is < 1 or > MaxSpreadTicks ? $"--spread-ticks must be 1..{MaxSpreadTicks}, not {SpreadTicks}"
            : null;

        /// <summary>The chance, in millionths, that a plain add crosses: the crossing share of the operations over the
        /// adds' share. For the default 10 / 50 that is 200,000, and a draw below 200,000 of a million falls exactly where
        /// the generator's older draw below 20 of a hundred did, so the default flow stays the same file.</summary>
        internal int CrossingPerMillionOfAdds => (int)(CrossingPercent * 1_000_000L / (100 - CancelPercent));
    }

    /// <summary>A synthetic flow: <paramref name="count"/> operations shaped by <paramref name="shape"/> (by default about
    /// half cancels and a tenth of adds priced through the opposite side) around a wandering mid. A share of the
    /// adds (percent) may be stop-limit orders (<paramref name="stopsPercent"/>: a buy's stop 1 to 30 ticks above the mid,
    /// a sell's below, its limit up to 3 ticks past the stop) and icebergs (<paramref name="icebergsPercent"/>: 5 to 50
    /// hundreds showing 1 to 4 hundreds, priced like other adds). With both at 0 (the default) the flow is the plain one,
    /// the same for a seed as before these options existed.</summary>
    public static IEnumerable<string> Generate(int count, int seed, int stopsPercent = 0, int icebergsPercent = 0, FlowShape? shape = null)
    {
        shape ??= new FlowShape();
        // Checked here, not on the first line asked for: a bad shape is refused before a file is opened.
        if (shape.Problem() is { } problem) throw new UsageException(problem);
        return GenerateShaped(count, seed, stopsPercent, icebergsPercent, shape);
    }

    private static IEnumerable<string> GenerateShaped(int count, int seed, int stopsPercent, int icebergsPercent, FlowShape shape)
    {
        int crossingPerMillion = shape.CrossingPerMillionOfAdds, spreadTicks = shape.SpreadTicks;
        var random = new Random(seed);
        var live = new List<long>();
        long mid = 1_000_000, nextId = 1;
        const long tick = 100;
        for (int i = 0; i < count; i++)
        {
            if (random.Next(1000) == 0) mid += random.Next(2) == 0 ? tick : -tick;
            if (live.Count > 0 && random.Next(100) < shape.CancelPercent)
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
            bool crossing = random.Next(1_000_000) < crossingPerMillion;
            long distance = crossing ? -random.Next(1, 4) : random.Next(1, spreadTicks + 1);
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
