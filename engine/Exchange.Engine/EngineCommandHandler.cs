// Applies decoded commands (CommandCodec.Decode) to a matching engine, each with the sequence and timestamp the
// sequencer gave its message.
namespace Exchange.Engine;

/// <summary>Applies decoded commands to an engine with the sequence and timestamp the sequencer gave the message.</summary>
public struct EngineCommandHandler<TOutput>(MatchingEngine<TOutput> engine, long sequence, long timestamp) : ICommandHandler
    where TOutput : IEngineOutput
{
    public readonly void On(in AddAccount c) => engine.Apply(sequence, timestamp, c);
    public readonly void On(in AddSymbol c) => engine.Apply(sequence, timestamp, c);
    public readonly void On(in HaltSymbol c) => engine.Apply(sequence, timestamp, c);
    public readonly void On(in ResumeSymbol c) => engine.Apply(sequence, timestamp, c);
    public readonly void On(in Deposit c) => engine.Apply(sequence, timestamp, c);
    public readonly void On(in Withdraw c) => engine.Apply(sequence, timestamp, c);
    public readonly void On(in NewOrder c) => engine.Apply(sequence, timestamp, c);
    public readonly void On(in CancelOrder c) => engine.Apply(sequence, timestamp, c);
    public readonly void On(in ReplaceOrder c) => engine.Apply(sequence, timestamp, c);
    public readonly void On(in MassCancel c) => engine.Apply(sequence, timestamp, c);
}
