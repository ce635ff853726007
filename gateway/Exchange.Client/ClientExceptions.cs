// Failures of Connect: a shard refused the logon. (A shard that does not answer in time is a TimeoutException.)
namespace Exchange.Client;

public sealed class LogonRejectedException(int shard, string channel, LogonRejectReason reason, string text)
    : Exception($"shard {shard} ({channel}) refused the logon: {reason}: {text}")
{
    public int Shard { get; } = shard;
    public string Channel { get; } = channel;
    public LogonRejectReason Reason { get; } = reason;
    public string Text { get; } = text;
}
