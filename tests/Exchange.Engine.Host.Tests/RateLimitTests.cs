// Rate limits in the engine process: a session's flood guard before sequencing (refused commands never reach the
// journal), and an account's order-entry limit from the shard config, enforced by the engine itself in sequencer time
// (its rejects are sequenced, so a replay rejects the same inputs).
using Exchange.Contract;
using Exchange.Engine.Tests;
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public sealed class RateLimitTests
{
    private static readonly long Opening = Harness.OpeningCommands;

    [Fact]
    public void A_session_over_its_command_rate_is_refused_before_sequencing_until_the_rate_lets_it_in_again()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions
        {
            JournalDirectory = dir.Path, Durability = Durability.None, SessionCommandsPerSecond = 10, SessionCommandBurst = 3,
        });
        h.LogOn(1, "mm-1001-key");
        h.LogOn(2, "mm-1002-key");
        h.Work();
        for (int i = 1; i <= 5; i++) h.Engine.OnMessage(1, Client.Limit(1001, i, Side.Buy, 59_000 - i));
        h.Work();
        var rejects = h.Links.Received(1).OfTemplate(CommandRejectedDecoder.TemplateId).Select(Read.Rejected).ToList();
        Assert.Equal([(CommandKind.NewOrder, 1001L, 4L, RejectReason.RateLimited, 0L), (CommandKind.NewOrder, 1001L, 5L, RejectReason.RateLimited, 0L)], rejects);
        // Three sequenced and journaled; the refused two never were.
        Assert.Equal(Opening + 3, h.Engine.LastSequence);
        Assert.Equal(Opening + 3, Read.Journal(dir.Path).Count);
        // Another session is not held back by this one's flood.
        h.Engine.OnMessage(2, Client.Limit(1002, 1, Side.Sell, 61_000));
        Assert.Equal(Opening + 4, h.Engine.LastSequence);
        // A cancel counts as well (the guard is for everything a session sends); 100 ms later one more gets in.
        h.Engine.OnMessage(1, Client.Cancel(1001, 1));
        Assert.Equal(RejectReason.RateLimited, Read.Rejected(h.Links.Received(1).Last()).Reason);
        h.Work(100_000_000);
        h.Engine.OnMessage(1, Client.Cancel(1001, 1));
        Assert.Equal(Opening + 5, h.Engine.LastSequence);
        Assert.False(h.Engine.TryGetOrder(1001, 1, out _));
    }

    [Fact]
    public void An_accounts_order_limit_from_the_config_is_the_engines_and_its_rejects_are_sequenced()
    {
        var config = new ShardConfig();
        config.Accounts[0] = config.Accounts[0] with { OrdersPerSecond = 1, OrderBurst = 2 };
        Assert.Equal(1001, config.Accounts[0].Id);
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.None }, config);
        h.LogOn(1, "mm-1001-key");
        h.LogOn(2, "mm-1002-key");
        h.Work();
        for (int i = 1; i <= 3; i++) h.Engine.OnMessage(1, Client.Limit(1001, i, Side.Buy, 59_000 - i));
        for (int i = 1; i <= 3; i++) h.Engine.OnMessage(2, Client.Limit(1002, i, Side.Buy, 58_000 - i));
        h.Work();
        var reject = Assert.Single(h.Links.Received(1).OfTemplate(CommandRejectedDecoder.TemplateId).Select(Read.Rejected));
        // The engine's reject: sequenced (its sequence is the input's) and journaled, so a replay rejects it too.
        Assert.Equal((CommandKind.NewOrder, 1001L, 3L, RejectReason.RateLimited, Opening + 3), reject);
        Assert.Empty(h.Links.Received(2).OfTemplate(CommandRejectedDecoder.TemplateId));
        Assert.Equal(Opening + 6, h.Engine.LastSequence);
        Assert.Equal(Opening + 6, Read.Journal(dir.Path).Count);
        // The state a restart rebuilds (from the shutdown snapshot) has the same limit, standing at the same place.
        long hash = h.Engine.StateHash();
        h.Engine.Shutdown();
        h.Reopen();
        Assert.Equal(hash, h.Engine.StateHash());
    }
}
