// Small journals in temp directories: a random but valid command workload, journaled as the live engine
// journals it (SBE payload, sequence, timestamp) and applied to an engine as it goes, so each test knows the
// state hash after every sequence.
using Exchange.Engine;
using Exchange.Engine.Recovery;
using Exchange.Contract;
using Exchange.Journal;

namespace Exchange.Replay.Tests;

/// <summary>One input: its payload and what a filter should know about it.</summary>
public sealed record Input(byte[] Payload, string Type, long? Account, int? Symbol);

public static class Workload
{
    public static readonly long[] Accounts = [101, 102, 103, 104, 105];
    public const int Symbols = 2;
    /// <summary>2024-03-01T09:30:00Z; record n is stamped Start + (n - 1) ms.</summary>
    public const long Start = 1_709_285_400_000_000_000L;
    public const long Step = 1_000_000L;

    public static long TimestampOf(long sequence) => Start + (sequence - 1) * Step;

    public static EngineConfig Config => new()
    {
        AssetCount = 4, MaxSymbols = 4, MaxAccounts = 16, MaxOrders = 20_000, MaxPriceLevels = 4_000, InitialLevelsPerSide = 64,
        MaxOpenOrdersPerAccount = 10_000, FeeAccount = 0,
    };

    /// <summary>Symbols, accounts and funds first, then orders, cancels, replaces, mass cancels, deposits,
    /// withdrawals, halts and resumes, and one malformed (truncated) payload.</summary>
    public static List<Input> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var inputs = new List<Input>();
        var buffer = new byte[256];
        void Add(string type, long? account, int? symbol, int length) => inputs.Add(new Input(buffer[..length], type, account, symbol));

        for (int s = 0; s < Symbols; s++)
        {
            var spec = new SymbolSpec(s, BaseAsset: s + 1, QuoteAsset: 0, TickSize: 5, LotSize: 10, MinQuantity: 10, MaxQuantity: 100_000,
                ReferencePrice: 10_000, BandBps: 2_000, MakerFeeBps: 1, TakerFeeBps: 3, MaxNotional: 1L << 50);
            Assert.True(SymbolName.TryParse($"SYM-{s}", out var name, out _));
            Add("AddSymbol", null, s, CommandCodec.Encode(new AddSymbol(spec, name), buffer));
        }
        foreach (long a in Accounts)
        {
            Add("AddAccount", a, null, CommandCodec.Encode(new AddAccount(a), buffer));
            for (int asset = 0; asset <= Symbols; asset++)
                Add("Deposit", a, null, CommandCodec.Encode(new Deposit(a, asset, 1L << 40), buffer));
        }
        long nextId = 1;
        var halted = new bool[Symbols];
        while (inputs.Count < count)
        {
            long account = Accounts[random.Next(Accounts.Length)];
            int symbol = random.Next(Symbols);
            int roll = random.Next(100);
            if (inputs.Count == count / 2)
            {
                // A payload the live engine could not decode: journaled, skipped on replay.
                int length = CommandCodec.Encode(new CancelOrder(account, 1), buffer);
                Add("CancelOrder", null, null, length - 5);
            }
            else if (roll < 55)
            {
                var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                long price = 10_000 + (side == Side.Buy ? -1 : 1) * 5 * random.Next(-4, 40);
                var tif = random.Next(10) == 0 ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel;
                var order = new NewOrder(account, nextId++, symbol, side, OrderType.Limit, tif, price, 10 * random.Next(1, 50),
                    SelfTrade: (SelfTradePrevention)random.Next(5), PostOnly: random.Next(20) == 0);
                Add("NewOrder", account, symbol, CommandCodec.Encode(order, buffer));
            }
            else if (roll < 80)
                Add("CancelOrder", account, null, CommandCodec.Encode(new CancelOrder(account, random.NextInt64(1, nextId + 1)), buffer));
            else if (roll < 92)
            {
                long id = random.NextInt64(1, nextId + 1);
                Add("ReplaceOrder", account, null, CommandCodec.Encode(
                    new ReplaceOrder(account, id, random.Next(3) == 0 ? id : nextId++, 10_000 + 5 * random.Next(-20, 20), 10 * random.Next(1, 50)), buffer));
            }
            else if (roll < 94)
            {
                bool one = random.Next(2) == 0;
                Add("MassCancel", account, one ? symbol : null, CommandCodec.Encode(new MassCancel(account, one ? symbol : -1, (Side)random.Next(3)), buffer));
            }
            else if (roll < 96)
                Add("Deposit", account, null, CommandCodec.Encode(new Deposit(account, random.Next(Symbols + 1), random.Next(1, 1_000_000)), buffer));
            else if (roll < 98)
                Add("Withdraw", account, null, CommandCodec.Encode(new Withdraw(account, random.Next(Symbols + 1), random.Next(1, 1_000_000)), buffer));
            else
            {
                halted[symbol] = !halted[symbol];
                Add(halted[symbol] ? "HaltSymbol" : "ResumeSymbol", null, symbol, halted[symbol]
                    ? CommandCodec.Encode(new HaltSymbol(symbol), buffer) : CommandCodec.Encode(new ResumeSymbol(symbol), buffer));
            }
        }
        return inputs;
    }

    /// <summary>A fresh engine with inputs 1..<paramref name="toSequence"/> applied, as the live engine applied them.</summary>
    public static MatchingEngine<DiscardOutput> EngineAt(IReadOnlyList<Input> inputs, long toSequence)
    {
        var engine = new MatchingEngine<DiscardOutput>(Config, default);
        for (int i = 0; i < toSequence; i++) Apply(engine, inputs[i].Payload, i + 1);
        return engine;
    }

    public static void Apply(MatchingEngine<DiscardOutput> engine, byte[] payload, long sequence)
    {
        engine.Apply(sequence, TimestampOf(sequence), payload);
    }
}

/// <summary>A journal directory (deleted on dispose) written from inputs, with the engine's state hash after each.</summary>
public sealed class TestJournal : IDisposable
{
    public const long SegmentSize = 16 << 10;

    /// <summary>What a crash in the middle of the last record leaves: the segment cut <paramref name="bytes"/> before
    /// that record's end. (The writer keeps the file longer than its records, so the file's end is not the record's.)</summary>
    public void TearLastRecord(int bytes = 12)
    {
        long end = 0;
        using (var reader = JournalReader.Open(Directory))
            while (reader.TryRead(out var record) == ReadStatus.Record)
                end = record.Offset + JournalFormat.Aligned(JournalFormat.RecordHeaderLength + record.Payload.Length);
        using var file = File.OpenHandle(Segments[^1], FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.SetLength(file, end - bytes);
    }

    public TestJournal(IReadOnlyList<Input> inputs, long snapshotAt = 0, string? directory = null)
    {
        Directory = directory ?? Path.Combine(Path.GetTempPath(), "replay-tests-" + Guid.NewGuid().ToString("N"));
        Inputs = inputs;
        Hashes = new long[inputs.Count + 1];
        EngineConfigFile.Write(Directory, Workload.Config);
        var engine = new MatchingEngine<DiscardOutput>(Workload.Config, default);
        Hashes[0] = engine.StateHash();
        var options = new JournalOptions
        {
            Directory = Directory, SegmentSize = SegmentSize, IndexInterval = 1024, Durability = Durability.None, MaxRecordLength = 4096,
        };
        using var writer = JournalWriter.Open(options, out _);
        for (int i = 0; i < inputs.Count; i++)
        {
            long sequence = i + 1;
            byte[] payload = inputs[i].Payload;
            int template = CommandCodec.TemplateOf(payload);
            writer.Append(sequence, Workload.TimestampOf(sequence), (ushort)(template < 0 ? 0 : template), 0, payload);
            Workload.Apply(engine, payload, sequence);
            Hashes[sequence] = engine.StateHash();
            if (sequence == snapshotAt)
                new SnapshotStore(StateRebuild.SnapshotDirectory(Directory)).Write(sequence, Hashes[sequence], s => engine.Capture().WriteTo(s));
        }
    }

    public string Directory { get; }
    public IReadOnlyList<Input> Inputs { get; }
    /// <summary>State hash after each sequence; [0] is the empty engine's.</summary>
    public long[] Hashes { get; }
    public long LastSequence => Inputs.Count;
    public long FinalHash => Hashes[^1];

    public List<string> Segments => SegmentDirectory.List(Directory).Select(s => s.Path).ToList();

    public static string Hex(long hash) => hash.ToString("x16");

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
