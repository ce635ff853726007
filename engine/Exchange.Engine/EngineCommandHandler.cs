// The one way a journaled input becomes state: its SBE message, decoded to a command and applied with the sequence
// and timestamp the sequencer gave it. The live engine calls it right after journaling; recovery, standbys, the
// exporter and the replay tool call it for each record they read. Nothing else applies commands from bytes.
using Exchange.Sbe;

namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    /// <summary>Applies one journaled input. A message that is not a well-formed command changes nothing and comes
    /// back as its <see cref="SbeError"/> (the live engine never journals one; replay counts and skips it).</summary>
    public SbeError Apply(long sequence, long timestamp, ReadOnlySpan<byte> message)
    {
        var handler = new EngineCommandHandler<TOutput>(this, sequence, timestamp);
        return CommandCodec.Decode(message, ref handler);
    }
}

/// <summary>Applies decoded commands to an engine with the sequence and timestamp the sequencer gave the message
/// (also for callers that hold typed commands and want CommandCodec's dispatch, as the book benchmark does).</summary>
public readonly struct EngineCommandHandler<TOutput>(MatchingEngine<TOutput> engine, long sequence, long timestamp) : ICommandHandler
    where TOutput : IEngineOutput
{
    public void On(in AddAccount c) => engine.Apply(sequence, timestamp, c);
    public void On(in AddSymbol c) => engine.Apply(sequence, timestamp, c);
    public void On(in HaltSymbol c) => engine.Apply(sequence, timestamp, c);
    public void On(in ResumeSymbol c) => engine.Apply(sequence, timestamp, c);
    public void On(in Deposit c) => engine.Apply(sequence, timestamp, c);
    public void On(in Withdraw c) => engine.Apply(sequence, timestamp, c);
    public void On(in SetAccountPermission c) => engine.Apply(sequence, timestamp, c);
    public void On(in NewOrder c) => engine.Apply(sequence, timestamp, c);
    public void On(in CancelOrder c) => engine.Apply(sequence, timestamp, c);
    public void On(in ReplaceOrder c) => engine.Apply(sequence, timestamp, c);
    public void On(in MassCancel c) => engine.Apply(sequence, timestamp, c);
    public void On(in LeaderTerm c) => engine.Apply(sequence, timestamp, c);
    public void On(in ExpireOrders c) => engine.Apply(sequence, timestamp, c);
}
