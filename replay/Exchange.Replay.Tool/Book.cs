// book: one symbol's depth at a sequence, rebuilt as rebuild does. The symbol is given by id, or by name when the
// shard config (--config) or the journal's engine.json names the symbols.
using System.CommandLine;
using System.Globalization;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Engine.Recovery;
using Exchange.Hosting;

namespace Exchange.Replay.Tool;

internal static class Book
{
    public static Command Command()
    {
        var directory = Commands.Directory();
        var symbolArgument = new Argument<string>("SYMBOL") { Description = "the symbol's id, or its name as the shard config given with --config names it" };
        var atSeq = Cli.Integer("--at-seq", "the sequence to rebuild to", 0L, long.MaxValue);
        atSeq.Required = true;
        var depth = Cli.Integer("--depth", "levels per side", 10L, 1L, long.MaxValue);
        depth.HelpName = "K";
        var noSnapshots = Rebuild.NoSnapshots();
        var config = Rebuild.Config();
        var json = Commands.Json();
        var command = new Command("book", """
            Rebuilds the state after sequence N and prints the symbol's price levels, best first on each side, with
            quantity and order count.
            """) { directory, symbolArgument, atSeq, depth, noSnapshots, config, json };
        command.SetAction(r =>
        {
            string dir = Commands.JournalDirectory(r.GetValue(directory)!);
            var replayConfig = ReplayConfig.Load(dir, r.GetValue(config));
            int symbol = SymbolId(r.GetValue(symbolArgument)!, replayConfig.Names, dir);
            return Run(dir, symbol, replayConfig.Names?.NameOf(symbol), r.GetValue(atSeq)!.Value, r.GetValue(depth), replayConfig.Engine,
                !r.GetValue(noSnapshots), r.GetValue(json));
        });
        return command;
    }

    /// <summary>A symbol id as given, or the id of the symbol so named; checked before the replay, which may be long.</summary>
    private static int SymbolId(string text, SymbolNames? names, string directory)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int id)) return id;
        if (text.StartsWith('-') && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw new UsageException($"SYMBOL must be a symbol id (a non-negative integer) or a name, not '{text}'");
        if (names == null)
            throw new UsageException($"SYMBOL '{text}' is a name, but only symbol ids are known here: {EngineConfigFile.PathIn(directory)} " +
                "names no symbols; give the id, or the shard config exchange-engine was started with as --config FILE");
        return names.IdOf(text) ?? throw new UsageException($"SYMBOL '{text}' is not a symbol of {names.Source} ({names})");
    }

    private static int Run(string directory, int symbol, string? name, long atSeq, long depth, EngineConfig config, bool useSnapshots, bool asJson)
    {
        using var output = new Output();
        var (engine, report) = Rebuild.Replay(directory, config, atSeq, useSnapshots, "book");
        long at = report.Replayed.LastSequence;
        if (!engine.TryGetSymbol(symbol, out _, out var status))
            throw new UsageException($"symbol {symbol} does not exist at sequence {at}");
        var bids = engine.Levels(symbol, Side.Buy);
        var asks = engine.Levels(symbol, Side.Sell);
        if (asJson)
        {
            var json = output.Json;
            json.WriteStartObject();
            json.WriteNumber("symbol", symbol);
            if (name != null) json.WriteString("name", name);
            json.WriteNumber("sequence", at);
            json.WriteString("status", status.ToString());
            json.WriteString("stateHash", engine.StateHash().ToString("x16"));
            json.WriteNumber("bidLevels", bids.Count);
            json.WriteNumber("askLevels", asks.Count);
            WriteSide(json, "bids", bids, depth);
            WriteSide(json, "asks", asks, depth);
            json.WriteEndObject();
        }
        else
        {
            var text = output.Text;
            text.WriteLine($"symbol {symbol}{(name != null ? $" ({name})" : "")} at sequence {at} ({status}): {bids.Count} bid levels, {asks.Count} ask levels");
            foreach (var (sideName, levels) in (ReadOnlySpan<(string, IReadOnlyList<LevelView>)>)[("bids", bids), ("asks", asks)])
            {
                text.WriteLine($"  {sideName} (best first){(levels.Count == 0 ? ": none" : "")}");
                if (levels.Count > 0) text.WriteLine($"  {"level",7} {"price",20} {"quantity",20} {"orders",8}");
                for (int i = 0; i < Math.Min(depth, levels.Count); i++)
                    text.WriteLine($"  {i + 1,7} {levels[i].Price,20} {levels[i].Quantity,20} {levels[i].OrderCount,8}");
            }
        }
        output.Dispose();
        return Commands.Stopped(directory, report.Replayed.StoppedAt, "book");
    }

    private static void WriteSide(System.Text.Json.Utf8JsonWriter json, string name, IReadOnlyList<LevelView> levels, long depth)
    {
        json.WriteStartArray(name);
        for (int i = 0; i < Math.Min(depth, levels.Count); i++)
        {
            json.WriteStartObject();
            json.WriteNumber("price", levels[i].Price);
            json.WriteNumber("quantity", levels[i].Quantity);
            json.WriteNumber("orders", levels[i].OrderCount);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
