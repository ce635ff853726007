// dump: one line per record, decoded, and each filter keeps exactly the records it names; with --sbe each record's
// SBE message as the exchange schema lays it out, and where it lies in its segment.
using System.Text.Json;

namespace Exchange.Replay.Tests;

public sealed class DumpTests : IDisposable
{
    private readonly TestJournal _journal = new(Workload.Generate(1200, seed: 21));

    public void Dispose() => _journal.Dispose();

    private List<JsonElement> Dump(params string[] filters)
    {
        var result = Tools.Replay(["dump", _journal.Directory, "--json", .. filters]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.JsonLines;
    }

    private static List<long> Sequences(List<JsonElement> lines) => lines.Select(l => l.GetProperty("sequence").GetInt64()).ToList();

    private List<long> Expected(Func<Input, bool> keep) =>
        _journal.Inputs.Select((input, i) => (input, sequence: i + 1L)).Where(x => keep(x.input)).Select(x => x.sequence).ToList();

    [Fact]
    public void Every_record_is_dumped_with_its_timestamp_type_and_fields()
    {
        var lines = Dump();

        Assert.Equal(Enumerable.Range(1, 1200).Select(i => (long)i), Sequences(lines));
        var first = lines[0];
        Assert.Equal("2024-03-01T09:30:00.000000000Z", first.GetProperty("timestamp").GetString());
        Assert.Equal(Workload.Start, first.GetProperty("timestampNs").GetInt64());
        Assert.Equal("AddSymbol", first.GetProperty("type").GetString());
        Assert.Equal(10_000, first.GetProperty("fields").GetProperty("referencePrice").GetInt64());
        Assert.Equal("Truncated", Assert.Single(lines, l => l.TryGetProperty("malformed", out _)).GetProperty("malformed").GetString());
    }

    [Fact]
    public void Text_lines_show_sequence_iso_time_raw_nanoseconds_and_the_command()
    {
        var result = Tools.Replay("dump", _journal.Directory, "--from-seq", "2", "--to-seq", "2");

        Assert.Equal($"2  2024-03-01T09:30:00.001000000Z ({Workload.Start + Workload.Step})  AddSymbol symbol=1 baseAsset=2 quoteAsset=0 tickSize=5 " +
            "lotSize=10 minQuantity=10 maxQuantity=100000 referencePrice=10000 bandBps=2000 makerFeeBps=1 takerFeeBps=3 maxNotional=1125899906842624 name=SYM-1\n",
            result.Stdout);
    }

    [Fact]
    public void The_type_filter_keeps_only_that_message_type_by_name_or_id()
    {
        var byName = Dump("--type", "replaceorder");
        var byId = Dump("--type", "12");

        Assert.Equal(Expected(i => i.Type == "ReplaceOrder"), Sequences(byName));
        Assert.NotEmpty(byName);
        Assert.Equal(Sequences(byName), Sequences(byId));
    }

    [Fact]
    public void The_account_filter_keeps_only_that_accounts_commands()
    {
        var lines = Dump("--account", "103");

        Assert.Equal(Expected(i => i.Account == 103), Sequences(lines));
        Assert.All(lines, l => Assert.Equal(103, l.GetProperty("fields").GetProperty("account").GetInt64()));
    }

    [Fact]
    public void The_symbol_filter_keeps_only_commands_naming_that_symbol()
    {
        var lines = Dump("--symbol", "1");

        Assert.Equal(Expected(i => i.Symbol == 1), Sequences(lines));
        Assert.Contains(lines, l => l.GetProperty("type").GetString() == "NewOrder");
    }

    [Fact]
    public void Filters_combine()
    {
        var lines = Dump("--symbol", "0", "--account", "101", "--type", "NewOrder", "--from-seq", "300", "--to-seq", "900");

        Assert.Equal(Expected(i => i.Symbol == 0 && i.Account == 101 && i.Type == "NewOrder").Where(s => s is >= 300 and <= 900), Sequences(lines));
        Assert.NotEmpty(lines);
    }

    [Fact]
    public void The_sequence_range_is_inclusive()
    {
        Assert.Equal(Enumerable.Range(700, 51).Select(i => (long)i), Sequences(Dump("--from-seq", "700", "--to-seq", "750")));
    }

    [Fact]
    public void The_time_range_takes_iso_times_and_raw_nanoseconds()
    {
        // Record n is stamped Start + (n - 1) ms.
        var lines = Dump("--from-time", "2024-03-01T09:30:00.1Z", "--to-time", (Workload.Start + 200 * Workload.Step).ToString());

        Assert.Equal(Enumerable.Range(101, 101).Select(i => (long)i), Sequences(lines));
    }

    [Fact]
    public void With_sbe_each_json_line_carries_the_message_decoded_by_the_schema_with_enum_names()
    {
        var lines = Dump("--sbe");

        var orders = lines.Where(l => l.GetProperty("type").GetString() == "NewOrder").ToList();
        Assert.NotEmpty(orders);
        foreach (var line in orders)
        {
            var fields = line.GetProperty("fields");
            var sbe = line.GetProperty("sbe");
            Assert.Equal("NewOrder", sbe.GetProperty("message").GetString());
            Assert.Equal(NewOrderDecoder.TemplateId, sbe.GetProperty("header").GetProperty("templateId").GetInt32());
            Assert.Equal(fields.GetProperty("side").GetString(), sbe.GetProperty("side").GetString());
            Assert.Equal(fields.GetProperty("timeInForce").GetString(), sbe.GetProperty("timeInForce").GetString());
            Assert.Equal(fields.GetProperty("selfTrade").GetString(), sbe.GetProperty("selfTradePrevention").GetString());
            Assert.Equal(fields.GetProperty("price").GetInt64(), sbe.GetProperty("price").GetInt64());
            Assert.Equal(fields.GetProperty("postOnly").GetBoolean(), sbe.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == "PostOnly"));
        }
        Assert.Contains(orders, l => l.GetProperty("sbe").GetProperty("side").GetString() == "Sell");
    }

    [Fact]
    public void With_sbe_a_payload_the_schema_cannot_read_says_why_instead()
    {
        var malformed = Assert.Single(Dump("--sbe"), l => l.TryGetProperty("malformed", out _));

        Assert.False(malformed.TryGetProperty("sbe", out _));
        Assert.Contains("needs", malformed.GetProperty("sbeError").GetString());
    }

    [Fact]
    public void With_sbe_the_segment_and_offset_point_at_the_records_message_in_the_segment_file()
    {
        var lines = Dump("--sbe");

        Assert.True(_journal.Segments.Count > 1, "the journal should span segments");
        foreach (var line in lines)
        {
            byte[] payload = _journal.Inputs[(int)line.GetProperty("sequence").GetInt64() - 1].Payload;
            byte[] segment = File.ReadAllBytes(line.GetProperty("segment").GetString()!);
            int offset = line.GetProperty("messageOffset").GetInt32();
            Assert.Equal(payload, segment[offset..(offset + payload.Length)]);
        }
        Assert.Equal(_journal.Segments.Count, lines.Select(l => l.GetProperty("segment").GetString()).Distinct().Count());
    }

    [Fact]
    public void With_sbe_text_shows_the_message_field_by_field_under_the_record_line()
    {
        var result = Tools.Replay("dump", _journal.Directory, "--from-seq", "2", "--to-seq", "2", "--sbe");

        Assert.True(result.ExitCode == 0, result.ToString());
        string segment = _journal.Segments[0];
        Assert.Equal(string.Join('\n',
            $"2  2024-03-01T09:30:00.001000000Z ({Workload.Start + Workload.Step})  AddSymbol symbol=1 baseAsset=2 quoteAsset=0 tickSize=5 " +
                "lotSize=10 minQuantity=10 maxQuantity=100000 referencePrice=10000 bandBps=2000 makerFeeBps=1 takerFeeBps=3 maxNotional=1125899906842624 name=SYM-1",
            $"  {segment} offset {64 + 32 + 128}:",
            "    AddSymbol:",
            "      header:",
            "        blockLength: 88",
            "        templateId: 21",
            "        schemaId: 7001",
            "        version: 4",
            "      message: AddSymbol",
            "      symbol: 1",
            "      baseAsset: 2",
            "      quoteAsset: 0",
            "      tickSize: 5",
            "      lotSize: 10",
            "      minQuantity: 10",
            "      maxQuantity: 100000",
            "      referencePrice: 10000",
            "      bandBps: 2000",
            "      makerFeeBps: 1",
            "      takerFeeBps: 3",
            "      maxNotional: 1125899906842624",
            "      name: SYM-1",
            ""), result.Stdout);
    }
}
