// The stage clock: sampled order-entry commands timed from receipt through sequencing, journaling, matching,
// durability and sending; a command refused before sequencing is not a sample; under batch durability a command's
// responses wait for the group commit, and that wait is the durable stage.
using Exchange.Contract;
using Exchange.Engine.Tests;
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public sealed class StageClockTests
{
    private static Dictionary<string, long[]> Parse(string line)
    {
        var stages = new Dictionary<string, long[]>();
        foreach (string word in line.Split(' ').Skip(1))
        {
            var (key, value) = (word[..word.IndexOf('=')], word[(word.IndexOf('=') + 1)..]);
            stages[key] = [.. value.Split('/').Select(long.Parse)];
        }
        return stages;
    }

    [Fact]
    public void Every_sampled_command_is_timed_through_each_stage_and_its_responses_wait_for_the_group_commit()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.Batch, StageSampleEvery = 1 });
        h.LogOn(1, "mm-1001-key");
        h.Work();
        for (int i = 1; i <= 20; i++)
        {
            h.Engine.OnMessage(1, Client.Limit(1001, i, Side.Buy, 59_000 - i));
            if (i % 5 == 0)
            {
                Thread.Sleep(2); // the responses wait at least this long for the group commit
                h.Work();
            }
        }
        h.Engine.OnMessage(1, Client.Limit(1002, 99, Side.Buy, 59_000)); // another account's: refused, not sequenced
        h.Engine.OnMessage(1, Client.Limit(1001, 98, Side.Buy, 59_000)); // sampled, sent at the next commit
        h.Work();

        var stages = Parse(h.Engine.StageReport());
        Assert.Equal(1, stages["every"][0]);
        Assert.Equal(21, stages["samples"][0]);
        Assert.Equal(0, stages["dropped"][0]);
        foreach (string stage in new[] { "sequenced", "journaled", "matched", "durable", "sent" })
        {
            var (p50, p90, p99, max) = (stages[stage][0], stages[stage][1], stages[stage][2], stages[stage][3]);
            Assert.True(0 <= p50 && p50 <= p90 && p90 <= p99 && p99 <= max, $"{stage}: {string.Join('/', stages[stage])}");
        }
        // Most sampled commands waited for a later DoWork's fsync, after at least a 2 ms sleep.
        Assert.True(stages["durable"][0] >= 1_000_000, $"durable p50 {stages["durable"][0]} ns");
        Assert.True(stages["matched"][3] > 0);
        // Each sample's own total, received to sent: at least its longest stage, at most all of them at their worst,
        // and ordered like any distribution.
        var totals = stages["total"];
        Assert.True(0 <= totals[0] && totals[0] <= totals[1] && totals[1] <= totals[2] && totals[2] <= totals[3], string.Join('/', totals));
        string[] all = ["sequenced", "journaled", "matched", "durable", "sent"];
        Assert.True(totals[0] >= stages["durable"][0], $"total p50 {totals[0]} ns below the durable stage's {stages["durable"][0]} ns");
        Assert.True(totals[3] >= all.Max(stage => stages[stage][3]));
        Assert.True(totals[3] <= all.Sum(stage => stages[stage][3]));
    }

    [Fact]
    public void Sampled_commands_come_at_varying_intervals_that_average_the_setting()
    {
        // A fixed interval fell in step with the page boundaries of commands that all write the same bytes; the
        // intervals are drawn from 1..127 for a setting of 64.
        var clock = new StageClock(64);
        var gaps = new List<long>();
        long last = 0;
        for (long command = 1; command <= 64_000; command++)
        {
            clock.Received();
            clock.Sequenced(command);
            clock.Journaled();
            clock.Matched();
            clock.Durable(command);
            clock.Sent();
            if (clock.Samples > gaps.Count)
            {
                gaps.Add(command - last);
                last = command;
            }
        }
        Assert.InRange(gaps.Count, 900, 1100);
        Assert.InRange(gaps.Min(), 1, 8);
        Assert.InRange(gaps.Max(), 120, 127);
        Assert.True(gaps.Distinct().Count() > 100, $"{gaps.Distinct().Count()} distinct intervals");
        // The same seed each run: the same commands are sampled.
        var again = new StageClock(64);
        long first = 0;
        for (long command = 1; first == 0; command++)
        {
            again.Received();
            again.Sequenced(command);
            again.Journaled();
            again.Matched();
            again.Durable(command);
            again.Sent();
            if (again.Samples == 1) first = command;
        }
        Assert.Equal(gaps[0], first);
    }

    [Fact]
    public void With_sampling_off_nothing_is_timed()
    {
        using var h = new Harness(new EngineServiceOptions { StageSampleEvery = 0 });
        h.LogOn(1, "mm-1001-key");
        for (int i = 1; i <= 10; i++) h.Engine.OnMessage(1, Client.Limit(1001, i, Side.Buy, 59_000 - i));
        h.Work();
        Assert.StartsWith("stages every=0 samples=0 dropped=0 ", h.Engine.StageReport());
    }
}
