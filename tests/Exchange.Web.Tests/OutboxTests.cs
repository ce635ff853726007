// A connection's writer and the engine thread's conflation: a subscription marked for a snapshot while its writer sits
// drained and waiting still gets its resync. The engine thread checks the queue and then marks the subscription; the
// writer may drain the queue and look for marks in between, and then waits for a frame that may never come.
namespace Exchange.Web.Tests;

public sealed class OutboxTests
{
    [Fact]
    public async Task A_subscription_marked_for_a_snapshot_while_its_writer_waits_drained_wakes_the_writer()
    {
        // ConflateAbove 0: every increment finds the queue "too long", so the mark comes with the queue empty, as in the
        // interleaving above.
        var c = new WebConnection("127.0.0.1", new WebLimits { QueueFrames = 16, ConflateAbove = 0 });
        var book = new Subscription(c, "book", Markets.BtcUsd(), 10, null);
        // The writer, drained, found nothing marked and waits.
        Assert.Null(c.Outbox.Next(out _));
        Assert.False(c.HasDirty);
        var waiting = c.Outbox.WaitAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        EngineDoor.Send(book, [1], conflatable: true);
        Assert.True(book.Dirty);
        Assert.True(c.HasDirty);
        Assert.Equal(0, c.Outbox.PublicCount);
        // Woken with nothing to send, it looks again and finds the mark (it then posts the resync).
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(c.Outbox.Next(out _));

        // Marked once: further increments are skipped without waking it again.
        EngineDoor.Send(book, [2], conflatable: true);
        Assert.False(c.Outbox.WaitAsync(CancellationToken.None).IsCompleted);
    }
}
