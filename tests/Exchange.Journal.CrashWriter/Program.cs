// exchange-crash-writer DIRECTORY none|batch|always SEED COUNT [SEGMENT-SIZE]: appends CrashPayload records
// to a journal in small random batches and, after each Commit that moves DurableSequence, prints
// "durable N" (flushed), so a test can SIGKILL it at any moment and hold recovery to what it acknowledged.
using Exchange.Journal;
using Exchange.Journal.CrashWriter;

if (args.Length is < 4 or > 5)
{
    Console.Error.WriteLine("usage: exchange-crash-writer DIRECTORY none|batch|always SEED COUNT [SEGMENT-SIZE]");
    return 2;
}
var options = new JournalOptions
{
    Directory = args[0],
    Durability = Enum.Parse<Durability>(args[1], ignoreCase: true),
    SegmentSize = args.Length > 4 ? long.Parse(args[4]) : 64 << 10,
    MaxRecordLength = 16 << 10,
    IndexInterval = 1 << 10,
};
var random = new Random(int.Parse(args[2]));
long count = long.Parse(args[3]);

using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
using var writer = JournalWriter.Open(options, out var report);
stdout.WriteLine($"opened {report.LastSequence}");
Span<byte> payload = stackalloc byte[CrashPayload.MaxLength];
long durable = writer.DurableSequence;
long sequence = writer.LastSequence + 1;
long end = writer.LastSequence + count;
while (sequence <= end)
{
    int batch = random.Next(1, 17);
    for (int i = 0; i < batch && sequence <= end; i++, sequence++)
    {
        var bytes = payload[..CrashPayload.Length(sequence)];
        CrashPayload.Fill(sequence, bytes);
        writer.Append(sequence, CrashPayload.Timestamp(sequence), CrashPayload.Type(sequence), CrashPayload.Version(sequence), bytes);
    }
    writer.Commit();
    writer.DoWork();
    if (writer.DurableSequence != durable)
    {
        durable = writer.DurableSequence;
        stdout.WriteLine($"durable {durable}");
    }
}
writer.Flush();
stdout.WriteLine($"durable {writer.DurableSequence}");
stdout.WriteLine("done");
return 0;
